import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/adapters/local/index.js';
import { evaluateFirstHop } from '../../src/core/exchange/index.js';
import { eksSessionTags } from '../../src/core/associate/index.js';
import { runCli } from '../helpers/run-cli.js';
import { demoCopy } from '../core/associate/helpers.js';


// `podid associate` end to end (in-process CLI) on a copy of the demo state.

const ROLE = 'arn:aws:iam::111122223333:role/podid-demo-orders-fulfilment';

describe('podid associate on the demo state', () => {
  it('creates role + SA + association whose trust admits exactly that SA; a re-run writes nothing', async () => {
    const state = demoCopy();
    const args = ['associate', '--state', state, '-n', 'orders', '-s', 'fulfilment', '--create-role', '--create-service-account', '--tags', 'team=orders'];
    const plan = await runCli(args);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('+ create role ' + ROLE);
    expect(plan.stdout).toContain('Run again with --approve');

    const applied = await runCli([...args, '--approve']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Applied. Association a-');

    const store = await LocalStore.open(state);
    const cluster = store.doc.clusters[0];
    const association = cluster.associations.find((a) => a.serviceAccount === 'fulfilment')!;
    expect(association).toMatchObject({ namespace: 'orders', roleArn: ROLE, tags: { team: 'orders', 'podid:managed-by': 'podid' } });
    const role = store.doc.roles.find((r) => r.arn === ROLE)!;
    expect(role.tags).toMatchObject({ 'podid:managed-by': 'podid', team: 'orders' });
    expect(cluster.serviceAccounts.some((s) => s.namespace === 'orders' && s.name === 'fulfilment')).toBe(true);
    const c = cluster.cluster;
    expect(evaluateFirstHop(role, c, eksSessionTags(c, 'orders', 'fulfilment')).allowed).toBe(true);
    expect(evaluateFirstHop(role, c, eksSessionTags(c, 'orders', 'orders-worker')).allowed).toBe(false);
    expect(evaluateFirstHop(role, c, eksSessionTags(c, 'payments', 'fulfilment')).allowed).toBe(false);

    const before = { text: readFileSync(state, 'utf8'), mtime: statSync(state).mtimeMs };
    await new Promise((r) => setTimeout(r, 20));
    const again = await runCli([...args, '--approve']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already up to date');
    expect(readFileSync(state, 'utf8')).toBe(before.text);
    expect(statSync(state).mtimeMs).toBe(before.mtime);
    const check = await runCli([...args, '--check']);
    expect(check.code).toBe(0);
  });

  it('--check exits 3 when something would change, and writes nothing', async () => {
    const state = demoCopy();
    const before = readFileSync(state, 'utf8');
    const r = await runCli(['associate', '--state', state, '-n', 'web', '-s', 'frontend', '--role-arn', 'arn:aws:iam::111122223333:role/web-frontend', '--fix-trust', '--check']);
    expect(r.code).toBe(3);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it("the demo's other-account role fails preflight with the target-role hint (exit 1)", async () => {
    const state = demoCopy();
    const r = await runCli(['associate', '--state', state, '-n', 'inventory', '-s', 'search-indexer', '--role-arn', 'arn:aws:iam::222233334444:role/search-indexer']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}role\.account/);
    expect(r.stdout).toContain('--target-role-arn arn:aws:iam::222233334444:role/search-indexer');
    expect(r.stdout).toContain('nothing was changed');
  });

  it('a fresh IRSA SA with running pods: lists the rollout restart; --restart performs it', async () => {
    const state = demoCopy();
    const args = ['associate', '--state', state, '-n', 'web', '-s', 'frontend', '--role-arn', 'arn:aws:iam::111122223333:role/web-frontend', '--fix-trust'];
    const plan = await runCli(args);
    expect(plan.stdout).toContain('kubectl -n web rollout restart deployment/frontend');
    expect(plan.stdout).toMatch(/WARN {2}sa\.irsa/);
    const done = await runCli([...args, '--restart', '--approve', '-o', 'json']);
    expect(done.code).toBe(0);
    const json = JSON.parse(done.stdout);
    expect(json.schemaVersion).toBe(1);
    expect(json.status).toBe('applied');
    expect(json.applied.map((o: { kind: string }) => o.kind)).toEqual(['update-trust', 'create-association', 'restart-workload']);
    const store = await LocalStore.open(state);
    const pods = store.doc.clusters[0].pods.filter((p) => p.serviceAccountName === 'frontend');
    expect(pods.every((p) => p.containers.every((c) => c.env.some((e) => e.name === 'AWS_CONTAINER_CREDENTIALS_FULL_URI')))).toBe(true);
  });

  it('an update of an existing association: without --restart the rollouts are printed with the note; --restart --approve restarts them', async () => {
    const state = demoCopy();
    const args = ['associate', '--state', state, '-n', 'payments', '-s', 'payments-api', '--role-arn', 'arn:aws:iam::111122223333:role/orders-worker', '--fix-trust'];
    const plan = await runCli(args);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("Note: running pods keep the old credentials");
    expect(plan.stdout).toContain("keep the old association's credentials until they are recreated");
    expect(plan.stdout).toContain('kubectl -n payments rollout restart deployment/payments-api');
    const before = (await LocalStore.open(state)).doc.clusters[0].pods.filter((p) => p.serviceAccountName === 'payments-api').map((p) => p.uid);
    const done = await runCli([...args, '--restart', '--approve', '-o', 'json']);
    expect(done.code, done.stderr).toBe(0);
    const json = JSON.parse(done.stdout);
    expect(json.applied.map((o: { kind: string; status: string }) => `${o.kind}:${o.status}`)).toEqual(['update-trust:done', 'update-association:done', 'restart-workload:done']);
    const after = (await LocalStore.open(state)).doc.clusters[0].pods.filter((p) => p.serviceAccountName === 'payments-api').map((p) => p.uid);
    expect(after).toHaveLength(before.length);
    expect(after.some((uid) => before.includes(uid))).toBe(false);
  });

  it.each([
    [['-n', 'Bad_NS', '-s', 'x', '--role-arn', 'arn:aws:iam::111122223333:role/x'], 2, /not a valid Kubernetes namespace/],
    [['-n', 'apps', '-s', 'x', '--role-arn', 'not-an-arn'], 2, /--role-arn/],
    [['-n', 'apps', '-s', 'x', '--create-role', '--approve', '--check'], 2, /cannot be used with/],
    [['-n', 'apps', '-s', 'x', '--create-role', '--max-session-duration', '1h'], 2, /whole seconds/],
    [['-n', 'apps', '-s', 'x', '--role-arn', 'arn:aws:iam::111122223333:role/x', '-c', 'nope'], 1, /cluster 'nope' not found/],
  ])('bad input %j → exit %i', async (extra, code, message) => {
    const state = demoCopy();
    const before = readFileSync(state, 'utf8');
    const r = await runCli(['associate', '--state', state, ...extra]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it.each([
    [['--approve'], /'--approve'/],
    [['--create-service-account'], /'--create-service-account'/],
    [['--restart', '--check'], /'--restart'/],
  ])('--manifests with %j is a usage error before anything is read or created (exit 2)', async (extra, message) => {
    const state = demoCopy();
    const before = readFileSync(state, 'utf8');
    const r = await runCli(['associate', '--state', state, '-n', 'orders', '-s', 'fulfilment', '--create-role', '--manifests', 'k8s/', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/option '--manifests' is read-only input/);
    expect(r.stderr).toMatch(message);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it('bad policy files: a missing file and content that is not a JSON policy both exit 1, for --policy-file as for --session-policy', async () => {
    const state = demoCopy();
    const dir = dirname(state);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    writeFileSync(join(dir, 'nostatement.json'), '{"Version":"2012-10-17"}');
    const create = ['associate', '--state', state, '-n', 'orders', '-s', 'fulfilment', '--create-role'];
    const session = ['associate', '--state', state, '-n', 'web', '-s', 'frontend', '--role-arn', 'arn:aws:iam::111122223333:role/web-frontend', '--disable-session-tags'];
    for (const file of ['bad.json', 'nostatement.json']) {
      const policy = await runCli([...create, '--policy-file', join(dir, file)]);
      expect(policy.code, policy.stderr).toBe(1);
      expect(policy.stderr).toContain("option '--policy-file'");
      const sessionPolicy = await runCli([...session, '--session-policy', join(dir, file)]);
      expect(sessionPolicy.code, sessionPolicy.stderr).toBe(1);
      expect(sessionPolicy.stderr).toContain("option '--session-policy'");
    }
    expect((await runCli([...create, '--policy-file', join(dir, 'missing.json')])).code).toBe(1);
    expect((await runCli([...session, '--session-policy', join(dir, 'missing.json')])).code).toBe(1);
  });

  it('policies IAM would reject (bad action, no Resource, a Principal) exit 1 naming the file and the finding, and nothing is created', async () => {
    const state = demoCopy();
    const dir = dirname(state);
    writeFileSync(join(dir, 'action.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3GetObject"}]}');
    writeFileSync(join(dir, 'trust.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}');
    writeFileSync(join(dir, 'good.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}');
    const before = readFileSync(state, 'utf8');
    const create = ['associate', '--state', state, '-n', 'orders', '-s', 'fulfilment', '--create-role', '--approve'];
    const action = await runCli([...create, '--policy-file', join(dir, 'action.json')]);
    expect(action.code, action.stderr).toBe(1);
    expect(action.stderr).toContain(`option '--policy-file': ${join(dir, 'action.json')}: IAM would reject this policy`);
    expect(action.stderr).toContain('PODID-V005');
    expect(action.stderr).toContain('Statement[0]: permissions statement has no Resource or NotResource');
    const trust = await runCli([...create, '--policy-file', join(dir, 'trust.json')]);
    expect(trust.code, trust.stderr).toBe(1);
    expect(trust.stderr).toContain('Statement[0].Principal: permissions statement has Principal');
    const session = ['associate', '--state', state, '-n', 'web', '-s', 'frontend', '--role-arn', 'arn:aws:iam::111122223333:role/web-frontend', '--disable-session-tags', '--fix-trust', '--approve'];
    const sessionPolicy = await runCli([...session, '--session-policy', join(dir, 'action.json')]);
    expect(sessionPolicy.code, sessionPolicy.stderr).toBe(1);
    expect(sessionPolicy.stderr).toContain(`option '--session-policy': ${join(dir, 'action.json')}: IAM would reject this policy`);
    expect(readFileSync(state, 'utf8')).toBe(before);
    const good = await runCli([...create, '--policy-file', join(dir, 'good.json')]);
    expect(good.code, good.stderr).toBe(0);
  });

  it('--scope: passes through to the generated trust; without --create-role/--fix-trust or with an unknown scope it is a usage error', async () => {
    const state = demoCopy();
    const ok = await runCli(['associate', '--state', state, '-n', 'orders', '-s', 'fulfilment', '--create-role', '--scope', 'namespace', '--approve', '-o', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    const role = (await LocalStore.open(state)).doc.roles.find((r) => r.arn === ROLE)!;
    const c = (await LocalStore.open(state)).doc.clusters[0].cluster;
    expect(evaluateFirstHop(role, c, eksSessionTags(c, 'orders', 'orders-worker')).allowed).toBe(true);
    expect(evaluateFirstHop(role, c, eksSessionTags(c, 'payments', 'fulfilment')).allowed).toBe(false);
    expect((await runCli(['associate', '--state', state, '-n', 'web', '-s', 'frontend', '--role-arn', 'arn:aws:iam::111122223333:role/web-frontend', '--scope', 'namespace'])).code).toBe(2);
    expect((await runCli(['associate', '--state', state, '-n', 'web', '-s', 'frontend', '--create-role', '--scope', 'galaxy'])).code).toBe(2);
  });

  it('converges a podid-managed role to new flags: plan shows the steps, --check exits 3, --approve, then up to date', async () => {
    const state = demoCopy();
    const args = ['associate', '--state', state, '-n', 'orders', '-s', 'fulfilment', '--create-role', '--create-service-account'];
    expect((await runCli([...args, '--approve'])).code).toBe(0);
    expect((await runCli([...args, '--check'])).code).toBe(0);
    const boundary = 'arn:aws:iam::111122223333:policy/boundary';
    const wanted = [...args, '--max-session-duration', '7200', '--tags', 'team=x', '--permissions-boundary', boundary];

    const plan = await runCli(wanted);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Plan (3 changes)');
    expect(plan.stdout).toContain(`~ set permissions boundary of role podid-demo-orders-fulfilment: (none) → ${boundary}`);
    expect(plan.stdout).toContain('~ update role podid-demo-orders-fulfilment: maxSessionDuration 3600 → 7200');
    expect(plan.stdout).toContain('~ tag role podid-demo-orders-fulfilment: team (none) → x');
    expect(plan.stdout).not.toContain('role.drift');
    const check = await runCli([...wanted, '--check']);
    expect(check.code).toBe(3);

    const applied = await runCli([...wanted, '--approve', '-o', 'json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ status: 'applied', applied: [{ kind: 'put-boundary', status: 'done' }, { kind: 'update-role', status: 'done' }, { kind: 'tag-role', status: 'done' }] });
    const role = (await LocalStore.open(state)).doc.roles.find((r) => r.arn === ROLE)!;
    expect(role).toMatchObject({ maxSessionDuration: 7200, permissionsBoundary: { arn: boundary }, tags: { 'podid:managed-by': 'podid', team: 'x' } });

    const again = await runCli([...wanted, '--check']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is already up to date; nothing to change.');
  });

  it('--help has examples', async () => {
    const r = await runCli(['associate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--create-role');
  });
});
