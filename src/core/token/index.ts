// Service-account tokens: decode, read claims, check them as EKS Auth would. Pure.
export { MAX_TOKEN_BYTES, base64UrlDecode, base64UrlEncode, decodeJwt, type DecodeResult, type DecodedJwt } from './decode.js';
export { POD_IDENTITY_AUDIENCE, parseDuration, parseSubject, projectedTokenPayload, readClaims, subjectOf, type ProjectedTokenInput } from './claims.js';
export { CLOCK_LEEWAY_SECONDS, TOKEN_CHECK_IDS, checkToken, type CheckTokenContext, type SignatureVerdict, type TokenCheckResult, type TokenErrorCode } from './check.js';
export { claimsFromPod, type PodIdentityRef } from './from-pod.js';
