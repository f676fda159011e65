import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, DEMO_STATE } from '../helpers/run-cli.js';
import { terminalEnv } from '../helpers/terminal-env.js';

// Without --approve, a change asks "[y/N]" at a terminal (stdin and stderr TTYs, not CI) and is
// applied only after a yes. Pseudo-terminals of 0 columns (script(1), docker exec -t before a
// resize) are asked too: a y/N question needs no width.

function demoCopy(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'podid-prompt-')), 'state.json');
  copyFileSync(DEMO_STATE, path);
  return path;
}

async function answer(args: string[], reply: string, cols = 160): Promise<{ code: number; out: string }> {
  const pty = await import('@lydell/node-pty');
  const term = pty.spawn(process.execPath, [BIN, ...args], { cols, rows: 50, env: terminalEnv() });
  let out = '';
  let answered = false;
  term.onData((d) => {
    out += d;
    if (!answered && out.includes('[y/N]')) {
      answered = true;
      term.write(`${reply}\r`);
    }
  });
  const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return { code, out };
}

// eslint-disable-next-line no-control-regex -- terminal escape sequences in the pty output
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\r/g;
const count = (text: string, part: string) => text.split(part).length - 1;
const associations = (state: string) => (JSON.parse(readFileSync(state, 'utf8')) as { clusters: { associations: { namespace: string; serviceAccount: string }[] }[] }).clusters[0].associations;
const has = (state: string, ns: string, sa: string) => associations(state).some((a) => a.namespace === ns && a.serviceAccount === sa);

describe('confirmation at a terminal', () => {
  it('associate asks, and a yes applies the plan', async () => {
    const state = demoCopy();
    const { code, out } = await answer(['associate', '--state', state, '-n', 'web', '-s', 'default', '--create-role'], 'y');
    expect(out).toContain('Apply these changes? [y/N]');
    expect(code).toBe(0);
    expect(has(state, 'web', 'default')).toBe(true);
    // The preflight and the plan once, before the question; after it only what was done.
    expect(out).not.toContain('Run again with --approve');
    expect(count(out, 'Plan (2 changes)')).toBe(1);
    const after = out.slice(out.indexOf('[y/N]'));
    expect(after).not.toContain('Preflight');
    expect(after).toMatch(/Applied\r?\n {2}done/);
  });

  it('associate asks, and anything but yes changes nothing (exit 0)', async () => {
    const state = demoCopy();
    const before = readFileSync(state, 'utf8');
    const { code, out } = await answer(['associate', '--state', state, '-n', 'web', '-s', 'default', '--create-role'], 'n');
    expect(out).toContain('Apply these changes? [y/N]');
    expect(code).toBe(0);
    expect(readFileSync(state, 'utf8')).toBe(before);
    expect(out).not.toContain('Run again with --approve');
    expect(count(out, 'Plan (2 changes)')).toBe(1);
    expect(out.slice(out.indexOf('[y/N]')).replace(ANSI, '').trim()).toBe('[y/N] n\nNothing was changed.');
  });

  it('a terminal that reports 0 columns is still asked', async () => {
    const state = demoCopy();
    const { code, out } = await answer(['associations', 'delete', 'orders/order-notifier', '--state', state], 'yes', 0);
    expect(out).toContain('Delete? [y/N]');
    expect(code).toBe(0);
    expect(has(state, 'orders', 'order-notifier')).toBe(false);
    expect(out).not.toContain('Run again with --approve');
    expect(count(out, 'Plan (1 change)')).toBe(1);
  });
});
