import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/adapters/local/index.js';
import { associationsDelete, deleteExitCode } from '../../src/commands/associations-delete.js';
import { UserError } from '../../src/core/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { demoCopy, demoDeps, demoState } from '../core/associate/helpers.js';
import { fakeDeps } from '../helpers/fake-deps.js';


describe('podid associations delete', () => {
  it('plans, then deletes the association only', async () => {
    const d = demoDeps();
    const plan = await associationsDelete({ ref: 'orders/order-notifier' }, d);
    expect(plan.status).toBe('planned');
    expect(deleteExitCode(plan, true)).toBe(3);
    expect(d.store.doc.clusters[0].associations).toHaveLength(13);
    const done = await associationsDelete({ ref: 'orders/order-notifier', approve: true }, d);
    expect(done.status).toBe('applied');
    expect(d.store.doc.clusters[0].associations).toHaveLength(12);
    expect(d.store.doc.roles.some((r) => r.name === 'order-notifier')).toBe(true);
  });

  it('--delete-role refuses a role podid did not create, and a role another association uses', async () => {
    const notManaged = await associationsDelete({ ref: 'orders/order-notifier', deleteRole: true, approve: true }, demoDeps());
    expect(notManaged.status).toBe('blocked');
    expect(notManaged.checks.find((c) => c.id === 'role.managed')?.status).toBe('fail');
    const state = demoState();
    state.roles.find((r) => r.name === 'shared-reporting-reader')!.tags['podid:managed-by'] = 'podid';
    const d = fakeDeps(state);
    const shared = await associationsDelete({ ref: 'analytics/report-builder', deleteRole: true, approve: true }, d);
    expect(shared.status).toBe('blocked');
    expect(shared.checks.find((c) => c.id === 'role.unused')).toMatchObject({ status: 'fail', detail: expect.stringContaining('data-pipeline/ingest') });
    expect(d.store.doc.clusters[0].associations).toHaveLength(13);
  });

  it('refuses add-on-owned associations', async () => {
    const state = demoState();
    state.clusters[0].associations[0].ownerArn = 'arn:aws:eks:us-west-2:111122223333:addon/demo/aws-ebs-csi-driver/abc';
    await expect(associationsDelete({ ref: 'payments/payments-api', approve: true }, fakeDeps(state))).rejects.toThrow(UserError);
  });

  it('CLI: associate --create-role, then delete --delete-role detaches policies and deletes the role', async () => {
    const state = demoCopy();
    const created = await runCli(['associate', '--state', state, '-n', 'orders', '-s', 'fulfilment', '--create-role', '--create-service-account', '--abac-template', 's3-prefix:bucket=demo-orders', '--policy-arn', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', '--approve']);
    expect(created.code).toBe(0);
    let doc = (await LocalStore.open(state)).doc;
    const role = doc.roles.find((r) => r.name === 'podid-demo-orders-fulfilment')!;
    expect(role.inlinePolicies.map((p) => p.name)).toEqual(['podid-abac-s3-prefix']);
    expect(role.attachedPolicies.map((p) => p.arn)).toEqual(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);

    const before = readFileSync(state, 'utf8');
    const check = await runCli(['associations', 'delete', 'orders/fulfilment', '--delete-role', '--check', '--state', state]);
    expect(check.code).toBe(3);
    expect(readFileSync(state, 'utf8')).toBe(before);
    const plan = await runCli(['associations', 'delete', 'orders/fulfilment', '--delete-role', '--state', state]);
    expect(plan.stdout).toContain('- detach arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    expect(plan.stdout).toContain('- delete inline policy podid-abac-s3-prefix');
    const done = await runCli(['associations', 'delete', 'orders/fulfilment', '--delete-role', '--approve', '--state', state]);
    expect(done.code).toBe(0);
    doc = (await LocalStore.open(state)).doc;
    expect(doc.roles.some((r) => r.name === 'podid-demo-orders-fulfilment')).toBe(false);
    expect(doc.clusters[0].associations.some((a) => a.serviceAccount === 'fulfilment')).toBe(false);
  });

  it('converges: deleting a missing association (by NS/SA or id, also with --check) says so on stderr and exits 0; -o json says absent', async () => {
    const state = demoCopy();
    expect((await runCli(['associations', 'delete', 'orders/order-notifier', '--approve', '--state', state])).code).toBe(0);
    const again = await runCli(['associations', 'delete', 'orders/order-notifier', '--approve', '--state', state]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('no association for orders/order-notifier in cluster demo; nothing to delete');
    for (const ref of ['orders/order-notifier', 'a-nothere000']) {
      const check = await runCli(['associations', 'delete', ref, '--check', '--state', state]);
      expect(check.code, check.stderr).toBe(0);
    }
    const json = await runCli(['associations', 'delete', 'a-nothere000', '--state', state, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, cluster: 'demo', ref: 'a-nothere000', status: 'absent', steps: [] });
    const result = await associationsDelete({ ref: 'orders/nobody', approve: true }, demoDeps());
    expect(result.status).toBe('absent');
    expect(deleteExitCode(result, true)).toBe(0);
  });

  it('--help has examples', async () => {
    for (const sub of ['update', 'delete']) {
      const r = await runCli(['associations', sub, '--help']);
      expect(r.stdout).toContain('Examples:');
    }
  });
});
