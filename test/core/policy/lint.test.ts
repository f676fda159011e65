import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../../src/commands/policy-lint.js';
import { detectKind, lintPolicy, lintReport, locateStatements, parsePolicyText, RULE_LIST, RULES, suspiciousTagKey } from '../../../src/core/policy/lint/index.js';
import { shapeOf } from '../../../src/core/policy/lint/shape.js';
import { trustPolicyFor, type LintOptions } from '../../../src/core/policy/index.js';
import { POLICIES } from './helpers.js';

const LINT = join(POLICIES, 'lint');
const rules = readdirSync(LINT).sort();
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const options = (rule: string) => (existsSync(join(LINT, rule, 'options.json')) ? JSON.parse(readFileSync(join(LINT, rule, 'options.json'), 'utf8')) : {});
const lintFile = (rule: string, file: string) => lintText(`${rule}/${file}`, readFileSync(join(LINT, rule, file), 'utf8'), { quota: 2048, ...options(rule) });
/** [rule, file] for fail.json / pass.json and their variants fail-<what>.json / pass-<what>.json. */
const fixtures = (which: 'pass' | 'fail') =>
  rules.flatMap((rule) => readdirSync(join(LINT, rule)).filter((f) => new RegExp(`^${which}(-[\\w-]+)?\\.json$`).test(f)).sort().map((file) => [rule, file] as const));

describe('rule catalog', () => {
  it('has stable, unique ids and at least the twelve rules of policies.md §8', () => {
    const ids = RULE_LIST.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^PODID-[TCAPSV]\d{3}$/);
    expect(ids.length).toBeGreaterThanOrEqual(12);
  });

  it('every rule has a passing and a failing fixture', () => {
    expect(rules).toEqual(RULE_LIST.map((r) => r.id).sort());
  });
});

describe.each(fixtures('fail'))('%s/%s', (rule, file) => {
  it('is flagged by the rule', () => {
    const f = lintFile(rule, file);
    expect(f.findings.map((x) => x.ruleId)).toContain(rule);
    for (const x of f.findings.filter((y) => y.ruleId === rule && y.statement !== undefined)) expect(x.line).toBeGreaterThan(0);
  });
});

describe.each(fixtures('pass'))('%s/%s', (rule, file) => {
  it('passes (no finding of any rule at error or warning level)', () => {
    expect(lintFile(rule, file).findings.filter((x) => x.severity !== 'info')).toEqual([]);
  });
});

describe('rule details', () => {
  const trust = (condition?: object, action: string | string[] = ['sts:AssumeRole', 'sts:TagSession']) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: action, ...(condition ? { Condition: condition } : {}) }],
  });
  const ids = (doc: unknown, opts = {}) => lintPolicy(doc, opts).map((f) => f.ruleId);

  it('T004 is skipped when session tags are off, T005 only then', () => {
    const doc = trust({ StringEquals: { 'aws:SourceAccount': '111122223333' } }, 'sts:AssumeRole');
    expect(ids(doc)).toContain('PODID-T004');
    expect(ids(doc, { sessionTags: 'off' })).not.toContain('PODID-T004');
    const tags = trust({ StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:RequestTag/kubernetes-namespace': 'a' } });
    expect(ids(tags)).not.toContain('PODID-T005');
    expect(ids(tags, { sessionTags: 'off' })).toContain('PODID-T005');
    // an IfExists condition still matches without the key
    expect(ids(trust({ StringEqualsIfExists: { 'aws:RequestTag/kubernetes-namespace': 'a' }, StringEquals: { 'aws:SourceAccount': '1' } }), { sessionTags: 'off' })).not.toContain('PODID-T005');
  });

  it('T001 counts conditions that match every request as none, and then T002 stays quiet', () => {
    const t001 = (condition: object) => lintPolicy(trust(condition)).filter((f) => f.ruleId === 'PODID-T001' || f.ruleId === 'PODID-T002').map((f) => f.ruleId);
    expect(t001({ StringLike: { 'aws:RequestTag/kubernetes-namespace': '*' } })).toEqual(['PODID-T001']);
    expect(t001({ StringLike: { 'aws:RequestTag/kubernetes-namespace': '?*' } })).toEqual(['PODID-T001']);
    expect(t001({ 'ForAnyValue:StringLikeIfExists': { 'aws:RequestTag/kubernetes-namespace': ['**'] } })).toEqual(['PODID-T001']);
    // values of one key are ORed: one "*" among them matches anything
    expect(t001({ StringLike: { 'aws:RequestTag/kubernetes-namespace': ['payments', '*'] } })).toEqual(['PODID-T001']);
    expect(t001({ ArnLike: { 'aws:RequestTag/eks-cluster-arn': '*' } })).toEqual(['PODID-T001']);
    expect(t001({ Null: { 'aws:SourceAccount': 'false', 'aws:RequestTag/kubernetes-service-account': 'false' } })).toEqual(['PODID-T001']);
    expect(t001({ StringLike: { 'aws:SourceAccount': '*' }, StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'payments' } })).toEqual(['PODID-T002']);
    // conditions that do restrict
    expect(t001({ StringLike: { 'aws:RequestTag/kubernetes-namespace': 'team-*' }, StringEquals: { 'aws:SourceAccount': '111122223333' } })).toEqual([]);
    expect(t001({ StringNotLike: { 'aws:RequestTag/kubernetes-namespace': '*' }, StringEquals: { 'aws:SourceAccount': '111122223333' } })).toEqual([]);
    expect(t001({ StringEquals: { 'aws:SourceAccount': '*' } })).toEqual([]);
    // Null "false" on a key EKS never sends is not "no condition" (the statement never matches)
    expect(t001({ Null: { 'aws:RequestTag/team': 'false' } })).toEqual(['PODID-T002']);
    const f = lintPolicy(trust({ StringLike: { 'aws:RequestTag/kubernetes-namespace': '*' } })).find((x) => x.ruleId === 'PODID-T001');
    expect(f).toMatchObject({ path: 'Statement[0].Condition', message: expect.stringContaining('StringLike aws:RequestTag/kubernetes-namespace = "*"') });
  });

  it('T001 also counts negated operators and IfExists/ForAllValues on keys EKS does not send as no scoping', () => {
    const rules = (condition: object, opts: LintOptions = {}) => lintPolicy(trust(condition), opts).filter((f) => f.ruleId === 'PODID-T001' || f.ruleId === 'PODID-T002').map((f) => f.ruleId);
    expect(rules({ StringNotEquals: { 'aws:SourceAccount': '999999999999' } })).toEqual(['PODID-T001']);
    expect(rules({ ArnNotEquals: { 'aws:RequestTag/eks-cluster-arn': 'arn:aws:eks:us-west-2:111122223333:cluster/test' } })).toEqual(['PODID-T001']);
    expect(rules({ StringEqualsIfExists: { 'aws:SourceArn': 'arn:aws:eks:us-west-2:111122223333:cluster/prod' } })).toEqual(['PODID-T001']);
    expect(rules({ ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:eks:*:111122223333:cluster/*' } })).toEqual(['PODID-T001']);
    expect(rules({ 'ForAllValues:StringEquals': { 'aws:SourceArn': 'x' } })).toEqual(['PODID-T001']);
    // with session tags off, EKS sends no request tags: IfExists on them scopes nothing either
    expect(rules({ StringEqualsIfExists: { 'aws:RequestTag/kubernetes-namespace': 'payments' } }, { sessionTags: 'off' })).toEqual(['PODID-T001']);
    expect(rules({ StringEqualsIfExists: { 'aws:RequestTag/kubernetes-namespace': 'payments' } })).toEqual(['PODID-T002']);
    // IfExists on a key EKS sends still scopes; a negated condition next to a positive one leaves the positive one
    expect(rules({ StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } })).toEqual([]);
    expect(rules({ StringNotEquals: { 'aws:SourceAccount': '999999999999' }, StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'payments' } })).toEqual(['PODID-T002']);
    // a negated pattern that matches everything blocks instead: not "open"
    expect(rules({ StringNotLike: { 'aws:RequestTag/kubernetes-namespace': '*' } })).toEqual(['PODID-T002']);
    expect(lintPolicy(trust({ StringNotEquals: { 'aws:SourceAccount': '999999999999' } })).find((f) => f.ruleId === 'PODID-T001')?.message).toContain('under conditions that scope nothing (StringNotEquals aws:SourceAccount = "999999999999")');
  });

  it('T001: a condition that does not pin the source or the association (aws:TagKeys, aws:CurrentTime, …) scopes nothing', () => {
    const rules = (condition: object, opts: LintOptions = {}) => lintPolicy(trust(condition), opts).filter((f) => f.ruleId === 'PODID-T001' || f.ruleId === 'PODID-T002').map((f) => f.ruleId);
    const SIX = ['eks-cluster-arn', 'eks-cluster-name', 'kubernetes-namespace', 'kubernetes-service-account', 'kubernetes-pod-name', 'kubernetes-pod-uid'];
    // constrains which tag keys are passed: every association passes exactly those
    expect(rules({ 'ForAllValues:StringEquals': { 'aws:TagKeys': SIX } })).toEqual(['PODID-T001']);
    expect(rules({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['kubernetes-namespace'] } })).toEqual(['PODID-T001']);
    expect(rules({ 'ForAllValues:StringEquals': { 'aws:TagKeys': SIX }, Null: { 'aws:TagKeys': 'false' } })).toEqual(['PODID-T001']);
    expect(rules({ DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, Bool: { 'aws:SecureTransport': 'true' } })).toEqual(['PODID-T001']);
    expect(rules({ StringEquals: { 'aws:RequestedRegion': 'us-west-2', 'aws:PrincipalServiceName': 'pods.eks.amazonaws.com' } })).toEqual(['PODID-T001']);
    // Null "true" only asks that a key is absent
    expect(rules({ Null: { 'aws:SourceArn': 'true' } })).toEqual(['PODID-T001']);
    const message = lintPolicy(trust({ 'ForAllValues:StringEquals': { 'aws:TagKeys': SIX } })).find((f) => f.ruleId === 'PODID-T001')?.message;
    expect(message).toContain('under conditions that scope nothing (ForAllValues:StringEquals aws:TagKeys = "eks-cluster-arn"');
    // next to a pinning condition the TagKeys limit is harmless
    expect(rules({ 'ForAllValues:StringEquals': { 'aws:TagKeys': SIX }, StringEquals: { 'aws:SourceAccount': '111122223333' } })).toEqual([]);
    expect(rules({ 'ForAllValues:StringEquals': { 'aws:TagKeys': SIX }, StringEquals: { 'aws:RequestTag/kubernetes-service-account': 'api' } })).toEqual(['PODID-T002']);
    // each source key and each session tag pins
    for (const key of ['aws:SourceAccount', 'aws:SourceOrgID', 'aws:SourceArn', ...SIX.map((k) => `aws:RequestTag/${k}`)]) expect(rules({ StringEquals: { [key]: 'x' } }), key).not.toContain('PODID-T001');
  });

  it('T001 stays quiet on every trust podid generates (workload, namespace, cluster, account, org; session tags off)', () => {
    const workload = { clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/prod', namespace: 'payments', serviceAccount: 'api' };
    const generated = [
      ...(['workload', 'namespace', 'cluster', 'account'] as const).map((scope) => [trustPolicyFor([workload], { scope }).policy, {}] as const),
      [trustPolicyFor([], { scope: 'org' }).policy, {}] as const,
      [trustPolicyFor([], { scope: 'org', orgId: 'o-a1b2c3d4e5' }).policy, {}] as const,
      [trustPolicyFor([workload], { sessionTags: 'off' }).policy, { sessionTags: 'off' }] as const,
      [trustPolicyFor([workload, { ...workload, serviceAccount: 'web' }]).policy, {}] as const,
    ];
    for (const [policy, opts] of generated) expect(lintPolicy(policy, opts as LintOptions).filter((f) => f.ruleId === 'PODID-T001'), JSON.stringify(policy)).toEqual([]);
  });

  it('V003 (trust), V004 (permissions) and V005 (actions) report what IAM rejects', () => {
    const pods = { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:RequestTag/kubernetes-namespace': 'a' } } };
    const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
    const errors = (d: unknown, opts: LintOptions = {}) => lintPolicy(d, opts).filter((f) => f.severity === 'error' && /^PODID-V00[345]$/.test(f.ruleId)).map((f) => [f.ruleId, f.statement]);
    expect(errors(doc(pods))).toEqual([]);
    expect(errors(doc({ ...pods, Resource: '*' }))).toEqual([['PODID-V003', 0]]);
    expect(errors(doc({ ...pods, NotResource: 'arn:aws:iam::111122223333:role/x' }))).toEqual([['PODID-V003', 0]]);
    expect(errors(doc(pods, { Effect: 'Allow', Action: 'sts:AssumeRole' }))).toEqual([['PODID-V003', 1]]);
    // a permissions policy linted as a trust policy
    expect(errors(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), { kind: 'trust' })).toEqual([['PODID-V003', 0]]);
    expect(errors(doc({ Effect: 'Allow', Action: 's3:GetObject' }))).toEqual([['PODID-V004', 0]]);
    expect(errors(doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }))).toEqual([]);
    for (const bad of ['s3GetObject', 'GetObject', 's3:', ':GetObject', 's3:Get Object']) expect(errors(doc({ Effect: 'Allow', Action: ['s3:ListBucket', bad], Resource: '*' })), bad).toEqual([['PODID-V005', 0]]);
    for (const good of ['*', 's3:*', 's3:Get*', 'S3:GetObject', 'ec2:Describe?nstances', 'elasticfilesystem:ClientMount']) expect(errors(doc({ Effect: 'Allow', Action: good, Resource: '*' })), good).toEqual([]);
    expect(lintPolicy(doc({ Effect: 'Allow', NotAction: 'iamPassRole', Resource: '*' })).find((f) => f.ruleId === 'PODID-V005')).toMatchObject({ path: 'Statement[0].NotAction', message: expect.stringContaining('"iamPassRole" is not an action') });
  });

  it('C002 names the kind of request that lacks the key, per key', () => {
    const allow = (key: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: '*', Condition: { 'ForAllValues:StringEquals': { [key]: ['a'] } } }] });
    const message = (key: string) => lintPolicy(allow(key)).find((f) => f.ruleId === 'PODID-C002')?.message;
    expect(message('dynamodb:LeadingKeys')).toContain('(e.g. a DynamoDB Scan)');
    expect(message('aws:TagKeys')).not.toMatch(/Scan/);
    expect(message('aws:TagKeys')).toContain('(e.g. a request that passes no tags)');
    expect(message('s3:RequestObjectTagKeys')).not.toMatch(/Scan/);
  });

  it('T006 also catches ${aws:PrincipalTag/...} values', () => {
    expect(ids(trust({ StringEquals: { 'aws:SourceAccount': '1', 'aws:RequestTag/kubernetes-namespace': '${aws:PrincipalTag/kubernetes-namespace}' } }))).toContain('PODID-T006');
  });

  it('T007 is a warning when only one workload key is a list', () => {
    const f = lintPolicy(trust({ StringEquals: { 'aws:SourceAccount': ['1', '2'], 'aws:RequestTag/kubernetes-namespace': ['a', 'b'] } })).find((x) => x.ruleId === 'PODID-T007');
    expect(f?.severity).toBe('warning');
  });

  it('T003 warns on an account root without narrowing, errors on *', () => {
    const root = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] };
    expect(lintPolicy(root).find((x) => x.ruleId === 'PODID-T003')?.severity).toBe('warning');
    expect(lintPolicy({ ...root, Statement: [{ ...root.Statement[0], Principal: '*' }] }).find((x) => x.ruleId === 'PODID-T003')?.severity).toBe('error');
  });

  it('C004 suggests the intended key and ignores ordinary role tags', () => {
    expect(suspiciousTagKey('kubernetes-namespaces')).toBe('kubernetes-namespace');
    expect(suspiciousTagKey('eks-clustername')).toBe('eks-cluster-name');
    expect(suspiciousTagKey('Kubernetes-Namespace')).toBeUndefined();
    expect(suspiciousTagKey('team')).toBeUndefined();
    expect(suspiciousTagKey('cost-center')).toBeUndefined();
  });

  it('A001 covers retaggable resources, TagSession with tags off and kubernetes-* role tags', () => {
    const retag = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/kubernetes-namespace': '${aws:PrincipalTag/kubernetes-namespace}' } } },
        { Effect: 'Allow', Action: 'kms:TagResource', Resource: '*' },
      ],
    };
    expect(ids(retag)).toContain('PODID-A001');
    const constrained = { ...retag, Statement: [retag.Statement[0], { ...retag.Statement[1], Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': '${aws:PrincipalTag/kubernetes-namespace}' } } }] };
    expect(ids(constrained)).not.toContain('PODID-A001');
    const chain = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: 'arn:aws:iam::444455556666:role/t' }] };
    expect(ids(chain)).not.toContain('PODID-A001');
    expect(ids(chain, { sessionTags: 'off' })).toContain('PODID-A001');
    const plain = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
    expect(lintPolicy(plain, { roleTags: { 'kubernetes-namespace': 'payments' }, sessionTags: 'off' }).find((x) => x.ruleId === 'PODID-A001')?.severity).toBe('error');
  });

  it('P001 accepts iam:PassedToService and flags NotResource', () => {
    const pass = (extra: object) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', ...extra }] });
    expect(ids(pass({ Resource: '*' }))).toContain('PODID-P001');
    expect(ids(pass({ NotResource: 'arn:aws:iam::1:role/admin' }))).toContain('PODID-P001');
    expect(ids(pass({ Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'pods.eks.amazonaws.com' } } }))).not.toContain('PODID-P001');
  });

  it('S001 uses the quota given and the managed-policy limits for permissions', () => {
    const big = { Version: '2012-10-17', Statement: Array.from({ length: 80 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${i}/some/long/prefix/*` })) };
    expect(lintPolicy(big).find((f) => f.ruleId === 'PODID-S001')?.severity).toBe('warning');
    const many = Array.from({ length: 6 }, (_, i) => trust({ StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:RequestTag/kubernetes-service-account': `worker-${i}`, 'aws:RequestTag/kubernetes-namespace': 'payments', 'aws:RequestTag/eks-cluster-arn': 'arn:aws:eks:us-west-2:111122223333:cluster/prod' } }).Statement[0]);
    const doc = { Version: '2012-10-17', Statement: many };
    expect(ids(doc)).toContain('PODID-S001');
    expect(ids(doc, { quota: 8192 })).not.toContain('PODID-S001');
  });

  it('kind auto-detection', () => {
    expect(detectKind(shapeOf(trust()).statements)).toBe('trust');
    expect(detectKind(shapeOf({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }).statements)).toBe('permissions');
    expect(detectKind(shapeOf({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] }).statements)).toBe('permissions');
    expect(lintReport(trust(), { kind: 'permissions' }).kind).toBe('permissions');
  });
});

describe('bad input never crashes', () => {
  it.each([
    ['not JSON', 'hello'],
    ['empty', ''],
    ['truncated', '{"Version": "2012-10-17", "Statement": ['],
    ['an array', '[1, 2]'],
    ['a string', '"policy"'],
    ['no Statement', '{"Version": "2012-10-17"}'],
    ['an API response', '{"Role": {}, "AssumeRolePolicyDocument": {"Statement": []}}'],
    ['statement not an object', '{"Version": "2012-10-17", "Statement": [42]}'],
    ['bad Effect', '{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]}'],
    ['Action and NotAction', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "a:b", "NotAction": "c:d", "Resource": "*"}]}'],
    ['bad Condition', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"StringEquals": "x"}}]}'],
    ['unknown Version', '{"Version": "2020-01-01", "Statement": []}'],
  ])('%s → an error finding', (_what, text) => {
    const f = lintText('x.json', text, { quota: 2048 });
    expect(f.findings.some((x) => x.severity === 'error')).toBe(true);
  });

  it('Version missing → a finding', () => {
    expect(lintText('x.json', '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}', { quota: 2048 }).findings.map((f) => f.ruleId)).toEqual([RULES.version.id]);
  });

  it('unknown operator → a finding', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEqualz: { 'aws:SourceAccount': '1' } } }] });
    expect(lintText('x.json', text, { quota: 2048 }).findings.map((f) => f.ruleId)).toEqual([RULES.unknownOperator.id]);
  });

  it('a 20 KB trust policy → a size finding', () => {
    const st = Array.from({ length: 50 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:RequestTag/kubernetes-service-account': `sa-${i}`, 'aws:RequestTag/kubernetes-namespace': 'ns' } } }));
    const text = JSON.stringify({ Version: '2012-10-17', Statement: st }, null, 2);
    expect(text.length).toBeGreaterThan(20_000);
    const f = lintText('big.json', text, { quota: 2048 }).findings.find((x) => x.ruleId === RULES.policySize.id);
    expect(f?.message).toMatch(/over the trust policy quota of 2048/);
  });

  it('JSON errors carry line and column', () => {
    expect(parsePolicyText('{\n  "a": 1,\n}').error).toMatchObject({ line: 3, column: 1 });
    expect(lintText('x.json', '{\n  "a": 1,\n}', { quota: 2048 }).findings[0]).toMatchObject({ ruleId: 'PODID-V001', line: 3 });
  });
});

describe('statement lines', () => {
  it('finds each statement, with strings containing braces skipped', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "a{[", "Effect": "Allow"},\n\n    {\n      "Sid": "b"\n    }\n  ]\n}';
    expect(locateStatements(text)).toEqual([4, 6]);
    expect(locateStatements('{"Statement": {"Effect": "Allow"}}')).toEqual([1]);
    expect(locateStatements('{"Other": [{"x": 1}]}')).toEqual([]);
    expect(locateStatements('{"Id": "Statement", "Statement": [{}, {}]}')).toEqual([1, 1]);
  });
});

describe('T008 trust-denies-association', () => {
  const CLUSTER = 'arn:aws:eks:us-west-2:111122223333:cluster/prod';
  const workload = { clusterArn: CLUSTER, namespace: 'payments', serviceAccount: 'api' };
  const association = { ...workload, roleArn: 'arn:aws:iam::111122223333:role/payments-api' };
  const t008 = (doc: unknown, opts: LintOptions = {}) => lintPolicy(doc, { association, ...opts }).filter((f) => f.ruleId === 'PODID-T008');
  const pods = { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } };

  it('runs only with an association, and names the failing condition', () => {
    const staging = trustPolicyFor([{ ...workload, namespace: 'payments-staging' }]).policy;
    expect(lintPolicy(staging).map((f) => f.ruleId)).not.toContain('PODID-T008');
    const [f, ...more] = t008(staging);
    expect(more).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', statement: 0, sid: 'PodIdentityProdPaymentsStagingApi', path: 'Statement[0].Condition.StringEquals' });
    expect(f.message).toContain('association payments/api (cluster prod) cannot use this role: sts:AssumeRole is denied');
    expect(f.message).toContain('condition StringEquals aws:RequestTag/kubernetes-namespace: expected payments-staging, request has payments');
    expect(f.hint).toContain(`podid policy trust -w ${CLUSTER}:payments:api`);
  });

  it('admits what podid generates for the association, at every scope and session-tag mode', () => {
    for (const scope of ['workload', 'namespace', 'cluster', 'account'] as const) expect(t008(trustPolicyFor([workload], { scope }).policy)).toEqual([]);
    // the organization is unknown offline: assumed to be the right one
    expect(t008(trustPolicyFor([], { scope: 'org' }).policy)).toEqual([]);
    expect(t008(trustPolicyFor([], { scope: 'org', orgId: 'o-a1b2c3d4e5' }).policy)).toEqual([]);
    expect(t008(trustPolicyFor([workload], { sessionTags: 'off' }).policy, { sessionTags: 'off' })).toEqual([]);
    expect(t008(trustPolicyFor([{ ...workload, serviceAccount: 'web' }, workload]).policy)).toEqual([]);
  });

  it('another cluster, account or service account is denied', () => {
    expect(t008(trustPolicyFor([{ ...workload, clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod' }]).policy)[0].message).toMatch(/aws:RequestTag\/eks-cluster-arn/);
    expect(t008(trustPolicyFor([], { scope: 'account', accountId: '444455556666' }).policy)[0].message).toMatch(/aws:SourceAccount: expected 444455556666, request has 111122223333/);
    expect(t008(trustPolicyFor([{ ...workload, serviceAccount: 'web' }]).policy)).toHaveLength(1);
  });

  it('session tags off: a statement that requires request tags never matches', () => {
    const [f] = t008(trustPolicyFor([workload]).policy, { sessionTags: 'off' });
    expect(f.message).toContain('(cluster prod, session tags off)');
    expect(f.message).toContain('missing from the request');
    expect(f.hint).toContain('--session-tags off');
  });

  it('sts:TagSession: reported when it is allowed only for others; a trust without any is left to T004', () => {
    const scoped = (ns: string) => ({ StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:RequestTag/kubernetes-namespace': ns } });
    const split = { Version: '2012-10-17', Statement: [{ ...pods, Action: 'sts:AssumeRole', Condition: scoped('payments') }, { ...pods, Action: 'sts:TagSession', Condition: scoped('billing') }] };
    expect(t008(split)[0].message).toContain('sts:TagSession is denied');
    expect(lintPolicy(split).map((f) => f.ruleId)).not.toContain('PODID-T004');
    const none = { Version: '2012-10-17', Statement: [{ ...pods, Action: 'sts:AssumeRole', Condition: scoped('payments') }] };
    expect(lintPolicy(none, { association }).map((f) => f.ruleId)).toEqual(['PODID-T004']);
  });

  it('an explicit Deny, and no statement at all', () => {
    const deny = { ...trustPolicyFor([workload]).policy, Statement: [...list(trustPolicyFor([workload]).policy.Statement), { Sid: 'NoPayments', Effect: 'Deny', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:*', Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'payments' } } }] };
    expect(t008(deny)[0]).toMatchObject({ statement: 1, sid: 'NoPayments', message: expect.stringContaining('statement #1 (NoPayments) explicitly denies sts:AssumeRole') });
    const other = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/x' } } }] };
    expect(t008(other, { kind: 'trust' })[0].message).toContain('comes closest: principal pods.eks.amazonaws.com');
  });

  it('is not evaluated when a statement is malformed (PODID-V001 reports it)', () => {
    const doc = { Version: '2012-10-17', Statement: [42, ...list(trustPolicyFor([{ ...workload, namespace: 'other' }]).policy.Statement)] };
    expect(lintPolicy(doc, { association, kind: 'trust' }).map((f) => f.ruleId)).toEqual(['PODID-V001']);
  });
});

