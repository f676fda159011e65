// Service-account tokens: decode, read claims, check them as EKS Auth would. Pure.
export { MAX_TOKEN_BYTES, base64UrlDecode, base64UrlEncode, decodeJwt, type DecodeResult, type DecodedJwt } from './decode.js';
export { MAX_TOKEN_TTL_SECONDS, MIN_TOKEN_TTL_SECONDS, POD_IDENTITY_AUDIENCE, parseDuration, tokenTtlProblem, parseSubject, projectedTokenPayload, readClaims, subjectOf, tokenSubject, type ProjectedTokenInput, type TokenSubject } from './claims.js';
export { CLOCK_LEEWAY_SECONDS, TOKEN_CHECK_IDS, checkToken, type CheckTokenContext, type SignatureVerdict, type TokenCheckResult, type TokenErrorCode } from './check.js';
export { claimsFromPod, type PodIdentityRef } from './from-pod.js';
export { BINDING_CHECK_ID, PODID_READING, checkBinding, type BoundObjects } from './binding.js';
