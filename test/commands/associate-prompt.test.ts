import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { FakeTty } from '../helpers/fake-tty.js';
import { DEMO_STATE } from '../helpers/run-cli.js';

// The y/N confirmation of associate, associations update|delete and apply, in-process: stdin and
// stderr report a terminal (not CI). The preview (preflight + plan, no "run again" line) is shown
// once before the question; a yes prints only what was done, a no the one line "Nothing was changed.".


class Capture {
  text = '';
  isTTY = false;
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

function demoCopy(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'podid-prompt-')), 'state.json');
  copyFileSync(DEMO_STATE, path);
  return path;
}

/** Runs podid at a fake terminal and answers `reply` once the question is on stderr. */
async function atTerminal(argv: string[], reply: string) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = new FakeTty(160, 50);
  const stdout = new Capture();
  let finished = false;
  const running = run(argv, { stdin, stdout, stderr, env: { NO_COLOR: '1', TERM: 'xterm' }, cwd: process.cwd() }).finally(() => (finished = true));
  let asked = false;
  const answered = (async () => {
    while (!stderr.text.includes('[y/N]')) {
      if (finished) return stdin.end();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    asked = true;
    stdin.end(`${reply}\n`);
  })();
  const code = await running;
  await answered;
  return { code, stdout: stdout.text, stderr: stderr.text, asked };
}

const count = (text: string, part: string) => text.split(part).length - 1;
const associations = (state: string) => (JSON.parse(readFileSync(state, 'utf8')) as { clusters: { associations: { namespace: string; serviceAccount: string; roleArn: string }[] }[] }).clusters[0].associations;
const find = (state: string, ns: string, sa: string) => associations(state).find((a) => a.namespace === ns && a.serviceAccount === sa);

describe('confirmation at a terminal (in-process)', () => {
  it('associate: preview once without "run again", then a yes prints only what was done', async () => {
    const state = demoCopy();
    const out = await atTerminal(['associate', '--state', state, '-n', 'web', '-s', 'default', '--create-role'], 'y');
    expect(out.asked).toBe(true);
    expect(out.code).toBe(0);
    expect(find(state, 'web', 'default')).toBeDefined();
    const all = out.stderr + out.stdout;
    expect(all).not.toContain('Run again with --approve');
    expect(count(all, '\nPreflight\n')).toBe(1);
    expect(count(all, 'Plan (2 changes)')).toBe(1);
    expect(out.stderr.indexOf('Plan (2 changes)')).toBeLessThan(out.stderr.indexOf('Apply these changes? [y/N]'));
    expect(out.stdout).toMatch(/^Applied\n {2}done/);
    expect(out.stdout).toContain('Applied. Association a-');
    expect(out.stdout).not.toContain('Preflight');
  });

  it('associate: a no prints one line and changes nothing (exit 0)', async () => {
    const state = demoCopy();
    const before = readFileSync(state, 'utf8');
    const out = await atTerminal(['associate', '--state', state, '-n', 'web', '-s', 'default', '--create-role'], 'n');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('Nothing was changed.\n');
    expect(out.stderr).not.toContain('Run again with --approve');
    expect(count(out.stderr, '\nPreflight\n')).toBe(1);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it('associations update: preview once, a yes prints what was done and the note about running pods', async () => {
    const state = demoCopy();
    const out = await atTerminal(['associations', 'update', 'orders/order-notifier', '--state', state, '--role-arn', 'arn:aws:iam::111122223333:role/orders-worker', '--fix-trust'], 'y');
    expect(out.code).toBe(0);
    const all = out.stderr + out.stdout;
    expect(all).not.toContain('Run again with --approve');
    expect(count(all, '\nPreflight\n')).toBe(1);
    expect(out.stdout).not.toContain('Preflight');
    expect(out.stdout).toMatch(/^Applied\n/);
    expect(out.stdout).toContain('running pods keep the old credentials');
    expect(find(state, 'orders', 'order-notifier')?.roleArn).toBe('arn:aws:iam::111122223333:role/orders-worker');
  });

  it('associations delete: "Delete? [y/N]" after the plan; a no prints one line', async () => {
    const state = demoCopy();
    const out = await atTerminal(['associations', 'delete', 'orders/order-notifier', '--state', state], 'n');
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('Delete? [y/N]');
    expect(out.stderr).not.toContain('Run again with --approve');
    expect(out.stdout).toBe('Nothing was changed.\n');
    expect(find(state, 'orders', 'order-notifier')).toBeDefined();
  });

  it('associations delete: a yes prints only what was done', async () => {
    const state = demoCopy();
    const out = await atTerminal(['associations', 'delete', 'orders/order-notifier', '--state', state], 'y');
    expect(out.code).toBe(0);
    expect(count(out.stderr + out.stdout, 'Plan (1 change)')).toBe(1);
    expect(out.stdout).toMatch(/^Applied\n {2}done {5}delete-association/);
    expect(out.stdout).toContain('Deleted.');
    expect(find(state, 'orders', 'order-notifier')).toBeUndefined();
  });

  it('apply: preview once, a yes prints only what was done', async () => {
    const state = demoCopy();
    const out = await atTerminal(['apply', '-f', 'fixtures/apply/podid.yaml', '--state', state], 'y');
    expect(out.code).toBe(0);
    const all = out.stderr + out.stdout;
    expect(all).not.toContain('Run again with --approve');
    expect(count(all, '+ create role')).toBe(1);
    expect(out.stdout).toMatch(/^Applied\n/);
    expect(out.stdout).toMatch(/\nApplied\.\n$/);
    expect(find(state, 'orders', 'fulfilment')).toBeDefined();
  });

  it('apply: a no prints one line', async () => {
    const state = demoCopy();
    const out = await atTerminal(['apply', '-f', 'fixtures/apply/podid.yaml', '--state', state], 'no');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('Nothing was changed.\n');
    expect(find(state, 'orders', 'fulfilment')).toBeUndefined();
  });

  it('-o json never prompts (the plan is the document)', async () => {
    const state = demoCopy();
    const out = await atTerminal(['associate', '--state', state, '-n', 'web', '-s', 'default', '--create-role', '-o', 'json'], 'y');
    expect(out.asked).toBe(false);
    expect(JSON.parse(out.stdout).status).toBe('planned');
    expect(find(state, 'web', 'default')).toBeUndefined();
  });
});
