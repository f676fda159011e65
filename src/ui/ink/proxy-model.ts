import type { RequestEvent } from '../../core/proxy/log.js';

// The proxy live view's data: counters the request path bumps in O(1) (no allocation, no React),
// and a feed that turns them into an immutable snapshot at most every `intervalMs` (and once a
// second for the uptime). The view renders snapshots only, so load on the proxy never becomes
// one React render per request.

/** One request as the view shows it (the token only as its sha256 prefix, never the token). */
export type ProxyRow = Omit<RequestEvent, 'error'> & {
  /** Epoch ms when the response was written. */
  at: number;
};

export interface ProxyStats {
  startedAt: number;
  now: number;
  requests: number;
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  cache: { hit: number; miss: number; shared: number };
  /** Failed source calls by EKS Auth / STS error code (or HTTP status), most frequent first. */
  upstreamErrors: [code: string, count: number][];
  lastError?: { at: number; status: number; message: string };
  /** The last requests, oldest first. */
  rows: ProxyRow[];
  /** Reporter lines that arrived while the view was up (newest last). */
  notices: string[];
}

export const ROWS = 8;
const NOTICES = 3;

/** Aggregates request events; `record` is O(1) and keeps the event objects by reference. */
export class ProxyCounters {
  private requests = 0;
  private readonly status = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  private readonly cache = { hit: 0, miss: 0, shared: 0 };
  private readonly upstream = new Map<string, number>();
  private lastError?: ProxyStats['lastError'];
  private readonly ring: (RequestEvent | undefined)[];
  private readonly ringAt: number[];
  private next = 0;
  private notices: string[] = [];

  constructor(
    readonly startedAt: number,
    private readonly rows = ROWS,
  ) {
    this.ring = new Array(rows).fill(undefined);
    this.ringAt = new Array(rows).fill(0);
  }

  record(event: RequestEvent, at: number): void {
    this.requests++;
    const s = event.status;
    if (s >= 500) this.status['5xx']++;
    else if (s >= 400) this.status['4xx']++;
    else if (s >= 300) this.status['3xx']++;
    else if (s >= 200) this.status['2xx']++;
    if (event.cache) this.cache[event.cache]++;
    if (s >= 400 && event.error !== undefined) {
      this.lastError = { at, status: s, message: event.error };
      // The handler marks only source calls with a cache use, so a failed one is an upstream error.
      if (event.cache) {
        const code = upstreamCode(event.error, s);
        this.upstream.set(code, (this.upstream.get(code) ?? 0) + 1);
      }
    }
    this.ring[this.next] = event;
    this.ringAt[this.next] = at;
    this.next = (this.next + 1) % this.rows;
  }

  notice(message: string): void {
    this.notices = [...this.notices, message].slice(-NOTICES);
  }

  snapshot(now: number): ProxyStats {
    const rows: ProxyRow[] = [];
    for (let i = 0; i < this.rows; i++) {
      const slot = (this.next + i) % this.rows;
      const e = this.ring[slot];
      if (e) rows.push({ at: this.ringAt[slot], method: e.method, path: e.path, status: e.status, durationMs: e.durationMs, cache: e.cache, tokenHash: e.tokenHash });
    }
    return {
      startedAt: this.startedAt,
      now,
      requests: this.requests,
      status: { ...this.status },
      cache: { ...this.cache },
      upstreamErrors: [...this.upstream].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      rows,
      notices: this.notices,
    };
  }
}

/** The code in the agent's error body "[id]: (Code): message, fault: …", else the HTTP status. */
export function upstreamCode(error: string, status: number): string {
  const match = /\(([A-Za-z][\w.]*)\): /.exec(error);
  return match ? match[1] : String(status);
}

export interface FeedOptions {
  now?: () => number;
  /** The least time between two snapshots (default 100 ms: at most ~10 view updates a second). */
  intervalMs?: number;
  /** A snapshot at least this often while someone listens, for the uptime (default 1 s). */
  tickMs?: number;
  rows?: number;
}

/** Counters plus a throttled snapshot for `useSyncExternalStore`. */
export class ProxyFeed {
  private readonly counters: ProxyCounters;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly tickMs: number;
  private readonly listeners = new Set<() => void>();
  private current: ProxyStats;
  private lastFlush = -Infinity;
  private timer?: ReturnType<typeof setTimeout>;
  private ticker?: ReturnType<typeof setInterval>;

  constructor(options: FeedOptions = {}) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? 100;
    this.tickMs = options.tickMs ?? 1000;
    this.counters = new ProxyCounters(this.now(), options.rows);
    this.current = this.counters.snapshot(this.now());
  }

  /** The proxy's onRequest hook: counts and schedules one snapshot, never renders. */
  record = (event: RequestEvent): void => {
    this.counters.record(event, this.now());
    this.schedule();
  };

  notice = (message: string): void => {
    this.counters.notice(message);
    this.schedule();
  };

  getSnapshot = (): ProxyStats => this.current;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    this.ticker ??= unref(setInterval(() => this.timer === undefined && this.flush(), this.tickMs));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  /** Takes a snapshot now (before the view unmounts, so its last frame is up to date). */
  flush = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    this.lastFlush = now;
    this.current = this.counters.snapshot(now);
    for (const listener of this.listeners) listener();
  };

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.ticker) clearInterval(this.ticker);
    this.timer = this.ticker = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.now());
    this.timer = unref(setTimeout(this.flush, wait));
  }
}

function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
