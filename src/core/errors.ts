// The error taxonomy. Data only: src/main.ts decides how each one is shown and which exit code it maps to.

export const EXIT = { ok: 0, failure: 1, usage: 2, pending: 3, interrupted: 130 } as const;

export class PodidError extends Error {
  readonly exitCode: number = EXIT.failure;
  readonly hint?: string;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Something the user can fix: bad input file, unknown cluster, failed precondition. Exit 1. */
export class UserError extends PodidError {}

/** Bad flags or arguments. Exit 2. */
export class UsageError extends PodidError {
  override readonly exitCode: number = EXIT.usage;
}

/** The user interrupted the run (Ctrl-C). Exit 130. */
export class InterruptedError extends PodidError {
  override readonly exitCode: number = EXIT.interrupted;
  constructor() {
    super('interrupted');
  }
}

export type DomainErrorKind = 'not-found' | 'access-denied' | 'throttled' | 'conflict' | 'invalid' | 'unavailable' | 'unknown';

/**
 * A failed call to AWS or Kubernetes, in domain terms. Keeps the service, operation,
 * the remote error code and request id so a user can quote them in a support case.
 */
export class RemoteError extends PodidError {
  readonly kind: DomainErrorKind;
  readonly service: string;
  readonly operation: string;
  readonly code?: string;
  readonly requestId?: string;
  readonly httpStatus?: number;
  constructor(
    message: string,
    details: { kind: DomainErrorKind; service: string; operation: string; code?: string; requestId?: string; httpStatus?: number; hint?: string; cause?: unknown },
  ) {
    super(message, { hint: details.hint, cause: details.cause });
    this.kind = details.kind;
    this.service = details.service;
    this.operation = details.operation;
    this.code = details.code;
    this.requestId = details.requestId;
    this.httpStatus = details.httpStatus;
  }
}

export const isRemoteError = (error: unknown, kind?: DomainErrorKind): error is RemoteError =>
  error instanceof RemoteError && (kind === undefined || error.kind === kind);

export function describeError(error: unknown): { type: string; message: string; hint?: string; [k: string]: unknown } {
  if (error instanceof RemoteError) {
    return {
      type: error.name,
      message: error.message,
      hint: error.hint,
      kind: error.kind,
      service: error.service,
      operation: error.operation,
      code: error.code,
      requestId: error.requestId,
    };
  }
  if (error instanceof PodidError) return { type: error.name, message: error.message, hint: error.hint };
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'InternalError', message };
}
