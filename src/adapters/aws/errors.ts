import { PodidError, RemoteError, UserError, type DomainErrorKind } from '../../core/errors.js';
import type { Reporter } from '../../core/reporter.js';

// SDK exceptions → RemoteError (core/errors.ts), keeping service, operation, code, request id and
// HTTP status. Errors that are not about the remote call (no region, no credentials) become
// UserErrors with a hint; nothing from the SDK reaches the top level unmapped.

interface SdkErrorLike {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

const KIND_BY_CODE: [RegExp, DomainErrorKind][] = [
  [/^(NoSuchEntity|ResourceNotFound|NotFound|NoSuch)/, 'not-found'],
  [/^(AccessDenied|UnauthorizedOperation|Unauthorized|NotAuthorized|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|InvalidSignature|ExpiredToken|MissingAuthenticationToken)/, 'access-denied'],
  [/^(Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|PriorRequestNotComplete)/, 'throttled'],
  [/^(ResourceInUse|EntityAlreadyExists|DeleteConflict|ConcurrentModification|Conflict)/, 'conflict'],
  [/^(InvalidParameter|InvalidRequest|InvalidInput|MalformedPolicyDocument|ValidationError|Validation|PackedPolicyTooLarge|LimitExceeded|ResourceLimitExceeded|UnmodifiableEntity|InvalidToken|InvalidAuthorizationMessage)/, 'invalid'],
  [/^(ServiceUnavailable|InternalServer|InternalFailure|ServiceFailure|ServerException|ServerError|Unavailable)/, 'unavailable'],
];

export function kindOfCode(code: string | undefined, httpStatus?: number): DomainErrorKind {
  if (code) for (const [pattern, kind] of KIND_BY_CODE) if (pattern.test(code)) return kind;
  if (httpStatus === 404) return 'not-found';
  if (httpStatus === 401 || httpStatus === 403) return 'access-denied';
  if (httpStatus === 409) return 'conflict';
  if (httpStatus === 429) return 'throttled';
  if (httpStatus !== undefined && httpStatus >= 500) return 'unavailable';
  if (httpStatus !== undefined && httpStatus >= 400) return 'invalid';
  return 'unknown';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** True when the error is a failure to reach the endpoint at all (no HTTP response). */
export function isNetworkError(error: unknown): boolean {
  const e = error as { code?: string; name?: string; cause?: { code?: string } } | undefined;
  if (!e) return false;
  return NETWORK_CODES.has(e.code ?? '') || NETWORK_CODES.has(e.cause?.code ?? '') || e.name === 'TimeoutError' || e.name === 'RequestTimeout';
}

/**
 * The error for a failed call. `service` is the short name ('eks', 'iam', 'sts'), `operation` the
 * API operation ('GetRole').
 */
export function toRemoteError(error: unknown, service: string, operation: string): Error {
  if (error instanceof PodidError) return error;
  const e = (error ?? {}) as SdkErrorLike;
  const name = e.name ?? '';
  const message = (e.message ?? String(error)).trim();
  const httpStatus = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const headers = e.$response?.headers ?? {};
  const requestId = e.$metadata?.requestId ?? headers['x-amzn-requestid'] ?? headers['x-amz-request-id'];

  if (/Region is missing|Invalid region/i.test(message) && httpStatus === undefined) {
    return new UserError(`no AWS region configured for ${service.toUpperCase()}`, { hint: 'Pass --region, or set AWS_REGION (or a region in your AWS profile).', cause: error });
  }
  if (httpStatus === undefined && (name === 'CredentialsProviderError' || /Could not load credentials|SSO session.*(expired|invalid)/i.test(message))) {
    return new UserError(`no usable AWS credentials: ${firstLine(message)}`, {
      hint: 'Set AWS_PROFILE or pass --profile (run `aws sso login` for SSO profiles), or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.',
      cause: error,
    });
  }
  if (httpStatus === undefined && isNetworkError(error)) {
    return new RemoteError(`could not reach the ${service.toUpperCase()} endpoint: ${firstLine(message)}`, {
      kind: 'unavailable', service, operation, code: (error as { code?: string }).code ?? name, hint: 'Check the network, the region and any AWS_ENDPOINT_URL_* override.', cause: error,
    });
  }

  // A response the SDK could not parse (HTML, empty body): the endpoint is not an AWS API for this
  // operation — e.g. moto, which answers operations it lacks with Flask's HTML 404 (or a 500).
  // It carries no modeled `$fault`, so it is never mistaken for a ResourceNotFoundException.
  const contentType = headers['content-type'] ?? '';
  const unparsed = !e.$fault && (name === 'SyntaxError' || /Deserialization error|XML parse error|not valid JSON/i.test(message) || /text\/html/i.test(contentType));
  if (unparsed && httpStatus !== undefined) {
    const lacks = httpStatus === 404 || httpStatus === 405 || httpStatus === 501 || (httpStatus === 500 && /text\/html/i.test(contentType));
    return new RemoteError(
      lacks
        ? `the ${service.toUpperCase()} endpoint does not support ${operation} (HTTP ${httpStatus} with a non-AWS ${contentType.split(';')[0] || 'response'} body)`
        : `the ${service.toUpperCase()} endpoint returned an unreadable HTTP ${httpStatus} response to ${operation}`,
      {
        kind: httpStatus >= 500 || lacks ? 'unavailable' : 'unknown',
        service,
        operation,
        requestId,
        httpStatus,
        hint: lacks ? 'Is AWS_ENDPOINT_URL_* pointing at an emulator (such as moto) that lacks this operation?' : undefined,
        cause: error,
      },
    );
  }

  const code = e.Code ?? (typeof e.code === 'string' ? e.code : undefined) ?? (name && name !== 'Error' ? name : undefined);
  return new RemoteError(message || `${operation} failed`, { kind: kindOfCode(code, httpStatus), service, operation, code, requestId, httpStatus, cause: error });
}

const firstLine = (text: string) => text.split('\n')[0];

/** Runs one SDK call, mapping its failure; logs the operation and timing at debug level. */
export async function call<T>(reporter: Reporter, service: string, operation: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    const result = await run();
    reporter.debug(`aws ${service} ${operation} ok (${Date.now() - started} ms)`);
    return result;
  } catch (error) {
    const mapped = toRemoteError(error, service, operation);
    const detail = mapped instanceof RemoteError ? ` ${mapped.kind}${mapped.code ? ` ${mapped.code}` : ''}${mapped.requestId ? ` request id ${mapped.requestId}` : ''}` : '';
    const attempts = (error as SdkErrorLike | undefined)?.$metadata?.attempts;
    reporter.debug(`aws ${service} ${operation} failed (${Date.now() - started} ms${attempts && attempts > 1 ? `, ${attempts} attempts` : ''}):${detail}`);
    throw mapped;
  }
}
