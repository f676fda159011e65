import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { associate } from '../../src/commands/associate.js';
import { renderAssociate } from '../../src/ui/render/associate.js';
import { runCli } from '../helpers/run-cli.js';
import { demoCopy, demoDeps } from '../core/associate/helpers.js';

// Review findings on the demo state: compute the agent cannot serve, the restart advice after
// --restart, checklist lines that match the results, a namespace that does not exist, reserved
// tags, a role without permissions, ABAC template parameters.

const byId = (checks: { id: string }[], id: string) => checks.find((c) => c.id === id) as { status: string; detail: string; hint?: string } | undefined;

describe('associate: pods on Fargate or Windows nodes', () => {
  it('warns naming the pods and why, and does not recommend restarting them', async () => {
    const result = await associate({ namespace: 'web', serviceAccount: 'default', createRole: true }, demoDeps());
    const compute = byId(result.checks, 'pods.compute');
    expect(compute?.status).toBe('warn');
    expect(compute?.detail).toMatch(/static-site-\S+ \(Fargate node fargate-ip-10-0-4-12\S*\)/);
    expect(compute?.detail).toMatch(/legacy-reports-\S+ \(Windows node ip-10-0-5-77\S*\)/);
    expect(compute?.detail).toContain('does not work');
    expect(result.restart.pods).toEqual([]);
    expect(renderAssociate(result)).not.toMatch(/rollout restart|to get credentials/);
  });
});

describe('associate: restart advice', () => {
  const notifier = ['associate', '-n', 'orders', '-s', 'order-notifier', '--role-arn', 'arn:aws:iam::111122223333:role/order-notifier'];

  it('before: lists the pod and the rollout; with --restart the plan restarts it (no "(or pass --restart)"); after --approve nothing stale is said', async () => {
    const state = demoCopy();
    const before = await runCli([...notifier, '--state', state]);
    expect(before.stdout).toContain('get no credentials until they are recreated: order-notifier-');
    expect(before.stdout).toContain('Restart them with (or pass --restart):\n  kubectl -n orders rollout restart deployment/order-notifier');
    const planned = await runCli([...notifier, '--state', state, '--restart']);
    expect(planned.stdout).toContain('The plan restarts deployment/order-notifier.');
    expect(planned.stdout).not.toContain('or pass --restart');
    expect(planned.stdout).not.toContain('kubectl -n orders rollout restart');
    const done = await runCli([...notifier, '--state', state, '--restart', '--approve']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('done     restart-workload deployment/order-notifier');
    expect(done.stdout).not.toMatch(/no credentials|Restart them|pass --restart/);
  });

  it('only Job pods: no empty command list, a line that their next run gets credentials', async () => {
    const r = await runCli(['associate', '--state', demoCopy(), '-n', 'payments', '-s', 'payments-reconciler', '--create-role', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Restart them with');
    expect(r.stdout).not.toMatch(/:\n\n/);
    expect(r.stdout).toContain('Pods of Jobs and CronJobs of the service account get credentials on their next run: payments-reconciler-');
  });
});

describe('associate: checklist lines describe the results', () => {
  it('--create-role --create-service-account: no "role exists" / "service account exists" for things that will be created', async () => {
    const r = await runCli(['associate', '--state', demoCopy(), '-n', 'orders', '-s', 'fulfilment', '--create-role', '--create-service-account']);
    expect(r.stderr).toContain('✔ role.exists: role\n');
    expect(r.stderr).toContain('✔ sa.exists: service account\n');
    expect(r.stderr).not.toMatch(/role exists|service account exists/);
    expect(r.stdout).toMatch(/role\.exists\s+role \S+ will be created/);
  });

  it('another account: the failing row does not claim the role is in the cluster account', async () => {
    const r = await runCli(['associate', '--state', demoCopy(), '-n', 'inventory', '-s', 'search-indexer', '--role-arn', 'arn:aws:iam::222233334444:role/search-indexer']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('✖ role.account: role account\n');
    expect(r.stderr).not.toContain("role is in the cluster's account");
    expect(r.stderr).toMatch(/iam:PassRole of arn:aws:iam::222233334444:role\/search-indexer: denied \(simulated for /);
  });
});

describe('associate: namespace', () => {
  it('a namespace that does not exist fails with a kubectl create namespace fix; the SA check is skipped', async () => {
    const result = await associate({ namespace: 'ghost', serviceAccount: 'foo', createRole: true, createServiceAccount: true }, demoDeps());
    expect(byId(result.checks, 'namespace.exists')).toMatchObject({ status: 'fail', hint: 'Create it: kubectl create namespace ghost' });
    expect(byId(result.checks, 'sa.exists')?.status).toBe('skip');
    expect(result.status).toBe('blocked');
    expect(byId((await associate({ namespace: 'web', serviceAccount: 'frontend', roleArn: 'arn:aws:iam::111122223333:role/web-frontend' }, demoDeps())).checks, 'namespace.exists')?.status).toBe('ok');
  });

  it('without --create-service-account a missing namespace only warns: EKS accepts the association before the namespace exists', async () => {
    const result = await associate({ namespace: 'ghost', serviceAccount: 'foo', createRole: true, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }, demoDeps());
    expect(byId(result.checks, 'namespace.exists')?.status).toBe('warn');
    expect(result.status).not.toBe('blocked');
  });

  it('with --manifests (a partial view) a namespace without objects is not judged', async () => {
    const state = demoCopy();
    const manifests = join(dirname(state), 'sa.yaml');
    writeFileSync(manifests, 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {namespace: apps, name: api}\n');
    const r = await runCli(['associate', '--state', state, '-n', 'ghost', '-s', 'foo', '--create-role', '--manifests', manifests]);
    expect(r.stdout).toMatch(/skip\s+namespace\.exists\s+not checked: the manifests hold no object of namespace ghost/);
  });

  it('with --manifests a `kind: Namespace` object alone shows the namespace exists', async () => {
    const state = demoCopy();
    const manifests = join(dirname(state), 'ns.yaml');
    writeFileSync(manifests, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: empty}\n');
    const r = await runCli(['associate', '--state', state, '-n', 'empty', '-s', 'api', '--create-role', '--manifests', manifests]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok\s+namespace\.exists\s+namespace empty exists/);
    expect(r.stdout).not.toContain('no object of namespace empty');
  });
});

describe('associate: input', () => {
  it('--tags with a podid: key is a usage error (reserved), nothing created', async () => {
    const r = await runCli(['associate', '--state', demoCopy(), '-n', 'orders', '-s', 'fulfilment', '--create-role', '--tags', 'podid:managed-by=other', '--approve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("keys starting with 'podid:' are reserved");
  });

  it('with --state, the podid commands of fix hints carry --state FILE (they work offline) and run', async () => {
    const state = demoCopy();
    const trust = await runCli(['associate', '--state', state, '-n', 'web', '-s', 'frontend', '--role-arn', 'arn:aws:iam::111122223333:role/web-frontend']);
    expect(trust.stdout).toContain(`or generate it with: podid policy trust -w demo:web:frontend --state ${state}`);
    const target = await runCli(['associate', '--state', state, '-n', 'web', '-s', 'default', '--role-arn', 'arn:aws:iam::222233334444:role/search-indexer']);
    expect(target.stdout).toContain(`podid policy target-trust --source-role-arn <new role> --target-role-arn arn:aws:iam::222233334444:role/search-indexer -w demo:web:default --state ${state}`);
    // the hinted command runs offline
    const hinted = (/generate it with: podid (policy trust .*)$/m.exec(trust.stdout)?.[1] ?? '').split(' ');
    const ran = await runCli(hinted);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('PodIdentityDemoWebFrontend');
  });

  it("an apply entry's permissions hint shows role.inlinePolicy as the policy object the schema wants, not a FILE", async () => {
    const state = demoCopy();
    const file = join(dirname(state), 'podid.yaml');
    writeFileSync(file, 'apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - {namespace: orders, serviceAccount: fulfilment, role: {}}\n');
    const r = await runCli(['apply', '-f', file, '--state', state]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('fix: Add permissions with role.policyArns: [ARN], role.inlinePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: …, Resource: …}]} or role.abacTemplates: [TEMPLATE]');
    expect(r.stdout).not.toContain('role.inlinePolicy FILE');
  });

  it("--tags '<<==' (characters AWS rejects) is a usage error, exit 2, nothing created", async () => {
    const state = demoCopy();
    const before = readFileSync(state, 'utf8');
    const r = await runCli(['associate', '--state', state, '-n', 'orders', '-s', 'fulfilment', '--create-role', '--tags', '<<==', '--approve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--tags': the tag key '<<' has characters AWS does not accept");
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it('--create-role without permissions warns; with --policy-arn, --abac-template or a target role it does not', async () => {
    const bare = await associate({ namespace: 'orders', serviceAccount: 'fulfilment', createRole: true }, demoDeps());
    expect(byId(bare.checks, 'role.permissions')).toMatchObject({ status: 'warn', detail: expect.stringContaining('the new role has no permissions policy; pods will be denied every AWS call') });
    expect(byId(bare.checks, 'role.permissions')?.hint).toMatch(/--policy-arn .*--policy-file .*--abac-template/);
    for (const extra of [{ policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }, { abacTemplates: ['s3-prefix:bucket=demo-orders'] }, { targetRoleArn: 'arn:aws:iam::444455556666:role/x' }]) {
      const r = await associate({ namespace: 'orders', serviceAccount: 'fulfilment', createRole: true, ...extra }, demoDeps());
      expect(byId(r.checks, 'role.permissions')).toBeUndefined();
    }
  });

  it.each([
    ['s3-prefix', /template s3-prefix needs the parameter bucket= \(s3-prefix:bucket=…\)/],
    ['s3-prefix:bucket=Bad_Bucket', /in 's3-prefix:bucket=Bad_Bucket', bucket='Bad_Bucket' is not a valid S3 bucket name/],
    ['s3-prefix:bucket=ok-bucket,access=rw', /access= must be one of read, write, read-write/],
  ])('--abac-template %s: the error names the template parameter, not a flag of policy abac', async (template, message) => {
    const r = await runCli(['associate', '--state', demoCopy(), '-n', 'orders', '-s', 'fulfilment', '--create-role', '--abac-template', template]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/--bucket|--table/);
  });
});
