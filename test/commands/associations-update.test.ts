import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/adapters/local/index.js';
import { associationsUpdate } from '../../src/commands/associations-update.js';
import { UsageError, UserError } from '../../src/core/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { demoCopy, demoDeps, demoState } from '../core/associate/helpers.js';
import { fakeDeps } from '../helpers/fake-deps.js';


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

  it.each(['bad ref', 'a/b/c', 'Apps/api', 'orders/', 'A-1', 'assoc-1'])('a ref that is neither an id nor NS/SA (%s) is a usage error (exit 2), for update and delete', async (ref) => {
    const state = demoCopy();
    const update = await runCli(['associations', 'update', ref, '--role-arn', `${A}x`, '--state', state]);
    expect(update.code).toBe(2);
    expect(update.stderr).toContain('neither an association id (a-…) nor NAMESPACE/SERVICE_ACCOUNT');
    expect((await runCli(['associations', 'delete', ref, '--state', state])).code).toBe(2);
    await expect(associationsUpdate({ ref, roleArn: `${A}x` }, demoDeps())).rejects.toThrow(UsageError);
  });
});
