import type { EksAuthErrorCode } from '../ports.js';

// Which condition gives which EKS Auth error. AWS documents the error shapes and their HTTP
// status (agent-protocol.md §3.4) but NOT which real-world condition produces which error; §7 of
// that file marks the mapping UNCONFIRMED. This is podid's best reading:
//   malformed token, bad signature, wrong audience/issuer/subject, not yet valid → InvalidTokenException
//   expired token                                                                → ExpiredTokenException
//   no association for the token's (namespace, service account)                  → ResourceNotFoundException
//   role missing, role in another account without targetRoleArn, trust or
//   chaining denied                                                              → AccessDeniedException
//   malformed cluster name                                                       → InvalidParameterException

export const EKS_AUTH_HTTP_STATUS: Record<EksAuthErrorCode, number> = {
  InvalidTokenException: 400,
  ExpiredTokenException: 400,
  AccessDeniedException: 400,
  InvalidRequestException: 400,
  InvalidParameterException: 400,
  ResourceNotFoundException: 404,
  ThrottlingException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

export interface EksAuthError {
  code: EksAuthErrorCode;
  httpStatus: number;
  message: string;
}

export const eksAuthError = (code: EksAuthErrorCode, message: string): EksAuthError => ({ code, httpStatus: EKS_AUTH_HTTP_STATUS[code], message });

/** EKS Auth's `clusterName` path parameter: 1–100 characters, `[0-9A-Za-z][A-Za-z0-9\-_]*`. */
export function checkClusterName(name: string): EksAuthError | undefined {
  if (name.length >= 1 && name.length <= 100 && /^[0-9A-Za-z][A-Za-z0-9\-_]*$/.test(name)) return undefined;
  return eksAuthError('InvalidParameterException', `clusterName ${JSON.stringify(name)} is invalid: it must be 1-100 characters of [0-9A-Za-z-_] starting with a letter or digit`);
}
