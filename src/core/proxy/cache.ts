import type { CacheUse } from './types.js';

// The agent's refreshing cache (agent-protocol.md §1.5): keyed by the raw token; LRU of 2,000;
// served only with more than 15 s left; refreshed after min(ttl, 3 h) by a janitor (`renewDue`,
// which the adapter calls every minute); concurrent misses for one token share one upstream call;
// irrecoverable errors evict. The clock is injected; no timers live here.

export const IRRECOVERABLE_CODES = new Set(['ResourceNotFoundException', 'ExpiredTokenException', 'InvalidTokenException', 'AccessDeniedException']);

export type CacheEvent =
  | { type: 'miss' }
  | { type: 'renewed' }
  | { type: 'evicted' }
  | { type: 'renewal-error'; recoverable: boolean; code: string };

export interface CacheOptions<V> {
  now: () => number;
  /** Expiry of a value, epoch ms. */
  expiresAt: (value: V) => number;
  maxSize?: number;
  maxRetentionMs?: number;
  minTtlMs?: number;
  /** The error code of a failure (EKS Auth code), for eviction and metrics. */
  errorCode?: (error: unknown) => string | undefined;
  random?: () => number;
  onEvent?: (event: CacheEvent) => void;
}

interface Entry<V> {
  value: V;
  expiresAtMs: number;
  refreshAtMs: number;
  fetch: (token: string) => Promise<V>;
}

export class ShortLivedCredentialsError extends Error {
  constructor(secondsLeft: number) {
    super(`error getting credentials to cache: fetched credentials are expired or will expire within the next ${secondsLeft.toFixed(2)} seconds`);
    this.name = 'ShortLivedCredentialsError';
  }
}

export class CredentialCache<V extends object> {
  readonly maxSize: number;
  readonly maxRetentionMs: number;
  readonly minTtlMs: number;
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly renewing = new Set<string>();

  constructor(private readonly options: CacheOptions<V>) {
    this.maxSize = options.maxSize ?? 2000;
    this.maxRetentionMs = options.maxRetentionMs ?? 3 * 3600_000;
    this.minTtlMs = options.minTtlMs ?? 15_000;
  }

  get size() {
    return this.entries.size;
  }

  has(token: string) {
    return this.entries.has(token);
  }

  /** A cached value with more than the minimum life left (a request-path hit), synchronously. */
  peek(token: string): V | undefined {
    const entry = this.entries.get(token);
    if (!entry || entry.expiresAtMs - this.options.now() <= this.minTtlMs) return undefined;
    this.entries.delete(token); // LRU: most recently used last
    this.entries.set(token, entry);
    return entry.value;
  }

  /** A cached value with enough life left, or one upstream call shared by every concurrent caller. */
  async get(token: string, fetch: (token: string) => Promise<V>): Promise<{ value: V; use: CacheUse }> {
    const cached = this.peek(token);
    if (cached !== undefined) return { value: cached, use: 'hit' };
    this.evict(token); // too close to expiry to serve
    const pending = this.inflight.get(token);
    if (pending) return { value: await pending, use: 'shared' };
    this.options.onEvent?.({ type: 'miss' });
    const call = this.fetchAndStore(token, fetch).finally(() => this.inflight.delete(token));
    this.inflight.set(token, call);
    return { value: await call, use: 'miss' };
  }

  private async fetchAndStore(token: string, fetch: (token: string) => Promise<V>): Promise<V> {
    let value: V;
    try {
      value = await fetch(token);
    } catch (error) {
      if (this.irrecoverable(error)) this.evict(token);
      throw error;
    }
    this.store(token, this.entryFor(value, fetch));
    return value;
  }

  /** The entry for a fetched value; credentials with too little life left are refused. */
  private entryFor(value: V, fetch: (token: string) => Promise<V>): Entry<V> {
    const now = this.options.now();
    const ttl = this.options.expiresAt(value) - now;
    if (ttl <= this.minTtlMs) throw new ShortLivedCredentialsError(ttl / 1000);
    return { value, expiresAtMs: now + ttl, refreshAtMs: now + Math.min(ttl, this.maxRetentionMs), fetch };
  }

  private store(token: string, entry: Entry<V>) {
    if (this.maxSize <= 0) return;
    this.entries.delete(token);
    this.entries.set(token, entry);
    while (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next().value as string;
      this.evict(oldest);
    }
  }

  private evict(token: string) {
    if (this.entries.delete(token)) this.options.onEvent?.({ type: 'evicted' });
  }

  private irrecoverable(error: unknown) {
    const code = this.options.errorCode?.(error);
    return code !== undefined && IRRECOVERABLE_CODES.has(code);
  }

  /** The janitor: renews entries past their refresh time, one at a time (the agent allows 3/s). */
  async renewDue(): Promise<number> {
    const now = this.options.now();
    const due = [...this.entries].filter(([token, e]) => e.refreshAtMs <= now && !this.renewing.has(token));
    for (const [token, entry] of due) {
      this.renewing.add(token);
      try {
        await this.renew(token, entry);
      } finally {
        this.renewing.delete(token);
      }
    }
    return due.length;
  }

  private async renew(token: string, entry: Entry<V>) {
    try {
      const renewed = this.entryFor(await entry.fetch(token), entry.fetch);
      if (this.entries.get(token) === entry) this.store(token, renewed);
      this.options.onEvent?.({ type: 'renewed' });
    } catch (error) {
      const recoverable = !this.irrecoverable(error);
      this.options.onEvent?.({ type: 'renewal-error', recoverable, code: this.options.errorCode?.(error) ?? 'Unknown' });
      if (!recoverable) return this.evict(token);
      // Keep the old credentials; retry in 1 min plus 0–1 min of jitter, capped at their life.
      const retryAt = this.options.now() + 60_000 + Math.floor((this.options.random?.() ?? Math.random()) * 60_000);
      entry.refreshAtMs = Math.min(retryAt, entry.expiresAtMs);
    }
  }
}
