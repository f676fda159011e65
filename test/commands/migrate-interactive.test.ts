import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StateDocument } from '../../src/adapters/local/schema.js';
import { migrateIrsa, type MigrateIrsaOptions } from '../../src/commands/migrate-irsa.js';
import { migrateRollback } from '../../src/commands/migrate-rollback.js';
import { planMigration } from '../../src/core/migrate/plan.js';
import { initialReview, journalSelection, review, selectPlan, visibleRows, withSelection, type ReviewAction, type ReviewState } from '../../src/core/migrate/select.js';
import { newJournal } from '../../src/core/migrate/journal.js';
import { DEFAULT_OPTIONS, type MigrationOptions, type PlanEntry } from '../../src/core/migrate/types.js';
import type { Deps } from '../../src/deps.js';
import { run } from '../../src/main.js';
import { factsFrom } from '../core/migrate/facts.js';
import { faultyDeps } from '../helpers/faulty-ports.js';
import { fakeDeps } from '../helpers/fake-deps.js';
import { FakeTty } from '../helpers/fake-tty.js';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';
import { SHARED_ROLE, withProblems, world } from '../core/migrate/world.js';

// `migrate-irsa --interactive`: the pure selection logic, applying a chosen subset (only those
// entries change; journal, --resume and rollback keep to it), and the CLI wiring at a terminal.

const ALL: MigrationOptions = { ...DEFAULT_OPTIONS, restart: true, removeAnnotations: true, removeOidcTrust: true };
const tmp = () => mkdtempSync(join(tmpdir(), 'podid-interactive-'));
const options = (o: Partial<MigrateIrsaOptions> = {}): MigrateIrsaOptions => ({ filter: {}, options: ALL, mode: 'apply', cwd: tmp(), ...o });
const demo = (): StateDocument => JSON.parse(readFileSync(DEMO_STATE, 'utf8'));

/** Per service account: its role's trust, its annotations, its association; per add-on: its Pod Identity associations. */
function footprint(state: StateDocument) {
  const c = state.clusters[0];
  const trust = new Map(state.roles.map((r) => [r.arn, JSON.stringify(r.trustPolicy)]));
  const out: Record<string, string> = {};
  for (const sa of c.serviceAccounts) {
    const role = sa.annotations['eks.amazonaws.com/role-arn'];
    const assoc = c.associations.find((a) => a.namespace === sa.namespace && a.serviceAccount === sa.name);
    out[`${sa.namespace}/${sa.name}`] = JSON.stringify({ annotations: sa.annotations, trust: role ? trust.get(role) : undefined, association: assoc ? [assoc.roleArn, assoc.targetRoleArn] : null });
  }
  for (const addon of c.addons) out[`addon:${addon.name}`] = JSON.stringify(addon.podIdentityAssociations);
  return out;
}
const changed = (before: Record<string, string>, after: Record<string, string>) => Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]).sort();

/** The n-th mutation through the ports throws (before it happens). */
const failingAt = (deps: Deps, n: number) => faultyDeps(deps, n);

// ---- pure -----------------------------------------------------------------------------------

const entry = (id: string, status: PlanEntry['status']) => ({ id, status }) as PlanEntry;
const ENTRIES = [entry('a/one', 'pending'), entry('a/two', 'blocked'), entry('b/three', 'pending'), entry('c/four', 'skipped'), entry('d/five', 'pending')];

describe('review state (pure)', () => {
  it('starts on the first entry with every pending entry chosen', () => {
    expect(initialReview(ENTRIES)).toEqual({ cursor: 0, selected: ['a/one', 'b/three', 'd/five'] });
    expect(initialReview([])).toEqual({ cursor: 0, selected: [] });
  });

  const all = ['a/one', 'b/three', 'd/five'];
  it.each<[string, ReviewState, ReviewAction, ReviewState]>([
    ['down moves', { cursor: 0, selected: all }, 'down', { cursor: 1, selected: all }],
    ['down stops at the end', { cursor: 4, selected: all }, 'down', { cursor: 4, selected: all }],
    ['up moves', { cursor: 2, selected: all }, 'up', { cursor: 1, selected: all }],
    ['up stops at the top', { cursor: 0, selected: all }, 'up', { cursor: 0, selected: all }],
    ['page-down clamps', { cursor: 1, selected: all }, 'page-down', { cursor: 4, selected: all }],
    ['page-up clamps', { cursor: 3, selected: all }, 'page-up', { cursor: 0, selected: all }],
    ['end', { cursor: 0, selected: all }, 'end', { cursor: 4, selected: all }],
    ['home', { cursor: 3, selected: all }, 'home', { cursor: 0, selected: all }],
    ['toggle removes a chosen pending entry', { cursor: 2, selected: all }, 'toggle', { cursor: 2, selected: ['a/one', 'd/five'] }],
    ['toggle adds it back in plan order', { cursor: 0, selected: ['b/three', 'd/five'] }, 'toggle', { cursor: 0, selected: all }],
    ['toggle on a blocked entry does nothing', { cursor: 1, selected: ['a/one'] }, 'toggle', { cursor: 1, selected: ['a/one'] }],
    ['toggle on a skipped entry does nothing', { cursor: 3, selected: [] }, 'toggle', { cursor: 3, selected: [] }],
    ['all with everything chosen: none', { cursor: 2, selected: all }, 'all', { cursor: 2, selected: [] }],
    ['all with some chosen: all', { cursor: 2, selected: ['d/five'] }, 'all', { cursor: 2, selected: all }],
    ['all with none chosen: all', { cursor: 0, selected: [] }, 'all', { cursor: 0, selected: all }],
  ])('%s', (_name, state, action, expected) => {
    const frozen = Object.freeze({ ...state, selected: Object.freeze([...state.selected]) });
    expect(review(ENTRIES, frozen, action, 3)).toEqual(expected);
  });

  it('a pending entry whose only work left is a waiting removal cannot be chosen (nothing to apply now)', () => {
    const waiting = { ...entry('e/six', 'pending'), steps: [], waiting: { removals: ['annotation removal'], reason: 'r', fix: 'f' } } as PlanEntry;
    expect(initialReview([...ENTRIES, waiting]).selected).toEqual(['a/one', 'b/three', 'd/five']);
    expect(review([waiting], { cursor: 0, selected: [] }, 'toggle')).toEqual({ cursor: 0, selected: [] });
  });

  it('an empty list stays put', () => {
    expect(review([], { cursor: 0, selected: [] }, 'down')).toEqual({ cursor: 0, selected: [] });
    expect(review([], { cursor: 0, selected: [] }, 'toggle')).toEqual({ cursor: 0, selected: [] });
  });

  it.each([
    [0, 3, 10, { start: 0, end: 3 }],
    [0, 30, 5, { start: 0, end: 5 }],
    [10, 30, 5, { start: 8, end: 13 }],
    [29, 30, 5, { start: 25, end: 30 }],
    [3, 30, 0, { start: 3, end: 4 }],
  ])('visibleRows(cursor %i, total %i, height %i)', (cursor, total, height, expected) => {
    expect(visibleRows(cursor, total, height)).toEqual(expected);
  });
});

describe('selectPlan (pure)', () => {
  const plan = planMigration(factsFrom(withProblems(world())), ALL);
  const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

  it('keeps only the chosen entries’ steps, in plan order; entries and their status stay', () => {
    const full = plan.steps.filter((s) => s.entry === 'apps/a' || s.entry === 'data/cross');
    const { plan: picked, unknown, stopped, unselected } = selectPlan(plan, ['data/cross', 'apps/a']);
    expect(picked.steps).toEqual(full);
    expect(picked.entries).toEqual(plan.entries);
    expect(picked.summary).toEqual({ ...plan.summary, steps: full.length, restarts: 0 });
    expect([unknown, stopped, unselected]).toEqual([[], [], ['addon:aws-ebs-csi-driver', 'apps/b', 'apps/web']]);
  });

  it('a shared role’s trust change lists only the chosen service account and leaves out the others’ statements', () => {
    const shared = plan.trustChanges.find((t) => t.roleArn === SHARED_ROLE)!;
    expect(shared.entries).toEqual(['apps/a', 'apps/b']);
    const picked = selectPlan(plan, ['apps/a']).plan.trustChanges;
    expect(picked.map((t) => t.roleArn)).toEqual([SHARED_ROLE]);
    const after = JSON.stringify(picked[0].after);
    expect(picked[0].entries).toEqual(['apps/a']);
    expect(after).toContain('kubernetes-service-account":"a"');
    expect(after).not.toContain('kubernetes-service-account":"b"');
  });

  it('reports unknown ids and blocked or skipped choices; nothing of theirs is in the plan', () => {
    const { plan: picked, unknown, stopped } = selectPlan(plan, ['nope/nope', 'bad/malformed', 'bad/serverless']);
    expect(unknown).toEqual(['nope/nope']);
    expect(ids(stopped)).toEqual(['bad/malformed', 'bad/serverless']);
    expect(picked.steps).toEqual([]);
    expect(picked.trustChanges).toEqual([]);
  });

  it('the empty selection has no steps; the full selection is the plan', () => {
    expect(selectPlan(plan, []).plan.steps).toEqual([]);
    const everything = selectPlan(plan, ids(plan.entries.filter((e) => e.status === 'pending'))).plan;
    expect(everything).toEqual(plan);
  });

  it('does not change the plan it is given', () => {
    const before = JSON.stringify(plan);
    selectPlan(plan, ['apps/a']);
    expect(JSON.stringify(plan)).toBe(before);
  });

  it('a journal records the selection; a malformed one is a problem', () => {
    const journal = newJournal({ name: 'demo', arn: 'arn' }, ALL, '2026-11-26T12:00:00Z');
    expect(journalSelection(journal)).toEqual({});
    expect(withSelection(journal, undefined)).toBe(journal);
    expect(journalSelection(withSelection(journal, ['apps/a']))).toEqual({ selection: ['apps/a'] });
    expect(journalSelection({ ...journal, selection: 'apps/a' } as never).problem).toMatch(/selection: expected a list/);
  });
});

// ---- applying a subset ----------------------------------------------------------------------

describe.skipIf(!existsSync(DEMO_STATE))('applying a subset of the demo plan', () => {
  it('only the chosen service account changes; the others stay pending and --check still exits 3', async () => {
    const state = demo();
    const deps = fakeDeps(state);
    const journal = join(tmp(), 'j.json');
    const result = await migrateIrsa(options({ options: DEFAULT_OPTIONS, journal, select: ['payments/payments-reconciler'] }), deps);
    expect(changed(footprint(state), footprint(deps.store.doc))).toEqual(['payments/payments-reconciler']);
    expect(result.apply?.steps.map((s) => [s.entry, s.kind, s.status])).toEqual([
      ['payments/payments-reconciler', 'add-trust', 'done'],
      ['payments/payments-reconciler', 'create-association', 'done'],
    ]);
    expect(result.selection).toEqual({ entries: ['payments/payments-reconciler'], unselected: ['addon:aws-ebs-csi-driver', 'observability/grafana', 'web/frontend'] });
    const written = JSON.parse(readFileSync(journal, 'utf8'));
    expect(written.selection).toEqual(['payments/payments-reconciler']);
    expect(new Set(written.records.map((r: { step: { entry: string } }) => r.step.entry))).toEqual(new Set(['payments/payments-reconciler']));

    const check = await migrateIrsa(options({ options: DEFAULT_OPTIONS, mode: 'check' }), deps);
    expect(check.pending).toBe(true);
    expect(check.plan.entries.find((e) => e.id === 'payments/payments-reconciler')?.status).toBe('done');
    expect(check.plan.entries.filter((e) => e.status === 'pending').map((e) => e.id)).toEqual(['addon:aws-ebs-csi-driver', 'observability/grafana', 'web/frontend']);
    expect((await runCli(['migrate-irsa', '--state', deps.store.path, '--check'])).code).toBe(3);
  });

  it('the add-on entry alone: UpdateAddon and its role’s trust, no service-account association', async () => {
    const state = demo();
    const deps = fakeDeps(state);
    await migrateIrsa(options({ options: DEFAULT_OPTIONS, journal: join(tmp(), 'j.json'), select: ['addon:aws-ebs-csi-driver'] }), deps);
    expect(changed(footprint(state), footprint(deps.store.doc))).toEqual(['addon:aws-ebs-csi-driver', 'kube-system/ebs-csi-controller-sa']);
    expect(deps.store.doc.clusters[0].associations.length - state.clusters[0].associations.length).toBe(1);
  });
});

describe('applying a subset: shared roles, removals, rollback, resume', () => {
  it('on a shared role only the chosen SA gets trust, loses its OIDC subject and its annotation; rollback restores exactly', async () => {
    const state = world();
    const deps = fakeDeps(state);
    const journal = join(tmp(), 'j.json');
    await migrateIrsa(options({ journal, select: ['apps/a'] }), deps);
    expect(changed(footprint(state), footprint(deps.store.doc))).toEqual(['apps/a', 'apps/b']); // b shares the role: same trust document
    const shared = JSON.stringify(deps.store.doc.roles.find((r) => r.arn === SHARED_ROLE)!.trustPolicy);
    expect(shared).toContain('kubernetes-service-account":"a"');
    expect(shared).not.toContain('kubernetes-service-account":"b"');
    expect(shared).toContain('DEMO0123456789:sub":"system:serviceaccount:apps:b"'); // this cluster's OIDC trust: only b left
    expect(shared).toContain('OTHERCLUSTER:sub":"system:serviceaccount:apps:a"'); // another cluster's: untouched
    const sa = (name: string) => deps.store.doc.clusters[0].serviceAccounts.find((s) => s.namespace === 'apps' && s.name === name)!;
    expect(sa('a').annotations['eks.amazonaws.com/role-arn']).toBeUndefined();
    expect(sa('b').annotations['eks.amazonaws.com/role-arn']).toBe(SHARED_ROLE);
    expect(deps.store.doc.clusters[0].associations.map((a) => `${a.namespace}/${a.serviceAccount}`)).toEqual(['apps/a']);

    const left = await migrateIrsa(options({ mode: 'check' }), deps);
    expect(left.plan.entries.map((e) => e.id)).not.toContain('apps/a');
    expect(left.plan.steps.some((s) => s.entry === 'apps/b')).toBe(true);

    await migrateRollback({ journal, dryRun: false }, deps);
    expect(footprint(deps.store.doc)).toEqual(footprint(state));
    expect(JSON.stringify(deps.store.doc.roles)).toBe(JSON.stringify(state.roles));
  });

  it('an interrupted subset run resumes to the same end state and never touches the entries left out', async () => {
    const select = ['apps/web', 'data/cross'];
    const reference = fakeDeps(world());
    const counted = failingAt(reference, Number.POSITIVE_INFINITY);
    await migrateIrsa(options({ journal: join(tmp(), 'j.json'), select }), counted);
    const final = footprint(reference.store.doc);
    expect(changed(footprint(world()), final)).toEqual(['apps/web', 'data/cross']);
    expect(counted.count()).toBeGreaterThan(4);
    for (let n = 1; n <= counted.count(); n++) {
      const state = world();
      const deps = fakeDeps(state);
      const journal = join(tmp(), 'j.json');
      await expect(migrateIrsa(options({ journal, select }), failingAt(deps, n)), `N=${n}`).rejects.toThrow(/injected failure/);
      const resumed = await migrateIrsa(options({ resume: journal }), deps);
      expect(resumed.selection?.entries, `N=${n}`).toEqual(select);
      expect(resumed.apply?.steps.every((s) => select.includes(s.entry)), `N=${n}`).toBe(true);
      expect(footprint(deps.store.doc), `N=${n}`).toEqual(final);
      await migrateRollback({ journal, dryRun: false }, deps);
      expect(footprint(deps.store.doc), `N=${n}`).toEqual(footprint(state));
      expect(deps.store.doc.roles.some((r) => r.name.startsWith('podid-bridge')), `N=${n}`).toBe(false);
    }
  });

  it('a choice that no longer matches the plan is refused and nothing changes', async () => {
    const state = withProblems(world());
    const deps = fakeDeps(state);
    await expect(migrateIrsa(options({ select: ['apps/web', 'gone/away'] }), deps)).rejects.toThrow(/plan changed since the review: gone\/away is no longer in the plan; nothing was changed/);
    await expect(migrateIrsa(options({ select: ['apps/web', 'bad/malformed'] }), deps)).rejects.toThrow(/bad\/malformed is blocked: eks\.amazonaws\.com\/role-arn: 'arn:aws:iam::12345:role\/nope' is not an IAM role ARN;/);
    expect(footprint(deps.store.doc)).toEqual(footprint(state));
  });

  it('an entry migrated meanwhile is simply done; a selection only applies with mode apply', async () => {
    const deps = fakeDeps(world());
    await migrateIrsa(options({ select: ['apps/web'], journal: join(tmp(), 'j.json') }), deps);
    const again = await migrateIrsa(options({ select: ['apps/web'] }), deps).catch((e: Error) => e);
    expect(again).toBeInstanceOf(Error); // annotation removed: it left the plan
    const keep = fakeDeps(world());
    const plainOpts = { ...ALL, removeAnnotations: false };
    await migrateIrsa(options({ options: plainOpts, select: ['apps/web'], journal: join(tmp(), 'j.json') }), keep);
    const done = await migrateIrsa(options({ options: plainOpts, select: ['apps/web'] }), keep);
    expect(done.apply).toEqual({ status: 'done', steps: [] });
    await expect(migrateIrsa(options({ mode: 'plan', select: ['apps/web'] }), keep)).rejects.toThrow(/selection of entries is applied with mode apply/);
  });
});

// ---- CLI ------------------------------------------------------------------------------------

/** A fake terminal: stdin that ink can read keys from, stderr that ink renders to. */
class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => this.queue.shift() ?? null;
  press(data: string) {
    this.queue.push(data);
    this.emit('readable');
  }
}

async function waitFor(check: () => boolean, what: string, ms = 10_000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function atTerminal(argv: string[], keys: string[], cwd: string) {
  const stdin = new FakeStdin();
  const stderr = new FakeTty();
  const stdout = new FakeTty();
  const running = run(argv, { stdin: stdin as never, stdout, stderr, env: { NO_COLOR: '1', TERM: 'xterm' }, cwd });
  await waitFor(() => stderr.text.includes('selected'), 'the review');
  for (const key of keys) {
    await new Promise((resolve) => setTimeout(resolve, 100)); // one key per read, after ink listens
    stdin.press(key);
  }
  return { code: await running, stdout: stdout.text, stderr: stderr.text };
}

describe('migrate-irsa --interactive (CLI, in-process)', () => {
  it('without a terminal it is a usage error naming --check / --approve', async () => {
    const out = await runCli(['migrate-irsa', '--interactive', '--state', fakeDeps(world()).store.path]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe("podid: --interactive needs a terminal; in CI use --check or --approve (see 'podid --help')\n");
    expect(out.stdout).toBe('');
  });

  it.each([
    [['--approve'], /'--interactive' cannot be used with '--approve'/],
    [['--check'], /'--interactive' cannot be used with/],
    [['--export', 'terraform'], /'--interactive' cannot be used with/],
    [['--manifests', '-'], /'--manifests' is read-only input/],
  ])('%j with --interactive is a usage error', async (extra, message) => {
    const out = await runCli(['migrate-irsa', '--interactive', '--state', fakeDeps(world()).store.path, ...extra]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });

  it('at a terminal: none, pick one, enter → only that entry is applied; the rest is reported as pending', async () => {
    const deps = fakeDeps(world());
    const before = footprint(deps.store.doc);
    const cwd = tmp();
    const out = await atTerminal(['migrate-irsa', '--interactive', '--state', deps.store.path], ['a', '\u001B[B', '\u001B[B', ' ', '\r'], cwd);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('Applying 1 of 5 pending entries: apps/b');
    expect(out.stdout).toMatch(/Applied:\n {2}done {6}add trust for pods\.eks\.amazonaws\.com scoped to apps\/b/);
    expect(out.stdout).toContain('Not selected, still pending: addon:aws-ebs-csi-driver, apps/a, apps/web, data/cross (podid migrate-irsa --interactive to review them again).');
    const after = footprint(JSON.parse(readFileSync(deps.store.path, 'utf8')));
    expect(changed(before, after)).toEqual(['apps/a', 'apps/b']); // apps/a shares the role's trust document
    expect(JSON.parse(after['apps/b']).association).toEqual([SHARED_ROLE, null]);
    expect(JSON.parse(after['apps/a']).association).toBeNull();
    expect(existsSync(join(cwd, '.podid'))).toBe(true);
  });

  it('at a terminal: q leaves without changes (exit 0, one line on stdout)', async () => {
    const deps = fakeDeps(world());
    const before = readFileSync(deps.store.path, 'utf8');
    const out = await atTerminal(['migrate-irsa', '--interactive', '--state', deps.store.path], ['q'], tmp());
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('Quit: nothing applied.');
    expect(out.stdout).toMatch(/^Cluster demo: .*\nNothing applied: the review ended without changes \(5 entries pending\)\.\n$/);
    expect(readFileSync(deps.store.path, 'utf8')).toBe(before);
  });

  it('at a terminal: ctrl-c is an interruption (exit 130), nothing changes', async () => {
    const deps = fakeDeps(world());
    const before = readFileSync(deps.store.path, 'utf8');
    const out = await atTerminal(['migrate-irsa', '--interactive', '--state', deps.store.path, '-o', 'json'], ['\u0003'], tmp());
    expect(out.code).toBe(130);
    expect(readFileSync(deps.store.path, 'utf8')).toBe(before);
  });
});
