import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, DEMO_STATE, spawnCli } from '../helpers/run-cli.js';
import { terminalEnv } from '../helpers/terminal-env.js';

// The live checklist of doctor and associate: an ink view under a pseudo-terminal, plain lines in CI.

function demoCopy(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'podid-tty-')), 'state.json');
  copyFileSync(DEMO_STATE, path);
  return path;
}

async function underPty(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const pty = await import('@lydell/node-pty');
  const base = terminalEnv('xterm-256color');
  const env = { ...base, ...extraEnv };
  const term = pty.spawn(process.execPath, [BIN, ...args], { cols: 200, rows: 60, env });
  let out = '';
  term.onData((d) => (out += d));
  const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return { code, out };
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

describe('live checklist at a terminal', () => {
  it('doctor shows each check settling (✔/⚠/✖) and still exits 1 on the demo', async () => {
    const { code, out } = await underPty(['doctor', '--state', demoCopy()]);
    expect(code).toBe(1);
    const text = plain(out);
    expect(text).toContain('Checking cluster demo');
    expect(text).toMatch(/✔ cluster\.status: Cluster is ACTIVE/);
    expect(text).toMatch(/✖ association\.trust: /);
    expect(text).toMatch(/⚠ association\.shared-role: /);
  });

  it('associate shows its reads, then its preflight, as a checklist before the plan', async () => {
    const { code, out } = await underPty(['associate', '--state', demoCopy(), '-n', 'inventory', '-s', 'search-indexer', '--role-arn', 'arn:aws:iam::222233334444:role/search-indexer']);
    expect(code).toBe(1);
    const text = plain(out);
    expect(text).toContain('Preflight for inventory/search-indexer in cluster demo');
    expect(text).toMatch(/✔ cluster demo: ACTIVE/);
    expect(text).toMatch(/✔ role arn:aws:iam::222233334444:role\/search-indexer: exists/);
    expect(text).toMatch(/✔ cluster\.active: /);
    expect(text).toMatch(/✖ role\.account: /);
    expect(text.lastIndexOf('✔ cluster demo: ACTIVE')).toBeLessThan(text.lastIndexOf('✔ cluster.active: '));
    expect(text.lastIndexOf('✖ role.account: ')).toBeLessThan(text.indexOf('Preflight failed'));
  });
});

describe('no colour with NO_COLOR or --no-color, even at a terminal', () => {
  // eslint-disable-next-line no-control-regex
  const SGR = /\u001b\[[0-9;]*m/;
  it.each([
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
    ['--no-color', ['--no-color'], {}],
  ])('%s', async (_name, flags, env) => {
    const { code, out } = await underPty(['doctor', '--state', demoCopy(), ...flags], env);
    expect(code).toBe(1);
    expect(plain(out)).toMatch(/✖ association\.trust: /);
    expect(out).not.toMatch(SGR);
  });
});

describe('plain checklist lines in CI', () => {
  it('doctor writes one line per check on stderr and the report on stdout', async () => {
    const { code, stdout, stderr } = await spawnCli(['doctor', '--state', demoCopy()], { env: { CI: 'true' } });
    expect(code).toBe(1);
    expect(stderr).toContain('Checking cluster demo\n');
    expect(stderr).toMatch(/^ {2}✔ cluster\.status: Cluster is ACTIVE$/m);
    expect(stderr).toMatch(/^ {2}✖ association\.trust: /m);
    expect(stderr).not.toContain('\u001b[');
    expect(stdout).toContain('FAIL');
  });

  it('associate writes one line per read and per preflight check on stderr, the result on stdout', async () => {
    const { code, stdout, stderr } = await spawnCli(['associate', '--state', demoCopy(), '-n', 'inventory', '-s', 'search-indexer', '--role-arn', 'arn:aws:iam::222233334444:role/search-indexer'], { env: { CI: 'true' } });
    expect(code).toBe(1);
    expect(stderr).toContain('Preflight for inventory/search-indexer in cluster demo\n');
    expect(stderr).toMatch(/^ {2}✔ cluster demo: ACTIVE$/m);
    expect(stderr).toMatch(/^ {2}✔ add-on eks-pod-identity-agent: v1\.3\.4-eksbuild\.1, ACTIVE$/m);
    expect(stderr).toMatch(/^ {2}✔ association inventory\/search-indexer: a-demo\d+$/m);
    expect(stderr).toMatch(/^ {2}✖ role\.account: /m);
    expect(stderr.indexOf('✔ cluster demo: ACTIVE')).toBeLessThan(stderr.indexOf('✔ cluster.active: '));
    expect(stderr).not.toContain('\u001b[');
    expect(stdout).toMatch(/FAIL {2}role\.account/);
  });
});
