import { describe, expect, it } from 'vitest';
import { policyAbac } from '../../src/commands/policy-abac.js';
import { policyExplain } from '../../src/commands/policy-explain.js';
import type { PolicyDeps } from '../../src/commands/policy-io.js';
import { lintFailed, policyLint } from '../../src/commands/policy-lint.js';
import { policyTargetTrust } from '../../src/commands/policy-target-trust.js';
import { policyTrust } from '../../src/commands/policy-trust.js';
import { UsageError, UserError } from '../../src/core/errors.js';
import { trustPolicyFor } from '../../src/core/policy/index.js';
import { fakeDeps, minimalState, recordingReporter } from '../helpers/fake-deps.js';

// The policy commands as functions: (options, deps) → result, with in-memory files and the local state backend.

const DEMO = 'arn:aws:eks:us-west-2:111122223333:cluster/demo';
const SOURCE = 'arn:aws:iam::111122223333:role/app';
const TARGET = 'arn:aws:iam::444455556666:role/data';

/** Deps with only a reporter and in-memory files: no backend at all. */
function bare(files: Record<string, string> = {}): PolicyDeps & { reporter: ReturnType<typeof recordingReporter> } {
  return {
    reporter: recordingReporter(),
    readText: async (path) => {
      if (!(path in files)) throw new UserError(`cannot read ${path}: no such file`);
      return files[path];
    },
  };
}

function world() {
  const state = minimalState();
  const ts = '2026-11-20T10:00:00.000Z';
  state.clusters[0].associations.push(
    {
      associationId: 'a-chain', associationArn: `arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-chain`, clusterName: 'demo', namespace: 'payments', serviceAccount: 'api',
      roleArn: SOURCE, targetRoleArn: TARGET, disableSessionTags: true, externalId: 'ext-123', tags: {}, createdAt: ts, modifiedAt: ts,
    },
    {
      associationId: 'a-plain', associationArn: `arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-plain`, clusterName: 'demo', namespace: 'web', serviceAccount: 'site',
      roleArn: 'arn:aws:iam::111122223333:role/site', disableSessionTags: false, tags: {}, createdAt: ts, modifiedAt: ts,
    },
  );
  const trust = trustPolicyFor([{ clusterArn: DEMO, namespace: 'web', serviceAccount: 'site' }]).policy;
  state.roles.push(
    { arn: SOURCE, name: 'app', path: '/', roleId: 'AROAAPP', accountId: '111122223333', trustPolicy: trust, inlinePolicies: [], attachedPolicies: [], tags: { 'kubernetes-namespace': 'payments' }, maxSessionDuration: 3600 },
    { arn: 'arn:aws:iam::111122223333:role/site', name: 'site', path: '/', roleId: 'AROASITE', accountId: '111122223333', trustPolicy: trust, inlinePolicies: [], attachedPolicies: [], tags: {}, maxSessionDuration: 3600 },
  );
  return state;
}

const withFiles = (deps: ReturnType<typeof fakeDeps>, files: Record<string, string> = {}) => ({ ...deps, readText: bare(files).readText });

describe('policyTrust', () => {
  it('needs no backend for cluster ARNs', async () => {
    const deps = bare();
    const result = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'payments', serviceAccount: 'api' }] }, deps);
    expect(result.policy).toEqual(trustPolicyFor([{ clusterArn: DEMO, namespace: 'payments', serviceAccount: 'api' }]).policy);
    expect(result).toMatchObject({ quota: 2048, warnings: [] });
    expect(result.size).toBe(JSON.stringify(result.policy).length);
  });

  it('resolves cluster names through the EKS port', async () => {
    const result = await policyTrust({ workloads: [{ cluster: 'demo', namespace: 'payments', serviceAccount: 'api' }] }, withFiles(fakeDeps(world())));
    expect(JSON.stringify(result.policy)).toContain(DEMO);
    await expect(policyTrust({ workloads: [{ cluster: 'demo', namespace: 'payments', serviceAccount: 'api' }] }, bare())).rejects.toThrow(/needs AWS access or --state/);
  });

  it('session tags off: warns through the reporter and in the result', async () => {
    const deps = bare();
    const result = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'payments', serviceAccount: 'api' }], sessionTags: 'off' }, deps);
    expect(result.warnings).toHaveLength(1);
    expect(deps.reporter.lines[0]).toMatch(/^warn: session tags are off/);
  });

  it('merges into a file and into a role, idempotently', async () => {
    const first = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'web', serviceAccount: 'site' }, { cluster: DEMO, namespace: 'web', serviceAccount: 'cron' }], mergeInto: SOURCE }, withFiles(fakeDeps(world())));
    expect(first.merge).toEqual({ from: SOURCE, kept: 1, added: 1, skipped: 1 });
    const files = { 'trust.json': JSON.stringify(first.policy) };
    const second = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'web', serviceAccount: 'cron' }], mergeInto: 'trust.json' }, bare(files));
    expect(second.policy).toEqual(first.policy);
    expect(second.merge).toMatchObject({ added: 0, skipped: 1 });
    expect(second.warnings[0]).toMatch(/already has equivalent statements/);
  });

  it('a file that is not a policy is a clear error', async () => {
    await expect(policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: 'x.json' }, bare({ 'x.json': '{oops' }))).rejects.toThrow(/x.json: not valid JSON/);
    await expect(policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: 'x.json' }, bare({ 'x.json': '[]' }))).rejects.toThrow(/not an IAM policy document/);
  });

  it.each([
    ['Statement null', '{"Version": "2012-10-17", "Statement": null}', 'Statement must be a statement object or a list of them, got null'],
    ['Statement a string', '{"Version": "2012-10-17", "Statement": "x"}', 'Statement must be a statement object or a list of them, got a string'],
    ['statements that are not objects', '{"Version": "2012-10-17", "Statement": [null, 5, "x"]}', 'statement #0 is not an object; statement #1 is not an object; statement #2 is not an object'],
    ['a null condition block', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": null}}]}', 'statement #0: Condition must be'],
  ])('--merge-into a file with %s: a UserError naming the file, pointing at policy lint', async (_what, text, problem) => {
    const error = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: 'trust.json' }, bare({ 'trust.json': text })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as UserError).message).toMatch(/^trust\.json is not a valid policy: /);
    expect((error as UserError).message).toContain(problem);
    expect((error as UserError).hint).toBe('Check it with: podid policy lint --kind trust trust.json');
  });

  it.each([
    ['Statement null', { Version: '2012-10-17', Statement: null }],
    ['statements that are not objects', { Version: '2012-10-17', Statement: [null, 5, 'x'] }],
    ['a null condition block', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: null } }] }],
  ])('--merge-into a role whose trust has %s: a UserError naming the role', async (_what, trustPolicy) => {
    const state = world();
    state.roles.find((r) => r.arn === SOURCE)!.trustPolicy = trustPolicy as never;
    const error = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: SOURCE }, withFiles(fakeDeps(state))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(new RegExp(`^the trust policy of role ${SOURCE} is not a valid policy: `));
    expect((error as UserError).hint).toContain('podid policy lint');
  });

  it.each([
    ['a permissions policy', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}', 'trust statement has Resource'],
    ['a trust statement with a Resource', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}]}', 'trust statement has Resource'],
    ['a statement without Principal', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}', 'has no Principal'],
    ['an unknown condition operator', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": {"StringEqualz": {"aws:SourceAccount": "111122223333"}}}]}', "unknown condition operator 'StringEqualz'"],
    ['an action without a service prefix', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "AssumeRole"}]}', '"AssumeRole" is not an action'],
  ])('--merge-into %s is refused: exit-1 error, nothing merged', async (_what, text, problem) => {
    const error = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: 'trust.json' }, bare({ 'trust.json': text })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as UserError).message).toMatch(/^trust\.json is not a valid policy: /);
    expect((error as UserError).message).toContain(problem);
  });

  it('--merge-into a policy without Version warns that 2012-10-17 changes how ${…} reads', async () => {
    const plain = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: 'trust.json' }, bare({ 'trust.json': '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}' }));
    expect(plain.policy.Version).toBe('2012-10-17');
    expect(plain.warnings).toEqual([expect.stringMatching(/^trust\.json has no Version; the merged policy has "Version": "2012-10-17", under which \$\{…\} in statements is a policy variable, not text$/)]);
    const vars = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: 'trust.json' }, bare({ 'trust.json': '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}}]}' }));
    expect(vars.warnings[0]).toContain('its existing statements use ${…}');
    const versioned = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: 'trust.json' }, bare({ 'trust.json': '{"Version": "2012-10-17", "Statement": []}' }));
    expect(versioned.warnings).toEqual([]);
  });

  it('--merge-into an empty Statement list adds to it', async () => {
    const r = await policyTrust({ workloads: [{ cluster: DEMO, namespace: 'a', serviceAccount: 'b' }], mergeInto: 'trust.json' }, bare({ 'trust.json': '{"Version": "2012-10-17", "Statement": []}' }));
    expect(r.merge).toMatchObject({ kept: 0, added: 1 });
  });

  it('over the quota: exit-1 error with the size, the quota and how to raise it', async () => {
    const workloads = Array.from({ length: 6 }, (_, i) => ({ cluster: DEMO, namespace: 'payments', serviceAccount: `worker-${i}` }));
    const error = await policyTrust({ workloads }, bare()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/the trust policy is \d+ characters .* over the trust policy quota of 2048/);
    expect((error as UserError).hint).toMatch(/L-C07B4B0D/);
    await expect(policyTrust({ workloads, quota: 8192 }, bare())).resolves.toMatchObject({ quota: 8192 });
  });

  it('scope org needs no workload', async () => {
    const result = await policyTrust({ workloads: [], scope: 'org', orgId: 'o-a1b2c3d4e5' }, bare());
    expect(JSON.stringify(result.policy)).toContain('"aws:SourceOrgId":"o-a1b2c3d4e5"');
  });
});

describe('policyTargetTrust', () => {
  it('from flags', async () => {
    const r = await policyTargetTrust({ sourceRoleArn: SOURCE, targetRoleArn: TARGET, workload: { cluster: DEMO, namespace: 'payments', serviceAccount: 'api' } }, bare());
    expect(r.sessionTags).toBe('on');
    expect(JSON.stringify(r.targetTrustPolicy)).toContain('aws:RequestTag/kubernetes-service-account');
    expect(r.sourcePermissionPolicy.Statement).toEqual([{ Sid: 'AssumeTargetData', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: TARGET }]);
  });

  it('from an association: roles, session-tag mode and externalId', async () => {
    const r = await policyTargetTrust({ association: 'payments/api' }, withFiles(fakeDeps(world())));
    expect(r).toMatchObject({ sourceRoleArn: SOURCE, targetRoleArn: TARGET, sessionTags: 'off' });
    expect(JSON.stringify(r.targetTrustPolicy)).toContain('"sts:ExternalId":"ext-123"');
  });

  it('an association without a target role is a usage error', async () => {
    await expect(policyTargetTrust({ association: 'a-plain' }, withFiles(fakeDeps(world())))).rejects.toThrow(UsageError);
  });

  it('missing roles are usage errors', async () => {
    await expect(policyTargetTrust({ targetRoleArn: TARGET }, bare())).rejects.toThrow(/--source-role-arn/);
    await expect(policyTargetTrust({ sourceRoleArn: SOURCE }, bare())).rejects.toThrow(/--target-role-arn/);
  });
});

describe('policyAbac', () => {
  it('returns the policy and its size; no findings for a template', async () => {
    const deps = bare();
    const r = await policyAbac({ template: 's3-prefix', bucket: 'shared-data' }, deps);
    expect(r.size).toBe(JSON.stringify(r.policy).length);
    expect(r.warnings).toEqual([]);
    const k = await policyAbac({ template: 'kms-tag', account: '111122223333' }, deps);
    expect(k.warnings).toEqual(['no --region (or --cluster-arn): the resources match every region']);
  });
});

describe('policyLint', () => {
  const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, null, 2);
  const good = JSON.stringify(trustPolicyFor([{ clusterArn: DEMO, namespace: 'a', serviceAccount: 'b' }]).policy, null, 2);

  it('lints several files and sums up', async () => {
    const r = await policyLint({ files: ['bad.json', 'good.json', 'broken.json'] }, bare({ 'bad.json': bad, 'good.json': good, 'broken.json': '{' }));
    expect(r.files.map((f) => [f.path, f.findings.map((x) => x.ruleId)])).toEqual([
      ['bad.json', ['PODID-T001', 'PODID-T004']],
      ['good.json', []],
      ['broken.json', ['PODID-V001']],
    ]);
    expect(r.summary).toEqual({ files: 3, errors: 3, warnings: 0, infos: 0 });
    expect(lintFailed(r)).toBe(true);
    expect(r.files[0].findings[0].line).toBe(4);
  });

  it('a missing or oversized file is an error finding (the other files are still linted), no file a usage error', async () => {
    const r = await policyLint({ files: ['good.json', 'nope.json', 'huge.json'] }, bare({ 'good.json': good, 'huge.json': ' '.repeat(2 * 1024 * 1024) }));
    expect(r.files.map((f) => [f.path, f.findings.map((x) => [x.ruleId, x.severity, x.message, x.line])])).toEqual([
      ['good.json', []],
      ['nope.json', [['PODID-V001', 'error', 'cannot read nope.json: no such file', 1]]],
      ['huge.json', [['PODID-V001', 'error', expect.stringMatching(/^huge\.json is 2097152 bytes: too large/), 1]]],
    ]);
    expect(r.summary.errors).toBe(2);
    expect(lintFailed(r)).toBe(true);
    await expect(policyLint({ files: [] }, bare())).rejects.toThrow(UsageError);
  });

  it('--association supplies the session-tag mode, the role tags, and with no files the role trust', async () => {
    const deps = withFiles(fakeDeps(world()), { 'good.json': good });
    const chain = await policyLint({ files: ['good.json'], association: 'payments/api' }, deps);
    expect(chain.sessionTags).toBe('off');
    // good.json is the trust of workload a/b: with session tags off its statement never matches (T005), and it does not admit payments/api (T008)
    expect(chain.files[0].findings.map((f) => f.ruleId)).toEqual(['PODID-T005', 'PODID-T008']);
    const own = await policyLint({ files: [], association: 'web/site' }, deps);
    expect(own.files).toEqual([{ path: 'role:arn:aws:iam::111122223333:role/site', kind: 'trust', findings: [], artifact: { uri: 'aws-iam/role/site/trust-policy.json', roleArn: 'arn:aws:iam::111122223333:role/site' } }]);
    const tagged = await policyLint({ files: [], association: 'payments/api' }, deps);
    expect(tagged.files[0].findings.map((f) => f.ruleId)).toContain('PODID-T005');
  });

  it('--association checks that the trust admits that association (PODID-T008)', async () => {
    const state = world();
    state.roles.find((r) => r.name === 'site')!.trustPolicy = trustPolicyFor([{ clusterArn: DEMO, namespace: 'web-staging', serviceAccount: 'site' }]).policy;
    const deps = withFiles(fakeDeps(state), { 'good.json': good, 'site.json': JSON.stringify(trustPolicyFor([{ clusterArn: DEMO, namespace: 'web', serviceAccount: 'site' }]).policy) });
    const role = await policyLint({ files: [], association: 'web/site' }, deps);
    expect(role.files[0].findings.map((f) => [f.ruleId, f.line])).toEqual([['PODID-T008', 4]]);
    expect(role.files[0].findings[0].message).toContain('condition StringEquals aws:RequestTag/kubernetes-namespace: expected web-staging, request has web');
    expect(lintFailed(role)).toBe(true);
    // files are checked against the association too; without --association nothing to check
    const files = await policyLint({ files: ['good.json', 'site.json'], association: 'web/site' }, deps);
    expect(files.files.map((f) => f.findings.map((x) => x.ruleId))).toEqual([['PODID-T008'], []]);
    expect((await policyLint({ files: ['good.json'] }, deps)).files[0].findings).toEqual([]);
  });
});

describe('policyExplain', () => {
  const trust = JSON.stringify(trustPolicyFor([{ clusterArn: DEMO, namespace: 'payments', serviceAccount: 'api' }]).policy);
  const run = (opts: Partial<Parameters<typeof policyExplain>[0]>) =>
    policyExplain({ file: 't.json', principal: 'pods.eks.amazonaws.com', action: 'sts:AssumeRole', ...opts }, bare({ 't.json': trust, 'p.json': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/kubernetes-namespace}/*"}]}' }));

  it('allows the workload and names the deciding statement', async () => {
    const r = await run({ workload: { cluster: DEMO, namespace: 'payments', serviceAccount: 'api' } });
    expect(r).toMatchObject({ decision: 'allow', allowed: true, kind: 'trust', decidingStatement: { index: 0, sid: 'PodIdentityDemoPaymentsApi' } });
  });

  it('denies a neighbour and says which condition failed', async () => {
    const r = await run({ workload: { cluster: DEMO, namespace: 'payments', serviceAccount: 'web' } });
    expect(r.allowed).toBe(false);
    expect(r.closestStatement?.reasons.join(' ')).toMatch(/kubernetes-service-account/);
  });

  it('--context overrides and adds keys', async () => {
    const r = await run({ workload: { cluster: DEMO, namespace: 'payments', serviceAccount: 'api' }, context: ['aws:SourceAccount=999988887777'] });
    expect(r.decision).toBe('implicit-deny');
  });

  it('permissions policies need --resource and resolve variables', async () => {
    await expect(run({ file: 'p.json', principal: 'arn:aws:sts::111122223333:assumed-role/x/y', action: 's3:GetObject' })).rejects.toThrow(/--resource/);
    const r = await run({ file: 'p.json', principal: 'arn:aws:sts::111122223333:assumed-role/x/y', action: 's3:GetObject', resource: 'arn:aws:s3:::b/payments/k', context: ['aws:PrincipalTag/kubernetes-namespace=payments'] });
    expect(r).toMatchObject({ kind: 'permissions', allowed: true });
  });

  it('bad principals and invalid policies are clear errors', async () => {
    await expect(run({ principal: 'somebody' })).rejects.toThrow(UsageError);
    await expect(policyExplain({ file: 'x.json', principal: 'pods.eks.amazonaws.com', action: 'sts:AssumeRole' }, bare({ 'x.json': '{"Statement":[{"Effect":"Maybe"}]}' }))).rejects.toThrow(/not a valid policy/);
  });
});
