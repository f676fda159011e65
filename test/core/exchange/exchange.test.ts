import { describe, expect, it } from 'vitest';
import { exchange, LIFETIME_SECONDS, packedPercent, sessionName, type ExchangeFacts } from '../../../src/core/exchange/index.js';
import type { PolicyDocument } from '../../../src/core/iam/types.js';
import type { Association, Cluster, Role } from '../../../src/core/model.js';
import { claimsFromPod, type TokenCheckResult } from '../../../src/core/token/index.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const UUID = '0f8e7d6c-5b4a-4392-8a1b-0c2d3e4f5a6b';
const ACCT = '111122223333';
const OTHER = '444455556666';
const CLUSTER: Cluster = { name: 'demo', arn: `arn:aws:eks:us-west-2:${ACCT}:cluster/demo`, accountId: ACCT, region: 'us-west-2', partition: 'aws', status: 'ACTIVE', oidcIssuer: 'https://oidc.example/id/X', autoMode: false };
const ROLE_ARN = `arn:aws:iam::${ACCT}:role/teams/apps/web`;
const TARGET_ARN = `arn:aws:iam::${OTHER}:role/target`;

const scopedTrust = (namespace = 'apps', actions: string[] = ['sts:AssumeRole', 'sts:TagSession']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{
    Sid: 'PodIdentityWeb', Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: actions,
    Condition: { StringEquals: { 'aws:SourceAccount': ACCT, 'aws:RequestTag/eks-cluster-arn': CLUSTER.arn, 'aws:RequestTag/kubernetes-namespace': namespace, 'aws:RequestTag/kubernetes-service-account': 'web' } },
  }],
});

const role = (over: Partial<Role> = {}): Role => ({
  arn: ROLE_ARN, name: 'web', path: '/teams/apps/', roleId: 'AROAWEB', accountId: ACCT, trustPolicy: scopedTrust(), inlinePolicies: [], attachedPolicies: [], tags: {}, maxSessionDuration: 3600, ...over,
});

const association = (over: Partial<Association> = {}): Association => ({
  associationId: 'a-web', associationArn: `arn:aws:eks:us-west-2:${ACCT}:podidentityassociation/demo/a-web`, clusterName: 'demo', namespace: 'apps', serviceAccount: 'web',
  roleArn: ROLE_ARN, disableSessionTags: false, tags: {}, createdAt: '2026-11-01T00:00:00Z', modifiedAt: '2026-11-01T00:00:00Z', ...over,
});

const facts = (a: Association[] = [association()], roles: [string, Role | null][] = [[ROLE_ARN, role()]], over: Partial<ExchangeFacts> = {}): ExchangeFacts => ({ cluster: CLUSTER, associations: a, roles: new Map(roles), ...over });
const token = (namespace = 'apps', sa = 'web', pod = 'web-6d4cf56db6-x7k2p'): TokenCheckResult => claimsFromPod({ namespace, name: pod, uid: 'pod-uid-1', serviceAccount: { name: sa, uid: 'sa-uid' }, nodeName: 'node-1' });
const run = (f: ExchangeFacts, t: TokenCheckResult = token(), clusterName?: string) => exchange(t, f, { now: NOW, sessionId: UUID, clusterName });

const chainSource = (identity?: PolicyDocument) =>
  role({ inlinePolicies: identity ? [{ name: 'chain', document: identity }] : [] });
const chainIdentity: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'ChainToTarget', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: TARGET_ARN }] };
const targetTrust = (externalId?: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'FromWebRole', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: externalId ? 'sts:AssumeRole' : ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE_ARN }, ...(externalId ? { StringEquals: { 'sts:ExternalId': externalId } } : { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'apps' } }) },
    },
    ...(externalId ? [{ Sid: 'Tag', Effect: 'Allow' as const, Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:TagSession', Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE_ARN } } }] : []),
  ],
});
const target = (trust: PolicyDocument): Role => ({ ...role(), arn: TARGET_ARN, name: 'target', path: '/', roleId: 'AROATARGET', accountId: OTHER, trustPolicy: trust });

describe('exchange: success', () => {
  it('returns the exact AssumeRoleForPodIdentity response shape with credentials redacted', () => {
    const r = run(facts());
    expect(r.outcome.ok).toBe(true);
    if (!r.outcome.ok) return;
    const name = `eks-demo-web-6d4cf56db6-x7k2p-${UUID}`.slice(0, 64);
    expect(r.outcome.response).toEqual({
      subject: { namespace: 'apps', serviceAccount: 'web' },
      audience: 'pods.eks.amazonaws.com',
      podIdentityAssociation: { associationArn: association().associationArn, associationId: 'a-web' },
      assumedRoleUser: { arn: `arn:aws:sts::${ACCT}:assumed-role/web/${name}`, assumeRoleId: `AROAWEB:${name}` },
      credentials: { sessionToken: '<redacted>', secretAccessKey: '<redacted>', accessKeyId: '<redacted>', expiration: NOW.getTime() / 1000 + 6 * 3600 },
    });
    expect(name).toHaveLength(64);
    expect(r.outcome.lifetimeSeconds).toBe(LIFETIME_SECONDS.direct);
    expect(r.outcome.packedSizePercent).toBe(packedPercent(r.outcome.sessionTags));
    expect(r.steps.find((s) => s.id === 'session')?.detail).toContain(`packed size about ${r.outcome.packedSizePercent}% of STS's limit (podid's estimate)`);
    expect(r.outcome.sessionTags).toEqual({
      'eks-cluster-arn': CLUSTER.arn, 'eks-cluster-name': 'demo', 'kubernetes-namespace': 'apps', 'kubernetes-service-account': 'web', 'kubernetes-pod-name': 'web-6d4cf56db6-x7k2p', 'kubernetes-pod-uid': 'pod-uid-1',
    });
    expect(r.steps.map((s) => [s.id, s.status])).toEqual([['cluster', 'ok'], ['token', 'skip'], ['association', 'ok'], ['role', 'ok'], ['trust', 'ok'], ['session', 'ok'], ['credentials', 'ok']]);
    expect(r.steps.find((s) => s.id === 'trust')?.decidedBy).toBe('policy "trust policy of role/web" statement #0 (Sid "PodIdentityWeb")');
    expect(r.explanation).toMatch(/statement #0 \(Sid "PodIdentityWeb"\) allows sts:AssumeRole and sts:TagSession/);
    expect(r.session?.assumedRoleArn).toBe(r.outcome.response.assumedRoleUser.arn);
  });

  it('session names keep short names whole and cut long ones at 64', () => {
    expect(sessionName('c', 'p', 'u')).toBe('eks-c-p-u');
    expect(sessionName('a-very-long-cluster-name', 'a-very-long-pod-name-0123456789', UUID)).toHaveLength(64);
  });

  it('with disableSessionTags only sts:AssumeRole is needed and no tags are sent', () => {
    const r = run(facts([association({ disableSessionTags: true })], [[ROLE_ARN, role({ trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCT } } }] } })]]));
    expect(r.outcome.ok && r.outcome.sessionTags).toEqual({});
    expect(r.steps.find((s) => s.id === 'trust')?.detail).toBe('trust policy of web: sts:AssumeRole allow');
  });

  it('sends aws:SourceOrgId when the organization is known', () => {
    const trust: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceOrgId': 'o-abc' } } }] };
    expect(run(facts(undefined, [[ROLE_ARN, role({ trustPolicy: trust })]])).outcome.ok).toBe(false);
    expect(run(facts(undefined, [[ROLE_ARN, role({ trustPolicy: trust })]], { organizationId: 'o-abc' })).outcome.ok).toBe(true);
  });
});

describe('exchange: every EKS Auth error path', () => {
  const errorOf = (r: ReturnType<typeof run>) => (r.outcome.ok ? undefined : r.outcome.error);

  it('InvalidParameterException for a malformed cluster name', () => {
    expect(errorOf(run(facts(), token(), '-bad/name'))).toMatchObject({ code: 'InvalidParameterException', httpStatus: 400 });
  });

  it('InvalidTokenException and ExpiredTokenException come from the token checks', () => {
    const bad: TokenCheckResult = { claims: {}, checks: [{ id: 'token.audience', status: 'fail', detail: 'aud wrong' }], error: { code: 'InvalidTokenException', message: 'aud wrong', checkId: 'token.audience' } };
    expect(errorOf(run(facts(), bad))).toEqual({ code: 'InvalidTokenException', httpStatus: 400, message: 'aud wrong' });
    const expired: TokenCheckResult = { ...bad, error: { code: 'ExpiredTokenException', message: 'the token expired at …', checkId: 'token.expiry' } };
    expect(errorOf(run(facts(), expired))?.code).toBe('ExpiredTokenException');
  });

  it('ResourceNotFoundException (404) when the service account has no association', () => {
    const r = run(facts(), token('apps', 'api'));
    expect(errorOf(r)).toMatchObject({ code: 'ResourceNotFoundException', httpStatus: 404, message: expect.stringMatching(/No Pod Identity association found for service account apps\/api/) });
    expect(r.explanation).toMatch(/podid associate -c demo -n apps -s api/);
  });

  it('AccessDeniedException when the role does not exist', () => {
    const r = run(facts(undefined, [[ROLE_ARN, null]]));
    expect(errorOf(r)).toMatchObject({ code: 'AccessDeniedException', httpStatus: 400, message: `Role ${ROLE_ARN} does not exist.` });
  });

  it('AccessDeniedException for a cross-account role without targetRoleArn, explaining role chaining', () => {
    const arn = `arn:aws:iam::${OTHER}:role/elsewhere`;
    const r = run(facts([association({ roleArn: arn })], [[arn, { ...role(), arn, accountId: OTHER }]]));
    expect(errorOf(r)?.code).toBe('AccessDeniedException');
    expect(r.explanation).toMatch(/in account 444455556666, not the cluster's account 111122223333/);
    expect(r.explanation).toMatch(/use a same-account role plus targetRoleArn/);
  });

  it('AccessDeniedException when the trust names another namespace, with the failing condition', () => {
    const r = run(facts(undefined, [[ROLE_ARN, role({ trustPolicy: scopedTrust('apps-staging') })]]));
    expect(errorOf(r)?.message).toBe(`pods.eks.amazonaws.com is not authorized to perform sts:AssumeRole on ${ROLE_ARN}`);
    expect(r.explanation).toMatch(/StringEquals aws:RequestTag\/kubernetes-namespace: expected apps-staging, request has apps/);
    expect(r.steps.at(-1)).toMatchObject({ id: 'trust', status: 'fail', decidedBy: 'policy "trust policy of role/web" statement #0 (Sid "PodIdentityWeb")' });
  });

  it('AccessDeniedException when the trust lacks sts:TagSession: names the statement and says TagSession is missing', () => {
    const r = run(facts(undefined, [[ROLE_ARN, role({ trustPolicy: scopedTrust('apps', ['sts:AssumeRole']) })]]));
    expect(errorOf(r)?.message).toMatch(/not authorized to perform sts:TagSession/);
    expect(r.explanation).toMatch(/^sts:TagSession is missing: policy "trust policy of role\/web" statement #0 \(Sid "PodIdentityWeb"\) allows sts:AssumeRole/);
    expect(r.explanation).toMatch(/action sts:TagSession is not in Action \[sts:AssumeRole\]/);
  });

  it('AccessDeniedException when aws:SourceAccount does not match the cluster account', () => {
    const trust: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': '999999999999' } } }] };
    expect(run(facts(undefined, [[ROLE_ARN, role({ trustPolicy: trust })]])).explanation).toMatch(/aws:SourceAccount: expected 999999999999, request has 111122223333/);
  });

  it('AccessDeniedException for a malformed role ARN instead of a crash', () => {
    expect(errorOf(run(facts([association({ roleArn: 'not-an-arn' })], [])))?.message).toMatch(/not-an-arn is not a valid IAM role ARN/);
  });
});

describe('exchange: targetRoleArn chaining', () => {
  const chained = (over: Partial<Association> = {}) => association({ targetRoleArn: TARGET_ARN, ...over });

  it('a correct chain returns the target role session, 59 min credentials', () => {
    const r = run(facts([chained()], [[ROLE_ARN, chainSource(chainIdentity)], [TARGET_ARN, target(targetTrust())]]));
    expect(r.outcome.ok).toBe(true);
    if (!r.outcome.ok) return;
    expect(r.outcome.response.assumedRoleUser.arn).toMatch(new RegExp(`^arn:aws:sts::${OTHER}:assumed-role/target/eks-demo-`));
    expect(r.outcome.response.assumedRoleUser.assumeRoleId).toMatch(/^AROATARGET:eks-demo-/);
    expect(r.outcome.lifetimeSeconds).toBe(LIFETIME_SECONDS.targetRole);
    expect(r.session?.sourceRoleArn).toBe(ROLE_ARN);
    expect(r.steps.find((s) => s.id === 'target')).toMatchObject({ status: 'ok', decidedBy: 'policy "trust policy of role/target" statement #0 (Sid "FromWebRole")' });
  });

  it('denied when the source role may not sts:AssumeRole the target', () => {
    const r = run(facts([chained()], [[ROLE_ARN, chainSource()], [TARGET_ARN, target(targetTrust())]]));
    expect(r.outcome.ok ? undefined : r.outcome.error.code).toBe('AccessDeniedException');
    expect(r.explanation).toMatch(/the policies of role web do not allow sts:AssumeRole on arn:aws:iam::444455556666:role\/target/);
  });

  it('with tags disabled, the target trust checks sts:ExternalId against the association', () => {
    const assumeOnly: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCT } } }] };
    const chainSource = (identity: PolicyDocument) => role({ trustPolicy: assumeOnly, inlinePolicies: [{ name: 'chain', document: identity }] });
    const ok = run(facts([chained({ disableSessionTags: true, externalId: 'us-west-2/111122223333/demo/apps/web' })], [[ROLE_ARN, chainSource(chainIdentity)], [TARGET_ARN, target(targetTrust('us-west-2/111122223333/demo/apps/web'))]]));
    expect(ok.outcome.ok).toBe(true);
    const bad = run(facts([chained({ disableSessionTags: true, externalId: 'something-else' })], [[ROLE_ARN, chainSource(chainIdentity)], [TARGET_ARN, target(targetTrust('us-west-2/111122223333/demo/apps/web'))]]));
    expect(bad.outcome.ok).toBe(false);
    expect(bad.explanation).toMatch(/trust policy of role\/target does not allow sts:AssumeRole/);
    expect(bad.explanation).toMatch(/sts:ExternalId: expected us-west-2\/111122223333\/demo\/apps\/web, request has something-else/);
  });

  it('a missing target role is AccessDenied; an unreadable one is a warning', () => {
    expect(run(facts([chained()], [[ROLE_ARN, chainSource(chainIdentity)], [TARGET_ARN, null]])).explanation).toBe(`Target role ${TARGET_ARN} does not exist.`);
    const r = run(facts([chained()], [[ROLE_ARN, chainSource(chainIdentity)]]));
    expect(r.outcome.ok).toBe(true);
    expect(r.steps.find((s) => s.id === 'target')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/could not be read/) });
  });
});

describe('session size', () => {
  it('estimates the packed size and warns when tags + session policy are big', () => {
    const tags = { 'eks-cluster-arn': CLUSTER.arn, 'kubernetes-namespace': 'apps' };
    expect(packedPercent(tags)).toBe(Math.round(((15 + CLUSTER.arn.length + 20 + 4) / 346) * 100));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(400)}/*` }] });
    const r = run(facts([association({ policy })]));
    expect(r.steps.find((s) => s.id === 'session')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/of STS's packed-size limit by podid's estimate/) });
    expect(r.outcome.ok && r.outcome.warnings?.join(' ')).toMatch(/requires disableSessionTags with a session policy/);
  });
});
