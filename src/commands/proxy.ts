import { UsageError, UserError } from '../core/errors.js';
import { createProxyCore, type ProxyCore } from '../core/proxy/create.js';
import { isLoopbackHost, type HostMode } from '../core/proxy/host.js';
import { formatRequestLog, type RequestEvent } from '../core/proxy/log.js';
import type { CredentialSource } from '../core/proxy/types.js';
import { CREDENTIALS_PATH } from '../core/proxy/wire.js';
import type { HttpServerOptions, RunningHttpServer } from '../adapters/http/server.js';
import type { ProbeServerOptions } from '../adapters/http/probe.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { defaultSource, makeSource, type SourceName } from '../services/credential-sources.js';
import { withBindingCheck } from './token-binding.js';

// `podid proxy`: the Pod Identity Agent's /v1/credentials on loopback, until the signal aborts.

export interface ProxyOptions {
  host: string;
  port: number;
  source?: SourceName;
  strictHost: boolean;
  allowRemote: boolean;
  probePort?: number;
  /** false turns the agent's 1000/s limiter off (benchmarks). */
  rateLimit?: false;
}

export interface ProxyStarted {
  url: string;
  host: string;
  port: number;
  cluster: string;
  source: SourceName;
  hostCheck: HostMode;
  probeUrl?: string;
}

export interface ProxyResult extends ProxyStarted {
  /** Responses by status code over the run. */
  responses: Record<string, number>;
}

export interface ProxyRuntime {
  startHttpServer: (options: HttpServerOptions) => Promise<RunningHttpServer>;
  startProbeServer?: (options: ProbeServerOptions) => Promise<RunningHttpServer>;
  uuid: () => string;
  /** Per-request log events; the default writes one line through the reporter. */
  onRequest?: (event: RequestEvent) => void;
}

/** kube and store feed the local source's token.binding check (skipped without them). */
export type ProxyDeps = Pick<Deps, 'eks' | 'sts' | 'eksAuth' | 'reporter' | 'now' | 'clusterName' | 'backend'> & Partial<Pick<Deps, 'kube' | 'store'>> & ProxyRuntime;

export interface RunningProxy {
  started: ProxyStarted;
  core: ProxyCore;
  /** What a cache miss calls (exec tries its token once with it). */
  source: CredentialSource;
  close(): Promise<void>;
}

/** A host as it appears in a URL: an IPv6 address in brackets. */
export const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export function validateProxyOptions(opts: Pick<ProxyOptions, 'host' | 'port' | 'allowRemote' | 'probePort'>): void {
  if (!opts.allowRemote && !isLoopbackHost(opts.host.toLowerCase())) {
    throw new UsageError(`option '--host ${opts.host}' is not a loopback address; pass --allow-remote to serve credentials to other machines`);
  }
  for (const [flag, port] of [['--port', opts.port], ['--probe-port', opts.probePort]] as const) {
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`option '${flag}' must be a port number 0-65535, got '${port}'`);
  }
}

/** A listener that cannot bind, as something the user can fix; other errors stay as they are. */
export function listenError(error: unknown, flag: '--port' | '--probe-port', host: string, port: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${urlHost(host)}:${port}`;
  if (code === 'EADDRINUSE') return new UserError(`cannot listen on ${where}: the port is already in use`, { hint: `Pass ${flag} 0 for any free port (the URL is printed), or stop the process using port ${port}.`, cause: error });
  if (code === 'EACCES') return new UserError(`cannot listen on ${where}: permission denied`, { hint: `Ports below 1024 need privileges; pass ${flag} 0 for any free port, or one above 1023.`, cause: error });
  if (code === 'EADDRNOTAVAIL') return new UserError(`cannot listen on ${where}: ${host} is not an address of this machine`, { hint: 'Pass --host 127.0.0.1 (the default), or an address of one of its interfaces.', cause: error });
  return error;
}

/**
 * The backend flags for the `podid proxy env …` hint: --state (without it the command would use
 * AWS), and the source this proxy serves whenever it differs from what `proxy env` defaults to.
 * `proxy env` mints a token, so its default is the minted one (sts on AWS), not the proxy's own
 * (eks-auth).
 */
export function proxyEnvHintFlags(backend: 'local' | 'aws', statePath: string | undefined, source: SourceName | undefined): { statePath?: string; source?: SourceName } {
  const serving = source ?? defaultSource(backend, false);
  return { statePath, source: serving !== defaultSource(backend, true) ? serving : undefined };
}

/** Starts the listener(s) and returns at once; `exec` uses this, `proxy` waits on it. */
export async function startProxy(opts: ProxyOptions, deps: ProxyDeps, extra: { minted?: boolean } = {}): Promise<RunningProxy> {
  validateProxyOptions(opts);
  const cluster = requireCluster(deps);
  const sourceName = opts.source ?? defaultSource(deps.backend, Boolean(extra.minted));
  const upstream = makeSource(sourceName, deps, cluster);
  // The local source is simulate's exchange: token.binding included (the state's EKS Auth reads no pods).
  const source = sourceName === 'local' ? withBindingCheck(upstream, deps, cluster) : upstream;
  const hostCheck: HostMode = opts.strictHost ? 'strict' : 'loopback';
  const core = createProxyCore({ source, clock: () => deps.now().getTime(), hostMode: hostCheck, rateLimit: opts.rateLimit });
  const onRequest = deps.onRequest ?? ((event: RequestEvent) => deps.reporter.info(formatRequestLog(event, deps.now())));
  // The probe server's GET / to the proxy listener carries this key: no log line, no live-view row.
  const probeKey = opts.probePort !== undefined && deps.startProbeServer ? deps.uuid() : undefined;
  const server = await deps.startHttpServer({ host: opts.host, port: opts.port, handle: core.handle, onRequest, probeKey, janitor: { intervalMs: 60_000, run: core.renewDue } }).catch((error: unknown) => {
    throw listenError(error, '--port', opts.host, opts.port);
  });
  let probe: RunningHttpServer | undefined;
  if (opts.probePort !== undefined && deps.startProbeServer) {
    try {
      probe = await deps.startProbeServer({
        host: opts.host,
        port: opts.probePort,
        targets: [{ host: opts.host, port: server.port }],
        metrics: () => core.metrics.render(),
        probeKey,
        // Probe hits are not credential requests: a line under --debug only.
        onRequest: (event) => deps.reporter.debug(`probe: ${formatRequestLog(event, deps.now())}`),
      });
    } catch (error) {
      await server.close(0);
      throw listenError(error, '--probe-port', opts.host, opts.probePort);
    }
  }
  const base = `http://${urlHost(opts.host)}`;
  const started: ProxyStarted = {
    url: `${base}:${server.port}${CREDENTIALS_PATH}`,
    host: opts.host,
    port: server.port,
    cluster,
    source: sourceName,
    hostCheck,
    ...(probe ? { probeUrl: `${base}:${probe.port}` } : {}),
  };
  return { started, core, source, close: async () => void (await Promise.all([server.close(), probe?.close()])) };
}

/** Runs until `signal` aborts (SIGINT/SIGTERM in the CLI), then shuts down gracefully. */
export async function proxy(opts: ProxyOptions, deps: ProxyDeps & { signal: AbortSignal; onListening: (started: ProxyStarted) => void }): Promise<ProxyResult> {
  const running = await startProxy(opts, deps);
  deps.onListening(running.started);
  await new Promise<void>((resolve) => {
    if (deps.signal.aborted) return resolve();
    deps.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await running.close();
  return { ...running.started, responses: running.core.metrics.responseCounts() };
}
