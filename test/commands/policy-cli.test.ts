import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ABAC_HELP } from '../../src/cli/policy.js';
import { ABAC_TEMPLATES, canonicalStatement, lintPolicy, trustPolicyFor, type PolicyDocument, type Statement } from '../../src/core/policy/index.js';
import { DEMO_STATE, ROOT, runCli } from '../helpers/run-cli.js';

// `podid policy …` end to end in-process: flags → command → renderer → stdout and exit code.

const DEMO = 'arn:aws:eks:us-west-2:111122223333:cluster/demo';
const LINT = `${ROOT}fixtures/policies/lint`;
const tmp = () => mkdtempSync(join(tmpdir(), 'podid-policy-'));
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

describe('podid policy trust', () => {
  it('prints the policy JSON for a cluster ARN, without any backend', async () => {
    const { code, stdout, stderr } = await runCli(['policy', 'trust', '-w', `${DEMO}:payments:api`], { env: { AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'does-not-exist' } });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual(trustPolicyFor([{ clusterArn: DEMO, namespace: 'payments', serviceAccount: 'api' }]).policy);
  });

  it('-o json adds size, quota and warnings', async () => {
    const { code, stdout, stderr } = await runCli(['policy', 'trust', '-w', `${DEMO}:payments:api`, '--session-tags', 'off', '-o', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'policy', 'size', 'quota', 'warnings']);
    expect(doc).toMatchObject({ schemaVersion: 1, quota: 2048, size: JSON.stringify(doc.policy).length });
    expect(doc.warnings[0]).toMatch(/session tags are off/);
    expect(stderr).toMatch(/warning: session tags are off/);
  });

  it('-c/-n/-s with a cluster name resolves through --state', async () => {
    const { code, stdout } = await runCli(['policy', 'trust', '-c', 'demo', '-n', 'analytics', '-s', 'model-trainer', '--state', DEMO_STATE]);
    expect(code).toBe(0);
    expect(stdout).toContain(`"aws:RequestTag/eks-cluster-arn": "${DEMO}"`);
    expect(stdout).toContain('"aws:RequestTag/kubernetes-namespace": "analytics"');
  });

  it('the generated statement matches the demo role trust of a healthy association', async () => {
    const { stdout } = await runCli(['policy', 'trust', '-w', 'demo:orders:orders-worker', '--state', DEMO_STATE]);
    const state = JSON.parse(readFileSync(DEMO_STATE, 'utf8'));
    const role = state.roles.find((r: { arn: string }) => r.arn === 'arn:aws:iam::111122223333:role/orders-worker');
    const canon = (d: PolicyDocument) => list(d.Statement).map(canonicalStatement);
    expect(canon(role.trustPolicy)).toEqual(expect.arrayContaining(canon(JSON.parse(stdout))));
  });

  it('--merge-into FILE twice equals once, and keeps the existing statements', async () => {
    const dir = tmp();
    const existing = `${ROOT}fixtures/policies/inputs/existing-trust.json`;
    const once = await runCli(['policy', 'trust', '-w', 'arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:worker', '--merge-into', existing]);
    expect(once.code).toBe(0);
    writeFileSync(join(dir, 'once.json'), once.stdout);
    const twice = await runCli(['policy', 'trust', '-w', 'arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:worker', '--merge-into', 'once.json'], { cwd: dir });
    expect(twice.code).toBe(0);
    expect(JSON.parse(twice.stdout)).toEqual(JSON.parse(once.stdout));
    expect(twice.stderr).toMatch(/already has equivalent statements/);
    const before = JSON.parse(readFileSync(existing, 'utf8')).Statement;
    expect(JSON.parse(once.stdout).Statement.slice(0, before.length)).toEqual(before);
  });

  it('--merge-into ROLE_ARN reads the role trust from the backend', async () => {
    const { code, stdout } = await runCli(['policy', 'trust', '-w', 'demo:inventory:inventory-sync', '--merge-into', 'arn:aws:iam::111122223333:role/inventory-sync', '--state', DEMO_STATE, '-o', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.policy.Statement.length).toBeGreaterThanOrEqual(2);
    // the fixed policy now allows sts:TagSession (seeded problem a)
    expect(lintPolicy(doc.policy).map((f) => f.ruleId)).not.toContain('PODID-T004');
  });

  it.each([
    ['Statement null', '{"Version": "2012-10-17", "Statement": null}'],
    ['Statement a string', '{"Version": "2012-10-17", "Statement": "x"}'],
    ['statements that are not objects', '{"Version": "2012-10-17", "Statement": [null, 5, "x"]}'],
    ['a null condition block', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": null}}]}'],
  ])('--merge-into a file with %s: exit 1, the file named, no internal error', async (_what, text) => {
    const dir = tmp();
    writeFileSync(join(dir, 'trust.json'), text);
    const { code, stdout, stderr } = await runCli(['policy', 'trust', '-w', `${DEMO}:payments:api`, '--merge-into', 'trust.json'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^podid: trust\.json is not a valid policy: /);
    expect(stderr).toContain('podid policy lint --kind trust trust.json');
    expect(stderr).not.toMatch(/internal error|This is a bug/);
  });

  it('--merge-into a bucket policy: each problem once, naming the statements (index and Sid)', async () => {
    const dir = tmp();
    const bucket = { Version: '2012-10-17', Statement: [
      { Sid: 'Read', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' },
    ] };
    writeFileSync(join(dir, 'bucket.json'), JSON.stringify(bucket));
    const { code, stderr } = await runCli(['policy', 'trust', '-w', `${DEMO}:payments:api`, '--merge-into', 'bucket.json'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toContain('podid: bucket.json is not a valid policy: statement #0 (Sid "Read"), statement #1: trust statement has Resource');
    expect(stderr.split('trust statement has Resource').length - 1).toBe(1);
  });

  it('--merge-into a role with a malformed trust: exit 1, the role named', async () => {
    const dir = tmp();
    const state = JSON.parse(readFileSync(DEMO_STATE, 'utf8'));
    const arn = 'arn:aws:iam::111122223333:role/inventory-sync';
    state.roles.find((r: { arn: string }) => r.arn === arn).trustPolicy = { Version: '2012-10-17', Statement: [null, 5, 'x'] };
    writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    const { code, stderr } = await runCli(['policy', 'trust', '-w', 'demo:inventory:inventory-sync', '--merge-into', arn, '--state', join(dir, 'state.json')]);
    expect(code).toBe(1);
    expect(stderr).toContain(`podid: the trust policy of role ${arn} is not a valid policy: statement #0 is not an object`);
    expect(stderr).toContain('podid policy lint');
    expect(stderr).not.toMatch(/internal error/);
  });

  it('a state file with an invalid ARN fails to load, naming the field', async () => {
    const dir = tmp();
    const write = (name: string, change: (state: { clusters: { cluster: { arn: string }; associations: { roleArn: string; targetRoleArn?: string }[] }[]; roles: { arn: string }[] }) => void) => {
      const state = JSON.parse(readFileSync(DEMO_STATE, 'utf8'));
      change(state);
      writeFileSync(join(dir, name), JSON.stringify(state));
      return join(dir, name);
    };
    const cases: [string, RegExp][] = [
      [write('role-arn.json', (s) => (s.clusters[0].associations[1].roleArn = 'foo')), /clusters\.0\.associations\.1\.roleArn: 'foo' is not a valid IAM role ARN/],
      [write('target.json', (s) => (s.clusters[0].associations[0].targetRoleArn = 'arn:aws:s3:::bucket')), /clusters\.0\.associations\.0\.targetRoleArn: .* is not an IAM role ARN/],
      [write('partition.json', (s) => (s.roles[2].arn = 'arn:aws-xx:iam::111122223333:role/x')), /roles\.2\.arn: .* unknown AWS partition 'aws-xx'/],
      [write('cluster.json', (s) => (s.clusters[0].cluster.arn = 'arn:aws:eks:us-west-2:111122223333:nodegroup/demo')), /clusters\.0\.cluster\.arn: .* is not an EKS cluster ARN/],
    ];
    for (const [state, problem] of cases) {
      const { code, stderr } = await runCli(['policy', 'trust', '-w', 'demo:payments:api', '--state', state]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/state file .* is invalid/);
      expect(stderr).toMatch(problem);
    }
  });

  it('over the quota: exit 1 with the size, the quota and the Service Quotas code', async () => {
    const ws = Array.from({ length: 6 }, (_, i) => ['-w', `${DEMO}:payments:worker-${i}`]).flat();
    const { code, stdout, stderr } = await runCli(['policy', 'trust', ...ws]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/the trust policy is \d+ characters \(without whitespace\), over the trust policy quota of 2048/);
    expect(stderr).toMatch(/L-C07B4B0D/);
    expect((await runCli(['policy', 'trust', ...ws, '--trust-quota', '4096'])).code).toBe(0);
  });

  it('--scope org with --org-id', async () => {
    const { code, stdout } = await runCli(['policy', 'trust', '--scope', 'org', '--org-id', 'o-a1b2c3d4e5']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceOrgId': 'o-a1b2c3d4e5' } });
  });

  it.each([
    [['policy', 'trust', '-w', 'nonsense'], "option '-w, --workload' expects CLUSTER:NAMESPACE:SERVICE_ACCOUNT"],
    [['policy', 'trust', '-w', `${DEMO}:Payments:api`], 'not a valid Kubernetes namespace'],
    [['policy', 'trust', '-w', `${DEMO}:payments`], 'has no service account'],
    [['policy', 'trust', '--org-id', 'o-a1b2c3d4e5', '-w', `${DEMO}:a:b`], "'--org-id' needs '--scope org'"],
    [['policy', 'trust', '--scope', 'galaxy'], "argument 'galaxy' is invalid"],
    [['policy', 'trust', '-n', 'payments', '-s', 'api'], "need '-c, --cluster"],
    [['policy', 'trust', '-w', `${DEMO}:a:b`, '--trust-quota', 'lots'], "option '--trust-quota' expects a whole number"],
    [['policy', 'trust'], 'no workload given'],
    [['policy', 'trust', '-w', 'arn:aws-mars:eks:us-west-2:111122223333:cluster/a:b:c'], "option '-w, --workload': 'arn:aws-mars:eks:us-west-2:111122223333:cluster/a' names an unknown AWS partition 'aws-mars'"],
    [['policy', 'trust', '-c', 'arn:foo:eks:us-west-2:111122223333:cluster/a', '-n', 'b', '-s', 'c'], "unknown AWS partition 'foo'"],
    [['policy', 'explain', 'x.json', '--principal', 'pods.eks.amazonaws.com', '--action', 'sts:AssumeRole', '--workload', 'arn:aws-mars:eks:us-west-2:111122223333:cluster/a:b:c'], "unknown AWS partition 'aws-mars'"],
  ])('usage error %j', async (argv, message) => {
    const { code, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe('podid policy target-trust', () => {
  it('from the demo association reproduces the demo target trust', async () => {
    const { code, stdout } = await runCli(['policy', 'target-trust', '--association', 'checkout/checkout-api', '--state', DEMO_STATE, '-o', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const state = JSON.parse(readFileSync(DEMO_STATE, 'utf8'));
    const target = state.roles.find((r: { arn: string }) => r.arn === doc.targetRoleArn);
    const canon = (d: PolicyDocument) => list(d.Statement).map((s: Statement) => canonicalStatement(s));
    expect(canon(target.trustPolicy)).toEqual(expect.arrayContaining(canon(doc.targetTrustPolicy)));
  });

  it('--association takes the forms associations describe takes, strictly', async () => {
    const state = JSON.parse(readFileSync(DEMO_STATE, 'utf8'));
    const checkout = state.clusters[0].associations.find((a: { serviceAccount: string }) => a.serviceAccount === 'checkout-api');
    for (const ref of [checkout.associationId, checkout.associationArn]) {
      expect((await runCli(['policy', 'target-trust', '--association', ref, '--state', DEMO_STATE])).code).toBe(0);
    }
    const loose = await runCli(['policy', 'target-trust', '--association', 'checkout/checkout-api/x', '--state', DEMO_STATE]);
    expect(loose.code).toBe(2);
    expect(loose.stderr).toContain('is not an association reference');
    const missing = await runCli(['policy', 'lint', '--association', 'checkout/nobody', '--state', DEMO_STATE]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no association for checkout/nobody in cluster demo');
  });

  it('table output shows both policies', async () => {
    const { code, stdout } = await runCli(['policy', 'target-trust', '--source-role-arn', 'arn:aws:iam::111122223333:role/app', '--target-role-arn', 'arn:aws:iam::444455556666:role/data', '--session-tags', 'off', '--external-id', 'us-west-2/111122223333/demo/payments/api']);
    expect(code).toBe(0);
    expect(stdout).toContain('// Trust policy of the target role arn:aws:iam::444455556666:role/data');
    expect(stdout).toContain('// Permission policy for the source (Pod Identity) role arn:aws:iam::111122223333:role/app');
    expect(stdout).toContain('"sts:ExternalId": "us-west-2/111122223333/demo/payments/api"');
  });

  it.each([
    ['a target role in another partition', ['--target-role-arn', 'arn:aws-cn:iam::444455556666:role/data', '-w', `${DEMO}:payments:api`], 'role chaining cannot cross partitions'],
    ['a cluster in another partition', ['--target-role-arn', 'arn:aws:iam::444455556666:role/data', '-w', 'arn:aws-cn:eks:cn-north-1:111122223333:cluster/demo:payments:api'], "a Pod Identity role is in its cluster's partition"],
  ])('%s: exit 2', async (_what, argv, message) => {
    const { code, stdout, stderr } = await runCli(['policy', 'target-trust', '--source-role-arn', 'arn:aws:iam::111122223333:role/app', ...argv]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('--external-id with session tags on is a usage error (it would be ignored)', async () => {
    const { code, stdout, stderr } = await runCli(['policy', 'target-trust', '--source-role-arn', 'arn:aws:iam::111122223333:role/app', '--target-role-arn', 'arn:aws:iam::444455556666:role/data', '-w', `${DEMO}:payments:api`, '--external-id', 'abc']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("option '--external-id' applies only with session tags off");
    // the association's own externalId (read, not typed) is fine with session tags on
    expect((await runCli(['policy', 'target-trust', '--association', 'checkout/checkout-api', '--state', DEMO_STATE])).code).toBe(0);
    expect((await runCli(['policy', 'target-trust', '--association', 'checkout/checkout-api', '--state', DEMO_STATE, '--external-id', 'abc'])).code).toBe(2);
  });

  it('session tags off without an external id is a usage error', async () => {
    const { code, stderr } = await runCli(['policy', 'target-trust', '--source-role-arn', 'arn:aws:iam::111122223333:role/app', '--target-role-arn', 'arn:aws:iam::444455556666:role/data', '--session-tags', 'off']);
    expect(code).toBe(2);
    expect(stderr).toContain('--external-id');
  });
});

describe('podid policy abac', () => {
  it('--help lists every template with one line', async () => {
    const { code, stdout } = await runCli(['policy', 'abac', '--help']);
    expect(code).toBe(0);
    for (const t of ABAC_TEMPLATES) expect(stdout).toContain(`  ${t.name.padEnd(22)} ${t.summary}`);
    expect(stdout).toContain('Examples:');
  });

  it('the help table is the template catalog', () => {
    expect(ABAC_HELP.map(([n, s]) => [n, s])).toEqual(ABAC_TEMPLATES.map((t) => [t.name, t.summary]));
  });

  it.each(ABAC_TEMPLATES.map((t) => t.name))('%s generates a clean policy', async (name) => {
    const params = name.startsWith('s3-') ? ['--bucket', 'shared-data'] : name.startsWith('dynamodb-') ? ['--table', 'orders'] : [];
    const { code, stdout } = await runCli(['policy', 'abac', '-t', name, ...params, '--cluster-arn', DEMO, '--actions', 'read-write']);
    expect(code).toBe(0);
    expect(lintPolicy(JSON.parse(stdout))).toEqual([]);
  });

  it.each([
    [['-t', 's3-prefix', '--bucket', 'shared-data', '--partition', 'foo'], "option '--partition': 'foo' is not an AWS partition"],
    [['-t', 'kms-tag', '--account', '111122223333', '--region', 'us west'], "option '--region': 'us west' is not an AWS region"],
    [['-t', 'kms-tag', '--cluster-arn', DEMO, '--region', 'cn-north-1'], "option '--region': cn-north-1 is in partition aws-cn, not aws"],
    [['-t', 's3-prefix', '--bucket', 'okk', '--table', 'xyz'], "option '--table': template s3-prefix does not take --table (it takes --bucket)"],
    [['-t', 'kms-tag', '--cluster-arn', DEMO, '--bucket', 'shared-data'], "option '--bucket': template kms-tag does not take --bucket (it takes --account)"],
    [['-t', 's3-object-tag', '--bucket', 'shared-data', '--account', '111122223333'], "option '--account': template s3-object-tag does not take --account (it takes --bucket; S3 ARNs have no account)"],
    [['-t', 'kms-tag', '--cluster-arn', DEMO, '--partition', 'aws-cn'], "option '--partition': aws-cn is not the partition of --cluster-arn (aws)"],
    [['-t', 'dynamodb-leading-keys', '--table', 'orders', '--cluster-arn', 'arn:aws-cn:eks:cn-north-1:111122223333:cluster/demo', '--partition', 'aws'], "option '--partition': aws is not the partition of --cluster-arn (aws-cn)"],
    [['-t', 's3-prefix', '--bucket', 'My_Bucket'], "option '--bucket': 'My_Bucket' is not a valid S3 bucket name"],
    [['-t', 's3-object-tag', '--bucket', '192.168.0.1'], "option '--bucket': '192.168.0.1' is not a valid S3 bucket name: it must not look like an IP address"],
    [['-t', 'dynamodb-leading-keys', '--cluster-arn', DEMO, '--table', 'orders/v2'], "option '--table': 'orders/v2' is not a valid DynamoDB table name"],
    [['-t', 'kms-tag', '--cluster-arn', 'arn:aws-mars:eks:us-west-2:111122223333:cluster/demo'], "option '--cluster-arn'"],
  ])('invalid value %j: usage error naming the flag, nothing on stdout', async (argv, message) => {
    const { code, stdout, stderr } = await runCli(['policy', 'abac', ...argv]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('a missing parameter or unknown template is a usage error', async () => {
    expect((await runCli(['policy', 'abac', '-t', 's3-prefix'])).stderr).toContain('needs --bucket');
    expect((await runCli(['policy', 'abac', '-t', 'nope'])).code).toBe(2);
  });
});

describe('podid policy lint', () => {
  it('exit 0 for a clean file, 1 when a finding is an error', async () => {
    expect((await runCli(['policy', 'lint', `${LINT}/PODID-T001/pass.json`])).code).toBe(0);
    const bad = await runCli(['policy', 'lint', `${LINT}/PODID-T001/fail.json`]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/error {3}PODID-T001 unconditioned-trust \[line 4, Sid Baseline\]/);
    expect(bad.stdout).toMatch(/1 error, 0 warnings in 1 file/);
  });

  it('the T001 hint says to replace the open statement, and following it passes T001', async () => {
    const lint = await runCli(['policy', 'lint', `${LINT}/PODID-T001/fail.json`, '-o', 'json']);
    const t001 = JSON.parse(lint.stdout).files[0].findings.find((f: { ruleId: string }) => f.ruleId === 'PODID-T001');
    expect(t001.hint).toMatch(/^replace this statement, do not merge/);
    const command = /podid (policy trust [^>]+?) >/.exec(t001.hint)?.[1];
    expect(command).toBeDefined();
    const argv = (command as string).trim().split(/\s+/).map((a) => a.replace('CLUSTER_ARN:NAMESPACE:SERVICE_ACCOUNT', `${DEMO}:payments:api`));
    const generated = await runCli(argv);
    expect(generated.code).toBe(0);
    const dir = tmp();
    writeFileSync(join(dir, 'trust.json'), generated.stdout);
    const relint = await runCli(['policy', 'lint', 'trust.json', '-o', 'json'], { cwd: dir });
    expect(relint.code).toBe(0);
    expect(JSON.parse(relint.stdout).files[0].findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('PODID-T001');
    // why not --merge-into: the open statement stays, and so does T001
    const merged = await runCli([...argv, '--merge-into', `${LINT}/PODID-T001/fail.json`]);
    writeFileSync(join(dir, 'merged.json'), merged.stdout);
    expect((await runCli(['policy', 'lint', 'merged.json'], { cwd: dir })).stdout).toContain('PODID-T001');
  });

  it('warnings alone exit 0', async () => {
    expect((await runCli(['policy', 'lint', `${LINT}/PODID-T002/fail.json`])).code).toBe(0);
  });

  it('-o sarif and -o json', async () => {
    const sarif = await runCli(['policy', 'lint', `${LINT}/PODID-T007/fail.json`, '-o', 'sarif']);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'podid', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(log.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(4);
    const json = JSON.parse((await runCli(['policy', 'lint', `${LINT}/PODID-T007/fail.json`, '-o', 'json'])).stdout);
    expect(json.schemaVersion).toBe(1);
    expect(json.summary).toEqual({ files: 1, errors: 1, warnings: 0, infos: 0 });
  });

  it('reads stdin with -', async () => {
    const { code, stdout } = await runCli(['policy', 'lint', '-', '--session-tags', 'off'], { stdin: readFileSync(`${LINT}/PODID-T005/fail.json`, 'utf8') });
    expect(code).toBe(1);
    expect(stdout).toContain('PODID-T005');
  });

  it('bad input: an unreadable file is an error finding (exit 1), not-JSON is a finding, no file is a usage error', async () => {
    const missing = await runCli(['policy', 'lint', 'does-not-exist.json']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('cannot read does-not-exist.json: no such file');
    const notJson = await runCli(['policy', 'lint', `${LINT}/PODID-V001/fail.json`]);
    expect(notJson.code).toBe(1);
    expect(notJson.stdout).toContain('not valid JSON');
    expect((await runCli(['policy', 'lint'])).code).toBe(2);
    expect((await runCli(['policy', 'lint', ROOT])).stdout).toContain('it is a directory');
  });

  it('--association lints the role trust of a demo association (seeded problem a)', async () => {
    const broken = await runCli(['policy', 'lint', '--association', 'inventory/inventory-sync', '--state', DEMO_STATE]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('PODID-T004');
    const healthy = await runCli(['policy', 'lint', '--association', 'payments/payments-api', '--state', DEMO_STATE]);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toContain('no findings');
  });

  it('--association checks that the trust admits the association (seeded problem g: PODID-T008)', async () => {
    const wrong = await runCli(['policy', 'lint', '--association', 'analytics/model-trainer', '--state', DEMO_STATE]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/error {3}PODID-T008 trust-denies-association \[line 4, Sid PodIdentityDemoAnalyticsStagingModelTrainer\]/);
    expect(wrong.stdout).toContain('association analytics/model-trainer (cluster demo) cannot use this role: sts:AssumeRole is denied');
    expect(wrong.stdout).toContain('condition StringEquals aws:RequestTag/kubernetes-namespace: expected analytics-staging, request has analytics');
    expect(wrong.stdout).toContain(`podid policy trust -w ${DEMO}:analytics:model-trainer`);
    const json = JSON.parse((await runCli(['policy', 'lint', '--association', 'analytics/model-trainer', '--state', DEMO_STATE, '-o', 'json'])).stdout);
    expect(json.files[0].findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['PODID-T008']);
    // seeded problem a: the missing sts:TagSession is PODID-T004's finding, not reported twice
    const a = await runCli(['policy', 'lint', '--association', 'inventory/inventory-sync', '--state', DEMO_STATE, '-o', 'json']);
    expect(a.code).toBe(1);
    expect(JSON.parse(a.stdout).files[0].findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['PODID-T004']);
    // a healthy association, also through a chain (checkout-api's first hop)
    for (const ok of ['orders/orders-worker', 'checkout/checkout-api']) {
      const r = await runCli(['policy', 'lint', '--association', ok, '--state', DEMO_STATE]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('no findings');
    }
    // without --association the same trust has nothing to check against
    const dir = tmp();
    const state = JSON.parse(readFileSync(DEMO_STATE, 'utf8'));
    writeFileSync(join(dir, 'g.json'), JSON.stringify(state.roles.find((r: { arn: string }) => r.arn.endsWith('role/analytics-model-trainer')).trustPolicy));
    expect((await runCli(['policy', 'lint', 'g.json'], { cwd: dir })).code).toBe(0);
  });
});

describe('podid policy explain', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'trust.json'), JSON.stringify(trustPolicyFor([{ clusterArn: DEMO, namespace: 'payments', serviceAccount: 'api' }]).policy));

  it('exit 0 when allowed', async () => {
    const { code, stdout } = await runCli(['policy', 'explain', 'trust.json', '--principal', 'pods.eks.amazonaws.com', '--action', 'sts:AssumeRole', '--workload', `${DEMO}:payments:api`], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ALLOWED: pods\.eks\.amazonaws\.com → sts:AssumeRole/);
    expect(stdout).toContain('Decided by: statement #0 (PodIdentityDemoPaymentsApi), Allow');
  });

  it('exit 1 when denied, naming the failed condition', async () => {
    const { code, stdout } = await runCli(['policy', 'explain', 'trust.json', '--principal', 'pods.eks.amazonaws.com', '--action', 'sts:AssumeRole', '--context', 'aws:SourceAccount=111122223333', '--context', `aws:RequestTag/eks-cluster-arn=${DEMO}`, '--context', 'aws:RequestTag/kubernetes-namespace=payments', '--context', 'aws:RequestTag/kubernetes-service-account=other'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^DENIED \(implicit deny\)/);
    expect(stdout).toContain('✖ condition StringEquals aws:RequestTag/kubernetes-service-account');
  });

  it('-o json', async () => {
    const { code, stdout } = await runCli(['policy', 'explain', 'trust.json', '--principal', 'arn:aws:iam::111122223333:role/x', '--action', 'sts:AssumeRole', '-o', 'json'], { cwd: dir });
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ schemaVersion: 1, decision: 'implicit-deny', allowed: false, kind: 'trust' });
  });

  it("derives aws:PrincipalArn/aws:PrincipalAccount from --principal, so podid's own target trust is ALLOWED", async () => {
    const WL = `${DEMO}:payments:api`;
    const gen = await runCli(['policy', 'target-trust', '--source-role-arn', 'arn:aws:iam::111122223333:role/app', '--target-role-arn', 'arn:aws:iam::444455556666:role/data', '-w', WL, '-o', 'json']);
    writeFileSync(join(dir, 'target.json'), JSON.stringify(JSON.parse(gen.stdout).targetTrustPolicy));
    const base = ['policy', 'explain', 'target.json', '--principal', 'arn:aws:sts::111122223333:assumed-role/app/eks-demo-api', '--action', 'sts:AssumeRole', '--resource', 'arn:aws:iam::444455556666:role/data', '--workload', WL];
    const ok = await runCli([...base, '-o', 'json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).request.context).toMatchObject({ 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app', 'aws:PrincipalAccount': '111122223333' });
    // an explicit --context wins (whatever the case of the key)
    const other = await runCli([...base, '--context', 'aws:principalarn=arn:aws:iam::111122223333:role/other'], { cwd: dir });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('ArnEquals aws:PrincipalArn');
    // an IAM user: its ARN and aws:username
    const user = await runCli(['policy', 'explain', 'target.json', '--principal', 'arn:aws:iam::111122223333:user/ops/alice', '--action', 'sts:AssumeRole', '-o', 'json'], { cwd: dir });
    expect(JSON.parse(user.stdout).request.context).toMatchObject({ 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/ops/alice', 'aws:username': 'alice' });
  });

  it('--org-id with --workload supplies aws:SourceOrgID, so a --scope org trust can be ALLOWED', async () => {
    writeFileSync(join(dir, 'org.json'), (await runCli(['policy', 'trust', '--scope', 'org'])).stdout);
    writeFileSync(join(dir, 'org-id.json'), (await runCli(['policy', 'trust', '--scope', 'org', '--org-id', 'o-a1b2c3d4e5'])).stdout);
    const argv = (file: string) => ['policy', 'explain', file, '--principal', 'pods.eks.amazonaws.com', '--action', 'sts:AssumeRole', '--workload', `${DEMO}:payments:api`];
    expect((await runCli(argv('org.json'), { cwd: dir })).code).toBe(1);
    expect((await runCli([...argv('org.json'), '--org-id', 'o-a1b2c3d4e5'], { cwd: dir })).code).toBe(0);
    expect((await runCli([...argv('org-id.json'), '--org-id', 'o-a1b2c3d4e5'], { cwd: dir })).code).toBe(0);
    expect((await runCli([...argv('org-id.json'), '--org-id', 'o-zzzzzzzzzz'], { cwd: dir })).code).toBe(1);
    const alone = await runCli(['policy', 'explain', 'org.json', '--principal', 'pods.eks.amazonaws.com', '--action', 'sts:AssumeRole', '--org-id', 'o-a1b2c3d4e5'], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("'--org-id' needs '--workload'");
    expect((await runCli([...argv('org.json'), '--org-id', 'org-1'], { cwd: dir })).code).toBe(2);
  });

  it.each(['s3:Get*', '*', 'sts:Assume?ole', 's3GetObject'])('--action %s is not a request action: exit 2', async (action) => {
    const { code, stderr } = await runCli(['policy', 'explain', 'trust.json', '--principal', 'pods.eks.amazonaws.com', '--action', action], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain("option '--action'");
  });

  it('usage errors', async () => {
    expect((await runCli(['policy', 'explain', 'trust.json', '--principal', 'nobody', '--action', 'sts:AssumeRole'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['policy', 'explain', 'trust.json', '--action', 'sts:AssumeRole'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['policy', 'explain', 'trust.json', '--principal', 'pods.eks.amazonaws.com', '--action', 'a', '--context', 'novalue'], { cwd: dir })).code).toBe(2);
  });
});

describe('help', () => {
  it.each(['trust', 'target-trust', 'abac', 'lint', 'explain'])('podid policy %s --help has Examples', async (name) => {
    const { code, stdout } = await runCli(['policy', name, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain(`$ podid policy ${name}`);
  });

  it('policy explain --help: every example runs as shown (in order, `> file` included) and is ALLOWED', async () => {
    const { stdout } = await runCli(['policy', 'explain', '--help']);
    const lines = stdout.slice(stdout.indexOf('Examples:')).replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.trim().startsWith('$ podid'));
    expect(lines.filter((l) => l.includes('policy explain'))).toHaveLength(3);
    const dir = tmp();
    for (const line of lines) {
      const [command, out] = line.trim().replace(/^\$ podid\s+/, '').split(/\s*>\s*/);
      const result = await runCli(command.split(/\s+/), { cwd: dir });
      expect(result.code, `${line}\n${result.stdout}${result.stderr}`).toBe(0);
      if (out) writeFileSync(join(dir, out), result.stdout);
      if (command.startsWith('policy explain')) expect(result.stdout, line).toMatch(/^ALLOWED: /);
    }
  });

  it('every --help example that uses --state fixtures/demo/state.json runs against the demo state', async () => {
    const examples: string[] = [];
    for (const name of ['trust', 'target-trust', 'abac', 'lint', 'explain']) {
      const { stdout } = await runCli(['policy', name, '--help']);
      const text = stdout.slice(stdout.indexOf('Examples:')).replace(/\\\n\s*/g, ' ');
      examples.push(...text.split('\n').filter((l) => l.trim().startsWith('$ podid') && l.includes('--state fixtures/demo/state.json')));
    }
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) {
      const argv = example.trim().replace(/^\$ podid\s+/, '').split(/\s+/);
      const { code, stderr } = await runCli(argv, { cwd: ROOT });
      expect([0, 1], `${example}\n${stderr}`).toContain(code);
      expect(stderr, example).not.toMatch(/no association|has no targetRoleArn|not found|error: |internal error/i);
    }
  });
});
