import type { PodIdentityCredentialsResponse } from '../ports.js';
import type { CredentialCache } from './cache.js';
import { checkHost, type HostMode } from './host.js';
import { parseUnverified, validateBasicClaims, type ParseResult } from './jwt.js';
import type { RateLimiter } from './limiter.js';
import type { ProxyMetrics } from './metrics.js';
import type { CredentialSource, ProxyOutcome, ProxyRequest, ProxyResponse } from './types.js';
import { cleanPath, credentialsBody, credentialsResponse, CREDENTIALS_PATH, movedPermanently, notFound, textError, tooManyRequests, upstreamErrorResponse, upstreamFailure } from './wire.js';

// The request → response function of the proxy, with no sockets: the agent's routing, its checks
// in its order (agent-protocol.md §1.2), then the cache and the source. A cache hit answers
// synchronously (no promise), which keeps the hot path close to a bare server.

export interface CachedCredentials {
  response: PodIdentityCredentialsResponse;
  /** The 200 response, serialised once. */
  ok: ProxyResponse;
  /** The outcome of a cache hit for this token, built once: hits allocate nothing. */
  hit: ProxyOutcome;
  expiresAtMs: number;
}

export interface HandlerDeps {
  source: CredentialSource;
  cache: CredentialCache<CachedCredentials>;
  /** Epoch ms. */
  clock: () => number;
  /** null disables rate limiting (benchmarks only). */
  limiter: RateLimiter | null;
  hostMode: HostMode;
  metrics?: ProxyMetrics;
  /** Parsed tokens and host verdicts by header value, so a cached request does no parsing. */
  tokenMemo?: Map<string, ParseResult>;
  hostMemo?: Map<string, string | undefined>;
}

const MEMO_LIMIT = 4096;

export function handleRequest(request: ProxyRequest, deps: HandlerDeps): ProxyOutcome | Promise<ProxyOutcome> {
  if (request.path !== CREDENTIALS_PATH) {
    if (request.path === '*' && request.query === undefined) return asteriskTarget(request.method);
    const cleaned = cleanPath(request.path);
    if (cleaned !== request.path && request.method !== 'CONNECT') return movedPermanently(request.method, request.query ? `${cleaned}?${request.query}` : cleaned);
    if (cleaned !== CREDENTIALS_PATH || request.method === 'CONNECT') return notFound();
  }
  if (deps.limiter && !deps.limiter.allow(deps.clock())) return tooManyRequests();
  const outcome = credentialRequest(request, deps);
  if (outcome instanceof Promise) return outcome.then((o) => count(o, deps));
  return count(outcome, deps);
}

/**
 * The request target `*`: Go answers `OPTIONS *` itself (globalOptionsHandler: 200, Content-Length
 * 0), and ServeMux refuses any other method with an empty 400 and `Connection: close`.
 */
function asteriskTarget(method: string): ProxyOutcome {
  if (method === 'OPTIONS') return { status: 200, headers: { 'Content-Length': '0' }, body: '' };
  return { status: 400, headers: { Connection: 'close', 'Content-Length': '0' }, body: '' };
}

function count(outcome: ProxyOutcome, deps: HandlerDeps): ProxyOutcome {
  deps.metrics?.response(outcome.status);
  return outcome;
}

function credentialRequest(request: ProxyRequest, deps: HandlerDeps): ProxyOutcome | Promise<ProxyOutcome> {
  const denied = hostVerdict(request.headers.host ?? '', deps);
  if (denied) return textError(403, denied);
  const token = request.headers.authorization ?? '';
  if (token === '') return textError(400, 'Service account token cannot be empty');
  const parsed = parseToken(token, deps.tokenMemo);
  if (!parsed.ok) return { ...textError(400, `Service account token cannot be parsed: ${parsed.error}`), token };
  const invalid = validateBasicClaims(parsed.token, deps.clock());
  if (invalid) return { ...textError(400, `Service account token failed basic claim validations: ${invalid}`), token };
  const hit = deps.cache.peek(token);
  if (hit) return hit.hit;
  return deps.cache.get(token, (t) => fetchCredentials(deps.source, t)).then(
    ({ value, use }): ProxyOutcome => ({ ...value.ok, cache: use, token }),
    (error: unknown): ProxyOutcome => ({ ...upstreamErrorResponse(upstreamFailure(error)), cache: 'miss', token }),
  );
}

function hostVerdict(host: string, deps: HandlerDeps): string | undefined {
  const memo = deps.hostMemo;
  if (memo?.has(host)) return memo.get(host);
  const verdict = checkHost(host, deps.hostMode);
  if (memo) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(host, verdict);
  }
  return verdict;
}

/** Longer tokens (a real one is about 1 KB; headers may reach 1 MiB) are parsed each time, not memoised. */
const MEMO_MAX_TOKEN = 16 * 1024;

function parseToken(token: string, memo: Map<string, ParseResult> | undefined): ParseResult {
  const known = memo?.get(token);
  if (known) return known;
  const parsed = parseUnverified(token);
  if (memo && token.length <= MEMO_MAX_TOKEN) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(token, parsed);
  }
  return parsed;
}

export async function fetchCredentials(source: CredentialSource, token: string): Promise<CachedCredentials> {
  const response = await source(token);
  if (!response?.credentials || !response.assumedRoleUser) {
    throw new Error('error getting credentials to cache: invalid response from server: credentials or assumed role empty');
  }
  const ok = credentialsResponse(credentialsBody(response));
  return { response, ok, hit: { ...ok, cache: 'hit', token }, expiresAtMs: response.credentials.expiration * 1000 };
}
