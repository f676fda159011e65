import { createServer, request as httpRequest } from 'node:http';
import type { RequestEvent } from '../../core/proxy/log.js';
import { closeServer, listen, PROBE_HEADER, type RunningHttpServer } from './server.js';

// The agent's probe and metrics listener (agent-protocol.md §1.8, §1.9): /healthz and /readyz GET
// the proxy's "/" and expect 404 within 10 s; /metrics is the Prometheus text format. The GET /
// carries the proxy's probeKey, so the proxy neither logs nor shows it: it is no credential request.

export interface ProbeServerOptions {
  host: string;
  port: number;
  /** The proxy listener(s) to probe. */
  targets: { host: string; port: number }[];
  metrics: () => string;
  timeoutMs?: number;
  /** Sent as PROBE_HEADER with each GET / (the proxy listener's probeKey). */
  probeKey?: string;
  /** Each request to this listener (/healthz, /readyz, /metrics, …), after its response: podid proxy logs them under --debug only. */
  onRequest?: (event: RequestEvent) => void;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

function expect404(target: { host: string; port: number }, signal: AbortSignal, probeKey: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const headers: Record<string, string> = { host: `${host}:${target.port}` };
    if (probeKey !== undefined) headers[PROBE_HEADER] = probeKey;
    const req = httpRequest({ host: target.host, port: target.port, path: '/', method: 'GET', headers, signal }, (res) => {
      res.resume();
      resolve(res.statusCode === 404);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function probeTargets(targets: ProbeServerOptions['targets'], timeoutMs: number, probeKey?: string): Promise<{ status: number; body: string }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs).unref();
  try {
    const results = await Promise.all(targets.map((t) => expect404(t, controller.signal, probeKey)));
    if (timedOut) return { status: 408, body: '' };
    return results.every(Boolean) ? { status: 200, body: '' } : { status: 500, body: 'Internal Server Error occurred' };
  } finally {
    clearTimeout(timer);
  }
}

export async function startProbeServer(options: ProbeServerOptions): Promise<RunningHttpServer> {
  const server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (options.onRequest) {
      const started = performance.now();
      const onRequest = options.onRequest;
      res.once('finish', () => onRequest({ method: req.method ?? 'GET', path, status: res.statusCode, durationMs: performance.now() - started }));
    }
    if (path === '/healthz' || path === '/readyz') {
      void probeTargets(options.targets, options.timeoutMs ?? 10_000, options.probeKey).then(({ status, body }) => {
        res.writeHead(status, { ...TEXT, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      return;
    }
    if (path === '/metrics') {
      const body = options.metrics();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const body = '404 page not found\n';
    res.writeHead(404, { ...TEXT, 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await listen(server, options.host, options.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { host: options.host, port, close: (graceMs = 2000) => closeServer(server, graceMs) };
}
