// podid's offline AssumeRoleForPodIdentity (simulate, the local EKS Auth port, the proxy's local
// source). Pure: facts in, verdicts out.
export type * from './types.js';
export { exchange, REDACTED, type ExchangeOptions } from './exchange.js';
export { EKS_AUTH_HTTP_STATUS, checkClusterName, eksAuthError, type EksAuthError } from './errors.js';
export { LIFETIME_SECONDS, MAX_SESSION_NAME, MAX_SESSION_POLICY_CHARS, PACKED_DIVISOR, PACKED_WARN_PERCENT, packedPercent, parseSessionPolicy, principalTagContext, principalTags, requestTagContext, SESSION_TAG_KEYS, sessionName, sessionTagContextKeys, sessionTags, sessionWarnings } from './session.js';
export { decidingLabel, evaluateFirstHop, firstHopContext, trustPolicyName, type HopVerdict } from './trust.js';
export { boundaryPolicy, chainContext, evaluateChain, identityPolicies, type ChainInput } from './chain.js';
export { evaluateAction, sessionContext, type ActionVerdict } from './permissions.js';
export { checkPod, type PodProblem, type PodProblemCode, type PodVerdict } from './pod.js';
