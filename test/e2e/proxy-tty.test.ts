import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mintPodToken } from '../../src/commands/exec.js';
import { demoDeps } from '../core/proxy/demo-deps.js';
import { BIN, DEMO_STATE, ROOT } from '../helpers/run-cli.js';
import { terminalEnv } from '../helpers/terminal-env.js';

// `podid proxy` under a pseudo-terminal (the built bin/podid.js): the ink live view on stderr
// shows a real request (status, cache use, token hash, never the token), and Ctrl-C (SIGINT)
// unmounts it, prints the shutdown summary and exits 0.

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\u001b[78]/g, '');


async function until(what: string, check: () => boolean, output: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${plain(output()).slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('podid proxy at a terminal (pseudo-TTY)', () => {
  it('shows the live view with the request, then Ctrl-C stops it with exit 0 and the summary', async () => {
    const pty = await import('@lydell/node-pty');
    const term = pty.spawn(process.execPath, [BIN, 'proxy', '--state', DEMO_STATE, '--port', '0'], { name: 'xterm', cols: 160, rows: 40, cwd: ROOT, env: terminalEnv() });
    let out = '';
    term.onData((d) => (out += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode, signal }) => resolve(signal ? 128 + signal : exitCode)));
    let running = true;
    void exited.then(() => (running = false));
    try {
      await until('the URL and the live view', () => /http:\/\/127\.0\.0\.1:\d+\/v1\/credentials/.test(out) && plain(out).includes('waiting for requests'), () => out);
      const url = /http:\/\/127\.0\.0\.1:\d+\/v1\/credentials/.exec(out)![0];
      expect(plain(out)).toContain('cluster demo · source local · host check loopback');
      // The footer's hint carries --state: without it `podid proxy env` would use AWS.
      expect(plain(out)).toContain(`podid proxy env -n NS -s SA --port ${new URL(url).port} -c demo --state ${DEMO_STATE}`);

      const token = await mintPodToken(demoDeps(), 'demo', 'payments', 'payments-api');
      const hash = createHash('sha256').update(token).digest('hex').slice(0, 12);
      const response = await fetch(url, { headers: { authorization: token } });
      const body = (await response.json()) as Record<string, string>;
      expect(response.status).toBe(200);

      const row = new RegExp(`GET\\s+/v1/credentials\\s+200\\s+[\\d.]+ms\\s+miss\\s+sha256:${hash}`);
      await until('the request in the live view', () => row.test(plain(out)) && plain(out).includes('requests 1'), () => out);
      expect(plain(out)).toMatch(/2xx 1 {3}4xx 0 {3}5xx 0 {3}· {3}cache hits 0 {2}misses 1/);

      term.write('\u0003'); // Ctrl-C: the terminal sends SIGINT to podid
      await until('the shutdown summary', () => plain(out).includes('podid proxy: stopped (200×1)'), () => out);
      expect(await exited).toBe(0);

      const text = plain(out);
      // The live view replaced the plain per-request line and the banner.
      expect(text).not.toMatch(/cache=miss token=sha256:/);
      expect(text).not.toContain('podid proxy: serving cluster');
      // Its last frame stays above the summary.
      expect(text.lastIndexOf('requests 1')).toBeLessThan(text.lastIndexOf('podid proxy: stopped'));
      // Unmounted cleanly: the cursor ink hid is shown again.
      expect(out.lastIndexOf('\u001b[?25h')).toBeGreaterThan(out.lastIndexOf('\u001b[?25l'));
      for (const secret of [token, body.SecretAccessKey, body.Token]) expect(out).not.toContain(secret);
    } finally {
      if (running) term.kill('SIGKILL');
    }
  });

  it('podid exec keeps plain output at a terminal (the child owns it): no live view, plain request lines', async () => {
    const pty = await import('@lydell/node-pty');
    const child = "const t=require('fs').readFileSync(process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,'utf8');fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,{headers:{authorization:t}}).then((r)=>console.log('child got',r.status))";
    const argv = [BIN, 'exec', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE, '--debug', '--', process.execPath, '-e', child];
    const term = pty.spawn(process.execPath, argv, { name: 'xterm', cols: 160, rows: 40, cwd: ROOT, env: terminalEnv() });
    let out = '';
    term.onData((d) => (out += d));
    const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const text = plain(out);
    expect(code).toBe(0);
    expect(text).toContain('child got 200');
    expect(text).toMatch(/debug: \S+Z GET \/v1\/credentials 200 [\d.]+ms cache=miss token=sha256:[0-9a-f]{12}/);
    expect(text).not.toContain('waiting for requests');
    expect(text).not.toContain('TIME (UTC)');
  });
});
