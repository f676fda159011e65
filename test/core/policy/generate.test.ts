import { describe, expect, it } from 'vitest';
import { authorize, evaluatePolicy, type PolicyDocument, type Statement } from '../../../src/core/iam/index.js';
import {
  abacPolicy,
  ABAC_TEMPLATE_NAMES,
  checkTrustSize,
  lintPolicy,
  mergeTrust,
  multiValuedKeysOf,
  parseWorkloadSpec,
  podIdentityContext,
  statementsEquivalent,
  targetTrustPolicyFor,
  trustPolicyFor,
  trustStatementFor,
  trustStatementsFor,
  type Workload,
} from './api.js';
import { PARTITIONS } from '../../../src/core/arn.js';
import { UsageError } from '../../../src/core/errors.js';
import { bucketNameProblem } from '../../../src/core/policy/abac.js';
import { clusterArnParts, KNOWN_PARTITIONS, requireClusterArn } from '../../../src/core/policy/cluster-arn.js';
import { CASES } from './golden.test.js';
import { CLUSTER, OTHER_CLUSTER } from './helpers.js';

const api: Workload = { clusterArn: CLUSTER, namespace: 'payments', serviceAccount: 'api' };
const ROLE = 'arn:aws:iam::111122223333:role/payments-api';
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** EKS Auth assuming the role for `w` (policies.md §1.3 request context). */
function assume(policy: PolicyDocument, w: Workload, action = 'sts:AssumeRole', context = podIdentityContext(w)) {
  return evaluatePolicy({ name: 'trust', document: policy }, { principal: { type: 'service', service: 'pods.eks.amazonaws.com' }, action, resource: ROLE, context }, 'trust').decision;
}

describe('trust generation, verified with the evaluator', () => {
  const policy = trustPolicyFor([api, { ...api, serviceAccount: 'worker' }]).policy;

  it('allows exactly the listed tuples, both actions', () => {
    expect(assume(policy, api)).toBe('allow');
    expect(assume(policy, api, 'sts:TagSession')).toBe('allow');
    expect(assume(policy, { ...api, serviceAccount: 'worker' })).toBe('allow');
  });

  it.each([
    ['a neighbour service account', { ...api, serviceAccount: 'admin' }],
    ['a neighbour namespace', { ...api, namespace: 'billing' }],
    ['the same name in another region', { ...api, clusterArn: OTHER_CLUSTER }],
    ['another account', { ...api, clusterArn: 'arn:aws:eks:us-west-2:999988887777:cluster/prod' }],
  ])('denies %s', (_what, w) => {
    expect(assume(policy, w as Workload)).toBe('implicit-deny');
  });

  it('denies another service principal and an AWS principal', () => {
    const ec2 = evaluatePolicy({ name: 't', document: policy }, { principal: { type: 'service', service: 'ec2.amazonaws.com' }, action: 'sts:AssumeRole', resource: ROLE, context: podIdentityContext(api) }, 'trust');
    expect(ec2.decision).toBe('implicit-deny');
    const user = authorize({ request: { principal: { type: 'aws', arn: 'arn:aws:iam::111122223333:user/x', accountId: '111122223333' }, action: 'sts:AssumeRole', resource: ROLE, context: podIdentityContext(api) }, resourcePolicy: { name: 't', document: policy } });
    expect(user.decision).not.toBe('allow');
  });

  it('namespace scope admits every SA of the namespace but not other namespaces', () => {
    const ns = trustPolicyFor([api], { scope: 'namespace' }).policy;
    expect(assume(ns, { ...api, serviceAccount: 'anything' })).toBe('allow');
    expect(assume(ns, { ...api, namespace: 'other' })).toBe('implicit-deny');
  });

  it('session tags off: no aws:RequestTag condition, still matches when EKS sends no tags, and warns', () => {
    const gen = trustPolicyFor([api], { sessionTags: 'off' });
    expect(JSON.stringify(gen.policy)).not.toContain('aws:RequestTag');
    expect(assume(gen.policy, api, 'sts:AssumeRole', { 'aws:SourceAccount': '111122223333' })).toBe('allow');
    expect(gen.warnings.join(' ')).toMatch(/session tags are off/);
    // and the tags-on policy would deny that association: the T005 lint rule catches it
    expect(assume(trustPolicyFor([api]).policy, api, 'sts:AssumeRole', { 'aws:SourceAccount': '111122223333' })).toBe('implicit-deny');
  });

  it('org scope uses aws:SourceOrgId with ${aws:ResourceOrgId} by default', () => {
    const st = trustPolicyFor([], { scope: 'org' }).statements[0];
    expect(st.Condition).toEqual({ StringEquals: { 'aws:SourceOrgId': '${aws:ResourceOrgId}' } });
  });

  it('dedupes repeated workloads and keeps Sids unique and alphanumeric', () => {
    const a = { clusterArn: CLUSTER, namespace: 'a-b', serviceAccount: 'c' };
    const b = { clusterArn: OTHER_CLUSTER, namespace: 'a-b', serviceAccount: 'c' };
    const { statements } = trustStatementsFor([a, a, b]);
    expect(statements).toHaveLength(2);
    const sids = statements.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(2);
    for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('trustStatementFor is the single-workload building block', () => {
    expect(trustStatementFor(api)).toEqual(trustPolicyFor([api]).statements[0]);
    expect(trustStatementFor(api, { sessionTags: 'off' }).Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
  });

  it('workload scope without a service account is a usage error', () => {
    expect(() => trustStatementsFor([{ ...api, serviceAccount: '' }])).toThrow(/no service account/);
  });
});

describe('no generated policy has a cross product', () => {
  it.each(Object.keys(CASES))('%s', (name) => {
    const out = CASES[name]() as Record<string, unknown>;
    const docs = (out.Statement ? [out] : Object.values(out).filter((v) => v && typeof v === 'object' && 'Statement' in (v as object))) as PolicyDocument[];
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      for (const s of list(doc.Statement)) expect(multiValuedKeysOf(s).length, `${name} ${s.Sid}`).toBeLessThanOrEqual(1);
    }
  });
});

describe('generated policies lint clean', () => {
  it.each(Object.keys(CASES).filter((n) => !n.startsWith('trust-merged')))('%s', (name) => {
    const out = CASES[name]() as Record<string, unknown>;
    if ('targetTrust' in out) {
      expect(lintPolicy(out.targetTrust, { kind: 'trust' }).filter((f) => f.severity === 'error')).toEqual([]);
      expect(lintPolicy(out.sourcePermissions, { kind: 'permissions' }).filter((f) => f.severity === 'error')).toEqual([]);
    } else {
      expect(lintPolicy(out).filter((f) => f.severity !== 'info')).toEqual([]);
    }
  });
});

describe('target trust (role chaining)', () => {
  const SOURCE = 'arn:aws:iam::111122223333:role/payments-api';
  const TARGET = 'arn:aws:iam::444455556666:role/data-reader';
  const source = { type: 'aws' as const, arn: 'arn:aws:sts::111122223333:assumed-role/payments-api/eks-prod-api-1', accountId: '111122223333' };

  it('with session tags: allows the source role session carrying the workload tags, denies others', () => {
    const gen = targetTrustPolicyFor({ sourceRoleArn: SOURCE, targetRoleArn: TARGET, workload: api });
    const run = (context: Record<string, string | string[]>) =>
      authorize({
        request: { principal: source, action: 'sts:AssumeRole', resource: TARGET, context: { 'aws:PrincipalArn': SOURCE, ...context } },
        identityPolicies: [{ name: 'source', document: gen.sourcePermissions }],
        resourcePolicy: { name: 'target', document: gen.targetTrust },
      }).decision;
    expect(run(podIdentityContext(api))).toBe('allow');
    expect(run(podIdentityContext({ ...api, serviceAccount: 'other' }))).toBe('implicit-deny');
  });

  it('with session tags off: sts:ExternalId decides', () => {
    const gen = targetTrustPolicyFor({ sourceRoleArn: SOURCE, targetRoleArn: TARGET, sessionTags: 'off', externalId: 'us-west-2/111122223333/prod/payments/api' });
    const run = (externalId: string) =>
      authorize({
        request: { principal: source, action: 'sts:AssumeRole', resource: TARGET, context: { 'aws:PrincipalArn': SOURCE, 'sts:ExternalId': externalId } },
        identityPolicies: [{ name: 'source', document: gen.sourcePermissions }],
        resourcePolicy: { name: 'target', document: gen.targetTrust },
      }).decision;
    expect(run('us-west-2/111122223333/prod/payments/api')).toBe('allow');
    expect(run('us-west-2/111122223333/prod/payments/other')).toBe('implicit-deny');
    expect(gen.warnings[0]).toMatch(/session tags are off/);
  });

  it('refuses missing inputs', () => {
    expect(() => targetTrustPolicyFor({ sourceRoleArn: SOURCE, targetRoleArn: TARGET })).toThrow(/workload/);
    expect(() => targetTrustPolicyFor({ sourceRoleArn: SOURCE, targetRoleArn: TARGET, sessionTags: 'off' })).toThrow(/external-id/);
    expect(() => targetTrustPolicyFor({ sourceRoleArn: SOURCE, targetRoleArn: SOURCE, workload: api })).toThrow(/source role/);
    expect(() => targetTrustPolicyFor({ sourceRoleArn: 'arn:aws:iam::222233334444:role/x', targetRoleArn: TARGET, workload: api })).toThrow(/cluster's account/);
  });

  it('refuses roles and clusters in different partitions (usage errors)', () => {
    const cn = (arn: string) => arn.replace('arn:aws:', 'arn:aws-cn:');
    const cnApi = { ...api, clusterArn: 'arn:aws-cn:eks:cn-north-1:111122223333:cluster/prod' };
    const fails = (input: Parameters<typeof targetTrustPolicyFor>[0], message: RegExp) => {
      expect(() => targetTrustPolicyFor(input)).toThrow(message);
      expect(() => targetTrustPolicyFor(input)).toThrow(UsageError);
    };
    fails({ sourceRoleArn: SOURCE, targetRoleArn: cn(TARGET), workload: api }, /partition aws-cn, source role .* in aws; role chaining cannot cross partitions/);
    fails({ sourceRoleArn: cn(SOURCE), targetRoleArn: TARGET, sessionTags: 'off', externalId: 'abc' }, /cannot cross partitions/);
    fails({ sourceRoleArn: SOURCE, targetRoleArn: TARGET, workload: cnApi }, /cluster .* is in partition aws-cn, source role .* in aws/);
    fails({ sourceRoleArn: cn(SOURCE), targetRoleArn: cn(TARGET), workload: api }, /cluster .* is in partition aws, source role .* in aws-cn/);
    expect(targetTrustPolicyFor({ sourceRoleArn: cn(SOURCE), targetRoleArn: cn(TARGET), workload: cnApi }).targetTrust.Statement).toHaveLength(1);
  });
});

describe('ABAC templates', () => {
  const abacRequest = (action: string, resource: string, ns: string, extra: Record<string, string | string[]> = {}) => ({
    principal: { type: 'aws' as const, arn: 'arn:aws:sts::111122223333:assumed-role/shared/eks-prod-x', accountId: '111122223333' },
    action,
    resource,
    context: { 'aws:PrincipalTag/eks-cluster-name': 'prod', 'aws:PrincipalTag/kubernetes-namespace': ns, 'aws:PrincipalTag/eks-cluster-arn': CLUSTER, ...extra },
  });

  it('s3-prefix: own prefix only', () => {
    const doc = abacPolicy('s3-prefix', { bucket: 'shared' });
    const d = (key: string) => evaluatePolicy({ name: 'p', document: doc }, abacRequest('s3:GetObject', `arn:aws:s3:::shared/${key}`, 'payments'), 'identity').decision;
    expect(d('prod/payments/a.txt')).toBe('allow');
    expect(d('prod/billing/a.txt')).toBe('implicit-deny');
  });

  it('dynamodb-leading-keys: the Null guard denies a Scan without leading keys', () => {
    const doc = abacPolicy('dynamodb-leading-keys', { table: 'orders', account: '111122223333', region: 'us-west-2', access: 'read' });
    doc.Statement = list(doc.Statement).map((s) => ({ ...s, Action: [...list(s.Action as string | string[]), 'dynamodb:Scan'] }) as Statement);
    const table = 'arn:aws:dynamodb:us-west-2:111122223333:table/orders';
    const d = (action: string, extra: Record<string, string | string[]>) => evaluatePolicy({ name: 'p', document: doc }, abacRequest(action, table, 'payments', extra), 'identity').decision;
    expect(d('dynamodb:GetItem', { 'dynamodb:LeadingKeys': ['payments'] })).toBe('allow');
    expect(d('dynamodb:GetItem', { 'dynamodb:LeadingKeys': ['billing'] })).toBe('implicit-deny');
    expect(d('dynamodb:Scan', {})).toBe('implicit-deny');
  });

  it('kms-tag: keys tagged for the caller only', () => {
    const doc = abacPolicy('kms-tag', { account: '111122223333' });
    const key = 'arn:aws:kms:us-west-2:111122223333:key/1234';
    const d = (ns: string) => evaluatePolicy({ name: 'p', document: doc }, abacRequest('kms:Decrypt', key, 'payments', { 'aws:ResourceTag/eks-cluster-name': 'prod', 'aws:ResourceTag/kubernetes-namespace': ns }), 'identity').decision;
    expect(d('payments')).toBe('allow');
    expect(d('billing')).toBe('implicit-deny');
  });

  it('s3-object-tag writes: only under the own prefix, tagged as self; no retagging of other workloads\' objects', () => {
    const doc = abacPolicy('s3-object-tag', { bucket: 'shared', access: 'read-write' });
    const self = { 's3:RequestObjectTag/eks-cluster-name': 'prod', 's3:RequestObjectTag/kubernetes-namespace': 'payments' };
    const d = (action: string, key: string, extra: Record<string, string> = {}) =>
      evaluatePolicy({ name: 'p', document: doc }, abacRequest(action, `arn:aws:s3:::shared/${key}`, 'payments', extra), 'identity').decision;
    // an overwrite of another namespace's object is a retag (S3 has no s3:ExistingObjectTag on PutObject): denied by prefix
    expect(d('s3:PutObject', 'prod/billing/ledger.csv', self)).toBe('implicit-deny');
    expect(d('s3:PutObject', 'ledger.csv', self)).toBe('implicit-deny');
    expect(d('s3:PutObject', 'prod/payments/a.csv', self)).toBe('allow');
    expect(d('s3:PutObject', 'prod/payments/a.csv', { ...self, 's3:RequestObjectTag/kubernetes-namespace': 'billing' })).toBe('implicit-deny');
    expect(d('s3:PutObject', 'prod/payments/a.csv')).toBe('implicit-deny');
    // tagging: a new object (no existing tags) or one's own; never an object tagged for another workload
    expect(d('s3:PutObjectTagging', 'prod/payments/a.csv', self)).toBe('allow');
    expect(d('s3:PutObjectTagging', 'prod/payments/a.csv', { ...self, 's3:ExistingObjectTag/eks-cluster-name': 'prod', 's3:ExistingObjectTag/kubernetes-namespace': 'payments' })).toBe('allow');
    expect(d('s3:PutObjectTagging', 'prod/payments/b.csv', { ...self, 's3:ExistingObjectTag/kubernetes-namespace': 'billing' })).toBe('implicit-deny');
    expect(d('s3:PutObjectTagging', 'prod/billing/b.csv', self)).toBe('implicit-deny');
    expect(d('s3:DeleteObjectTagging', 'prod/payments/a.csv')).toBe('implicit-deny');
    // reads still follow the object tags anywhere in the bucket
    expect(d('s3:GetObject', 'any/where.csv', { 's3:ExistingObjectTag/eks-cluster-name': 'prod', 's3:ExistingObjectTag/kubernetes-namespace': 'payments' })).toBe('allow');
    expect(d('s3:GetObject', 'any/where.csv', { 's3:ExistingObjectTag/eks-cluster-name': 'prod', 's3:ExistingObjectTag/kubernetes-namespace': 'billing' })).toBe('implicit-deny');
  });

  it('rejects values that would make invalid ARNs, naming the flag (usage errors)', () => {
    const usage = (params: Parameters<typeof abacPolicy>[1], template = 's3-prefix') => {
      try {
        abacPolicy(template, { bucket: 'shared-data', ...params });
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(usage({ partition: 'foo' })).toMatch(/^option '--partition': 'foo' is not an AWS partition/);
    expect(usage({ region: 'us west' }, 'kms-tag')).toMatch(/^option '--region': 'us west' is not an AWS region/);
    expect(usage({ region: 'US-WEST-2' })).toMatch(/^option '--region'/);
    expect(usage({ region: 'cn-north-1', clusterArn: CLUSTER })).toMatch(/^option '--region': cn-north-1 is in partition aws-cn, not aws/);
    expect(usage({ partition: 'aws-cn', clusterArn: CLUSTER }, 'kms-tag')).toMatch(/^option '--partition': aws-cn is not the partition of --cluster-arn \(aws\)/);
    expect(usage({ partition: 'aws', clusterArn: CLUSTER }, 'kms-tag')).toBe('no error');
    expect(usage({ bucket: 'My_Bucket' })).toMatch(/^option '--bucket': 'My_Bucket' is not a valid S3 bucket name/);
    expect(usage({ table: 'orders table', account: '111122223333' }, 'dynamodb-leading-keys')).toMatch(/^option '--table': 'orders table' is not a valid DynamoDB table name/);
    expect(usage({ table: 'ab', account: '111122223333' }, 'dynamodb-leading-keys')).toMatch(/^option '--table'/);
    expect(usage({ clusterArn: 'arn:aws-mars:eks:us-west-2:111122223333:cluster/prod' })).toMatch(/^option '--cluster-arn': .* unknown AWS partition 'aws-mars'/);
    // valid values still generate
    expect(usage({ partition: 'aws-us-gov', region: 'us-gov-west-1', account: '111122223333' }, 'kms-tag')).toBe('no error');
    expect(usage({ region: 'eusc-de-east-1', account: '111122223333' }, 'kms-tag')).toBe('no error');
    expect(usage({ table: 'Orders_v2.prod-1', account: '111122223333' }, 'dynamodb-leading-keys')).toBe('no error');
  });

  it('the partition follows the region when neither --partition nor --cluster-arn is given', () => {
    expect(JSON.stringify(abacPolicy('kms-tag', { account: '111122223333', region: 'cn-north-1' }))).toContain('arn:aws-cn:kms:cn-north-1:111122223333:key/*');
  });

  it.each([
    ['shared-data', undefined],
    ['a.b-c1', undefined],
    ['ab', /3–63/],
    ['x'.repeat(64), /3–63/],
    ['Shared', /lowercase/],
    ['shared_data', /lowercase/],
    ['-shared', /start and end/],
    ['shared.', /start and end/],
    ['a..b', /adjacent dots/],
    ['192.168.5.4', /IP address/],
    ['xn--bucket', /prefix 'xn--'/],
    ['sthree-bucket', /prefix/],
    ['amzn-s3-demo-bucket', /prefix/],
    ['bucket-s3alias', /suffix '-s3alias'/],
    ['bucket--ol-s3', /suffix/],
    ['bucket.mrap', /suffix/],
    ['bucket--x-s3', /suffix/],
    ['bucket--table-s3', /suffix/],
  ])('bucket name %s', (name, problem) => {
    if (problem) expect(bucketNameProblem(name)).toMatch(problem);
    else expect(bucketNameProblem(name)).toBeUndefined();
  });

  it('needs its parameters', () => {
    expect(() => abacPolicy('s3-prefix')).toThrow(/--bucket/);
    expect(() => abacPolicy('kms-tag')).toThrow(/--account/);
    expect(() => abacPolicy('nope')).toThrow(/unknown ABAC template/);
    expect(() => abacPolicy('kms-tag', { account: '12' })).toThrow(/12-digit/);
    expect(ABAC_TEMPLATE_NAMES.length).toBeGreaterThanOrEqual(7);
  });
});

describe('merge', () => {
  const existing: PolicyDocument = {
    Version: '2012-10-17',
    Statement: { Sid: 'PodIdentityProdPaymentsApi', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  };
  const statements = trustStatementsFor([api, { ...api, serviceAccount: 'worker' }]).statements;

  it('keeps existing statements unchanged and in order, renames clashing Sids', () => {
    const once = mergeTrust(existing, statements);
    expect(once.policy.Statement[0]).toEqual(existing.Statement);
    expect(once.added.map((s) => s.Sid)).toEqual(['PodIdentityProdPaymentsApi2', 'PodIdentityProdPaymentsWorker']);
  });

  it('is idempotent: merging twice equals merging once', () => {
    const once = mergeTrust(existing, statements).policy;
    const twice = mergeTrust(once, statements);
    expect(twice.policy).toEqual(once);
    expect(twice.added).toEqual([]);
    expect(twice.skipped).toHaveLength(2);
  });

  it('recognises equivalent statements regardless of order, case of keys and single-vs-array', () => {
    const a = trustStatementFor(api);
    const cond = (a.Condition as Record<string, Record<string, string>>).StringEquals;
    const b: Statement = {
      Effect: 'Allow',
      Action: ['sts:tagsession', 'sts:AssumeRole', 'sts:AssumeRole'],
      Principal: { Service: ['pods.eks.amazonaws.com'] },
      Condition: { StringEquals: Object.fromEntries(Object.entries(cond).reverse().map(([k, v]) => [k.toUpperCase(), [v]])) },
    };
    expect(statementsEquivalent(a, b)).toBe(true);
    expect(statementsEquivalent(a, { ...b, Effect: 'Deny' })).toBe(false);
    expect(statementsEquivalent(a, trustStatementFor({ ...api, serviceAccount: 'x' }))).toBe(false);
  });

  it('condition keys that differ only in case (mixed, so they sort differently) are the same key: no duplicate', () => {
    const existing: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: {
            'aws:SourceAccount': '111122223333',
            'aws:requesttag/eks-cluster-arn': CLUSTER,
            'aws:requesttag/kubernetes-namespace': 'payments',
            'aws:RequestTag/Kubernetes-Service-Account': 'api',
          },
        },
      }],
    };
    const merged = mergeTrust(existing, [trustStatementFor(api)]);
    expect(merged.added).toEqual([]);
    expect(merged.policy.Statement).toHaveLength(1);
  });

  it('starts a new policy when there is none', () => {
    expect(mergeTrust(undefined, statements).policy).toEqual(trustPolicyFor([api, { ...api, serviceAccount: 'worker' }]).policy);
  });
});

describe('size', () => {
  it('counts characters without whitespace against the quota', () => {
    const gen = trustPolicyFor([api]).policy;
    expect(checkTrustSize(gen).size).toBe(JSON.stringify(gen).length);
    const many = Array.from({ length: 6 }, (_, i) => ({ ...api, serviceAccount: `worker-${i}` }));
    expect(checkTrustSize(trustPolicyFor(many).policy).ok).toBe(false);
    expect(checkTrustSize(trustPolicyFor(many).policy, 8192).ok).toBe(true);
  });
});

describe('cluster ARNs and partitions', () => {
  it('the generators know the same partitions as src/core/arn.ts', () => {
    expect([...KNOWN_PARTITIONS]).toEqual([...PARTITIONS]);
  });

  it('an unknown partition is not a cluster ARN, with its own message', () => {
    expect(clusterArnParts('arn:aws-mars:eks:us-west-2:111122223333:cluster/a')).toBeUndefined();
    expect(clusterArnParts('arn:aws-cn:eks:cn-north-1:111122223333:cluster/a')).toMatchObject({ partition: 'aws-cn', name: 'a' });
    expect(() => requireClusterArn('arn:aws-mars:eks:us-west-2:111122223333:cluster/a')).toThrow(/unknown AWS partition 'aws-mars'/);
    expect(() => requireClusterArn('arn:foo:eks:us-west-2:111122223333:cluster/a')).toThrow(/unknown AWS partition 'foo'/);
    expect(() => parseWorkloadSpec('arn:aws-mars:eks:us-west-2:111122223333:cluster/a:b:c')).toThrow(/option '-w, --workload': .*unknown AWS partition/);
  });

  it('podIdentityContext with session tags off has aws:SourceAccount only', () => {
    expect(podIdentityContext(api, { sessionTags: 'off' })).toEqual({ 'aws:SourceAccount': '111122223333' });
    expect(podIdentityContext(api)['aws:RequestTag/kubernetes-namespace']).toBe('payments');
  });
});

describe('workload flags', () => {
  it.each([
    ['arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:api', { cluster: CLUSTER, namespace: 'payments', serviceAccount: 'api' }],
    ['prod:payments:api', { cluster: 'prod', namespace: 'payments', serviceAccount: 'api' }],
    ['prod:payments', { cluster: 'prod', namespace: 'payments', serviceAccount: undefined }],
  ])('%s', (text, spec) => {
    expect(parseWorkloadSpec(text)).toEqual(spec);
  });

  it.each(['prod', 'prod:Payments:api', 'prod:payments:api:x', 'arn:aws:iam::111122223333:role/x:ns:sa', 'prod::api', 'bad name:ns:sa'])('rejects %s', (text) => {
    expect(() => parseWorkloadSpec(text)).toThrow();
  });
});
