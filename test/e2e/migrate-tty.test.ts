import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, DEMO_STATE, ROOT, spawnCli } from '../helpers/run-cli.js';
import { terminalEnv } from '../helpers/terminal-env.js';

// `podid migrate-irsa --interactive` end to end: the built binary under a pseudo-terminal (the
// ink review on stderr, keys typed into the pty), and the usage error without a terminal.

const KEYS = { down: '\u001B[B', enter: '\r' };
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

function demoCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'podid-migrate-tty-'));
  const file = join(dir, 'state.json');
  copyFileSync(DEMO_STATE, file);
  return { dir, file };
}

interface Session {
  output: () => string;
  waitFor: (pattern: RegExp | string, ms?: number) => Promise<void>;
  press: (...keys: string[]) => Promise<void>;
  exit: Promise<number>;
}

async function underPty(args: string[], cwd: string): Promise<Session> {
  const pty = await import('@lydell/node-pty');
  const env = terminalEnv();
  const term = pty.spawn(process.execPath, [BIN, ...args], { cols: 160, rows: 50, cwd, env });
  let out = '';
  term.onData((d) => (out += d));
  const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  const waitFor = async (pattern: RegExp | string, ms = 15_000) => {
    const until = Date.now() + ms;
    const seen = () => (typeof pattern === 'string' ? plain(out).includes(pattern) : pattern.test(plain(out)));
    while (!seen()) {
      if (Date.now() > until) {
        term.kill();
        throw new Error(`timed out after ${ms} ms waiting for ${pattern}; output so far:\n${plain(out).slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      term.write(key);
      await new Promise((resolve) => setTimeout(resolve, 150)); // one key per read
    }
  };
  return { output: () => plain(out), waitFor, press, exit };
}

async function exitOf(session: Session, ms = 20_000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no exit after ${ms} ms:\n${session.output().slice(-2000)}`)), ms)));
  try {
    return await Promise.race([session.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What migrating changes, per IRSA entry of the demo: its role's trust, its association or add-on link. */
function footprint(file: string) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const c = doc.clusters[0];
  const trust = (arn: string) => JSON.stringify(doc.roles.find((r: { arn: string }) => r.arn === arn)?.trustPolicy);
  const assoc = (ns: string, sa: string) => c.associations.filter((a: { namespace: string; serviceAccount: string }) => a.namespace === ns && a.serviceAccount === sa).length;
  const sa = (ns: string, name: string) => {
    const found = c.serviceAccounts.find((s: { namespace: string; name: string }) => s.namespace === ns && s.name === name);
    const role = found.annotations['eks.amazonaws.com/role-arn'];
    return JSON.stringify([trust(role), assoc(ns, name)]);
  };
  const ebs = c.addons.find((a: { name: string }) => a.name === 'aws-ebs-csi-driver');
  return {
    'addon:aws-ebs-csi-driver': JSON.stringify([trust(ebs.serviceAccountRoleArn), ebs.podIdentityAssociations.length]),
    'observability/grafana': sa('observability', 'grafana'),
    'payments/payments-reconciler': sa('payments', 'payments-reconciler'),
    'web/frontend': sa('web', 'frontend'),
  };
}
const changed = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).filter((k) => a[k] !== b[k as keyof typeof b]);

const built = existsSync(join(ROOT, 'dist/main.js')) && existsSync(DEMO_STATE);

describe.skipIf(!built)('migrate-irsa --interactive under a pseudo-terminal (built binary)', () => {
  it('a = none, ↓ ↓ space = payments/payments-reconciler, enter: exactly that entry is migrated', async () => {
    const { dir, file } = demoCopy();
    const before = footprint(file);
    const session = await underPty(['migrate-irsa', '--interactive', '--state', file], dir);
    await session.waitFor('4 of 4 selected');
    expect(session.output()).toContain('↑/↓ move · space toggle · a all/none · enter apply selected · q quit');
    await session.press('a');
    await session.waitFor('0 of 4 selected');
    await session.press(KEYS.down, KEYS.down);
    await session.waitFor('── payments/payments-reconciler (pending)');
    await session.press(' ');
    await session.waitFor('1 of 4 selected');
    await session.press(KEYS.enter);
    expect(await exitOf(session)).toBe(0);
    const text = session.output();
    expect(text).toContain('Applying 1 of 4 pending entries: payments/payments-reconciler');
    expect(text).toMatch(/done {6}create association payments\/payments-reconciler/);
    expect(text).toContain('Not selected, still pending: addon:aws-ebs-csi-driver, observability/grafana, web/frontend');

    expect(changed(before, footprint(file))).toEqual(['payments/payments-reconciler']);
    const [journal] = readdirSync(join(dir, '.podid'));
    expect(JSON.parse(readFileSync(join(dir, '.podid', journal), 'utf8')).selection).toEqual(['payments/payments-reconciler']);
    const check = await spawnCli(['migrate-irsa', '--state', file, '--check']);
    expect(check.code).toBe(3);
  });

  it('q quits: exit 0, nothing applied, the state file untouched', async () => {
    const { dir, file } = demoCopy();
    const before = readFileSync(file, 'utf8');
    const session = await underPty(['migrate-irsa', '--interactive', '--state', file], dir);
    await session.waitFor('4 of 4 selected');
    await session.press('q');
    expect(await exitOf(session)).toBe(0);
    expect(session.output()).toContain('Quit: nothing applied.');
    expect(session.output()).toContain('Nothing applied: the review ended without changes (4 entries pending).');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(existsSync(join(dir, '.podid'))).toBe(false);
  });
});

describe.skipIf(!built)('migrate-irsa --interactive without a terminal (built binary, CI)', () => {
  it('is a usage error (exit 2) that names --check and --approve; nothing changes', async () => {
    const { file } = demoCopy();
    const before = readFileSync(file, 'utf8');
    const out = await spawnCli(['migrate-irsa', '--interactive', '--state', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--interactive needs a terminal; in CI use --check or --approve');
    expect(out.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
