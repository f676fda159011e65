import { describe, expect, it } from 'vitest';
import { BIN, DEMO_STATE, spawnCli } from '../helpers/run-cli.js';
import { terminalEnv } from '../helpers/terminal-env.js';

describe('built bin/podid.js', () => {
  it('--help lists the commands', async () => {
    const { code, stdout } = await spawnCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('migrate-irsa');
  });

  it('--bogus exits 2 with one line on stderr and nothing on stdout', async () => {
    const { code, stdout, stderr } = await spawnCli(['--bogus']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('runs under a pseudo-terminal', async () => {
    const pty = await import('@lydell/node-pty');
    const term = pty.spawn(process.execPath, [BIN, '--version'], { cols: 80, rows: 10, env: terminalEnv() });
    let out = '';
    term.onData((d) => (out += d));
    const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    expect(code).toBe(0);
    expect(out).toMatch(/\d+\.\d+\.\d+/);
  });
});


describe('a closed stdout pipe (`podid … | head`)', () => {
  it('stops quietly, without an EPIPE stack trace', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'migrate-irsa', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before podid writes
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});

describe('Ctrl-C', () => {
  it('interrupts a waiting command with exit 130 and a word on stderr', async () => {
    const { spawn } = await import('node:child_process');
    // `simulate --token -` waits for the token on stdin.
    const child = spawn(process.execPath, [BIN, 'simulate', '--token', '-', '--state', DEMO_STATE], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((resolve) => setTimeout(resolve, 600));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain('podid: interrupted');
  });
});
