import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_STATE, ROOT, runCli, spawnCli } from '../helpers/run-cli.js';
import { withJob, world } from '../core/migrate/world.js';

// The main migrate-irsa flow end to end: plan → --check (3) → --approve → re-plan with the same
// flags empty and --check 0 (once running Job pods finished: until then their removals wait, exit 3)
// → rollback restores the state file's trust policies and annotations exactly.

const copy = (from: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'podid-migrate-e2e-'));
  const file = join(dir, 'state.json');
  writeFileSync(file, readFileSync(from, 'utf8'));
  return { dir, file };
};
const essentials = (file: string) => {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  return { roles: doc.roles.map((r: { arn: string; trustPolicy: unknown }) => [r.arn, r.trustPolicy]), annotations: doc.clusters.flatMap((c: { serviceAccounts: { namespace: string; name: string; annotations: object }[] }) => c.serviceAccounts.map((s) => [s.namespace, s.name, s.annotations])) };
};

/** Pods of Jobs still running with IRSA finish (the state file's pods owned by a Job become Succeeded). */
const finishJobs = (file: string) => {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  for (const c of doc.clusters) for (const p of c.pods) if (p.ownerReferences.some((o: { kind: string }) => o.kind === 'Job') && p.phase === 'Running') p.phase = 'Succeeded';
  writeFileSync(file, JSON.stringify(doc));
};

async function fullFlow(source: string, extra: string[] = []) {
  const { dir, file } = copy(source);
  const original = essentials(file);
  const plan = await runCli(['migrate-irsa', '--state', file, ...extra]);
  expect(plan.code, plan.stderr).toBe(0);
  expect((await runCli(['migrate-irsa', '--state', file, '--check', ...extra])).code).toBe(3);
  const flags = ['--restart', '--remove-annotations', '--remove-oidc-trust'];
  const approve = await runCli(['migrate-irsa', '--state', file, '--approve', ...flags, ...extra], { cwd: dir });
  expect(approve.code, approve.stderr).toBe(0);
  const journals = [/Journal: (\S+)/.exec(approve.stdout)![1]];
  let check = await runCli(['migrate-irsa', '--state', file, '--check', ...flags, '-o', 'json', ...extra]);
  const waited = JSON.parse(check.stdout);
  expect(waited.plan.steps).toEqual([]);
  if (check.code === 3) {
    // Only removals waiting for a running Job pod are left: pending until it finishes, then applied.
    const pending = waited.plan.entries.filter((e: { status: string }) => e.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);
    for (const e of pending) expect(e.waiting.fix, e.id).toMatch(/^Let the running pods of (cron)?job\/\S+ finish/);
    finishJobs(file);
    const after = await runCli(['migrate-irsa', '--state', file, '--approve', ...flags, ...extra], { cwd: dir });
    expect(after.code, after.stderr).toBe(0);
    journals.unshift(/Journal: (\S+)/.exec(after.stdout)![1]);
    check = await runCli(['migrate-irsa', '--state', file, '--check', ...flags, '-o', 'json', ...extra]);
  }
  expect(check.code, check.stdout).toBe(0);
  const doc = JSON.parse(check.stdout);
  expect(doc.plan.steps).toEqual([]);
  expect(doc.plan.summary.pending).toBe(0);
  for (const journal of journals) {
    const rollback = await runCli(['migrate-irsa', 'rollback', journal, '--state', file, ...extra]);
    expect(rollback.code, rollback.stderr).toBe(0);
  }
  expect(essentials(file)).toEqual(original);
  return { plan, approve, waited, check: doc };
}

describe('migrate-irsa e2e (in-process)', () => {
  it('own small state: full flow', async () => {
    const { dir } = copy(join(ROOT, 'package.json'));
    const source = join(dir, 'world.json');
    writeFileSync(source, JSON.stringify(world()));
    const { check } = await fullFlow(source);
    expect(check.pending).toBe(false);
  });

  it('own small state with a running CronJob pod: plan == apply (no step left), the removals stay pending until the pod finishes', async () => {
    const { dir } = copy(join(ROOT, 'package.json'));
    const source = join(dir, 'world.json');
    writeFileSync(source, JSON.stringify(withJob()));
    const { approve, waited, check } = await fullFlow(source);
    expect(approve.stdout).not.toMatch(/deferred .*batch\/reports/);
    expect(waited.plan.entries.find((e: { id: string }) => e.id === 'batch/reports').status).toBe('pending');
    expect(check.plan.entries.map((e: { id: string }) => e.id)).not.toContain('batch/reports'); // annotation removed: migrated
  });

  describe.skipIf(!existsSync(DEMO_STATE))('demo state (fixtures/demo/state.json)', () => {
    it('plan → check 3 → approve → check (nothing pending to apply) → rollback restores exactly', async () => {
      const { plan } = await fullFlow(DEMO_STATE);
      expect(plan.stdout).toMatch(/IRSA service account/);
    });

    it('-o markdown summarises the demo plan for a PR comment', async () => {
      const out = await runCli(['migrate-irsa', '--state', DEMO_STATE, '-o', 'markdown']);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('| pending | done | blocked | skipped | steps | restarts |');
    });
  });
});

describe.skipIf(!existsSync(join(ROOT, 'dist/main.js')) || !!process.env.PODID_SKIP_BUILD)('migrate-irsa e2e (built binary)', () => {
  it('--check exits 3 on a fresh state and prints the plan', async () => {
    const { dir } = copy(join(ROOT, 'package.json'));
    const file = join(dir, 'world.json');
    writeFileSync(file, JSON.stringify(world()));
    const out = await spawnCli(['migrate-irsa', '--state', file, '--check']);
    expect(out.code).toBe(3);
    expect(out.stdout).toContain('Pending:');
  });
});
