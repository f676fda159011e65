import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/adapters/local/index.js';
import { associationsUpdate } from '../../src/commands/associations-update.js';
import { UsageError, UserError } from '../../src/core/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { demoCopy, demoDeps, demoState } from '../core/associate/helpers.js';
import { fakeDeps } from '../helpers/fake-deps.js';
import { renderAssociate } from '../../src/ui/render/associate.js';


const A = 'arn:aws:iam::111122223333:role/';

describe('podid associations update', () => {
  it('changes the role (with --fix-trust) and shows the diff; then it is up to date', async () => {
    const d = demoDeps();
    const result = await associationsUpdate({ ref: 'orders/orders-worker', roleArn: `${A}order-notifier`, fixTrust: true, approve: true }, d);
    expect(result.status).toBe('applied');
    expect(result.changes).toEqual([{ field: 'roleArn', from: `${A}orders-worker`, to: `${A}order-notifier` }]);
    const again = await associationsUpdate({ ref: 'orders/orders-worker', roleArn: `${A}order-notifier` }, d);
    expect(again.status).toBe('up-to-date');
  });

  it('removes the target role with --no-target-role (null)', async () => {
    const d = demoDeps();
    const result = await associationsUpdate({ ref: 'checkout/checkout-api', targetRoleArn: null, approve: true }, d);
    expect(result.changes).toEqual([{ field: 'targetRoleArn', from: 'arn:aws:iam::444455556666:role/checkout-ledger-access', to: undefined }]);
    expect(d.store.doc.clusters[0].associations.find((a) => a.serviceAccount === 'checkout-api')?.targetRoleArn).toBeUndefined();
  });

  it('session tags off with a session policy: the trust must admit it (preflight fails without --fix-trust)', async () => {
    const d = demoDeps();
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const blocked = await associationsUpdate({ ref: 'payments/payments-api', disableSessionTags: true, sessionPolicy: policy }, d);
    expect(blocked.status).toBe('blocked');
    expect(blocked.checks.find((c) => c.id === 'role.trust')?.status).toBe('fail');
    const fixed = await associationsUpdate({ ref: 'payments/payments-api', disableSessionTags: true, sessionPolicy: policy, fixTrust: true, approve: true }, d);
    expect(fixed.status).toBe('applied');
    expect(fixed.changes.map((c) => c.field)).toEqual(['disableSessionTags', 'policy']);
  });

  it('usage errors: nothing to update; session policy with tags on; enable tags while a policy is set', async () => {
    await expect(associationsUpdate({ ref: 'payments/payments-api' }, demoDeps())).rejects.toThrow(UsageError);
    await expect(associationsUpdate({ ref: 'payments/payments-api', sessionPolicy: '{"Statement":[]}' }, demoDeps())).rejects.toThrow(/requires session tags off/);
    const state = demoState();
    const a = state.clusters[0].associations.find((x) => x.serviceAccount === 'payments-api')!;
    Object.assign(a, { disableSessionTags: true, policy: '{"Version":"2012-10-17","Statement":[]}' });
    await expect(associationsUpdate({ ref: 'payments/payments-api', disableSessionTags: false }, fakeDeps(state))).rejects.toThrow(/--no-session-policy/);
  });

  it('refuses add-on-owned associations, naming the add-on', async () => {
    const state = demoState();
    state.clusters[0].associations[0].ownerArn = 'arn:aws:eks:us-west-2:111122223333:addon/demo/aws-ebs-csi-driver/abc';
    const error = await associationsUpdate({ ref: 'payments/payments-api', roleArn: `${A}orders-worker` }, fakeDeps(state)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('owned by the EKS add-on aws-ebs-csi-driver');
  });

  it('CLI: --check exits 3, --approve applies, unknown ref exits 1', async () => {
    const state = demoCopy();
    const args = ['associations', 'update', 'checkout/checkout-api', '--no-target-role', '--state', state];
    const before = readFileSync(state, 'utf8');
    expect((await runCli([...args, '--check'])).code).toBe(3);
    expect(readFileSync(state, 'utf8')).toBe(before);
    const plan = await runCli(args);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('~ update association');
    expect(plan.stdout).toContain('targetRoleArn: arn:aws:iam::444455556666:role/checkout-ledger-access → (none)');
    expect((await runCli([...args, '--approve'])).code).toBe(0);
    expect((await LocalStore.open(state)).doc.clusters[0].associations.find((a) => a.serviceAccount === 'checkout-api')?.targetRoleArn).toBeUndefined();
    expect((await runCli([...args, '--check'])).code).toBe(0);
    const missing = await runCli(['associations', 'update', 'nope/nope', '--role-arn', `${A}x`, '--state', state]);
    expect(missing.code).toBe(1);
    const both = await runCli(['associations', 'update', 'x/y', '--disable-session-tags', '--enable-session-tags', '--state', state]);
    expect(both.code).toBe(2);
  });

  const BAD_REFS = ['bad ref', 'a/b/c', 'Apps/api', 'orders/', 'A-1', 'assoc-1', 'garbage', 'arn:aws:iam::111122223333:role/x', 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo', 'arn:aws:eks:us-west-2:111122223333:cluster/demo'];
  it.each(BAD_REFS)('a ref that is not an id, NS/SA or association ARN (%s) is a usage error (exit 2) naming the forms, for describe, update and delete', async (ref) => {
    const state = demoCopy();
    const update = await runCli(['associations', 'update', ref, '--role-arn', `${A}x`, '--state', state]);
    expect(update.code).toBe(2);
    expect(update.stderr).toContain('an association id (a-…), NAMESPACE/SERVICE_ACCOUNT, or an association ARN');
    expect((await runCli(['associations', 'delete', ref, '--state', state])).code).toBe(2);
    const describe = await runCli(['associations', 'describe', ref, '--state', state]);
    expect(describe.code, describe.stderr).toBe(2);
    expect(describe.stderr).not.toContain('ResourceNotFoundException');
    await expect(associationsUpdate({ ref, roleArn: `${A}x` }, demoDeps())).rejects.toThrow(UsageError);
  });

  it('an association ARN is accepted by describe, update and delete; one of another cluster is a usage error', async () => {
    const state = demoCopy();
    const arn = 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-demo0000000000001';
    const describe = await runCli(['associations', 'describe', arn, '--state', state]);
    expect(describe.code, describe.stderr).toBe(0);
    expect(describe.stdout).toContain('payments/payments-api');
    const update = await runCli(['associations', 'update', arn, '--role-arn', `${A}orders-worker`, '--fix-trust', '--state', state]);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout).toContain('~ update association a-demo0000000000001 (payments/payments-api)');
    const remove = await runCli(['associations', 'delete', arn, '--state', state]);
    expect(remove.stdout).toContain('- delete association a-demo0000000000001');
    const other = await runCli(['associations', 'describe', arn.replace('/demo/', '/prod/'), '--state', state]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('is in cluster prod');
  });

  it.each([
    ['region', 'arn:aws:eks:us-east-1:111122223333:podidentityassociation/demo/a-demo0000000000011', 'is in region us-east-1, but the cluster in use, demo (arn:aws:eks:us-west-2:111122223333:cluster/demo), is in region us-west-2'],
    ['account', 'arn:aws:eks:us-west-2:999988887777:podidentityassociation/demo/a-demo0000000000011', 'is in account 999988887777'],
    ['partition', 'arn:aws-us-gov:eks:us-west-2:111122223333:podidentityassociation/demo/a-demo0000000000011', 'is in partition aws-us-gov'],
  ])('an association ARN of another %s than the cluster in use is a usage error (exit 2) for delete, update and describe; nothing changes', async (_what, arn, message) => {
    const state = demoCopy();
    const before = readFileSync(state, 'utf8');
    for (const args of [['delete', arn, '--approve'], ['update', arn, '--disable-session-tags', '--approve'], ['describe', arn]]) {
      const r = await runCli(['associations', ...args, '--state', state]);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain('nothing to delete');
    }
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it('not found: one clear line, exit 1 (no raw EKS error)', async () => {
    const state = demoCopy();
    for (const ref of ['a-nothere000', 'nope/nope', 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-nothere000']) {
      const describe = await runCli(['associations', 'describe', ref, '--state', state]);
      expect(describe.code).toBe(1);
      expect(describe.stderr).toMatch(/^podid: no association (for )?\S+ in cluster demo\n/);
      expect(describe.stderr).not.toContain('ResourceNotFoundException');
      const update = await runCli(['associations', 'update', ref, '--role-arn', `${A}x`, '--state', state]);
      expect(update.code).toBe(1);
      expect(update.stderr).toContain('no association');
    }
  });

  it('--session-policy with --no-session-policy is a usage error (exit 2), in either order', async () => {
    const state = demoCopy();
    const dir = dirname(state);
    writeFileSync(join(dir, 'sp.json'), '{"Statement":[]}');
    for (const flags of [['--session-policy', join(dir, 'sp.json'), '--no-session-policy'], ['--no-session-policy', '--session-policy', join(dir, 'sp.json')]]) {
      const r = await runCli(['associations', 'update', 'payments/payments-api', '--state', state, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("options '--session-policy' and '--no-session-policy' cannot be used together");
    }
  });

  it('an existing association changing role: running pods keep the old credentials, so the rollouts are listed with the note', async () => {
    const result = await associationsUpdate({ ref: 'payments/payments-api', roleArn: `${A}orders-worker`, fixTrust: true }, demoDeps());
    expect(result.status).toBe('planned');
    expect(result.restart.pods).toHaveLength(3);
    const text = renderAssociate(result);
    expect(text).not.toContain('get no credentials');
    expect(text).toContain("keep the old association's credentials until they are recreated");
    expect(text).toContain('kubectl -n payments rollout restart deployment/payments-api');
    expect(text).toContain("agent's cache expires");
  });

  it('--restart restarts the workloads of the service account with the update', async () => {
    const state = demoCopy();
    const r = await runCli(['associations', 'update', 'payments/payments-api', '--state', state, '--role-arn', `${A}orders-worker`, '--fix-trust', '--restart', '--approve', '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.steps.map((s: { kind: string }) => s.kind)).toContain('restart-workload');
  });
});
