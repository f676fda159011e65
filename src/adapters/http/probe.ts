import { createServer, request as httpRequest } from 'node:http';
import { closeServer, listen, type RunningHttpServer } from './server.js';

// The agent's probe and metrics listener (agent-protocol.md §1.8, §1.9): /healthz and /readyz GET
// the proxy's "/" and expect 404 within 10 s; /metrics is the Prometheus text format.

export interface ProbeServerOptions {
  host: string;
  port: number;
  /** The proxy listener(s) to probe. */
  targets: { host: string; port: number }[];
  metrics: () => string;
  timeoutMs?: number;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

function expect404(target: { host: string; port: number }, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const req = httpRequest({ host: target.host, port: target.port, path: '/', method: 'GET', headers: { host: `${host}:${target.port}` }, signal }, (res) => {
      res.resume();
      resolve(res.statusCode === 404);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function probeTargets(targets: ProbeServerOptions['targets'], timeoutMs: number): Promise<{ status: number; body: string }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs).unref();
  try {
    const results = await Promise.all(targets.map((t) => expect404(t, controller.signal)));
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
    if (path === '/healthz' || path === '/readyz') {
      void probeTargets(options.targets, options.timeoutMs ?? 10_000).then(({ status, body }) => {
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
