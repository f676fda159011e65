import type { PodIdentityCredentialsResponse } from '../ports.js';

// Shapes of podid's local credential proxy (agent-protocol.md §1): a request as the handler sees
// it, the response it returns, and the source it calls on a cache miss.

export interface ProxyRequest {
  method: string;
  /** The request path without the query string, e.g. "/v1/credentials". */
  path: string;
  /** The raw query string without "?", kept for path-cleaning redirects. */
  query?: string;
  /** Lower-cased header names; only `host` and `authorization` are read. */
  headers: Record<string, string | undefined>;
}

export interface ProxyResponse {
  status: number;
  /** Go's canonical case. Content-Length is included when known; the adapter adds it otherwise. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** What the handler tells the adapter about a request, for the log line and the live view. */
export interface ProxyOutcome extends ProxyResponse {
  /** hit: served from the cache · miss: this request called the source · shared: joined a call in flight. */
  cache?: CacheUse;
  /** Set when the request carried a token (the adapter hashes it; the token itself is never logged). */
  token?: string;
}

export type CacheUse = 'hit' | 'miss' | 'shared';

/** A credential source: EKS Auth (real or local) or STS. Throws on failure (see upstream.ts). */
export type CredentialSource = (token: string) => Promise<PodIdentityCredentialsResponse>;

/** The parts of an upstream failure the agent puts on the wire (`HandleCredentialFetchingError`). */
export interface UpstreamFailure {
  /** HTTP status returned to the client: the upstream status, or 500. */
  status: number;
  /** Present when the failure was an HTTP response (possibly with an empty id); absent otherwise. */
  requestId?: string;
  /** EKS Auth error code, e.g. InvalidTokenException. */
  code?: string;
  message?: string;
  fault?: 'client' | 'server' | 'unknown';
  /** Used only when there is neither a request id nor a code. */
  fallback?: string;
}

/** Thrown by sources that want to control exactly what goes on the wire. */
export class CredentialSourceError extends Error {
  constructor(readonly failure: UpstreamFailure) {
    super(failure.message ?? failure.fallback ?? `upstream error ${failure.status}`);
    this.name = 'CredentialSourceError';
  }
}
