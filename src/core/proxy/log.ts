import type { CacheUse } from './types.js';

// One log line per request (stderr): method, path, status, duration, cache use, short token hash.
// The token itself and the credentials never reach a log line.

export interface RequestEvent {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  cache?: CacheUse;
  /** sha256 of the token, first 12 hex digits. */
  tokenHash?: string;
  /** The first line of an error body (never contains the token or secrets). */
  error?: string;
}

export function formatRequestLog(event: RequestEvent, at: Date): string {
  const fields = [
    at.toISOString(),
    event.method,
    event.path,
    String(event.status),
    `${event.durationMs.toFixed(1)}ms`,
    `cache=${event.cache ?? '-'}`,
    `token=${event.tokenHash ? `sha256:${event.tokenHash}` : '-'}`,
  ];
  return event.error ? `${fields.join(' ')} error=${JSON.stringify(event.error)}` : fields.join(' ');
}
