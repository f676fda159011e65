import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestEvent } from '../../core/proxy/log.js';
import type { ProxyOutcome, ProxyRequest } from '../../core/proxy/types.js';

// The proxy's I/O: a node:http server that turns each request into a ProxyRequest, asks the pure
// handler (src/core/proxy) for the response and writes it. Slow or oversized requests are cut off
// by Node's own limits (headersTimeout, requestTimeout, maxHeaderSize) and never reach the handler.
// maxHeaderSize is Go's (http.DefaultMaxHeaderBytes, 1 MiB, plus the 4 KiB slack net/http reads),
// so a large but well-formed request gets the agent's answer, not Node's 431.
// Go's own refusals before any handler (net/http server.go readRequest) are mirrored byte for byte:
// an HTTP/1.1 request without Host, or with two Host lines, gets `400 Bad Request: <reason>`
// (Node's own missing-Host 400 is turned off for that; to a HEAD request Node sends no body there).
// Known departure: Node's parser (llhttp) accepts only the HTTP methods it knows; an unknown one
// (`FOO /v1/credentials`) gets a bare 400 and a closed connection, where the agent would serve it.

export interface HttpServerOptions {
  host: string;
  port: number;
  handle: (request: ProxyRequest) => ProxyOutcome | Promise<ProxyOutcome>;
  /** Called after each response with the log fields (the token only as a short sha256). */
  onRequest?: (event: RequestEvent) => void;
  /**
   * The probe server's own `GET /` carries PROBE_HEADER with this value: it is answered like any
   * request but is no credential request, so it never reaches onRequest (the agent's probes run on
   * their own listener). A secret per run, so a client cannot hide its requests from the log.
   */
  probeKey?: string;
  /** A janitor run every minute (the cache's renewals). */
  janitor?: { intervalMs: number; run: () => Promise<unknown> };
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxHeaderSize?: number;
  /** How often Node checks the two timeouts above (default 1 s). */
  connectionsCheckingIntervalMs?: number;
}

export interface RunningHttpServer {
  host: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes every socket. */
  close(graceMs?: number): Promise<void>;
}

/** The header that marks the probe server's requests to the proxy listener (see probeKey). */
export const PROBE_HEADER = 'x-podid-probe';

/** Go's net/http header limit: DefaultMaxHeaderBytes (1 << 20) plus the 4096 bytes of slack it reads. */
const GO_MAX_HEADER_BYTES = (1 << 20) + 4096;

export const DEFAULT_LIMITS = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxHeaderSize: GO_MAX_HEADER_BYTES } as const;

/** Tokens longer than this are hashed each time rather than memoised (the memo must stay small). */
const MEMO_MAX_TOKEN = 16 * 1024;

/** sha256 of a token, first 12 hex digits (memoised: one hash per token, not per request). */
export function tokenHasher(limit = 4096) {
  const memo = new Map<string, string>();
  return (token: string) => {
    let hash = memo.get(token);
    if (hash) return hash;
    hash = createHash('sha256').update(token).digest('hex').slice(0, 12);
    if (token.length > MEMO_MAX_TOKEN) return hash;
    if (memo.size >= limit) memo.clear();
    memo.set(token, hash);
    return hash;
  };
}

/** scheme://authority[path][?query]: an absolute-form request target (RFC 9112 §3.2.2). */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/;

export function toProxyRequest(req: IncomingMessage): ProxyRequest {
  let url = req.url ?? '/';
  let host = req.headers.host;
  // Go routes an absolute-form target (`GET http://169.254.170.23/v1/credentials HTTP/1.1`) by its
  // path, and req.Host is the URL's host, not the Host header (net/http readRequest).
  const absolute = url.startsWith('/') ? null : ABSOLUTE_FORM.exec(url);
  if (absolute) {
    const authority = absolute[1].slice(absolute[1].lastIndexOf('@') + 1);
    if (authority !== '') host = authority;
    url = absolute[2] + (absolute[3] !== undefined ? `?${absolute[3]}` : '');
  }
  const q = url.indexOf('?');
  const auth = req.headers.authorization;
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? undefined : url.slice(q + 1),
    headers: { host, authorization: auth },
  };
}

/**
 * What Go's net/http refuses before the handler runs (server.go readRequest): an HTTP/1.1 request
 * (other than CONNECT) without a Host header, or any request with more than one. Undefined otherwise.
 */
function goRequestError(req: Pick<IncomingMessage, 'rawHeaders' | 'httpVersionMajor' | 'httpVersionMinor' | 'method'>): string | undefined {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') hosts++;
  if (hosts === 1) return undefined;
  if (hosts > 1) return 'too many Host headers';
  const http11 = req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1);
  return http11 && req.method !== 'CONNECT' ? 'missing required Host header' : undefined;
}

/**
 * Go writes these itself: `HTTP/1.1 400 Bad Request: <reason>`, text/plain, `Connection: close`,
 * no Date and no Content-Length (the body ends with the connection), body `400 Bad Request: <reason>`.
 */
function writeGoBadRequest(res: ServerResponse, reason: string): void {
  const status = `Bad Request: ${reason}`;
  res.sendDate = false;
  res.useChunkedEncodingByDefault = false;
  res.writeHead(400, status, ['Content-Type', 'text/plain; charset=utf-8', 'Connection', 'close']);
  res.end(`400 ${status}`);
}

// Header objects of cached responses are reused for every hit: flatten each once (writeHead's
// array form skips per-request object walking).
const flatHeaders = new WeakMap<object, string[]>();

/** Writes a response; the core gives headers in Go's canonical case and, for 200s, Content-Length. */
export function writeOutcome(res: ServerResponse, outcome: ProxyOutcome) {
  const headers = outcome.headers;
  let flat = flatHeaders.get(headers);
  if (!flat) {
    const all = headers['Content-Length'] === undefined ? { ...headers, 'Content-Length': String(Buffer.byteLength(outcome.body)) } : headers;
    flat = Object.entries(all).flat();
    flatHeaders.set(headers, flat);
  }
  res.writeHead(outcome.status, flat);
  res.end(outcome.body);
}

const INTERNAL_ERROR: ProxyOutcome = { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, body: 'Internal Server Error\n' };

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const hash = tokenHasher();
  const onRequest = options.onRequest;
  const probeKey = options.probeKey;
  const respond = (res: ServerResponse, request: ProxyRequest, outcome: ProxyOutcome, started: number, log: typeof onRequest) => {
    writeOutcome(res, outcome);
    if (log) log(eventFor(request, outcome, performance.now() - started, hash));
  };
  const serverOptions = {
    maxHeaderSize: options.maxHeaderSize ?? DEFAULT_LIMITS.maxHeaderSize,
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs,
    headersTimeout: options.headersTimeoutMs ?? DEFAULT_LIMITS.headersTimeoutMs,
    connectionsCheckingInterval: options.connectionsCheckingIntervalMs ?? 1000,
    // Go's answer instead (goRequestError).
    requireHostHeader: false,
  };
  const server = createServer(serverOptions, (req, res) => {
    // Bodies are ignored, as the agent does; Node drains an unread body once the response ends.
    const refused = goRequestError(req);
    if (refused) return writeGoBadRequest(res, refused);
    const log = probeKey !== undefined && req.headers[PROBE_HEADER] === probeKey ? undefined : onRequest;
    const started = log ? performance.now() : 0;
    const request = toProxyRequest(req);
    let result: ProxyOutcome | Promise<ProxyOutcome>;
    try {
      result = options.handle(request);
    } catch {
      result = INTERNAL_ERROR;
    }
    // The handler maps every expected failure; anything else is a bug, answered like Go's panic recovery.
    if (result instanceof Promise) {
      result.then(
        (outcome) => respond(res, request, outcome, started, log),
        () => respond(res, request, INTERNAL_ERROR, started, log),
      );
    } else respond(res, request, result, started, log);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const code = error.code;
    if (!socket.writable || code === 'ECONNRESET') return void socket.destroy();
    const status = code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`);
  });
  await listen(server, options.host, options.port);
  const janitor = options.janitor ? setInterval(() => void options.janitor!.run().catch(() => {}), options.janitor.intervalMs).unref() : undefined;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    host: options.host,
    port,
    close: (graceMs = 5000) => {
      if (janitor) clearInterval(janitor);
      return closeServer(server, graceMs);
    },
  };
}

function eventFor(request: ProxyRequest, outcome: ProxyOutcome, durationMs: number, hash: (token: string) => string): RequestEvent {
  const token = outcome.token;
  let error: string | undefined;
  if (outcome.status >= 400) {
    error = outcome.body.split('\n')[0];
    if (token && error.includes(token)) error = error.split(token).join('<token>');
  }
  return { method: request.method, path: request.path, status: outcome.status, durationMs, cache: outcome.cache, tokenHash: token ? hash(token) : undefined, error };
}

export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs).unref();
    // Keep-alive sockets become idle as their last response ends; close them as they do.
    const idle = setInterval(() => server.closeIdleConnections(), 25).unref();
    server.close(() => {
      clearTimeout(force);
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}
