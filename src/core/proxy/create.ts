import { CredentialCache } from './cache.js';
import { handleRequest, type CachedCredentials, type HandlerDeps } from './handler.js';
import type { HostMode } from './host.js';
import type { ParseResult } from './jwt.js';
import { tokenBucket } from './limiter.js';
import { ProxyMetrics } from './metrics.js';
import type { CredentialSource, ProxyOutcome, ProxyRequest } from './types.js';
import { upstreamFailure } from './wire.js';

// Wires the pure pieces together with the agent's defaults. The adapter calls `handle` per request
// and `renewDue` from its one-minute janitor.

export interface ProxyCoreOptions {
  source: CredentialSource;
  /** Epoch ms. */
  clock: () => number;
  hostMode?: HostMode;
  /** false disables the 1000/s (burst 500) limiter; only benchmarks do that. */
  rateLimit?: { perSecond: number; burst: number } | false;
  cacheSize?: number;
  maxRetentionMs?: number;
  random?: () => number;
}

export interface ProxyCore {
  handle(request: ProxyRequest): ProxyOutcome | Promise<ProxyOutcome>;
  renewDue(): Promise<number>;
  metrics: ProxyMetrics;
  cache: CredentialCache<CachedCredentials>;
}

export const errorCode = (error: unknown): string | undefined => upstreamFailure(error).code;

export function createProxyCore(options: ProxyCoreOptions): ProxyCore {
  const metrics = new ProxyMetrics();
  const cache = new CredentialCache<CachedCredentials>({
    now: options.clock,
    expiresAt: (value) => value.expiresAtMs,
    maxSize: options.cacheSize,
    maxRetentionMs: options.maxRetentionMs,
    errorCode,
    random: options.random,
    onEvent: (event) => metrics.cacheEvent(event),
  });
  const rate = options.rateLimit === undefined ? { perSecond: 1000, burst: 500 } : options.rateLimit;
  const deps: HandlerDeps = {
    source: options.source,
    cache,
    clock: options.clock,
    limiter: rate ? tokenBucket(rate.perSecond, rate.burst) : null,
    hostMode: options.hostMode ?? 'loopback',
    metrics,
    tokenMemo: new Map<string, ParseResult>(),
    hostMemo: new Map<string, string | undefined>(),
  };
  return { handle: (request) => handleRequest(request, deps), renewDue: () => cache.renewDue(), metrics, cache };
}
