import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/adapters/local/index.js';
import { apply, applyExitCode, parseApplyFile } from '../../src/commands/apply.js';
import { eksSessionTags } from '../../src/core/associate/index.js';
import { UsageError, UserError } from '../../src/core/errors.js';
import { evaluateFirstHop } from '../../src/core/exchange/index.js';
import { fakeDeps, minimalState } from '../helpers/fake-deps.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { ACCOUNT, PASS_ROLE_POLICY, demoCopy, demoDeps, role, sa, scopedTrust } from '../core/associate/helpers.js';


const FIXTURE = `${ROOT}fixtures/apply/podid.yaml`;
const fixture = () => readFileSync(FIXTURE, 'utf8');

describe('podid apply', () => {
  it('the fixture validates and plans the new workload only; --prune lists the unlisted for deletion', async () => {
    const d = demoDeps();
    const plan = await apply({ path: 'podid.yaml', text: fixture() }, d);
    expect(plan.status).toBe('planned');
    expect(plan.entries.map((e) => `${e.namespace}/${e.serviceAccount}:${e.status}`)).toEqual([
      'payments/payments-api:up-to-date', 'checkout/checkout-api:up-to-date', 'orders/fulfilment:planned', 'orders/order-notifier:up-to-date',
    ]);
    expect(plan.unlisted).toHaveLength(10);
    expect(plan.unlisted.every((u) => u.action === 'keep')).toBe(true);
    expect(plan.changes).toBe(4);
    const pruned = await apply({ path: 'podid.yaml', text: fixture(), prune: true, check: true }, d);
    expect(pruned.changes).toBe(14);
    expect(applyExitCode(pruned, true)).toBe(3);
  });

  it('CLI: apply --approve --prune converges; a second run is up to date (exit 0 under --check)', async () => {
    const state = demoCopy();
    const first = await runCli(['apply', '-f', FIXTURE, '--state', state, '--approve', '--prune']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Applied.');
    expect(first.stdout).toContain('kubectl -n orders rollout restart deployment/order-notifier');
    const doc = (await LocalStore.open(state)).doc;
    expect(doc.clusters[0].associations.map((a) => `${a.namespace}/${a.serviceAccount}`).sort()).toEqual(['checkout/checkout-api', 'orders/fulfilment', 'orders/order-notifier', 'payments/payments-api']);
    const role = doc.roles.find((r) => r.name === 'podid-demo-orders-fulfilment')!;
    expect(role.path).toBe('/pod-identity/');
    expect(role.inlinePolicies.map((p) => p.name)).toEqual(['podid-abac-s3-prefix']);
    const before = readFileSync(state, 'utf8');
    const again = await runCli(['apply', '-f', FIXTURE, '--state', state, '--prune', '--check']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('The cluster matches the file');
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it('never prunes add-on-owned associations', async () => {
    const d = demoDeps();
    d.store.doc.clusters[0].associations[1].ownerArn = 'arn:aws:eks:us-west-2:111122223333:addon/demo/aws-ebs-csi-driver/abc';
    const result = await apply({ path: 'podid.yaml', text: fixture(), prune: true, approve: true }, d);
    expect(result.status).toBe('applied');
    expect(result.unlisted.find((u) => u.serviceAccount === 'orders-worker')).toMatchObject({ action: 'keep', ownerAddon: 'aws-ebs-csi-driver' });
    expect(d.store.doc.clusters[0].associations.some((a) => a.serviceAccount === 'orders-worker')).toBe(true);
  });

  it('a blocked entry stops the whole apply (nothing written)', async () => {
    const d = demoDeps();
    const text = fixture() + '  - namespace: inventory\n    serviceAccount: search-indexer\n    roleArn: arn:aws:iam::222233334444:role/search-indexer\n';
    const before = JSON.stringify(d.store.doc);
    const result = await apply({ path: 'podid.yaml', text, approve: true }, d);
    expect(result.status).toBe('blocked');
    expect(applyExitCode(result)).toBe(1);
    expect(JSON.stringify(d.store.doc)).toBe(before);
  });

  it.each([
    ['apiVersion: v2\nkind: Associations\ncluster: demo\n', /apiVersion/],
    ['apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - namespace: a\n    serviceAccount: b\n', /exactly one of roleArn and role/],
    ['apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - {namespace: a, serviceAccount: b, roleArn: x, extra: 1}\n', /extra|Unrecognized/i],
    ['apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - {namespace: a, serviceAccount: b, roleArn: "arn:aws:iam::111122223333:role/x"}\n  - {namespace: a, serviceAccount: b, roleArn: "arn:aws:iam::111122223333:role/y"}\n', /already listed/],
    ['[: not yaml', /not valid YAML/],
  ])('invalid file %#', (text, message) => {
    expect(() => parseApplyFile('podid.yaml', text)).toThrow(message);
  });

  it('bad names in an entry are usage errors naming the entry', async () => {
    const text = 'apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - {namespace: Bad_NS, serviceAccount: b, roleArn: "arn:aws:iam::111122223333:role/x"}\n';
    const error = await apply({ path: 'podid.yaml', text }, demoDeps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/associations\.0 \(Bad_NS\/b\)/);
    const unknown = 'apiVersion: podid/v1\nkind: Associations\ncluster: nope\nassociations: []\n';
    await expect(apply({ path: 'podid.yaml', text: unknown }, demoDeps())).rejects.toThrow(UserError);
  });

  it('CLI: -c that differs from the file is a usage error; a missing file exits 1', async () => {
    const state = demoCopy();
    const file = state.replace(/state\.json$/, 'podid.yaml');
    writeFileSync(file, fixture());
    expect((await runCli(['apply', '-f', file, '-c', 'other', '--state', state])).code).toBe(2);
    expect((await runCli(['apply', '-f', `${file}.missing`, '--state', state])).code).toBe(1);
    expect((await runCli(['apply', '--help'])).stdout).toContain('Examples:');
  });

  it('CLI: -c accepts the cluster ARN of the file\'s cluster; an ARN of another name, region or account is a usage error', async () => {
    const state = demoCopy();
    const file = state.replace(/state\.json$/, 'podid.yaml');
    writeFileSync(file, fixture());
    const ok = await runCli(['apply', '-f', file, '-c', 'arn:aws:eks:us-west-2:111122223333:cluster/demo', '--state', state]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('changes planned');
    for (const arn of ['arn:aws:eks:us-west-2:111122223333:cluster/other', 'arn:aws:eks:us-east-1:111122223333:cluster/demo', 'arn:aws:eks:us-west-2:999988887777:cluster/demo', 'arn:aws:iam::111122223333:role/demo']) {
      const r = await runCli(['apply', '-f', file, '-c', arn, '--state', state]);
      expect(r.code, arn).toBe(2);
    }
  });

  it('blocked entries and entry errors name the file keys, not the flags of associate', async () => {
    const text = fixture() + '  - {namespace: inventory, serviceAccount: search-indexer, roleArn: "arn:aws:iam::222233334444:role/search-indexer"}\n  - {namespace: orders, serviceAccount: orders-worker, roleArn: "arn:aws:iam::111122223333:role/order-notifier"}\n  - {namespace: orders, serviceAccount: api, role: {name: orders-worker}}\n';
    const result = await apply({ path: 'podid.yaml', text }, demoDeps());
    const hints = result.entries.flatMap((e) => e.checks.filter((c) => c.status === 'fail').map((c) => c.hint ?? ''));
    expect(hints.join('\n')).toContain('targetRoleArn: arn:aws:iam::222233334444:role/search-indexer');
    expect(hints.join('\n')).toContain('Set fixTrust: true on the entry');
    expect(hints.join('\n')).toContain('or pick another role.name');
    expect(hints.join('\n')).not.toMatch(/--fix-trust|--role-name|--create-role|as --target-role-arn/);
    const session = 'apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - {namespace: web, serviceAccount: frontend, roleArn: "arn:aws:iam::111122223333:role/web-frontend", sessionPolicy: {Statement: []}}\n';
    await expect(apply({ path: 'podid.yaml', text: session }, demoDeps())).rejects.toThrow("associations.0 (web/frontend): 'sessionPolicy' requires sessionTags: false");
  });
});

describe('podid apply: an updated association', () => {
  it('carries the note that running pods keep the old credentials (as associate does), in the plan, after --approve and in -o json', async () => {
    const state = demoCopy();
    const path = join(dirname(state), 'podid.yaml');
    writeFileSync(path, 'apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - {namespace: orders, serviceAccount: order-notifier, roleArn: "arn:aws:iam::111122223333:role/orders-worker", fixTrust: true}\n');
    const note = 'running pods keep the old credentials until they are restarted';
    const plan = await runCli(['apply', '-f', path, '--state', state]);
    expect(plan.stdout).toContain(`note: ${note}`);
    expect(plan.stdout).toContain('kubectl -n orders rollout restart deployment/order-notifier');
    const associateNotes = JSON.parse((await runCli(['associate', '-n', 'orders', '-s', 'order-notifier', '--role-arn', 'arn:aws:iam::111122223333:role/orders-worker', '--fix-trust', '--state', state, '-o', 'json'])).stdout).notes;
    const json = JSON.parse((await runCli(['apply', '-f', path, '--state', state, '-o', 'json'])).stdout);
    expect(json.entries[0].notes).toEqual(associateNotes);
    expect(json.entries[0].notes.join()).toContain(note);
    const done = await runCli(['apply', '-f', path, '--state', state, '--approve', '-o', 'json']);
    expect(JSON.parse(done.stdout).entries[0]).toMatchObject({ status: 'applied', notes: associateNotes });
  });
});

describe('podid apply: policies IAM would reject', () => {
  const head = 'apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n';
  it.each([
    ['role.inlinePolicy without Resource, bad action', '  - {namespace: orders, serviceAccount: fulfilment, role: {inlinePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3GetObject}]}}}\n', /'role\.inlinePolicy': IAM would reject this policy:[\s\S]*PODID-V004[\s\S]*PODID-V005/],
    ['role.inlinePolicy with a Principal', '  - {namespace: orders, serviceAccount: fulfilment, role: {inlinePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: pods.eks.amazonaws.com}, Action: "sts:AssumeRole", Resource: "*"}]}}}\n', /Statement\[0\]\.Principal: permissions statement has Principal/],
    ['sessionPolicy with a bad action', '  - {namespace: web, serviceAccount: frontend, roleArn: "arn:aws:iam::111122223333:role/web-frontend", sessionTags: false, fixTrust: true, sessionPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:Get Object", Resource: "*"}]}}\n', /'sessionPolicy': IAM would reject this policy: Statement\[0\]\.Action/],
  ])('%s: exit 1 naming the entry and the finding, before any write', async (_name, entry, message) => {
    const state = demoCopy();
    const path = join(dirname(state), 'podid.yaml');
    writeFileSync(path, head + entry);
    const before = readFileSync(state, 'utf8');
    const r = await runCli(['apply', '-f', path, '--state', state, '--approve']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${path}: associations.0`);
    expect(r.stderr).toMatch(message);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });
});

describe('podid apply: podid-managed role settings', () => {
  it('a changed boundary, max session duration or tags in the file are steps; --check exits 3; --approve converges; a re-run is up to date', async () => {
    const state = demoCopy();
    const path = join(dirname(state), 'podid.yaml');
    const entry = (role: string, tags: string) => `apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - {namespace: orders, serviceAccount: fulfilment, createServiceAccount: true, role: {${role}}, tags: {${tags}}}\n`;
    writeFileSync(path, entry('name: podid-demo-orders-fulfilment', 'team: orders'));
    expect((await runCli(['apply', '-f', path, '--state', state, '--approve'])).code).toBe(0);
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
    writeFileSync(path, entry(`name: podid-demo-orders-fulfilment, maxSessionDuration: 7200, permissionsBoundary: "${boundary}"`, 'team: x'));

    const check = await runCli(['apply', '-f', path, '--state', state, '--check']);
    expect(check.code).toBe(3);
    expect(check.stdout).toContain('orders/fulfilment → arn:aws:iam::111122223333:role/podid-demo-orders-fulfilment: will change');
    expect(check.stdout).toContain('~ update role podid-demo-orders-fulfilment: maxSessionDuration 3600 → 7200');
    expect(check.stdout).toContain('~ tag role podid-demo-orders-fulfilment: team orders → x');
    expect(check.stdout).toContain('3 changes planned');

    expect((await runCli(['apply', '-f', path, '--state', state, '--approve'])).code).toBe(0);
    const role = (await LocalStore.open(state)).doc.roles.find((r) => r.name === 'podid-demo-orders-fulfilment')!;
    expect(role).toMatchObject({ maxSessionDuration: 7200, permissionsBoundary: { arn: boundary }, tags: { 'podid:managed-by': 'podid', team: 'x' } });
    const again = await runCli(['apply', '-f', path, '--state', state, '--check']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('The cluster matches the file; nothing to change.');
  });
});

describe('podid apply: entries that share a role', () => {
  function sharedWorld(roles: object[]) {
    const base = minimalState();
    return minimalState({
      caller: { ...base.caller, policies: [PASS_ROLE_POLICY] },
      roles,
      clusters: [{ ...base.clusters[0], serviceAccounts: [sa('apps', 'api'), sa('apps', 'worker')] }],
    } as never);
  }
  const file = (entry: string) => `apiVersion: podid/v1\nkind: Associations\ncluster: demo\nassociations:\n  - {namespace: apps, serviceAccount: api, ${entry}}\n  - {namespace: apps, serviceAccount: worker, ${entry}}\n`;
  const admits = (d: ReturnType<typeof fakeDeps>, name: string, serviceAccount: string) => {
    const r = d.store.doc.roles.find((x) => x.name === name)!;
    const cluster = d.store.doc.clusters[0].cluster;
    return evaluateFirstHop(r, cluster, eksSessionTags(cluster, 'apps', serviceAccount)).allowed;
  };

  it.each([
    ['an existing role with fixTrust', [role('shared', scopedTrust('other', 'x'))], `roleArn: "arn:aws:iam::${ACCOUNT}:role/shared", fixTrust: true`, 'shared', ['update-trust', 'create-association']],
    ['a podid-managed role', [role('shared', scopedTrust('other', 'x'), { tags: { 'podid:managed-by': 'podid' } })], 'role: {name: shared}', 'shared', ['update-trust', 'create-association']],
    ['a podid-managed role created by the first entry', [], 'role: {name: shared}', 'shared', ['update-trust', 'create-association']],
  ])('%s: the trust keeps both statements, both associations are admitted, a re-run is a no-op', async (_name, roles, entry, name, second) => {
    const d = fakeDeps(sharedWorld(roles));
    const result = await apply({ path: 'podid.yaml', text: file(entry), approve: true }, d);
    expect(result.status).toBe('applied');
    expect(result.entries[1].steps.map((s) => s.kind)).toEqual(second);
    expect(admits(d, name, 'api')).toBe(true);
    expect(admits(d, name, 'worker')).toBe(true);
    const sids = (d.store.doc.roles.find((r) => r.name === name)!.trustPolicy.Statement as { Sid?: string }[]).map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['PodIdentityDemoAppsApi', 'PodIdentityDemoAppsWorker']));
    const before = JSON.stringify(d.store.doc);
    const again = await apply({ path: 'podid.yaml', text: file(entry), approve: true }, d);
    expect(again.status).toBe('up-to-date');
    expect(again.changes).toBe(0);
    expect(JSON.stringify(d.store.doc)).toBe(before);
  });

  it('the plan of the second entry shows the trust as the first leaves it (size checked on the combined document)', async () => {
    const d = fakeDeps(sharedWorld([]));
    const plan = await apply({ path: 'podid.yaml', text: file('role: {name: shared}') }, d);
    expect(plan.entries.map((e) => e.steps.map((s) => s.kind))).toEqual([['create-role', 'create-association'], ['update-trust', 'create-association']]);
    const update = plan.entries[1].steps[0];
    expect(update.kind === 'update-trust' && (update.trustPolicy.Statement as object[]).length).toBe(2);
    expect(plan.entries[1].checks.find((c) => c.id === 'role.trust')?.status).toBe('ok');
  });
});
