import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StateDocument } from '../../src/adapters/local/schema.js';
import { migrateIrsa } from '../../src/commands/migrate-irsa.js';
import { DEFAULT_OPTIONS } from '../../src/core/migrate/types.js';
import { renderMigrateTable } from '../../src/ui/render/migrate.js';
import { fakeDeps } from '../helpers/fake-deps.js';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';
import { world } from '../core/migrate/world.js';

// What makes migrate-irsa trustworthy as a CI gate and an audit trail: journals are never shared or
// overwritten, a gate that read nothing does not pass silently, and an applied plan converges.

const tmp = () => mkdtempSync(join(tmpdir(), 'podid-gate-'));
const stateFile = (state: StateDocument | string = world()) => {
  const path = join(tmp(), 'state.json');
  writeFileSync(path, typeof state === 'string' ? readFileSync(state, 'utf8') : JSON.stringify(state));
  return path;
};
const journalsIn = (dir: string) => (existsSync(join(dir, '.podid')) ? readdirSync(join(dir, '.podid')) : []);

describe('journals are never shared or overwritten', () => {
  it('two runs at the same instant (same clock) get two journals, each with its own run', async () => {
    const deps = fakeDeps(world());
    const cwd = tmp();
    const opts = { filter: {}, options: DEFAULT_OPTIONS, mode: 'apply' as const, cwd };
    const one = await migrateIrsa({ ...opts, filter: { namespaces: ['apps'] } }, deps);
    const two = await migrateIrsa({ ...opts, filter: { namespaces: ['data'] } }, deps);
    expect(one.apply!.journal).not.toBe(two.apply!.journal);
    expect(one.apply!.journal).toMatch(/\/\.podid\/migrate-demo-2\d{3}-\d\d-\d\dT\d{6}\.\d{3}Z-[0-9a-f]{6}\.json$/);
    expect(journalsIn(cwd)).toHaveLength(2);
    const filterOf = (path: string) => JSON.parse(readFileSync(path, 'utf8')).filter;
    expect(filterOf(one.apply!.journal!)).toEqual({ namespaces: ['apps'] });
    expect(filterOf(two.apply!.journal!)).toEqual({ namespaces: ['data'] });
  });

  it('an existing --journal file that is not a journal is refused (exit 1) without suggesting --resume, and nothing changes', async () => {
    const file = stateFile();
    const before = readFileSync(file, 'utf8');
    for (const text of ['{"precious":true}', '{}', 'not json', '']) {
      const journal = join(tmp(), 'mine.json');
      writeFileSync(journal, text);
      const out = await runCli(['migrate-irsa', '--state', file, '--approve', '--journal', journal]);
      expect(out.code, text).toBe(1);
      expect(out.stderr).toContain(`podid: ${journal} already exists and is not a podid migration journal (`);
      expect(out.stderr).toContain('Choose another path: pass another --journal (or none: a new file under .podid/).');
      expect(out.stderr).not.toContain('--resume');
      expect(readFileSync(journal, 'utf8')).toBe(text);
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('an existing journal is refused (exit 1); --resume is suggested only when that run can be resumed', async () => {
    const file = stateFile();
    const journal = join(tmp(), 'j.json');
    const deps = fakeDeps(world());
    const run = await migrateIrsa({ filter: { namespaces: ['data'] }, options: DEFAULT_OPTIONS, mode: 'apply', cwd: tmp(), journal }, deps);
    expect(run.apply!.journal).toBe(journal);
    const doc = JSON.parse(readFileSync(journal, 'utf8'));
    const hintFor = async (status: string) => {
      writeFileSync(journal, JSON.stringify({ ...doc, status }));
      const out = await runCli(['migrate-irsa', '--state', file, '--approve', '--journal', journal]);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain(`podid: journal ${journal} already exists; a journal is the only record of its run, so podid does not overwrite it`);
      return out.stderr;
    };
    expect(await hintFor('failed')).toContain(`Continue that run with: podid migrate-irsa --resume ${journal}`);
    expect(await hintFor('running')).toContain(`podid migrate-irsa --resume ${journal}`);
    expect(await hintFor('done')).not.toContain('--resume');
    expect(await hintFor('rolled-back')).toMatch(/rolled back and cannot be resumed: pass another --journal/);
  });

  it('--resume continues its own journal in place', async () => {
    const file = stateFile();
    const journal = join(tmp(), 'j.json');
    expect((await runCli(['migrate-irsa', '--state', file, '-n', 'apps', '--approve', '--journal', journal])).code).toBe(0);
    const resumed = await runCli(['migrate-irsa', '--state', file, '--resume', journal]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`nothing to resume: journal ${journal} finished`);
  });
});

describe('a --check that read nothing does not pass silently', () => {
  it('empty --manifests input is an error (exit 1), in every mode', async () => {
    const file = stateFile();
    for (const stdin of ['', '\n', '---\n']) {
      const out = await runCli(['migrate-irsa', '--state', file, '--manifests', '-', '--check'], { stdin });
      expect(out.code, JSON.stringify(stdin)).toBe(1);
      expect(out.stderr).toContain('podid: --manifests: the input holds no Kubernetes objects podid reads (no ServiceAccount, Pod, Node or workload); nothing was checked');
      expect(out.stdout).toBe('');
    }
    expect((await runCli(['migrate-irsa', '--state', file, '--manifests', '-', '-o', 'json'], { stdin: '' })).code).toBe(1);
  });

  it.each([
    [['-n', 'paymnets'], '-n paymnets: no service account in that namespace (a typo?); nothing there was checked'],
    [['--selector', 'team=nonexist'], '--selector team=nonexist: no service account has that label; nothing was selected'],
    [['-n', 'apps', '--selector', 'team=data'], '--selector team=data: no service account in the chosen namespaces has that label; nothing was selected'],
    [['--exclude', 'apps/nosuch'], '--exclude apps/nosuch: no such service account; it excludes nothing'],
  ])('%j warns on stderr and in -o json; the gate result is unchanged', async (args, warning) => {
    const file = stateFile();
    const table = await runCli(['migrate-irsa', '--state', file, '--check', ...args]);
    expect(table.stderr).toContain(`warning: ${warning}`);
    const json = await runCli(['migrate-irsa', '--state', file, '--check', '-o', 'json', ...args]);
    expect(json.code).toBe(table.code);
    expect(JSON.parse(json.stdout).warnings).toEqual([warning]);
  });

  it('filters that match something give no warning (an add-on service account counts)', async () => {
    const file = stateFile();
    for (const args of [['-n', 'apps'], ['--selector', 'team=web'], ['--exclude', 'apps/a'], ['--exclude', 'kube-system/ebs-csi-controller-sa'], ['-n', 'apps', '-n', 'kube-system']]) {
      const out = await runCli(['migrate-irsa', '--state', file, '-o', 'json', ...args]);
      expect(JSON.parse(out.stdout).warnings, args.join(' ')).toEqual([]);
      expect(out.stderr, args.join(' ')).not.toContain('warning:');
    }
  });

  it('a typo in -n no longer looks like a clean gate on the demo state', async () => {
    const out = await runCli(['migrate-irsa', '--state', stateFile(DEMO_STATE), '--check', '-n', 'paymnets']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('warning: -n paymnets: no service account in that namespace');
    expect(out.stdout).toMatch(/^Cluster demo: no service account or add-on in scope uses IRSA; check the filters \(1 warning on stderr\)\./);
  });
});

describe('approve without --restart converges', () => {
  it('--approve then --check exits 0 and prints the restart advice; re-runs write no journal', async () => {
    const file = stateFile(DEMO_STATE);
    const cwd = tmp();
    expect((await runCli(['migrate-irsa', '--state', file, '--approve'], { cwd })).code).toBe(0);
    expect(journalsIn(cwd)).toHaveLength(1);
    const check = await runCli(['migrate-irsa', '--state', file, '--check']);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/Nothing pending\. \d+ workloads still run with IRSA until restarted: see the kubectl commands under Warnings, or run again with --approve --restart\./);
    expect(check.stdout).toMatch(/^Cluster demo: .*\(0 steps, 0 restarts, restart advice for \d+ workloads\)\n/);
    expect(check.stdout).toMatch(/fix: Pass --restart, or run kubectl rollout restart -n \S+ deployment\//);
    const again = await runCli(['migrate-irsa', '--state', file, '--approve'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Applied:\n {2}nothing to do\. \d+ workloads still run with IRSA/);
    expect(journalsIn(cwd)).toHaveLength(1);
    const markdown = await runCli(['migrate-irsa', '--state', file, '-o', 'markdown']);
    expect(markdown.stdout).toContain('#### Restart (advice: not part of the plan without `--restart`)');
    expect(markdown.stdout).toMatch(/- `[^`]+`: `kubectl rollout restart -n \S+ deployment\/\S+`/);
  });
});

describe('wording', () => {
  it('counts in the right number: 1 entry, 2 entries', async () => {
    const deps = fakeDeps(world());
    const one = await migrateIrsa({ filter: { namespaces: ['data'] }, options: DEFAULT_OPTIONS, mode: 'check', cwd: tmp() }, deps);
    const text = renderMigrateTable(one);
    expect(text).toContain('Pending: 1 entry to migrate, 0 blocked (exit 3).');
    expect(text).toMatch(/^Cluster demo: 1 IRSA service account — 1 pending, 0 done, 0 blocked, 0 skipped \(3 steps, 0 restarts\)\n/);
    const all = renderMigrateTable(await migrateIrsa({ filter: {}, options: DEFAULT_OPTIONS, mode: 'check', cwd: tmp() }, deps));
    expect(all).toContain('Pending: 5 entries to migrate');
    expect(all).toContain('4 IRSA service accounts, 1 add-on');
    expect(all).not.toMatch(/\((s|ies)\)/);
  });
});
