import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StateDocument } from '../../src/adapters/local/schema.js';
import { migrateIrsa, type MigrateIrsaOptions } from '../../src/commands/migrate-irsa.js';
import { migrateRollback } from '../../src/commands/migrate-rollback.js';
import { DEFAULT_OPTIONS, type MigrationOptions } from '../../src/core/migrate/types.js';
import type { Deps } from '../../src/deps.js';
import { faultyDeps } from '../helpers/faulty-ports.js';
import { fakeDeps } from '../helpers/fake-deps.js';
import { runCli } from '../helpers/run-cli.js';
import { associationsDelete } from '../../src/commands/associations-delete.js';
import { writeJson } from '../../src/ui/json-stream.js';
import { CROSS_ROLE, EBS_ROLE, withJob, withProblems, world } from '../core/migrate/world.js';

const ALL: MigrationOptions = { ...DEFAULT_OPTIONS, restart: true, removeAnnotations: true, removeOidcTrust: true };
const tmp = () => mkdtempSync(join(tmpdir(), 'podid-migrate-'));
const options = (o: Partial<MigrateIrsaOptions> = {}): MigrateIrsaOptions => ({ filter: {}, options: ALL, mode: 'plan', cwd: tmp(), ...o });

/** What must survive any interruption: trust policies, annotations, associations (without ids), add-on links. */
function essentials(state: StateDocument) {
  const c = state.clusters[0];
  return {
    roles: Object.fromEntries(state.roles.map((r) => [r.arn, r.trustPolicy])),
    annotations: Object.fromEntries(c.serviceAccounts.map((s) => [`${s.namespace}/${s.name}`, s.annotations])),
    associations: c.associations.map((a) => `${a.namespace}/${a.serviceAccount} ${a.roleArn} ${a.targetRoleArn ?? ''} ${a.ownerArn ? 'addon' : ''}`).sort(),
    addons: c.addons.map((a) => [a.name, a.podIdentityAssociations.length]),
  };
}
const original = (state: StateDocument) => ({ roles: essentials(state).roles, annotations: essentials(state).annotations });

const faulty = (deps: Deps, n: number, lost: boolean) => faultyDeps(deps, n, { lost });

describe('migrate-irsa: plan → check → approve → re-plan → rollback', () => {
  it('converges, then rolls back trust policies and annotations exactly', async () => {
    const state = withProblems(world());
    const deps = fakeDeps(state);
    const journal = join(tmp(), 'j.json');
    const plan = await migrateIrsa(options(), deps);
    expect(plan.pending).toBe(true);
    expect(essentials(deps.store.doc)).toEqual(essentials(state));

    const applied = await migrateIrsa(options({ mode: 'apply', journal }), deps);
    expect(applied.apply?.steps.every((s) => s.status === 'done')).toBe(true);
    expect(existsSync(journal)).toBe(true);

    const again = await migrateIrsa(options({ mode: 'check' }), deps);
    expect(again.plan.steps).toEqual([]);
    expect(again.plan.summary.pending).toBe(0);
    const assoc = essentials(deps.store.doc).associations;
    expect(assoc).toContain(`data/cross arn:aws:iam::111122223333:role/podid-bridge-data-cross ${CROSS_ROLE} `);

    const rolled = await migrateRollback({ journal, dryRun: false }, deps);
    expect(rolled.actions.every((a) => a.status === 'done')).toBe(true);
    expect(original(deps.store.doc)).toEqual(original(state));
    expect(JSON.stringify(deps.store.doc.roles)).toBe(JSON.stringify(state.roles));
    expect(deps.store.doc.clusters[0].associations).toEqual([]);
    await expect(migrateRollback({ journal, dryRun: false }, deps)).rejects.toThrow(/already rolled back/);
  });

  it('journals every mutation with its prior state, written before the change', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ mode: 'apply', journal }), deps);
    const doc = JSON.parse(readFileSync(journal, 'utf8'));
    expect(doc.kind).toBe('PodidMigrationJournal');
    expect(doc.status).toBe('done');
    const trust = doc.records.find((r: { step: { id: string } }) => r.step.id === 'trust:apps/web');
    expect(JSON.parse(trust.prior.trustPolicyJson)).toEqual(world().roles.find((r) => r.name === 'web-role')!.trustPolicy);
    expect(doc.records.every((r: { state: string }) => r.state === 'done')).toBe(true);
  });

  it('without --restart, restarts are advice: the applied plan converges (check exit 0, no journal on re-runs)', async () => {
    const deps = fakeDeps(world());
    const noRestart = DEFAULT_OPTIONS;
    const planned = await migrateIrsa(options({ options: noRestart }), deps);
    expect(planned.plan.steps.some((s) => s.kind === 'restart')).toBe(false);
    expect(planned.plan.summary).toMatchObject({ restarts: 0, restartAdvice: 2 });
    const result = await migrateIrsa(options({ mode: 'apply', journal: join(tmp(), 'j.json'), options: noRestart }), deps);
    expect(result.apply!.steps.filter((s) => s.entry === 'apps/web').map((s) => s.kind)).toEqual(['add-trust', 'create-association']);
    expect(result.apply!.status).toBe('done');
    expect(deps.store.doc.clusters[0].serviceAccounts.find((s) => s.name === 'web')!.annotations['eks.amazonaws.com/role-arn']).toBeDefined();
    const check = await migrateIrsa(options({ mode: 'check', options: noRestart }), deps);
    expect(check.pending).toBe(false);
    expect(check.plan.steps).toEqual([]);
    const web = check.plan.entries.find((e) => e.id === 'apps/web')!;
    expect(web.status).toBe('done');
    expect(web.risks.find((r) => r.id === 'restart-required')).toMatchObject({ level: 'warn', fix: 'Pass --restart, or run kubectl rollout restart -n apps deployment/web' });
    const cwd = tmp();
    const again = await migrateIrsa(options({ mode: 'apply', cwd, options: noRestart }), deps);
    expect(again.apply).toEqual({ status: 'done', steps: [] });
    expect(existsSync(join(cwd, '.podid'))).toBe(false);
    // With --restart the advice becomes steps again.
    const withRestart = await migrateIrsa(options({ mode: 'check', options: { ...noRestart, restart: true } }), deps);
    expect(withRestart.plan.steps.filter((s) => s.kind === 'restart').map((s) => s.id)).toEqual(['restart:Deployment/kube-system/ebs-csi-controller', 'restart:Deployment/apps/web']);
  });

  it('removals asked for but waiting for a restart keep the entry pending: --check exits 3 and says why', async () => {
    const file = join(tmp(), 'state.json');
    writeFileSync(file, JSON.stringify(world()));
    const flags = ['--remove-annotations', '--remove-oidc-trust'];
    const approve = await runCli(['migrate-irsa', '--state', file, '--approve', ...flags], { cwd: tmp() });
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain('Some steps wait (deferred, manual or blocked): run again after they are resolved.');
    const check = await runCli(['migrate-irsa', '--state', file, '--check', ...flags]);
    expect(check.code, check.stdout).toBe(3);
    expect(check.stdout).toMatch(/^apps\/web +pending /m);
    expect(check.stdout).toContain('still wait for the removal you asked for (--remove-annotations, --remove-oidc-trust)');
    expect(check.stdout).toContain('  apps/web: annotation removal and OIDC-trust removal — Restart deployment/web (or pass --restart); then run again.');
    const json = JSON.parse((await runCli(['migrate-irsa', '--state', file, '--check', ...flags, '-o', 'json'])).stdout);
    expect(json.plan.steps).toEqual([]);
    expect(json.plan.entries.find((e: { id: string }) => e.id === 'apps/web').waiting).toEqual({ removals: ['annotation removal', 'OIDC-trust removal'], reason: expect.any(String), fix: 'Restart deployment/web (or pass --restart); then run again.' });
    // A re-run cannot finish them either: incomplete, and still no journal.
    const cwd = tmp();
    const again = await runCli(['migrate-irsa', '--state', file, '--approve', ...flags, '-o', 'json'], { cwd });
    expect(JSON.parse(again.stdout).apply).toEqual({ status: 'incomplete', steps: [] });
    expect(existsSync(join(cwd, '.podid'))).toBe(false);
    // Without the removal flags nothing waits: the gate passes.
    expect((await runCli(['migrate-irsa', '--state', file, '--check'])).code).toBe(0);
    // Once restarted, the removals are planned and applied; then the gate passes with the flags too.
    expect((await runCli(['migrate-irsa', '--state', file, '--approve', '--restart', ...flags], { cwd })).code).toBe(0);
    expect((await runCli(['migrate-irsa', '--state', file, '--check', ...flags])).code).toBe(0);
  });
});

describe('migrate-irsa: fault injection and --resume', () => {
  const reference = async () => {
    const deps = fakeDeps(world());
    const counted = faulty(deps, Number.POSITIVE_INFINITY, false);
    await migrateIrsa(options({ mode: 'apply', journal: join(tmp(), 'j.json') }), counted);
    return { total: counted.count(), final: essentials(deps.store.doc) };
  };

  it('the uninterrupted run makes a known number of mutations', async () => {
    const { total } = await reference();
    expect(total).toBeGreaterThanOrEqual(20);
  });

  for (const lost of [false, true]) {
    it(`fails at every mutation N (${lost ? 'response lost after the change' : 'before the change'}), resumes to the same end state, rolls back exactly`, async () => {
      const { total, final } = await reference();
      for (let n = 1; n <= total; n++) {
        const state = world();
        const deps = fakeDeps(state);
        const journal = join(tmp(), 'j.json');
        await expect(migrateIrsa(options({ mode: 'apply', journal }), faulty(deps, n, lost)), `N=${n}`).rejects.toThrow(/injected failure/);
        const resumed = await migrateIrsa(options({ resume: journal, mode: 'apply' }), deps);
        expect(resumed.apply?.steps.some((s) => s.status === 'failed'), `N=${n}`).toBe(false);
        expect(essentials(deps.store.doc), `N=${n}`).toEqual(final);
        expect((await migrateIrsa(options({ mode: 'check' }), deps)).plan.steps, `N=${n}`).toEqual([]);
        await migrateRollback({ journal, dryRun: false }, deps);
        expect(original(deps.store.doc), `N=${n}`).toEqual(original(state));
        expect(deps.store.doc.clusters[0].associations, `N=${n}`).toEqual([]);
        expect(deps.store.doc.roles.some((r) => r.name.startsWith('podid-bridge')), `N=${n}`).toBe(false);
      }
    });
  }
});

describe('migrate-irsa: bad input', () => {
  it('a journal from another cluster is refused and nothing changes', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ mode: 'apply', journal }), deps);
    const doc = JSON.parse(readFileSync(journal, 'utf8'));
    doc.cluster = { name: 'prod', arn: 'arn:aws:eks:us-west-2:111122223333:cluster/prod' };
    writeFileSync(journal, JSON.stringify(doc));
    const before = JSON.stringify(deps.store.doc);
    await expect(migrateRollback({ journal, dryRun: false }, deps)).rejects.toThrow(/belongs to cluster prod .* nothing was changed/);
    await expect(migrateIrsa(options({ resume: journal, mode: 'apply' }), deps)).rejects.toThrow(/belongs to cluster prod/);
    expect(JSON.stringify(deps.store.doc)).toBe(before);
  });

  it('a file that is not a journal is refused', async () => {
    const path = join(tmp(), 'x.json');
    writeFileSync(path, '{"kind":"PodidState"}');
    await expect(migrateRollback({ journal: path, dryRun: false }, fakeDeps(world()))).rejects.toThrow(/not a podid migration journal/);
  });

  it('malformed and other-partition annotations are blocked with the reason; the rest is applied', async () => {
    const deps = fakeDeps(withProblems(world()));
    const result = await migrateIrsa(options({ mode: 'apply', journal: join(tmp(), 'j.json') }), deps);
    expect(result.plan.entries.filter((e) => e.status === 'blocked').map((e) => e.id)).toEqual(['bad/china', 'bad/malformed']);
    expect(result.apply!.steps.some((s) => s.entry.startsWith('bad/'))).toBe(false);
    expect(deps.store.doc.clusters[0].serviceAccounts.find((s) => s.name === 'malformed')!.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::12345:role/nope' });
  });
});

describe('migrate-irsa CLI (--state, in-process)', () => {
  const stateFile = (state: StateDocument = world()) => {
    const path = join(tmp(), 'state.json');
    writeFileSync(path, JSON.stringify(state));
    return path;
  };

  it('plan exits 0, --check exits 3, --approve then --check exits 0, rollback restores', async () => {
    const file = stateFile();
    const dir = tmp();
    const plan = await runCli(['migrate-irsa', '--state', file]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes were applied. Run again with --approve');
    expect((await runCli(['migrate-irsa', '--state', file, '--check'])).code).toBe(3);
    const approve = await runCli(['migrate-irsa', '--state', file, '--approve', '--restart', '--remove-annotations', '--remove-oidc-trust'], { cwd: dir });
    expect(approve.code).toBe(0);
    const journal = /Journal: (\S+)/.exec(approve.stdout)![1];
    expect(journal.startsWith(join(dir, '.podid', 'migrate-demo-'))).toBe(true);
    const check = await runCli(['migrate-irsa', '--state', file, '--check', '-o', 'json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ schemaVersion: 1, pending: false, plan: { steps: [] } });
    const rollback = await runCli(['migrate-irsa', 'rollback', journal, '--state', file]);
    expect(rollback.code).toBe(0);
    expect(original(JSON.parse(readFileSync(file, 'utf8')))).toEqual(original(world()));
  });

  it('-o markdown renders a PR comment', async () => {
    const out = await runCli(['migrate-irsa', '--state', stateFile(withProblems(world())), '-o', 'markdown']);
    expect(out.stdout).toMatch(/^### podid migrate-irsa — cluster `demo`/);
    expect(out.stdout).toContain('| 5 | 0 | 2 | 1 |');
    expect(out.stdout).toContain('#### Blocked and skipped');
  });

  it('--export terraform prints IaC; --export-file writes it', async () => {
    const file = stateFile();
    const out = await runCli(['migrate-irsa', '--state', file, '--export', 'terraform']);
    expect(out.stdout).toMatch(/^# podid migrate-irsa/);
    expect(out.stdout).toContain('aws_eks_pod_identity_association');
    const target = join(tmp(), 'out.yaml');
    const written = await runCli(['migrate-irsa', '--state', file, '--export', 'eksctl', '--export-file', target]);
    expect(written.stdout).toContain(`to ${target}`);
    expect(readFileSync(target, 'utf8')).toContain('podIdentityAssociations');
  });

  it('filters by namespace, selector and exclude', async () => {
    const file = stateFile();
    const json = async (...args: string[]) => JSON.parse((await runCli(['migrate-irsa', '--state', file, '-o', 'json', ...args])).stdout).plan.entries.map((e: { id: string }) => e.id);
    expect(await json('-n', 'data')).toEqual(['data/cross']);
    expect(await json('--selector', 'team=web')).toEqual(['apps/web']);
    expect(await json('--exclude', 'apps/a', '--exclude', 'data/cross')).toEqual(['addon:aws-ebs-csi-driver', 'apps/b', 'apps/web']);
    expect(await json('--exclude', 'kube-system/ebs-csi-controller-sa')).toEqual(['apps/a', 'apps/b', 'apps/web', 'data/cross']);
    expect(await json('-n', 'kube-system')).toEqual(['addon:aws-ebs-csi-driver']);
  });

  it('an add-on in scope is planned with the pods of its namespace, also under -n', async () => {
    const file = stateFile();
    for (const args of [[], ['-n', 'kube-system'], ['-n', 'kube-system', '-n', 'apps']]) {
      const doc = JSON.parse((await runCli(['migrate-irsa', '--state', file, '-o', 'json', ...args])).stdout);
      const addon = doc.plan.entries.find((e: { id: string }) => e.id === 'addon:aws-ebs-csi-driver');
      expect(addon, args.join(' ')).toMatchObject({ pods: 1, restart: [{ kind: 'Deployment', namespace: 'kube-system', name: 'ebs-csi-controller' }] });
    }
  });

  it('-n apps --approve changes neither the add-on nor its role', async () => {
    const file = stateFile();
    const out = await runCli(['migrate-irsa', '--state', file, '-n', 'apps', '--approve', '--restart', '--remove-oidc-trust', '--journal', join(tmp(), 'j.json')]);
    expect(out.code, out.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as StateDocument;
    expect(doc.clusters[0].addons.find((a) => a.name === 'aws-ebs-csi-driver')!.podIdentityAssociations).toEqual([]);
    expect(doc.roles.find((r) => r.arn === EBS_ROLE)!.trustPolicy).toEqual(world().roles.find((r) => r.arn === EBS_ROLE)!.trustPolicy);
    expect(doc.clusters[0].associations.map((a) => `${a.namespace}/${a.serviceAccount}`).sort()).toEqual(['apps/a', 'apps/b', 'apps/web']);
  });

  it('--manifests leaves the cluster add-ons out (a chart gate can reach exit 0) unless --include-addons', async () => {
    const file = stateFile();
    const yaml = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: plain\n  namespace: apps\n';
    const check = await runCli(['migrate-irsa', '--state', file, '--manifests', '-', '--check', '-o', 'json'], { stdin: yaml });
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).plan.entries).toEqual([]);
    const included = await runCli(['migrate-irsa', '--state', file, '--manifests', '-', '--include-addons', '--check', '-o', 'json'], { stdin: yaml });
    expect(included.code).toBe(3);
    expect(JSON.parse(included.stdout).plan.entries.map((e: { id: string }) => e.id)).toEqual(['addon:aws-ebs-csi-driver']);
  });

  it.each([
    [['--check', '--approve'], /cannot be used with/],
    [['--export', 'terraform', '--approve'], /cannot be used with/],
    [['--export-file', 'x.tf'], /needs '--export/],
    [['--trust-quota', 'lots'], /--trust-quota/],
    [['--exclude', 'nope'], /NAMESPACE\/SERVICE_ACCOUNT/],
    [['--manifests', '-', '--approve'], /read-only/],
    [['--include-addons'], /'--include-addons' needs '--manifests'/],
    [['--resume', 'j.json', '--restart'], /option '--restart' cannot be used with '--resume'/],
    [['--resume', 'j.json', '--remove-annotations'], /option '--remove-annotations' cannot be used with '--resume'/],
    [['--resume', 'j.json', '--remove-oidc-trust'], /option '--remove-oidc-trust' cannot be used with '--resume'/],
    [['--resume', 'j.json', '-n', 'apps'], /option '--namespace' cannot be used with '--resume'/],
    [['--resume', 'j.json', '--selector', 'team=web'], /option '--selector' cannot be used with '--resume'/],
    [['--resume', 'j.json', '--exclude', 'apps/a'], /option '--exclude' cannot be used with '--resume'/],
    [['--resume', 'j.json', '--no-bridge-roles'], /option '--no-bridge-roles' cannot be used with '--resume'/],
    [['--resume', 'j.json', '--trust-quota', '4096'], /option '--trust-quota' cannot be used with '--resume'/],
  ])('usage error for %j', async (args, message) => {
    const out = await runCli(['migrate-irsa', '--state', stateFile(), ...args]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });

  it('reads helm-template style multi-document YAML from --manifests', async () => {
    const yaml = [
      '---',
      '# Source: chart/templates/sa.yaml',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: web',
      '  namespace: apps',
      '  annotations:',
      '    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/web-role',
      '---',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: untouched',
      '  namespace: apps',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  namespace: apps',
      'spec:',
      '  template:',
      '    spec:',
      '      serviceAccountName: web',
      '      containers: [{ name: app, image: app:1 }]',
    ].join('\n');
    const out = await runCli(['migrate-irsa', '--state', stateFile(), '--manifests', '-', '-o', 'json'], { stdin: yaml });
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc.plan.entries.filter((e: { kind: string }) => e.kind === 'service-account').map((e: { id: string }) => e.id)).toEqual(['apps/web']);
  });
});

describe('migrate-irsa: Job and CronJob pods (plan == apply)', () => {
  it('after --approve with every flag, a re-plan with the same flags has no step, but the entry stays pending while the Job pod still runs', async () => {
    const deps = fakeDeps(withJob());
    const applied = await migrateIrsa(options({ mode: 'apply', journal: join(tmp(), 'j.json') }), deps);
    expect(applied.apply!.steps.filter((s) => s.entry === 'batch/reports').map((s) => s.kind)).toEqual(['add-trust', 'create-association']);
    expect(applied.apply!.status).toBe('incomplete');
    const again = await migrateIrsa(options({ mode: 'check' }), deps);
    expect(again.plan.steps).toEqual([]);
    expect(again.pending).toBe(true);
    const reports = again.plan.entries.find((e) => e.id === 'batch/reports')!;
    expect(reports.risks.map((r) => r.id)).toContain('oidc-deferred');
    expect(reports).toMatchObject({ status: 'pending', waiting: { removals: ['annotation removal', 'OIDC-trust removal'] } });
    expect(again.plan.entries.filter((e) => e.status === 'pending').map((e) => e.id)).toEqual(['batch/reports']);
  });
});

describe('migrate-irsa: --resume', () => {
  it('refuses a rolled-back journal and changes nothing', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ mode: 'apply', journal }), deps);
    await migrateRollback({ journal, dryRun: false }, deps);
    const before = JSON.stringify(deps.store.doc);
    await expect(migrateIrsa(options({ resume: journal, mode: 'apply' }), deps)).rejects.toThrow(/was rolled back; there is nothing to resume/);
    expect(JSON.stringify(deps.store.doc)).toBe(before);
    const cli = await runCli(['migrate-irsa', '--resume', journal, '--state', deps.store.path]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/was rolled back/);
  });

  it('says "nothing to resume" for a finished journal (exit 0) and changes nothing', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ mode: 'apply', journal, options: { ...ALL, restart: false } }), deps);
    const before = JSON.stringify(deps.store.doc);
    const journalBefore = readFileSync(journal, 'utf8');
    const result = await migrateIrsa(options({ resume: journal, mode: 'apply' }), deps);
    expect(result.apply).toMatchObject({ status: 'done', steps: [], note: `nothing to resume: journal ${journal} finished` });
    expect(JSON.stringify(deps.store.doc)).toBe(before);
    expect(readFileSync(journal, 'utf8')).toBe(journalBefore);
    // Something new to migrate since: a new run, not this journal.
    deps.store.doc.clusters[0].serviceAccounts.push({ namespace: 'apps', name: 'late', uid: 'uid-late', annotations: { 'eks.amazonaws.com/role-arn': CROSS_ROLE }, creationTimestamp: '2026-11-20T10:00:00.000Z' });
    const later = await migrateIrsa(options({ resume: journal, mode: 'apply' }), deps);
    expect(later.apply?.note).toMatch(/^nothing to resume: journal .* finished; what is still pending needs a new run/);
  });

  it('keeps to the filter of the journal it resumes', async () => {
    const deps = fakeDeps(world());
    const journal = join(tmp(), 'j.json');
    await expect(migrateIrsa(options({ mode: 'apply', journal, filter: { namespaces: ['apps'] } }), faulty(deps, 3, false))).rejects.toThrow(/injected failure/);
    expect(JSON.parse(readFileSync(journal, 'utf8')).filter).toEqual({ namespaces: ['apps'] });
    const resumed = await migrateIrsa(options({ resume: journal, mode: 'apply' }), deps);
    expect(new Set(resumed.plan.entries.map((e) => e.id))).toEqual(new Set(['apps/a', 'apps/b', 'apps/web']));
    expect(deps.store.doc.clusters[0].associations.map((a) => a.namespace)).not.toContain('data');
    expect(deps.store.doc.clusters[0].addons.find((a) => a.name === 'aws-ebs-csi-driver')!.podIdentityAssociations).toEqual([]);
  });
});

describe('migrate-irsa: bridge roles', () => {
  it('are tagged podid:managed-by=podid (and bridge-for), so associations delete --delete-role accepts them', async () => {
    const deps = fakeDeps(world());
    await migrateIrsa(options({ mode: 'apply', journal: join(tmp(), 'j.json') }), deps);
    const bridge = deps.store.doc.roles.find((r) => r.name === 'podid-bridge-data-cross')!;
    expect(bridge.tags).toEqual({ 'podid.io/bridge-for': 'demo/data/cross', 'podid:managed-by': 'podid' });
    const plan = await associationsDelete({ ref: 'data/cross', deleteRole: true, check: true }, deps);
    expect(plan.checks.find((c) => c.id === 'role.managed')?.status).toBe('ok');
    expect(plan.status).toBe('planned');
  });
});

describe('migrate-irsa: unwritable output paths', () => {
  const blocker = () => {
    const file = join(tmp(), 'not-a-folder');
    writeFileSync(file, 'x');
    return file;
  };

  it('--journal under a file: a user error naming the path, before any change', async () => {
    const state = join(tmp(), 'state.json');
    writeFileSync(state, JSON.stringify(world()));
    const journal = join(blocker(), 'j.json');
    const out = await runCli(['migrate-irsa', '--state', state, '--approve', '--journal', journal]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`podid: cannot write ${journal}: a part of the path is a file, not a folder (EEXIST)`);
    expect(out.stderr).not.toMatch(/internal error|This is a bug/);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual(JSON.parse(JSON.stringify(world())));
  });

  it('--export-file under a file: a user error naming the path', async () => {
    const state = join(tmp(), 'state.json');
    writeFileSync(state, JSON.stringify(world()));
    const target = join(blocker(), 'sub', 'x.tf');
    const out = await runCli(['migrate-irsa', '--state', state, '--export', 'terraform', '--export-file', target]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`podid: cannot write ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: a part of the path is a file, not a folder \\((ENOTDIR|EEXIST)\\)`));
    expect(out.stderr).not.toMatch(/internal error|This is a bug/);
  });
});

describe('migrate-irsa -o json: streamed', () => {
  it('writes exactly JSON.stringify(doc, null, 2) + newline, in pieces', () => {
    const doc = {
      schemaVersion: 1, empty: [], none: {}, text: 'a\nb "q"', skip: undefined, fn: () => 1, date: new Date(0),
      plan: { entries: Array.from({ length: 3000 }, (_, i) => ({ id: `ns/sa-${i}`, risks: [{ id: 'x', fix: undefined }], nested: { deep: [1, [2, { three: 3 }]] } })), holes: [undefined, () => 1, null, { a: undefined }] },
    };
    const chunks: string[] = [];
    writeJson({ write: (c: string) => chunks.push(c) }, doc);
    const text = chunks.join('');
    expect(text).toBe(JSON.stringify(doc, null, 2) + '\n');
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(text.length / 3);
  });

  it('the CLI prints the same document as before, with the --check exit code', async () => {
    const file = join(tmp(), 'state.json');
    writeFileSync(file, JSON.stringify(withProblems(world())));
    const out = await runCli(['migrate-irsa', '--state', file, '--check', '-o', 'json']);
    expect(out.code).toBe(3);
    const result = await migrateIrsa(options({ mode: 'check', options: DEFAULT_OPTIONS }), fakeDeps(withProblems(world())));
    expect(out.stdout).toBe(JSON.stringify({ schemaVersion: 1, ...result }, null, 2) + '\n');
  });
});
