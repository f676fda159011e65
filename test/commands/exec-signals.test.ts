import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeExecFiles, type ChildRun } from '../../src/adapters/http/exec-support.js';
import { execSignals, FORWARDED_SIGNALS } from '../../src/cli/exec.js';
import { exec } from '../../src/commands/exec.js';
import { DEMO_STATE, ROOT } from '../helpers/run-cli.js';
import { demoDeps } from '../core/proxy/demo-deps.js';

// `podid exec` and signals: the handlers stay until the signed token is removed, and SIGHUP (a
// closed terminal) is forwarded like SIGTERM instead of killing podid and orphaning the command.

const opts = { namespace: 'payments', serviceAccount: 'payments-api', command: 'app', args: [], env: { PATH: '/usr/bin' }, cwd: '/' };

describe('podid exec: signals', () => {
  it('keeps its signal handlers installed until the temp token is removed (a second Ctrl-C during cleanup cannot leave it)', async () => {
    const events: string[] = [];
    let forward: ((signal: NodeJS.Signals) => void) | undefined;
    const kills: string[] = [];
    const runChild = (): ChildRun => ({ kill: (s) => void kills.push(s), exited: Promise.resolve(130) });
    const files = async () => {
      const real = await makeExecFiles();
      return {
        ...real,
        remove: async () => {
          events.push('remove:start');
          forward?.('SIGINT'); // the second Ctrl-C, while the token is being removed
          await real.remove();
          events.push('remove:end');
        },
      };
    };
    const result = await exec(opts, {
      ...demoDeps(),
      makeExecFiles: files,
      readTokenFile: async () => '',
      runChild,
      onSignal: (f: (s: NodeJS.Signals) => void) => ((forward = f), events.push('subscribe'), () => void events.push('unsubscribe')),
    });
    expect(events).toEqual(['subscribe', 'remove:start', 'remove:end', 'unsubscribe']);
    expect(kills).toEqual(['SIGINT']);
    expect(result.exitCode).toBe(130);
  });

  it('the CLI subscribes SIGINT, SIGTERM and SIGHUP as its own graceful handler, and unsubscribes all three', () => {
    const target = new EventEmitter();
    const seen: string[] = [];
    const unsubscribe = execSignals(target, (s) => void seen.push(s));
    expect(FORWARDED_SIGNALS).toEqual(['SIGINT', 'SIGTERM', 'SIGHUP']);
    for (const signal of FORWARDED_SIGNALS) {
      expect(target.listenerCount(signal)).toBe(1);
      expect((target.listeners(signal)[0] as unknown as Record<symbol, unknown>)[Symbol.for('podid.handlesSignal')]).toBe(true);
      target.emit(signal, signal);
    }
    expect(seen).toEqual(['SIGINT', 'SIGTERM', 'SIGHUP']);
    unsubscribe();
    for (const signal of FORWARDED_SIGNALS) expect(target.listenerCount(signal)).toBe(0);
  });

  it('SIGHUP to podid: forwarded to the command, the token removed, exit 129 (a real process)', async () => {
    // bin/podid.js runs dist/; this runs the same entry over src/ (tsx), so no build is needed.
    const dir = mkdtempSync(join(tmpdir(), 'podid-sighup-'));
    const entry = join(dir, 'podid.mts');
    writeFileSync(entry, `import { run } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/main.ts')).href)};
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: { ...process.env }, cwd: process.cwd() };
process.exitCode = await run(process.argv.slice(2), io);
`);
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'exec', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE, '--', 'sh', '-c', 'echo "$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"; exec sleep 30'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const tokenFile = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
      });
      child.once('exit', () => reject(new Error(`podid exited early: ${stderr}`)));
    });
    expect(tokenFile).toMatch(/podid-exec-.*\/eks-pod-identity-token$/);
    expect(existsSync(tokenFile)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGHUP');
    expect(await exited).toBe(129);
    expect(existsSync(tokenFile)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
