import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startProbeServer } from '../../../src/adapters/http/probe.js';
import { PROBE_HEADER, startHttpServer, type RunningHttpServer } from '../../../src/adapters/http/server.js';
import { createProxyCore } from '../../../src/core/proxy/create.js';
import type { RequestEvent } from '../../../src/core/proxy/log.js';
import { formatRequestLog } from '../../../src/core/proxy/log.js';
import type { CredentialSource } from '../../../src/core/proxy/types.js';
import { eksAuthResponse, jwt } from '../../core/proxy/helpers.js';

// The node:http adapter on 127.0.0.1:0: the agent's bytes over a real socket, and the abuse cases
// (huge headers, slowloris) ending in a status or a closed connection, never a crash.

const servers: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

const realNow = () => Date.now();

async function start(source: CredentialSource = async () => eksAuthResponse(Math.floor(Date.now() / 1000) + 3600), extra: Partial<Parameters<typeof startHttpServer>[0]> = {}) {
  const events: RequestEvent[] = [];
  const core = createProxyCore({ source, clock: realNow });
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, handle: core.handle, onRequest: (e) => events.push(e), ...extra });
  servers.push(server);
  return { server, core, events, url: `http://127.0.0.1:${server.port}/v1/credentials` };
}

const freshToken = () => jwt({ exp: Math.floor(Date.now() / 1000) + 3600, nbf: Math.floor(Date.now() / 1000) - 10 });

/** Raw bytes in, raw bytes out: for exact header checks and malformed requests. */
function raw(port: number, text: string, options: { endAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('close', () => resolve(data));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve(data) : reject(e)));
    socket.write(text);
    if (options.endAfterMs !== undefined) setTimeout(() => socket.end(), options.endAfterMs);
  });
}

describe('proxy server over a socket', () => {
  it('200: exact body and headers (application/json without charset, Content-Length)', async () => {
    const { url } = await start();
    const res = await fetch(url, { headers: { authorization: freshToken() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(body).toMatch(/^\{"AccessKeyId":"ASIA[^"]+","SecretAccessKey":"[^"]+","Token":"[^"]+","AccountId":"111122223333","Expiration":"[^"]+Z"\}$/);
  });

  it('400 empty token: text/plain; charset=utf-8, nosniff, body + newline', async () => {
    const { server } = await start();
    const response = await raw(server.port, 'GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization:    \r\nConnection: close\r\n\r\n');
    const [head, body] = response.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(head.toLowerCase()).toContain('content-type: text/plain; charset=utf-8');
    expect(head.toLowerCase()).toContain('x-content-type-options: nosniff');
    expect(head.toLowerCase()).toContain('content-length: 38');
    expect(body).toBe('Service account token cannot be empty\n');
  });

  it('POST with a body is served and the connection stays usable', async () => {
    const { url } = await start();
    const token = freshToken();
    const first = await fetch(url, { method: 'POST', body: 'x'.repeat(10_000), headers: { authorization: token } });
    expect(first.status).toBe(200);
    await first.text();
    expect((await fetch(url, { headers: { authorization: token } })).status).toBe(200);
  });

  it('403 under the strict host check, over the wire', async () => {
    const core = createProxyCore({ source: async () => eksAuthResponse(), clock: realNow, hostMode: 'strict' });
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, handle: core.handle });
    servers.push(server);
    const res = await fetch(`http://127.0.0.1:${server.port}/v1/credentials`, { headers: { authorization: freshToken() } });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(`Access Denied. Called agent through invalid address, please use either [169.254.170.23 fd00:ec2::23] address not 127.0.0.1\n`);
  });

  it("a 64 KB Authorization header reaches the agent's checks (Go's 1 MiB header limit): 400 cannot be parsed", async () => {
    const { server, url } = await start();
    const response = await raw(server.port, `GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${'a'.repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(response.split('\r\n\r\n')[1]).toBe('Service account token cannot be parsed: token is malformed: token contains an invalid number of segments\n');
    expect((await fetch(url, { headers: { authorization: freshToken() } })).status).toBe(200);
  });

  it('headers over 1 MiB get 431 (or a closed connection), and the server keeps serving', async () => {
    const { server, url } = await start();
    const response = await raw(server.port, `GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${'a'.repeat(1100 * 1024)}\r\n\r\n`);
    expect(response === '' || response.startsWith('HTTP/1.1 431')).toBe(true);
    expect((await fetch(url, { headers: { authorization: freshToken() } })).status).toBe(200);
  });

  it('an absolute-form target is routed by its path, with the Host taken from the URL (as Go does)', async () => {
    const core = createProxyCore({ source: async () => eksAuthResponse(Math.floor(Date.now() / 1000) + 3600), clock: realNow, hostMode: 'strict' });
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, handle: core.handle });
    servers.push(server);
    const request = (target: string, host: string) => raw(server.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${freshToken()}\r\nConnection: close\r\n\r\n`);
    const ok = await request('http://169.254.170.23/v1/credentials', '127.0.0.1');
    expect(ok).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(ok).toContain('"AccessKeyId":"ASIA');
    expect(await request('http://169.254.170.23:80/v1/credentials?x=1', 'evil.example')).toMatch(/^HTTP\/1\.1 200 OK/);
    const denied = await request('http://evil.example/v1/credentials', '169.254.170.23');
    expect(denied).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(denied).toContain('address not evil.example\n');
    const moved = await request('http://169.254.170.23/v1//credentials?a=b', '169.254.170.23');
    expect(moved).toMatch(/^HTTP\/1\.1 301 Moved Permanently/);
    expect(moved).toMatch(/\r\nLocation: \/v1\/credentials\?a=b\r\n/i);
  });

  it('known departure: an unknown method is refused by Node\'s parser with 400 (the agent would serve it)', async () => {
    const { server, url } = await start();
    expect(await raw(server.port, `FOO /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${freshToken()}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect((await fetch(url, { headers: { authorization: freshToken() } })).status).toBe(200);
  });

  it("Go's own refusals before the handler: no Host on HTTP/1.1, two Host lines (exact bytes, connection closed)", async () => {
    const { server, events } = await start();
    const goError = (reason: string) => `HTTP/1.1 400 Bad Request: ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: ${reason}`;
    expect(await raw(server.port, 'GET /v1/credentials HTTP/1.1\r\nAuthorization: x\r\n\r\n')).toBe(goError('missing required Host header'));
    expect(await raw(server.port, 'GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nhost: 127.0.0.1\r\n\r\n')).toBe(goError('too many Host headers'));
    expect(await raw(server.port, 'GET /nope HTTP/1.0\r\nHost: a\r\nHOST: b\r\n\r\n')).toBe(goError('too many Host headers'));
    // HTTP/1.0 needs no Host: the agent's own checks answer (403: no allowed Host).
    expect(await raw(server.port, 'GET /v1/credentials HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(events.map((e) => e.status)).toEqual([403]);
  });

  it('the request target *: OPTIONS gets 200 with no body (Go answers it itself), other methods an empty 400', async () => {
    const { server } = await start();
    const options = await raw(server.port, 'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(options).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(options.toLowerCase()).toContain('content-length: 0\r\n');
    expect(options.toLowerCase()).not.toContain('content-type');
    expect(options.endsWith('\r\n\r\n')).toBe(true);
    const get = await raw(server.port, 'GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(get).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(get.toLowerCase()).toContain('connection: close\r\n');
    expect(get.endsWith('\r\n\r\n')).toBe(true);
  });

  it('garbage bytes get 400 and a closed connection', async () => {
    const { server } = await start();
    expect(await raw(server.port, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request/);
  });

  it('slowloris: a request whose headers never finish is cut off by headersTimeout; others are served meanwhile', async () => {
    const { server, url } = await start(undefined, { headersTimeoutMs: 300, requestTimeoutMs: 600, connectionsCheckingIntervalMs: 100 });
    const started = Date.now();
    const slow = raw(server.port, 'GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a');
    expect((await fetch(url, { headers: { authorization: freshToken() } })).status).toBe(200);
    const response = await slow;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(response === '' || /^HTTP\/1\.1 408/.test(response)).toBe(true);
  });

  it('logs one event per request with a short token hash, never the token', async () => {
    const { url, events } = await start();
    const token = freshToken();
    await (await fetch(url, { headers: { authorization: token } })).text();
    await (await fetch(url, { headers: { authorization: token } })).text();
    await (await fetch(url, { headers: { authorization: 'garbage-token-value' } })).text();
    await (await fetch(`http://127.0.0.1:${new URL(url).port}/nope`)).text();
    expect(events.map((e) => [e.status, e.cache])).toEqual([[200, 'miss'], [200, 'hit'], [400, undefined], [404, undefined]]);
    expect(events[0].tokenHash).toMatch(/^[0-9a-f]{12}$/);
    const lines = events.map((e) => formatRequestLog(e, new Date()));
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toContain('garbage-token-value');
    expect(lines.join('\n')).not.toContain('ASIA');
    expect(lines[0]).toMatch(/ GET \/v1\/credentials 200 [\d.]+ms cache=miss token=sha256:[0-9a-f]{12}$/);
  });

  it('an upstream error message containing the token is scrubbed from the log', async () => {
    const token = freshToken();
    const { url, events } = await start(async (t) => Promise.reject(new Error(`bad token ${t}`)));
    await (await fetch(url, { headers: { authorization: token } })).text();
    expect(events[0].error).toBe('bad token <token>');
  });

  it('close() waits for in-flight requests, then stops listening', async () => {
    let release!: () => void;
    let arrived!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reached = new Promise<void>((r) => (arrived = r));
    const { server, url } = await start(async () => {
      arrived();
      await gate;
      return eksAuthResponse(Math.floor(Date.now() / 1000) + 3600);
    });
    const inflight = fetch(url, { headers: { authorization: freshToken() } });
    await reached;
    const closing = server.close(2000);
    release();
    expect((await inflight).status).toBe(200);
    await closing;
    await expect(fetch(url)).rejects.toThrow();
    servers.splice(servers.indexOf(server), 1);
  });
});

describe('probe server', () => {
  it('/healthz and /readyz answer 200 with an empty body when the proxy answers 404 on /', async () => {
    const { server, core } = await start();
    const probe = await startProbeServer({ host: '127.0.0.1', port: 0, targets: [{ host: '127.0.0.1', port: server.port }], metrics: () => core.metrics.render() });
    servers.push(probe);
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`http://127.0.0.1:${probe.port}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
  });

  it('500 "Internal Server Error occurred" when the proxy is down', async () => {
    const { server, core } = await start();
    const port = server.port;
    await server.close(0);
    servers.splice(servers.indexOf(server), 1);
    const probe = await startProbeServer({ host: '127.0.0.1', port: 0, targets: [{ host: '127.0.0.1', port }], metrics: () => core.metrics.render() });
    servers.push(probe);
    const res = await fetch(`http://127.0.0.1:${probe.port}/healthz`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('Internal Server Error occurred');
  });

  it('/metrics is Prometheus text with the agent metric names', async () => {
    const { server, core, url } = await start();
    await (await fetch(url, { headers: { authorization: freshToken() } })).text();
    const probe = await startProbeServer({ host: '127.0.0.1', port: 0, targets: [{ host: '127.0.0.1', port: server.port }], metrics: () => core.metrics.render() });
    servers.push(probe);
    const res = await fetch(`http://127.0.0.1:${probe.port}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE pod_identity_http_response counter\npod_identity_http_response{code="200"} 1');
    expect(text).toContain('pod_identity_cache_state{state="miss"} 1');
  });

  it("its GET / carries the proxy's probeKey: answered, but never a request event of the proxy", async () => {
    const { server, core, events } = await start(undefined, { probeKey: 'k-1' });
    const seen: RequestEvent[] = [];
    const probe = await startProbeServer({ host: '127.0.0.1', port: 0, targets: [{ host: '127.0.0.1', port: server.port }], metrics: () => core.metrics.render(), probeKey: 'k-1', onRequest: (e) => seen.push(e) });
    servers.push(probe);
    for (const path of ['/healthz', '/readyz', '/readyz']) expect((await fetch(`http://127.0.0.1:${probe.port}${path}`)).status).toBe(200);
    expect(events).toEqual([]);
    expect(core.metrics.responseCounts()).toEqual({});
    // The probe listener's own hits go to its onRequest (podid proxy: --debug lines only).
    expect(seen.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(['GET /healthz 200', 'GET /readyz 200', 'GET /readyz 200']);
    // A client's own GET / is logged, with a wrong key or none: the key is the run's secret.
    await (await fetch(`http://127.0.0.1:${server.port}/`)).text();
    await (await fetch(`http://127.0.0.1:${server.port}/`, { headers: { [PROBE_HEADER]: 'guess' } })).text();
    expect(events.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(['GET / 404', 'GET / 404']);
  });
});
