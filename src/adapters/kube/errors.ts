import { RemoteError, UserError, type DomainErrorKind } from '../../core/errors.js';

// Turns what @kubernetes/client-node 1.x throws into podid's error taxonomy:
// - ApiException {code, body (the Status JSON as text), headers} for HTTP errors;
// - node-fetch FetchError {code: 'ECONNREFUSED' | 'ENOTFOUND' | …} when the server can't be reached;
// - a plain Error (the plugin's stderr) or a spawn error when a kubeconfig exec plugin fails.

const KIND_BY_STATUS: Record<number, DomainErrorKind> = {
  400: 'invalid',
  401: 'access-denied',
  403: 'access-denied',
  404: 'not-found',
  409: 'conflict',
  410: 'conflict',
  415: 'invalid',
  422: 'invalid',
  429: 'throttled',
  500: 'unknown',
  503: 'unavailable',
  504: 'unavailable',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

export interface ErrorContext {
  operation: string;
  server: string;
  /** The current user's exec plugin command, if the kubeconfig uses one. */
  execCommand?: string;
}

function parseStatus(body: unknown): KubeStatus | undefined {
  if (body && typeof body === 'object') return body as KubeStatus;
  if (typeof body !== 'string' || body.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as KubeStatus) : undefined;
  } catch {
    return { message: body.trim().slice(0, 200) };
  }
}

const errorCode = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; errno?: unknown; cause?: { code?: unknown } };
  for (const code of [e?.code, e?.errno, e?.cause?.code]) if (typeof code === 'string') return code;
  return undefined;
};

export function toKubeError(error: unknown, context: ErrorContext): Error {
  if (error instanceof RemoteError || error instanceof UserError) return error;
  const e = error as { name?: string; code?: unknown; body?: unknown; headers?: Record<string, string>; message?: string; syscall?: string };
  // ApiException: numeric code + headers.
  if (typeof e?.code === 'number' && e.headers !== undefined) {
    const status = parseStatus(e.body);
    const httpStatus = e.code;
    const kind = KIND_BY_STATUS[httpStatus] ?? (httpStatus >= 500 ? 'unavailable' : 'unknown');
    const reason = status?.reason ?? (httpStatus === 401 ? 'Unauthorized' : undefined);
    const message = status?.message || `${context.operation} failed with HTTP ${httpStatus}${reason ? ` (${reason})` : ''}`;
    const hint =
      httpStatus === 401
        ? 'The cluster did not accept the kubeconfig credentials; refresh them (for EKS: aws eks update-kubeconfig).'
        : httpStatus === 403
          ? 'Your Kubernetes identity lacks RBAC permission for this call (check your EKS access entry or aws-auth mapping).'
          : undefined;
    return new RemoteError(message, {
      kind,
      service: 'kubernetes',
      operation: context.operation,
      code: reason,
      httpStatus,
      requestId: e.headers?.['audit-id'],
      hint,
      cause: error,
    });
  }
  const code = errorCode(error);
  if (e?.name === 'FetchError' || (code && NETWORK_CODES.has(code))) {
    const reason = code && NETWORK_CODES.has(code) ? code : String(e?.message ?? error);
    return new RemoteError(`cannot reach the Kubernetes API server at ${context.server}: ${reason}`, {
      kind: 'unavailable',
      service: 'kubernetes',
      operation: context.operation,
      code,
      hint: 'Check that the cluster endpoint is reachable from here and that --context/--kubeconfig point at the right cluster.',
      cause: error,
    });
  }
  if (context.execCommand) {
    const detail = String(e?.message ?? error).trim() || 'no output';
    return new UserError(`the kubeconfig credential plugin "${context.execCommand}" failed: ${detail}`, {
      hint: 'Run the plugin by hand to see why (for EKS: aws eks get-token --cluster-name NAME); check your AWS credentials.',
      cause: error,
    });
  }
  return new RemoteError(`${context.operation} failed: ${String(e?.message ?? error)}`, { kind: 'unknown', service: 'kubernetes', operation: context.operation, cause: error });
}
