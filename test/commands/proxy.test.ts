import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mintPodToken } from '../../src/commands/exec.js';
import { listenError, proxy, startProxy, type RunningProxy } from '../../src/commands/proxy.js';
import { RemoteError } from '../../src/core/errors.js';
import { signToken } from '../../src/adapters/local/token.js';
import { createElement } from 'react';
import { render as renderInk } from 'ink-testing-library';
import { PassThrough } from 'node:stream';
import { run } from '../../src/main.js';
import { ProxyView } from '../../src/ui/ink/ProxyView.js';
import { ProxyCounters } from '../../src/ui/ink/proxy-model.js';
import { proxyEnvCommand } from '../../src/ui/render/proxy.js';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';
import { demoDeps } from '../core/proxy/demo-deps.js';

// `podid proxy` over the demo state: the local source (podid's offline exchange) on a real socket,
// start-up and shutdown, safety flags. Real SDK clients are in test/e2e/proxy-clients.test.ts.

/** A demo token for payments/payments-api re-signed (with the state key, or an ephemeral one without a store) after changing its kubernetes.io claims. */
async function resigned(deps: Parameters<typeof mintPodToken>[0], k8s: Record<string, unknown>): Promise<string> {
  const token = await mintPodToken(deps, 'demo', 'payments', 'payments-api');
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, Record<string, unknown>>;
  payload['kubernetes.io'] = { ...payload['kubernetes.io'], ...k8s };
  const key = deps.store?.doc.signingKey;
  if (key) return signToken(payload, key);
  const { SignJWT, generateKeyPair } = await import('jose');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'other' }).sign((await generateKeyPair('RS256')).privateKey);
}

const running: RunningProxy[] = [];
afterEach(async () => void (await Promise.all(running.splice(0).map((r) => r.close()))));

const base = { host: '127.0.0.1', port: 0, strictHost: false, allowRemote: false } as const;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A port held by another listener for the test. */
async function busyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('podid proxy (command)', () => {
  it('serves the demo association through the local source', async () => {
    const deps = demoDeps();
    const px = await startProxy(base, deps);
    running.push(px);
    expect(px.started).toMatchObject({ host: '127.0.0.1', cluster: 'demo', source: 'local', hostCheck: 'loopback' });
    expect(px.started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials$/);
    const token = await mintPodToken(deps, 'demo', 'payments', 'payments-api');
    const res = await fetch(px.started.url, { headers: { authorization: token } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA/), AccountId: '111122223333' });
    // 6 h without a target role
    expect(Date.parse(body.Expiration) - Date.now()).toBeGreaterThan(6 * 3600_000 - 60_000);
    expect(deps.reporter.lines.join('\n')).not.toContain(token);
    expect(deps.reporter.lines.join('\n')).not.toContain(body.SecretAccessKey);
    expect(deps.reporter.lines[0]).toMatch(/GET \/v1\/credentials 200 .* cache=miss token=sha256:[0-9a-f]{12}/);
  });

  it('59 minutes with a target role (checkout/checkout-api)', async () => {
    const deps = demoDeps();
    const px = await startProxy(base, deps);
    running.push(px);
    const token = await mintPodToken(deps, 'demo', 'checkout', 'checkout-api');
    const body = (await (await fetch(px.started.url, { headers: { authorization: token } })).json()) as Record<string, string>;
    expect(body.AccountId).toBe('444455556666');
    expect(Date.parse(body.Expiration) - Date.now()).toBeLessThan(60 * 60_000);
  });

  it('passes the local exchange failure through as the agent does (seeded problem (a): no sts:TagSession)', async () => {
    const deps = demoDeps();
    const px = await startProxy(base, deps);
    running.push(px);
    const token = await mintPodToken(deps, 'demo', 'inventory', 'inventory-sync');
    const res = await fetch(px.started.url, { headers: { authorization: token } });
    expect(res.status).toBe(400);
    // The agent shows "[]" only without an HTTP response; a failure with a status carries a request id.
    expect(await res.text()).toMatch(new RegExp(`^\\[${UUID}\\]: \\(AccessDeniedException\\): .+, fault: client\\n$`));
  });

  it('local failures get a fresh request id each (no association: ResourceNotFoundException 404)', async () => {
    const deps = demoDeps();
    const px = await startProxy(base, deps);
    running.push(px);
    const token = await mintPodToken(deps, 'demo', 'payments', 'payments-reconciler');
    const bodies = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(px.started.url, { headers: { authorization: token } });
      expect(res.status).toBe(404);
      bodies.push(await res.text());
    }
    for (const body of bodies) expect(body).toMatch(new RegExp(`^\\[${UUID}\\]: \\(ResourceNotFoundException\\): No Pod Identity association found for service account payments/payments-reconciler in cluster demo\\., fault: client\\n$`));
    expect(bodies[0]).not.toBe(bodies[1]);
  });

  it('the local source checks token.binding as simulate does: a recreated service account or pod is InvalidTokenException', async () => {
    const deps = demoDeps();
    const px = await startProxy(base, deps);
    running.push(px);
    const get = async (token: string) => {
      const res = await fetch(px.started.url, { headers: { authorization: token } });
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    };
    const saUid = await resigned(deps, { serviceaccount: { name: 'payments-api', uid: '00000000-0000-4000-8000-000000000999' } });
    expect(await get(saUid)).toEqual({
      status: 400,
      type: 'text/plain; charset=utf-8',
      body: expect.stringMatching(new RegExp(`^\\[${UUID}\\]: \\(InvalidTokenException\\): kubernetes\\.io\\.serviceaccount\\.uid 00000000-0000-4000-8000-000000000999 is not the uid of service account payments/payments-api in the state .*, fault: client\\n$`)),
    });
    const podUid = await resigned(deps, { pod: { name: 'payments-api-pswcvz7lms-npftc', uid: '00000000-0000-4000-8000-000000000998' } });
    expect((await get(podUid)).body).toMatch(/\(InvalidTokenException\): pod payments\/payments-api-pswcvz7lms-npftc in the state has uid .*, not the token's 00000000-0000-4000-8000-000000000998/);
    // An earlier failing check keeps its own answer: a foreign signature is reported, not the binding.
    const foreign = await resigned({ ...deps, backend: 'aws', store: undefined }, { pod: { name: 'gone', uid: 'x' } });
    expect((await get(foreign)).body).toMatch(/\(InvalidTokenException\): signature does not verify/);
    expect((await get(await mintPodToken(deps, 'demo', 'payments', 'payments-api'))).status).toBe(200);
  });

  it("the real EKS Auth's request id is kept", async () => {
    const deps = demoDeps({
      backend: 'aws',
      eksAuth: { assumeRoleForPodIdentity: async () => Promise.reject(new RemoteError('denied', { kind: 'access-denied', service: 'eks-auth', operation: 'AssumeRoleForPodIdentity', code: 'AccessDeniedException', httpStatus: 400, requestId: 'a1b2c3d4-aws' })) },
    });
    const px = await startProxy({ ...base, source: 'eks-auth' }, deps);
    running.push(px);
    const res = await fetch(px.started.url, { headers: { authorization: await mintPodToken(deps, 'demo', 'payments', 'payments-api') } });
    expect(await res.text()).toBe('[a1b2c3d4-aws]: (AccessDeniedException): denied, fault: client\n');
  });

  it('a token signed by another key is refused by the local source (InvalidTokenException)', async () => {
    const deps = demoDeps();
    const px = await startProxy(base, deps);
    running.push(px);
    const foreign = await mintPodToken({ ...deps, backend: 'aws', store: undefined }, 'demo', 'payments', 'payments-api');
    const res = await fetch(px.started.url, { headers: { authorization: foreign } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('(InvalidTokenException)');
  });

  it('runs until the signal aborts, then reports responses by code', async () => {
    const deps = demoDeps();
    const controller = new AbortController();
    let listening!: (url: string) => void;
    const ready = new Promise<string>((r) => (listening = r));
    const done = proxy(base, { ...deps, signal: controller.signal, onListening: (s) => listening(s.url) });
    const url = await ready;
    expect((await fetch(url)).status).toBe(400);
    controller.abort();
    const result = await done;
    expect(result.responses).toEqual({ '400': 1 });
    await expect(fetch(url)).rejects.toThrow();
  });

  it('uses a fake EksAuthPort as the eks-auth source (the AWS path) and single-flights concurrent misses', async () => {
    let calls = 0;
    const deps = demoDeps({
      backend: 'aws',
      eksAuth: {
        async assumeRoleForPodIdentity(cluster, token) {
          calls++;
          expect(cluster).toBe('demo');
          expect(token.split('.')).toHaveLength(3);
          await new Promise((r) => setTimeout(r, 30));
          return {
            subject: { namespace: 'payments', serviceAccount: 'payments-api' },
            audience: 'pods.eks.amazonaws.com',
            podIdentityAssociation: { associationArn: 'arn', associationId: 'a-1' },
            assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/x/y', assumeRoleId: 'AROA:y' },
            credentials: { accessKeyId: 'ASIAFAKE', secretAccessKey: 's', sessionToken: 't', expiration: Math.floor(Date.now() / 1000) + 3600 },
          };
        },
      },
    });
    const px = await startProxy({ ...base, source: 'eks-auth' }, deps);
    running.push(px);
    const token = await mintPodToken(deps, 'demo', 'payments', 'payments-api');
    const all = await Promise.all(Array.from({ length: 100 }, () => fetch(px.started.url, { headers: { authorization: token } }).then((r) => r.status)));
    expect(all.every((s) => s === 200)).toBe(true);
    expect(calls).toBe(1);
  });

  it('an unreachable EKS Auth is "500 []"', async () => {
    const deps = demoDeps({
      backend: 'aws',
      eksAuth: { assumeRoleForPodIdentity: async () => Promise.reject(new RemoteError('socket hang up', { kind: 'unavailable', service: 'eks-auth', operation: 'AssumeRoleForPodIdentity' })) },
    });
    const px = await startProxy({ ...base, source: 'eks-auth' }, deps);
    running.push(px);
    const res = await fetch(px.started.url, { headers: { authorization: await mintPodToken(deps, 'demo', 'payments', 'payments-api') } });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('[]\n');
  });

  it('probe port: /healthz, /readyz and /metrics', async () => {
    const deps = demoDeps();
    const px = await startProxy({ ...base, probePort: 0 }, deps);
    running.push(px);
    expect(px.started.probeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${px.started.probeUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${px.started.probeUrl}/metrics`)).text()).toContain('# TYPE pod_identity_http_response counter');
  });

  it('probe hits are no credential requests: no request line, not in the counts (a debug line at most)', async () => {
    const events: string[] = [];
    const debug: string[] = [];
    const deps = demoDeps();
    const px = await startProxy({ ...base, probePort: 0 }, { ...deps, onRequest: (e) => events.push(`${e.method} ${e.path} ${e.status}`), reporter: { ...deps.reporter, debug: (m) => debug.push(m) } });
    running.push(px);
    for (const path of ['/healthz', '/readyz']) expect((await fetch(`${px.started.probeUrl}${path}`)).status).toBe(200);
    expect(events).toEqual([]);
    expect(px.core.metrics.responseCounts()).toEqual({});
    expect(debug).toEqual([expect.stringMatching(/^probe: \S+ GET \/healthz 200 /), expect.stringMatching(/^probe: \S+ GET \/readyz 200 /)]);
    await (await fetch(`http://127.0.0.1:${px.started.port}/`)).text();
    expect(events).toEqual(['GET / 404']);
  });

  it('podid proxy --probe-port: /readyz and /healthz add no stderr line; the summary stays "(no requests)"', async () => {
    const controller = new AbortController();
    let stdout = '';
    let stderr = '';
    const stdin = new PassThrough();
    stdin.end();
    const io = {
      stdout: { isTTY: false, write: (c: string) => ((stdout += c), true) },
      stderr: { isTTY: false, write: (c: string) => ((stderr += c), true) },
      stdin,
      env: { NO_COLOR: '1', CI: 'true' },
      cwd: process.cwd(),
      signal: controller.signal,
    };
    const done = run(['proxy', '--state', DEMO_STATE, '--port', '0', '--probe-port', '0', '-o', 'json'], io);
    while (!stdout.includes('\n')) await new Promise((r) => setTimeout(r, 10));
    const { probeUrl } = JSON.parse(stdout) as { probeUrl: string };
    for (const path of ['/healthz', '/readyz', '/readyz']) expect((await fetch(`${probeUrl}${path}`)).status).toBe(200);
    controller.abort();
    expect(await done).toBe(0);
    expect(stderr).not.toMatch(/GET \/ 404|404 page not found|GET \/(healthz|readyz)/);
    expect(stderr).toContain('podid proxy: stopped (no requests)');
  });
});

describe('podid proxy: a port that cannot be bound', () => {
  it('--port in use is a UserError naming --port 0, not an internal error', async () => {
    const busy = await busyPort();
    try {
      await expect(startProxy({ ...base, port: busy.port }, demoDeps())).rejects.toMatchObject({
        name: 'UserError',
        message: `cannot listen on 127.0.0.1:${busy.port}: the port is already in use`,
        hint: expect.stringContaining('--port 0'),
      });
      const { code, stderr, stdout } = await runCli(['proxy', '--state', DEMO_STATE, '--port', String(busy.port)]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain('the port is already in use');
      expect(stderr).toContain('--port 0');
      expect(stderr).not.toMatch(/internal error|This is a bug|EADDRINUSE/);
    } finally {
      await busy.close();
    }
  });

  it('--probe-port in use names --probe-port 0 and closes the proxy listener it opened', async () => {
    const busy = await busyPort();
    let opened: number | undefined;
    const deps = demoDeps();
    const startHttpServer: typeof deps.startHttpServer = async (options) => {
      const server = await deps.startHttpServer(options);
      opened = server.port;
      return server;
    };
    try {
      await expect(startProxy({ ...base, probePort: busy.port }, { ...deps, startHttpServer })).rejects.toMatchObject({ name: 'UserError', hint: expect.stringContaining('--probe-port 0') });
      await expect(fetch(`http://127.0.0.1:${opened}/v1/credentials`)).rejects.toThrow();
    } finally {
      await busy.close();
    }
  });

  it.each([
    ['EACCES', 'cannot listen on 127.0.0.1:80: permission denied', '--port 0'],
    ['EADDRNOTAVAIL', 'cannot listen on 127.0.0.1:80: 127.0.0.1 is not an address of this machine', '--host 127.0.0.1'],
  ])('%s becomes a UserError', (code, message, hint) => {
    const error = listenError(Object.assign(new Error(`listen ${code}`), { code }), '--port', '127.0.0.1', 80);
    expect(error).toMatchObject({ name: 'UserError', message, hint: expect.stringContaining(hint) });
  });

  it('other errors stay as they are', () => {
    const other = new Error('boom');
    expect(listenError(other, '--port', '::1', 1)).toBe(other);
  });
});

describe('podid proxy (CLI safety)', () => {
  it.each([
    [['proxy', '--host', '0.0.0.0', '--state', DEMO_STATE], "option '--host 0.0.0.0' is not a loopback address; pass --allow-remote"],
    [['proxy', '--host', '10.1.2.3'], "option '--host 10.1.2.3' is not a loopback address"],
    [['proxy', '--port', 'http'], "option '--port' must be a port number 0-65535, got 'http'"],
    [['proxy', '--port', '70000'], "option '--port' must be a port number"],
    [['proxy', '--source', 'local', '-c', 'demo', '--region', 'us-west-2'], "option '--source local' needs a state file"],
    [['proxy', '--source', 'nope'], "argument 'nope' is invalid"],
    [['proxy', 'env', '-s', 'payments-api', '--port', '8023'], "required option '-n, --namespace <ns>' not specified"],
  ])('%j exits 2 naming the flag', async (argv, message) => {
    const { code, stderr, stdout } = await runCli(argv, { env: { AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' } });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('the banner\'s `podid proxy env` hint carries --state (and a non-default --source)', async () => {
    const banner = async (extra: string[], state: string[] = ['--state', DEMO_STATE]) => {
      const controller = new AbortController();
      let stderr = '';
      const stdout = { isTTY: false, write: (chunk: string) => (chunk.includes('/v1/credentials') && controller.abort(), true) };
      const stdin = new PassThrough();
      stdin.end();
      const env = { NO_COLOR: '1', CI: 'true', AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
      const code = await run(['proxy', ...state, '--port', '0', ...extra], { stdout, stderr: { isTTY: false, write: (c: string) => ((stderr += c), true) }, stdin, env, cwd: process.cwd(), signal: controller.signal });
      expect(code).toBe(0);
      return stderr;
    };
    expect(await banner([])).toMatch(new RegExp(`\\(or: podid proxy env -n NS -s SA --port \\d+ -c demo --state ${DEMO_STATE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\n`));
    expect(await banner(['--source', 'sts'])).toMatch(/--state \S+ --source sts\)\n/);
    // Without --state, `proxy env` mints a token and defaults to sts: eks-auth must be carried, sts need not.
    expect(await banner(['--source', 'eks-auth'], ['-c', 'demo'])).toMatch(/\(or: podid proxy env -n NS -s SA --port \d+ -c demo --source eks-auth\)\n/);
    expect(await banner(['--source', 'sts'], ['-c', 'demo'])).toMatch(/\(or: podid proxy env -n NS -s SA --port \d+ -c demo\)\n/);
    expect(await banner([], ['-c', 'demo'])).toMatch(/\(or: podid proxy env -n NS -s SA --port \d+ -c demo --source eks-auth\)\n/);
  });

  it('the live view\'s footer shows the hint it is given (with --state)', () => {
    const started = { url: 'http://127.0.0.1:41234/v1/credentials', host: '127.0.0.1', port: 41234, cluster: 'demo', source: 'local' as const, hostCheck: 'loopback' as const };
    const hint = proxyEnvCommand(started, { statePath: 'fixtures/demo/state.json' });
    expect(hint).toBe('podid proxy env -n NS -s SA --port 41234 -c demo --state fixtures/demo/state.json');
    const { lastFrame, unmount } = renderInk(createElement(ProxyView, { started, stats: new ProxyCounters(0).snapshot(0), color: false, envCommand: hint }));
    expect(lastFrame()?.replace(/\s+/g, ' ')).toContain(`Ctrl-C to stop · the last 8 requests · ${hint}`);
    unmount();
  });

  it('proxy --help and proxy env --help have examples, for a service account the demo associates', async () => {
    for (const argv of [['proxy', '--help'], ['proxy', 'env', '--help'], ['exec', '--help']]) {
      const { code, stdout } = await runCli(argv);
      expect(code).toBe(0);
      expect(stdout).toContain('Examples:');
      expect(stdout).not.toMatch(/-s api\b/);
      expect(stdout).toContain('-n payments -s payments-api');
    }
  });
});
