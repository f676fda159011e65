import { RemoteError } from '../errors.js';
import type { PodIdentityCredentialsResponse } from '../ports.js';
import { CredentialSourceError, type ProxyResponse, type UpstreamFailure } from './types.js';

// The agent's bytes on the wire (agent-protocol.md §1.3, §1.4): Go's http.Error for failures,
// json.Marshal of the credentials for success.

export const AGENT_HOSTS = ['169.254.170.23', 'fd00:ec2::23'] as const;
export const CREDENTIALS_PATH = '/v1/credentials';

/** Go's `http.Error(w, msg, code)`: text/plain, nosniff, body = msg + "\n". */
export function textError(status: number, message: string): ProxyResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    body: `${message}\n`,
  };
}

export const notFound = (): ProxyResponse => textError(404, '404 page not found');
export const tooManyRequests = (): ProxyResponse => textError(429, 'Too Many Requests');

/** RFC 3339 in UTC with Go's RFC3339Nano rule: fractional seconds only when non-zero, trailing zeros dropped. */
export function formatExpiration(epochSeconds: number): string {
  const iso = new Date(Math.round(epochSeconds * 1000)).toISOString(); // 2026-03-17T21:04:05.120Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

/** The account id the agent parses out of `assumedRoleUser.arn` (field 5 of the ARN). */
export function accountFromArn(arn: string): string {
  const parts = arn.split(':');
  return parts.length >= 6 ? parts[4] : '';
}

/**
 * The success body: compact JSON, fields in the agent's declaration order, `omitempty` on every
 * field, no trailing newline.
 */
export function credentialsBody(response: PodIdentityCredentialsResponse): string {
  const c = response.credentials;
  const out: Record<string, string> = {};
  if (c.accessKeyId) out.AccessKeyId = c.accessKeyId;
  if (c.secretAccessKey) out.SecretAccessKey = c.secretAccessKey;
  if (c.sessionToken) out.Token = c.sessionToken;
  const account = accountFromArn(response.assumedRoleUser.arn);
  if (account) out.AccountId = account;
  if (Number.isFinite(c.expiration)) out.Expiration = formatExpiration(c.expiration);
  return JSON.stringify(out);
}

/** The 200 response, built once per cached credentials (with its Content-Length, as Go sends it). */
export function credentialsResponse(body: string): ProxyResponse {
  return { status: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': String(utf8Length(body)) }, body };
}

/** UTF-8 byte length without Buffer (core is pure). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** EKS Auth's client/server split by status, as smithy reports `ErrorFault()`. */
export const faultFor = (status: number | undefined): 'client' | 'server' | 'unknown' =>
  status === undefined ? 'unknown' : status >= 500 ? 'server' : status >= 400 ? 'client' : 'unknown';

/** Reads any error a source throws into the parts the agent writes. */
export function upstreamFailure(error: unknown): UpstreamFailure {
  if (error instanceof CredentialSourceError) return error.failure;
  if (error instanceof RemoteError) {
    if (!error.httpStatus) return { status: 500, requestId: error.requestId ?? '' };
    return { status: error.httpStatus, requestId: error.requestId ?? '', code: error.code ?? 'UnknownError', message: error.message, fault: faultFor(error.httpStatus) };
  }
  return { status: 500, fallback: error instanceof Error ? error.message : String(error) };
}

/** `HandleCredentialFetchingError`: "[<request id>]: (<code>): <message>, fault: <fault>". */
export function upstreamErrorResponse(failure: UpstreamFailure): ProxyResponse {
  const parts: string[] = [];
  if (failure.requestId !== undefined) parts.push(`[${failure.requestId}]`);
  if (failure.code) parts.push(`(${failure.code}): ${failure.message ?? ''}, fault: ${failure.fault ?? faultFor(failure.status)}`);
  if (parts.length === 0) parts.push(failure.fallback ?? '');
  return textError(failure.status || 500, parts.join(': '));
}

/** The agent's `cleanPath` check: ServeMux redirects "//x", "/./x", "/a/../x" with 301. */
export function cleanPath(path: string): string {
  if (path === '') return '/';
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const cleaned = `/${out.join('/')}`;
  // Go keeps a trailing slash (path.Clean drops it, cleanPath puts it back).
  return path.endsWith('/') && cleaned !== '/' ? `${cleaned}/` : cleaned;
}

/** Go's `http.Redirect(w, r, url, 301)` for a GET/HEAD (HTML body) or another method (no body). */
export function movedPermanently(method: string, location: string): ProxyResponse {
  if (method !== 'GET' && method !== 'HEAD') return { status: 301, headers: { Location: location }, body: '' };
  const escaped = location.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  return { status: 301, headers: { 'Content-Type': 'text/html; charset=utf-8', Location: location }, body: `<a href="${escaped}">Moved Permanently</a>.\n\n` };
}
