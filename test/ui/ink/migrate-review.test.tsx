import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_OPTIONS, type MigrationPlan, type PlanEntry, type Step } from '../../../src/core/migrate/types.js';
import { MigrateReview, type ReviewOutcome } from '../../../src/ui/ink/MigrateReview.js';

// The --interactive review: navigation, toggling, select-all, enter returns the choice, q none.

const KEYS = { up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B', ctrlC: '\u0003' };
const tick = () => new Promise((resolve) => setTimeout(resolve, 40));

function entry(id: string, status: PlanEntry['status'], steps: string[] = [], extra: Partial<PlanEntry> = {}): PlanEntry {
  const [namespace, serviceAccount] = id.split('/');
  const role = `arn:aws:iam::111122223333:role/${serviceAccount}`;
  return { id, kind: 'service-account', namespace, serviceAccount, irsaRoleArn: role, association: { roleArn: role }, status, risks: [], irsa: {}, pods: 1, restart: [], steps, ...extra };
}

function step(id: string, entryId: string, description: string): Step {
  const [namespace, serviceAccount] = entryId.split('/');
  return { id, entry: entryId, phase: 3, kind: 'create-association', namespace, serviceAccount, roleArn: 'arn:aws:iam::111122223333:role/x', description };
}

function plan(): MigrationPlan {
  const entries = [
    entry('apps/api', 'pending', ['trust:apps/api', 'association:apps/api'], {
      risks: [{ id: 'restart-required', level: 'warn', message: '1 workload(s) keep IRSA credentials until restarted', fix: 'Pass --restart' }],
      restart: [{ kind: 'Deployment', namespace: 'apps', name: 'api' }],
    }),
    entry('apps/blocked', 'blocked', [], { reason: 'role arn:aws:iam::111122223333:role/blocked does not exist', fix: 'Create the role, or correct the annotation.' }),
    entry('apps/web', 'pending', ['association:apps/web']),
    entry('data/jobs', 'pending', ['association:data/jobs']),
  ];
  const steps = [
    step('trust:apps/api', 'apps/api', 'add trust for pods.eks.amazonaws.com scoped to apps/api'),
    step('association:apps/api', 'apps/api', 'create association apps/api'),
    step('association:apps/web', 'apps/web', 'create association apps/web'),
    step('association:data/jobs', 'data/jobs', 'create association data/jobs'),
  ];
  return {
    cluster: { name: 'demo', arn: 'arn:aws:eks:us-west-2:111122223333:cluster/demo', accountId: '111122223333', partition: 'aws' },
    options: DEFAULT_OPTIONS,
    entries,
    steps,
    trustChanges: [],
    warnings: [],
    summary: { entries: 4, serviceAccounts: 4, addons: 0, pending: 3, done: 0, blocked: 1, skipped: 0, steps: 4, restarts: 0 },
  };
}

async function mount(height?: number, p = plan()) {
  const onDone = vi.fn<(o: ReviewOutcome) => void>();
  const view = render(<MigrateReview plan={p} onDone={onDone} height={height} color={false} />);
  await tick();
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      view.stdin.write(key);
      await tick();
    }
  };
  const row = (id: string) => view.lastFrame()!.split('\n').find((line) => line.includes(` ${id} `))!;
  return { ...view, onDone, press, row };
}

describe('MigrateReview', () => {
  it('lists every entry with status, steps, role and risks; all pending selected; details of the first', async () => {
    const { lastFrame, row, unmount } = await mount();
    const frame = lastFrame()!;
    expect(frame).toContain('cluster demo · 3 pending, 0 done, 1 blocked, 0 skipped · 3 of 3 selected');
    expect(frame).toContain('↑/↓ move · space toggle · a all/none · enter apply selected · q quit');
    expect(row('apps/api')).toMatch(/^❯ \[x\] apps\/api\s+pending\s+2 steps\s+role\/api\s+restart-required$/);
    expect(row('apps/blocked')).toMatch(/^ {2} – {2}apps\/blocked\s+blocked\s+0 steps/);
    expect(row('apps/web')).toMatch(/^ {2}\[x\] apps\/web/);
    expect(frame).toContain('── apps/api (pending)');
    expect(frame).toContain('1. add trust for pods.eks.amazonaws.com scoped to apps/api');
    expect(frame).toContain('2. create association apps/api');
    expect(frame).toContain('restart: deployment/api');
    expect(frame).toContain("⚠ restart-required: 1 workload(s) keep IRSA credentials until restarted\n      fix: Pass --restart");
    expect(frame).toContain("1. add trust for pods.eks.amazonaws.com scoped to apps/api\n");
    unmount();
  });

  it('↓/↑ move the focus and the details pane follows; a blocked entry shows why', async () => {
    const { lastFrame, press, row, unmount } = await mount();
    await press(KEYS.down);
    expect(row('apps/blocked')).toMatch(/^❯/);
    expect(lastFrame()).toContain('── apps/blocked (blocked)');
    expect(lastFrame()).toContain('blocked: role arn:aws:iam::111122223333:role/blocked does not exist');
    expect(lastFrame()).toContain('fix: Create the role, or correct the annotation.');
    await press(KEYS.down, KEYS.down, KEYS.down); // stops at the last entry
    expect(row('data/jobs')).toMatch(/^❯/);
    await press(KEYS.up, 'k');
    expect(row('apps/blocked')).toMatch(/^❯/);
    await press('j');
    expect(row('apps/web')).toMatch(/^❯/);
    unmount();
  });

  it('space toggles the focused pending entry; a blocked entry cannot be chosen', async () => {
    const { lastFrame, press, row, unmount } = await mount();
    await press(' ');
    expect(row('apps/api')).toContain('[ ] apps/api');
    expect(lastFrame()).toContain('2 of 3 selected');
    await press(KEYS.down, ' ');
    expect(row('apps/blocked')).toContain(' – ');
    expect(lastFrame()).toContain('2 of 3 selected');
    await press(KEYS.up, ' ');
    expect(row('apps/api')).toContain('[x] apps/api');
    expect(lastFrame()).toContain('3 of 3 selected');
    unmount();
  });

  it('a selects none when all are selected, else all', async () => {
    const { lastFrame, press, unmount } = await mount();
    await press('a');
    expect(lastFrame()).toContain('0 of 3 selected');
    expect(lastFrame()).not.toContain('[x]');
    await press(KEYS.down, KEYS.down, ' ', 'a');
    expect(lastFrame()).toContain('3 of 3 selected');
    unmount();
  });

  it('enter returns the selection in plan order and leaves a one-line summary', async () => {
    const { lastFrame, press, onDone } = await mount();
    await press('a', KEYS.down, KEYS.down, KEYS.down, ' ', KEYS.up, ' ', KEYS.enter);
    expect(onDone).toHaveBeenCalledExactlyOnceWith({ kind: 'apply', entries: ['apps/web', 'data/jobs'] });
    expect(lastFrame()).toBe('Applying 2 of 3 pending entries: apps/web, data/jobs');
  });

  it('enter with nothing selected asks again instead of applying', async () => {
    const { lastFrame, press, onDone, unmount } = await mount();
    await press('a', KEYS.enter);
    expect(onDone).not.toHaveBeenCalled();
    expect(lastFrame()).toContain('nothing selected: space selects an entry, q quits without changes');
    await press(' ');
    expect(lastFrame()).not.toContain('nothing selected');
    unmount();
  });

  it.each([
    ['q', 'q', { kind: 'quit' }, 'Quit: nothing applied.'],
    ['esc', KEYS.escape, { kind: 'quit' }, 'Quit: nothing applied.'],
    ['ctrl-c', KEYS.ctrlC, { kind: 'interrupt' }, 'Interrupted: nothing applied.'],
  ])('%s returns no selection', async (_name, key, outcome, text) => {
    const { lastFrame, press, onDone } = await mount();
    await press(key);
    expect(onDone).toHaveBeenCalledExactlyOnceWith(outcome);
    expect(lastFrame()).toBe(text);
  });

  it('scrolls a long list around the focus', async () => {
    const p = plan();
    p.entries = Array.from({ length: 30 }, (_, i) => entry(`ns/sa-${String(i).padStart(2, '0')}`, 'pending'));
    p.summary = { ...p.summary, entries: 30, pending: 30, blocked: 0 };
    const { lastFrame, press, row, unmount } = await mount(5, p);
    expect(lastFrame()).toContain('↓ 25 more');
    expect(lastFrame()).not.toContain('ns/sa-05');
    await press(...Array(10).fill(KEYS.down));
    expect(row('ns/sa-10')).toMatch(/^❯/);
    expect(lastFrame()).toContain('↑ 8 more');
    expect(lastFrame()).not.toContain(' ns/sa-07 ');
    unmount();
  });
});
