// Generators for the differential test (podid evaluator vs @cloud-copilot/iam-simulate).
// A small vocabulary of real actions, ARNs and global condition keys that iam-simulate accepts.
import fc from 'fast-check';
import type { AuthorizationInput, PolicyDocument, Principal, Statement } from '../../../src/core/iam/index.js';

export const ACCT = '111122223333';
export const OTHER = '444455556666';
export const SESSION = `arn:aws:sts::${ACCT}:assumed-role/podid-app/eks-prod-app-1234`;
export const USER = `arn:aws:iam::${ACCT}:user/alice`;
export const OTHER_SESSION = `arn:aws:sts::${OTHER}:assumed-role/ci-runner/build-7`;
export const ROLE = `arn:aws:iam::${ACCT}:role/podid-app`;
export const TARGET = `arn:aws:iam::${OTHER}:role/target`;
export const CLUSTER = `arn:aws:eks:us-west-2:${ACCT}:cluster/prod`;

/** action → resources valid for it (iam-simulate checks the ARN against the action's resource types). */
export const ACTIONS: Record<string, string[]> = {
  's3:GetObject': ['arn:aws:s3:::shared-bucket/team-a/config.json', 'arn:aws:s3:::shared-bucket/team-b/config.json', 'arn:aws:s3:::other-bucket/team-a/x.txt'],
  's3:PutObject': ['arn:aws:s3:::shared-bucket/team-a/out.json', 'arn:aws:s3:::shared-bucket/Team-A/out.json'],
  's3:ListBucket': ['arn:aws:s3:::shared-bucket', 'arn:aws:s3:::other-bucket'],
  'secretsmanager:GetSecretValue': [`arn:aws:secretsmanager:us-west-2:${ACCT}:secret:prod/team-a/db-AbCdEf`, `arn:aws:secretsmanager:us-west-2:${ACCT}:secret:prod/team-b/db-XyZ123`],
  'dynamodb:GetItem': [`arn:aws:dynamodb:us-west-2:${ACCT}:table/orders`],
  'sts:AssumeRole': [ROLE, TARGET],
  'sts:TagSession': [ROLE, TARGET],
};

const ACTION_PATTERNS = ['s3:GetObject', 'S3:getobject', 's3:Get*', 's3:*', '*', 's3:?etObject', 's3:PutObject', 's3:List*', 'sts:AssumeRole', 'sts:TagSession', 'sts:*', 'secretsmanager:GetSecretValue', 'dynamodb:*', 'dynamodb:GetItem'];
const RESOURCE_PATTERNS = [
  '*',
  'arn:aws:s3:::shared-bucket/*',
  'arn:aws:s3:::shared-bucket',
  'arn:aws:s3:::*',
  'arn:aws:s3:::shared-bucket/${aws:PrincipalTag/kubernetes-namespace}/*',
  "arn:aws:s3:::shared-bucket/${aws:PrincipalTag/team, 'team-a'}/*",
  'arn:aws:s3:::shared-bucket/team-?/*',
  'arn:aws:s3:::Shared-bucket/*',
  'arn:aws:s3:::other-bucket/team-a/x.txt',
  `arn:aws:iam::${ACCT}:role/podid-app`,
  'arn:aws:iam::*:role/*',
  `arn:aws:iam::${ACCT}:role/podid-?pp`,
  `arn:aws:iam::${OTHER}:role/target`,
  'arn:aws:secretsmanager:*:*:secret:prod/${aws:PrincipalTag/kubernetes-namespace}/*',
  `arn:aws:secretsmanager:us-west-2:${ACCT}:secret:prod/*`,
  `arn:aws:dynamodb:us-west-2:${ACCT}:table/orders`,
  'arn:aws:dynamodb:*:*:table/${aws:username}',
];

type KeyType = 'String' | 'Array' | 'Date' | 'Ip' | 'Bool' | 'Numeric' | 'Arn';
interface KeySpec { key: string; type: KeyType; policy: string[]; request: string[] }
const STR_POLICY = ['team-a', 'team-b', 'Team-A', 'team-*', 't?am-a', 'prod', ACCT, OTHER, '${aws:PrincipalTag/kubernetes-namespace}', "${aws:PrincipalTag/team, 'team-a'}", '${aws:username}', 'a${*}b', 'alice'];
const STR_REQ = ['team-a', 'team-b', 'TEAM-A', 'prod', 'a*b', 'alice'];
export const KEYS: KeySpec[] = [
  { key: 'aws:RequestTag/kubernetes-namespace', type: 'String', policy: STR_POLICY, request: STR_REQ },
  { key: 'aws:requesttag/kubernetes-namespace', type: 'String', policy: STR_POLICY, request: STR_REQ },
  { key: 'aws:PrincipalTag/kubernetes-namespace', type: 'String', policy: STR_POLICY, request: STR_REQ },
  { key: 'aws:PrincipalTag/team', type: 'String', policy: STR_POLICY, request: STR_REQ },
  { key: 'aws:username', type: 'String', policy: STR_POLICY, request: STR_REQ },
  { key: 'aws:SourceAccount', type: 'String', policy: [ACCT, OTHER, '1111*', '${aws:PrincipalAccount}'], request: [ACCT, OTHER] },
  { key: 'aws:PrincipalAccount', type: 'String', policy: [ACCT, OTHER], request: [ACCT, OTHER] },
  { key: 'aws:TagKeys', type: 'Array', policy: ['kubernetes-namespace', 'eks-cluster-arn', 'kubernetes-*', 'team'], request: ['kubernetes-namespace', 'eks-cluster-arn', 'kubernetes-service-account', 'team'] },
  { key: 'aws:CurrentTime', type: 'Date', policy: ['2024-01-01T00:00:00Z', '2025-06-01T00:00:00Z', '2026-01-01T12:00:00Z'], request: ['2024-01-01T00:00:00Z', '2025-06-01T00:00:00Z', '2026-03-01T00:00:00Z'] },
  { key: 'aws:SourceIp', type: 'Ip', policy: ['10.0.0.0/8', '10.1.2.3', '192.168.0.0/16', '2001:db8::/32', '0.0.0.0/0', '10.1.2.0/24'], request: ['10.1.2.3', '192.168.5.6', '2001:db8::1', '8.8.8.8'] },
  { key: 'aws:SecureTransport', type: 'Bool', policy: ['true', 'false', 'TRUE'], request: ['true', 'false'] },
  { key: 'aws:MultiFactorAuthAge', type: 'Numeric', policy: ['0', '3600', '12.5', '100'], request: ['100', '3600', '7200'] },
  { key: 'aws:PrincipalArn', type: 'Arn', policy: [ROLE, `arn:aws:iam::${ACCT}:role/*`, 'arn:aws:iam::*:role/podid-?pp', 'arn:aws:iam::${aws:PrincipalAccount}:role/podid-app', `arn:aws:iam::${OTHER}:role/ci-runner`], request: [ROLE, `arn:aws:iam::${OTHER}:role/ci-runner`, USER] },
  { key: 'sts:ExternalId', type: 'String', policy: ['ext-1', 'ext-2', 'ext-*'], request: ['ext-1', 'ext-2'] },
  { key: 'aws:SourceArn', type: 'Arn', policy: [CLUSTER, 'arn:aws:eks:*:*:cluster/prod', `arn:aws:eks:us-west-2:${ACCT}:cluster/*`], request: [CLUSTER, `arn:aws:eks:us-west-2:${ACCT}:cluster/dev`] },
];

const OPS: Record<KeyType, string[]> = {
  String: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike', 'BinaryEquals'],
  Array: ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase'],
  Date: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
  Ip: ['IpAddress', 'NotIpAddress'],
  Bool: ['Bool'],
  Numeric: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
  Arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'StringLike'],
};

const one = <T>(xs: T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const oneOrMany = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | T[]> => fc.oneof(a, fc.array(a, { minLength: 1, maxLength: 3 }));

const conditionEntry: fc.Arbitrary<[string, string, string | string[]]> = one(KEYS).chain((k) =>
  fc.tuple(
    fc.oneof({ weight: 9, arbitrary: one(OPS[k.type]) }, { weight: 1, arbitrary: fc.constant('Null') }, { weight: 1, arbitrary: fc.constant('StringEqualz') }),
    fc.constantFrom<string>('', '', '', 'ForAnyValue:', 'ForAllValues:'),
    fc.nat(3).map((n) => n === 0),
    fc.array(one(k.policy), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('true', 'false'),
  ).map(([op, set, ifExists, values, nullValue]): [string, string, string | string[]] => {
    if (op === 'Null') return ['Null', k.key, nullValue];
    if (op === 'StringEqualz') return [op, k.key, values[0]];
    return [`${set}${op}${ifExists ? 'IfExists' : ''}`, k.key, values.length === 1 ? values[0] : values];
  }),
);

const conditionBlock = fc.array(conditionEntry, { maxLength: 2 }).map((entries) => {
  const block: Record<string, Record<string, string | string[]>> = {};
  for (const [op, key, v] of entries) (block[op] ??= {})[key] = v;
  return entries.length ? block : undefined;
});

const identityStatement: fc.Arbitrary<Statement> = fc.record({
  effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Allow', 'Allow', 'Deny'),
  action: oneOrMany(one(ACTION_PATTERNS)),
  useNotAction: fc.integer({ min: 0, max: 9 }),
  resource: oneOrMany(one(RESOURCE_PATTERNS)),
  useNotResource: fc.integer({ min: 0, max: 9 }),
  cond: conditionBlock,
  sid: fc.option(fc.constantFrom('A', 'B'), { nil: undefined }),
}).map((r) => {
  const s: Statement = { Effect: r.effect };
  if (r.sid) s.Sid = r.sid;
  if (r.useNotAction === 0) s.NotAction = r.action; else s.Action = r.action;
  if (r.useNotResource === 0) s.NotResource = r.resource; else s.Resource = r.resource;
  if (r.cond) s.Condition = r.cond;
  return s;
});

export const identityPolicy: fc.Arbitrary<PolicyDocument> = fc.array(identityStatement, { minLength: 1, maxLength: 3 }).map((Statement) => ({ Version: '2012-10-17', Statement }));

const PRINCIPALS = [
  { Service: 'pods.eks.amazonaws.com' },
  { Service: ['ec2.amazonaws.com', 'pods.eks.amazonaws.com'] },
  { Service: 'ec2.amazonaws.com' },
  { AWS: `arn:aws:iam::${ACCT}:root` },
  { AWS: ACCT },
  { AWS: ROLE },
  { AWS: `arn:aws:iam::${ACCT}:role/team/podid-app` },
  { AWS: SESSION },
  { AWS: USER },
  { AWS: '*' },
  { AWS: `arn:aws:iam::${OTHER}:root` },
  { AWS: `arn:aws:iam::${OTHER}:role/ci-runner` },
  { AWS: [USER, `arn:aws:iam::${OTHER}:root`] },
] as const;

const trustStatement: fc.Arbitrary<Statement> = fc.record({
  effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Allow', 'Allow', 'Deny'),
  principal: one([...PRINCIPALS]),
  star: fc.integer({ min: 0, max: 19 }),
  action: oneOrMany(one(['sts:AssumeRole', 'sts:TagSession', 'sts:*', 'sts:Assume*', 's3:GetObject'])),
  cond: conditionBlock,
}).map((r) => {
  const s: Statement = { Effect: r.effect, Principal: r.star === 0 ? '*' : (r.principal as Statement['Principal']), Action: r.action };
  if (r.cond) s.Condition = r.cond;
  return s;
});

export const trustPolicy: fc.Arbitrary<PolicyDocument> = fc.array(trustStatement, { minLength: 1, maxLength: 3 }).map((Statement) => ({ Version: '2012-10-17', Statement }));

const contextArb = (extra: Record<string, string>): fc.Arbitrary<Record<string, string | string[]>> =>
  fc.array(one(KEYS.filter((k) => k.key !== 'aws:requesttag/kubernetes-namespace')), { maxLength: 8 }).chain((keys) =>
    fc.tuple(...keys.map((k) => (k.type === 'Array' ? fc.uniqueArray(one(k.request), { maxLength: 3 }) : one(k.request)))).map((vals) => {
      const ctx: Record<string, string | string[]> = { ...extra };
      keys.forEach((k, i) => { ctx[k.key] = vals[i] as string | string[]; });
      return ctx;
    }),
  );

// sts:ExternalId only exists on sts: requests; iam-simulate drops keys that do not apply to the action.
function withoutStsKeys(ctx: Record<string, string | string[]>): Record<string, string | string[]> {
  const out = { ...ctx };
  delete out['sts:ExternalId'];
  return out;
}

export interface Case { input: AuthorizationInput; simPrincipal: string }

const awsPrincipal = (arn: string): Principal => ({ type: 'aws', arn, accountId: arn.split(':')[4] });

/** Identity-only scenario: identity policies, optional boundary and session policy. */
export const identityCase: fc.Arbitrary<Case> = fc.record({
  action: one(Object.keys(ACTIONS).filter((a) => !a.startsWith('sts:'))),
  resIdx: fc.nat(),
  principal: one([SESSION, USER]),
  policies: fc.array(identityPolicy, { minLength: 1, maxLength: 2 }),
  // A broad conditional Allow, so that allow decisions (and boundary/session limits) are common.
  broad: fc.boolean(),
  broadCondition: conditionBlock,
  boundary: fc.option(identityPolicy, { freq: 4, nil: undefined }),
  session: fc.option(identityPolicy, { freq: 4, nil: undefined }),
  context: contextArb({}),
}).map((r) => {
  const resources = ACTIONS[r.action];
  const input: AuthorizationInput = {
    request: { principal: awsPrincipal(r.principal), action: r.action, resource: resources[r.resIdx % resources.length], context: withoutStsKeys(r.context) },
    identityPolicies: r.policies.map((document, i) => ({ name: `p${i}`, document })),
    resourceAccountId: ACCT,
  };
  if (r.broad) {
    const broad: Statement = { Sid: 'Broad', Effect: 'Allow', Action: '*', Resource: '*' };
    if (r.broadCondition) broad.Condition = r.broadCondition;
    input.identityPolicies?.push({ name: 'broad', document: { Version: '2012-10-17', Statement: [broad] } });
  }
  if (r.boundary) input.permissionsBoundary = { name: 'boundary', document: r.boundary };
  if (r.session && r.principal === SESSION) input.sessionPolicies = [{ name: 'session', document: r.session }];
  return { input, simPrincipal: r.principal };
});

/** Trust scenario: a role trust policy for sts:AssumeRole / sts:TagSession, service or AWS principal. */
export const trustCase: fc.Arbitrary<Case> = fc.record({
  action: one(['sts:AssumeRole', 'sts:TagSession']),
  role: one([ROLE, TARGET]),
  principal: one(['pods.eks.amazonaws.com', 'pods.eks.amazonaws.com', 'ec2.amazonaws.com', SESSION, USER, OTHER_SESSION]),
  trust: trustPolicy,
  identity: fc.option(identityPolicy, { freq: 3, nil: undefined }),
  context: contextArb({}),
}).map((r) => {
  // sts:ExternalId exists only on AssumeRole (not TagSession).
  const context = r.action === 'sts:AssumeRole' ? r.context : withoutStsKeys(r.context);
  const principal: Principal = r.principal.includes(':') ? awsPrincipal(r.principal) : { type: 'service', service: r.principal };
  const input: AuthorizationInput = {
    request: { principal, action: r.action, resource: r.role, context },
    resourcePolicy: { name: 'trust', document: r.trust },
    resourceAccountId: r.role.split(':')[4],
  };
  if (principal.type === 'aws' && r.identity) input.identityPolicies = [{ name: 'id', document: r.identity }];
  return { input, simPrincipal: r.principal };
});
