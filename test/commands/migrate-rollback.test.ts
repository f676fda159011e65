import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StateDocument } from '../../src/adapters/local/schema.js';
import type { Statement } from '../../src/core/iam/types.js';
import { migrateIrsa, type MigrateIrsaOptions } from '../../src/commands/migrate-irsa.js';
import { migrateRollback } from '../../src/commands/migrate-rollback.js';
import { trustAcceptsPodIdentity, trustsOidcSubject } from '../../src/core/migrate/trust.js';
import { DEFAULT_OPTIONS, type MigrationOptions } from '../../src/core/migrate/types.js';
import { trustStatementFor } from '../../src/core/policy/trust.js';
import { hasIrsaInjection, hasPodIdentityInjection } from '../../src/core/webhook.js';
import { fakeDeps } from '../helpers/fake-deps.js';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';
import { CLUSTER_ARN, PROVIDER, SHARED_ROLE, WEB_ROLE, world } from '../core/migrate/world.js';

// `migrate-irsa rollback` undoes its own run and nothing else: trust statements added after the
// run (by `podid associate --fix-trust`, by another migrate run on a shared role) survive.

const ALL: MigrationOptions = { ...DEFAULT_OPTIONS, restart: true, removeAnnotations: true, removeOidcTrust: true };
const tmp = () => mkdtempSync(join(tmpdir(), 'podid-rollback-'));
const options = (o: Partial<MigrateIrsaOptions> = {}): MigrateIrsaOptions => ({ filter: {}, options: ALL, mode: 'apply', cwd: tmp(), ...o });
const cluster = { arn: CLUSTER_ARN, name: 'demo', accountId: '111122223333' };
const trustOf = (state: StateDocument, arn: string) => state.roles.find((r) => r.arn === arn)!.trustPolicy;
const statementsOf = (state: StateDocument, arn: string): Statement[] => [trustOf(state, arn).Statement].flat();

describe('migrate-irsa rollback keeps changes made after the run', () => {
  it('a statement added later by podid associate --fix-trust survives (demo state, the reported case)', async () => {
    const dir = tmp();
    const state = join(dir, 's.json');
    writeFileSync(state, readFileSync(DEMO_STATE, 'utf8'));
    const frontend = 'arn:aws:iam::111122223333:role/web-frontend';
    const j1 = join(dir, 'j1.json');
    expect((await runCli(['migrate-irsa', '--state', state, '-n', 'web', '--approve', '--journal', j1])).code).toBe(0);
    const associate = await runCli(['associate', '-c', 'demo', '-n', 'web', '-s', 'default', '--role-arn', frontend, '--fix-trust', '--approve', '--state', state]);
    expect(associate.code, associate.stderr).toBe(0);

    const preview = await runCli(['migrate-irsa', 'rollback', j1, '--state', state, '--dry-run']);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/restore-trust +arn:aws:iam::111122223333:role\/web-frontend +planned +the trust changed after the run: only its statements reverted, later changes kept \(1 statement removed, 0 OIDC trusts restored\)/);

    const rollback = await runCli(['migrate-irsa', 'rollback', j1, '--state', state]);
    expect(rollback.code, rollback.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(state, 'utf8')) as StateDocument;
    const trust = trustOf(doc, frontend);
    expect(trustAcceptsPodIdentity(trust, frontend, cluster, 'web', 'default')).toBe(true); // associate's statement kept
    expect(trustAcceptsPodIdentity(trust, frontend, cluster, 'web', 'frontend')).toBe(false); // the run's statement gone
    expect(doc.clusters[0].associations.filter((a) => a.namespace === 'web').map((a) => a.serviceAccount)).toEqual(['default']);
    const doctor = await runCli(['doctor', '--state', state, '-n', 'web', '-o', 'json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; subject: string; status: string }[] }).checks;
    expect(checks.find((c) => c.id === 'association.trust' && c.subject === 'association web/default')?.status).toBe('ok');
  });

  it('two runs on a shared role: each rollback removes only its own statements and OIDC removals', async () => {
    const deps = fakeDeps(world());
    const j1 = join(tmp(), 'j1.json');
    const j2 = join(tmp(), 'j2.json');
    await migrateIrsa(options({ journal: j1, filter: { exclude: ['apps/b'] } }), deps);
    await migrateIrsa(options({ journal: j2, filter: { namespaces: ['apps'] } }), deps);
    const accepts = (sa: string) => trustAcceptsPodIdentity(trustOf(deps.store.doc, SHARED_ROLE), SHARED_ROLE, cluster, 'apps', sa);
    const oidc = (sa: string) => trustsOidcSubject(trustOf(deps.store.doc, SHARED_ROLE), PROVIDER, 'apps', sa);
    expect([accepts('a'), accepts('b'), oidc('a'), oidc('b')]).toEqual([true, true, false, false]);

    const first = await migrateRollback({ journal: j1, dryRun: false }, deps);
    expect(first.actions.find((a) => a.target === SHARED_ROLE)).toMatchObject({ status: 'done', note: expect.stringMatching(/later changes kept/) });
    expect([accepts('a'), accepts('b'), oidc('a'), oidc('b')]).toEqual([false, true, true, false]);
    expect(deps.store.doc.clusters[0].associations.map((a) => a.serviceAccount).sort()).toEqual(['b']);

    await migrateRollback({ journal: j2, dryRun: false }, deps);
    expect([accepts('a'), accepts('b'), oidc('a'), oidc('b')]).toEqual([false, false, true, true]);
    expect(JSON.stringify(trustOf(deps.store.doc, SHARED_ROLE))).not.toContain('pods.eks.amazonaws.com');
    expect(statementsOf(deps.store.doc, SHARED_ROLE)).toContainEqual(statementsOf(world(), SHARED_ROLE)[1]);
  });

  it('without later changes the earlier trust comes back exactly', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ journal }), deps);
    const rolled = await migrateRollback({ journal, dryRun: false }, deps);
    expect(rolled.actions.filter((a) => a.action === 'restore-trust').map((a) => a.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(JSON.stringify(deps.store.doc.roles)).toBe(JSON.stringify(world().roles));
  });

  it('refuses a trust it cannot undo statement by statement: --dry-run shows it, the rollback exits 1 and can run again', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ journal, filter: { namespaces: ['apps'], exclude: ['apps/a', 'apps/b'] } }), deps);
    // The trust changed after the run, and the journal's record of the OIDC removal was damaged.
    await deps.iam.updateTrustPolicy(WEB_ROLE, { ...trustOf(deps.store.doc, WEB_ROLE), Statement: [...statementsOf(deps.store.doc, WEB_ROLE), trustStatementFor({ clusterArn: CLUSTER_ARN, namespace: 'apps', serviceAccount: 'later' })] });
    const doc = JSON.parse(readFileSync(journal, 'utf8'));
    const oidc = doc.records.find((r: { step: { id: string } }) => r.step.id === 'oidc:apps/web');
    oidc.prior.trustPolicyJson = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    writeFileSync(journal, JSON.stringify(doc));
    const before = JSON.stringify(trustOf(deps.store.doc, WEB_ROLE));

    const preview = await runCli(['migrate-irsa', 'rollback', journal, '--state', deps.store.path, '--dry-run']);
    expect(preview.code).toBe(1);
    expect(preview.stdout).toMatch(/restore-trust +arn:aws:iam::111122223333:role\/web-role +refused +the trust changed after the run, and the journal does not show what step oidc:apps\/web removed/);
    expect(preview.stdout).toContain('1 action would be refused (the rollback would end with exit 1)');

    await expect(migrateRollback({ journal, dryRun: false }, deps)).rejects.toThrow(/rollback incomplete: restore-trust arn:aws:iam::111122223333:role\/web-role: refused: the trust changed after the run/);
    expect(JSON.stringify(trustOf(deps.store.doc, WEB_ROLE))).toBe(before);
    expect(deps.store.doc.clusters[0].associations).toEqual([]); // the other actions ran
    expect(JSON.parse(readFileSync(journal, 'utf8')).status).toBe('failed');
  });
});

describe('migrate-irsa rollback: pods admitted with Pod Identity when their association goes', () => {
  const injected = (state: StateDocument, namespace: string, sa: string) =>
    state.clusters[0].pods.filter((p) => p.namespace === namespace && p.serviceAccountName === sa && ['Running', 'Pending', 'Unknown'].includes(p.phase) && hasPodIdentityInjection(p)).map((p) => p.name);
  const stranded = ['web/frontend', 'observability/grafana', 'kube-system/ebs-csi-controller-sa'];

  /** The reported case: run 1 without --restart, run 2 restarts, then the rollbacks in reverse order. */
  async function reverseOrder() {
    const dir = tmp();
    const state = join(dir, 's.json');
    writeFileSync(state, readFileSync(DEMO_STATE, 'utf8'));
    const [j1, j2] = [join(dir, 'j1.json'), join(dir, 'j2.json')];
    expect((await runCli(['migrate-irsa', '--state', state, '--approve', '--journal', j1])).code).toBe(0);
    expect((await runCli(['migrate-irsa', '--state', state, '--approve', '--restart', '--journal', j2])).code).toBe(0);
    const second = await runCli(['migrate-irsa', 'rollback', j2, '--state', state]);
    expect(second.code, second.stderr).toBe(0);
    const doc = () => JSON.parse(readFileSync(state, 'utf8')) as StateDocument;
    for (const id of stranded) expect(injected(doc(), ...(id.split('/') as [string, string])), id).not.toEqual([]);
    return { state, j1, doc };
  }

  it('without --restart: the workloads are advice with the kubectl commands (table and -o json), exit 0', async () => {
    const { state, j1, doc } = await reverseOrder();
    const preview = await runCli(['migrate-irsa', 'rollback', j1, '--state', state, '--dry-run', '-o', 'json']);
    expect(preview.code, preview.stderr).toBe(0);
    expect((JSON.parse(preview.stdout).restartAdvice as { serviceAccount: string }[]).map((a) => a.serviceAccount).sort()).toEqual([...stranded].sort());

    const out = await runCli(['migrate-irsa', 'rollback', j1, '--state', state]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('Pods admitted with Pod Identity for a service account whose association the rollback deleted get no AWS credentials until recreated (run the rollback with --restart to restart them):');
    expect(out.stdout).toContain('web/frontend: kubectl rollout restart -n web deployment/frontend');
    expect(out.stdout).toContain('observability/grafana: kubectl rollout restart -n observability deployment/grafana');
    expect(out.stdout).toContain('kube-system/ebs-csi-controller-sa: kubectl rollout restart -n kube-system deployment/ebs-csi-controller');
    expect(out.stderr).toMatch(/warning: 3 service accounts lost their association but have pods still admitted with Pod Identity/);
    expect(out.stdout).not.toMatch(/^restart /m);
    expect(doc().clusters[0].associations.filter((a) => stranded.includes(`${a.namespace}/${a.serviceAccount}`))).toEqual([]);
  });

  it('with --restart: those workloads restart after the deletes, and their pods come back with IRSA', async () => {
    const { state, j1, doc } = await reverseOrder();
    const preview = await runCli(['migrate-irsa', 'rollback', j1, '--state', state, '--dry-run', '--restart', '-o', 'json']);
    const planned = JSON.parse(preview.stdout) as { actions: { action: string; target: string; status: string }[]; restartAdvice: unknown[] };
    expect(planned.restartAdvice).toEqual([]);
    expect(planned.actions.filter((a) => a.action === 'restart').map((a) => [a.target, a.status])).toEqual(expect.arrayContaining([['Deployment/web/frontend', 'planned']]));

    const out = await runCli(['migrate-irsa', 'rollback', j1, '--state', state, '--restart', '-o', 'json']);
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout) as { actions: { action: string; target: string; status: string; note?: string }[]; restartAdvice: unknown[] };
    const kinds = result.actions.map((a) => a.action);
    expect(kinds.lastIndexOf('delete-association')).toBeLessThan(kinds.indexOf('restart'));
    expect(kinds.lastIndexOf('clear-addon')).toBeLessThan(kinds.indexOf('restart'));
    expect(result.actions.filter((a) => a.action === 'restart').map((a) => a.target).sort()).toEqual(['Deployment/kube-system/ebs-csi-controller', 'Deployment/observability/grafana', 'Deployment/web/frontend']);
    expect(result.actions.find((a) => a.target === 'Deployment/web/frontend')).toMatchObject({ status: 'done', note: 'its pods were admitted with Pod Identity for web/frontend, whose association this rollback removed' });
    expect(result.restartAdvice).toEqual([]);
    for (const id of stranded) {
      const [ns, sa] = id.split('/') as [string, string];
      expect(injected(doc(), ns, sa), id).toEqual([]);
      expect(doc().clusters[0].pods.filter((p) => p.namespace === ns && p.serviceAccountName === sa && p.phase === 'Running').every(hasIrsaInjection), id).toBe(true);
    }
  });

  it('a run that restarted its own workloads: the rollback restarts each once, no advice', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ journal, options: { ...DEFAULT_OPTIONS, restart: true } }), deps);
    const rolled = await migrateRollback({ journal, dryRun: false }, deps);
    expect(rolled.restartAdvice).toEqual([]);
    expect(rolled.actions.filter((a) => a.action === 'restart').map((a) => a.target).sort()).toEqual(['Deployment/apps/web', 'Deployment/kube-system/ebs-csi-controller']);
  });
});

describe('migrate-irsa rollback --dry-run decides as the rollback does', () => {
  it('an association changed since the run (another role): the preview and the rollback both keep it, with the reason', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ journal, options: DEFAULT_OPTIONS, filter: { namespaces: ['apps'], exclude: ['apps/a', 'apps/b'] } }), deps);
    const [web] = deps.store.doc.clusters[0].associations.filter((a) => a.serviceAccount === 'web');
    await deps.eks.updateAssociation('demo', web.associationId, { roleArn: SHARED_ROLE });
    const note = `the association now uses role ${SHARED_ROLE}, not the run's ${WEB_ROLE}; kept`;
    const preview = await migrateRollback({ journal, dryRun: true }, deps);
    expect(preview.actions.find((a) => a.action === 'delete-association')).toEqual({ action: 'delete-association', target: 'apps/web', status: 'unchanged', note });
    const rolled = await migrateRollback({ journal, dryRun: false }, deps);
    expect(rolled.actions.find((a) => a.action === 'delete-association')).toEqual({ action: 'delete-association', target: 'apps/web', status: 'unchanged', note });
    expect(deps.store.doc.clusters[0].associations.map((a) => [a.serviceAccount, a.roleArn])).toEqual([['web', SHARED_ROLE]]);
  });

  it('exits 1 when an action would be refused (as the rollback would), 0 otherwise', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ journal }), deps);
    const clean = await runCli(['migrate-irsa', 'rollback', journal, '--state', deps.store.path, '--dry-run']);
    expect(clean.code, clean.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(journal, 'utf8'));
    doc.records.find((r: { step: { id: string } }) => r.step.id === 'oidc:apps/web').prior.trustPolicyJson = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    writeFileSync(journal, JSON.stringify(doc));
    await deps.iam.updateTrustPolicy(WEB_ROLE, { ...trustOf(deps.store.doc, WEB_ROLE), Statement: [...statementsOf(deps.store.doc, WEB_ROLE), trustStatementFor({ clusterArn: CLUSTER_ARN, namespace: 'apps', serviceAccount: 'later' })] });
    const refused = await runCli(['migrate-irsa', 'rollback', journal, '--state', deps.store.path, '--dry-run', '-o', 'json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).actions.some((a: { status: string }) => a.status === 'refused')).toBe(true);
  });
});
