import type { PolicyDocument } from '../iam/types.js';
import type { Association, Cluster, Role } from '../model.js';
import type { TokenClaims } from './types.js';

// The role session EKS creates for a pod: its name, the six session tags, the request context
// the trust policy sees, lifetimes, and a packed-size estimate. Pure.

/** Credential lifetimes (agent-protocol.md §1.5, policies.md §2): 6 h, or 59 min with a target role. */
export const LIFETIME_SECONDS = { direct: 6 * 3600, targetRole: 59 * 60 } as const;
/** STS limit on role session names. */
export const MAX_SESSION_NAME = 64;
/** STS limit on the plaintext of a session policy (policies.md §5). */
export const MAX_SESSION_POLICY_CHARS = 2048;

/** `eks-<cluster>-<pod>-<uuid>`, cut to 64 characters as STS session names are. */
export function sessionName(clusterName: string, podName: string, sessionId: string): string {
  return `eks-${clusterName}-${podName}-${sessionId}`.slice(0, MAX_SESSION_NAME);
}

/** The six tags EKS passes to STS (policies.md §1.3); none with disableSessionTags. */
export function sessionTags(cluster: Cluster, association: Association, claims: TokenClaims): Record<string, string> {
  if (association.disableSessionTags) return {};
  return {
    'eks-cluster-arn': cluster.arn,
    'eks-cluster-name': cluster.name,
    'kubernetes-namespace': association.namespace,
    'kubernetes-service-account': association.serviceAccount,
    'kubernetes-pod-name': claims.pod?.name ?? '',
    'kubernetes-pod-uid': claims.pod?.uid ?? '',
  };
}

/** The keys of the six session tags EKS sets (UG pod-id-abac); a caller cannot set or change them. */
export const SESSION_TAG_KEYS = ['eks-cluster-arn', 'eks-cluster-name', 'kubernetes-namespace', 'kubernetes-service-account', 'kubernetes-pod-name', 'kubernetes-pod-uid'] as const;

/**
 * Request-context keys that would stand in for one of the six session tags
 * (aws:PrincipalTag/<tag>, aws:RequestTag/<tag>; condition keys and tag keys are case-insensitive).
 */
export function sessionTagContextKeys(context: Record<string, unknown>): string[] {
  const reserved = new Set(SESSION_TAG_KEYS.flatMap((tag) => [`aws:principaltag/${tag}`, `aws:requesttag/${tag}`]));
  return Object.keys(context).filter((key) => reserved.has(key.trim().toLowerCase()));
}

/** aws:RequestTag/* and aws:TagKeys for a request that passes `tags` (nothing when there are none). */
export function requestTagContext(tags: Record<string, string>): Record<string, string | string[]> {
  const keys = Object.keys(tags);
  if (!keys.length) return {};
  const ctx: Record<string, string | string[]> = { 'aws:TagKeys': keys };
  for (const [k, v] of Object.entries(tags)) ctx[`aws:RequestTag/${k}`] = v;
  return ctx;
}

/**
 * Principal tags of a role session: the role's own tags, overridden by session tags with the same
 * key (tag keys are case-insensitive; the session tag wins — policies.md §3.1).
 */
export function principalTags(role: Pick<Role, 'tags'>, session: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const sessionKeys = new Set(Object.keys(session).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(role.tags)) if (!sessionKeys.has(k.toLowerCase())) out[k] = v;
  return { ...out, ...session };
}

export function principalTagContext(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v]));
}

/** The association's session policy, parsed; a problem when it is not a JSON policy. */
export function parseSessionPolicy(text: string | undefined): { policy?: PolicyDocument; problem?: string } {
  if (text === undefined || text === '') return {};
  try {
    const value = JSON.parse(text) as PolicyDocument;
    if (typeof value !== 'object' || value === null || value.Statement === undefined) return { problem: 'the session policy has no Statement' };
    return { policy: value };
  } catch (error) {
    return { problem: `the session policy is not JSON: ${(error as Error).message}` };
  }
}

/**
 * Packed-size estimate, podid's own heuristic (STS does not publish its packing): the characters of
 * the session tags (keys + values) plus the minified session policy, divided by 346. The divisor is
 * calibrated so a typical cluster's six EKS tags (~256 characters) come to the ~74 % one user
 * measured (policies.md §5). Above 90 % podid warns; STS's own error is PackedPolicyTooLarge.
 */
export const PACKED_DIVISOR = 346;
export const PACKED_WARN_PERCENT = 90;

export function packedPercent(tags: Record<string, string>, sessionPolicy?: PolicyDocument): number {
  const tagChars = Object.entries(tags).reduce((n, [k, v]) => n + k.length + v.length, 0);
  const policyChars = sessionPolicy ? JSON.stringify(sessionPolicy).length : 0;
  return Math.round(((tagChars + policyChars) / PACKED_DIVISOR) * 100);
}

/** Warnings about the session itself: size of tags + session policy, policy without disableSessionTags. */
export function sessionWarnings(association: Association, tags: Record<string, string>, policy: PolicyDocument | undefined): string[] {
  const warnings: string[] = [];
  const percent = packedPercent(tags, policy);
  if (percent > PACKED_WARN_PERCENT) {
    warnings.push(`session tags and session policy are large: about ${percent}% of STS's packed-size limit by podid's estimate; STS fails with PackedPolicyTooLarge above 100% (set disableSessionTags or shorten the policy)`);
  }
  if (association.policy && association.policy.replace(/\s/g, '').length > MAX_SESSION_POLICY_CHARS) {
    warnings.push(`the session policy is over ${MAX_SESSION_POLICY_CHARS} characters, STS's limit for session policies`);
  }
  if (association.policy && !association.disableSessionTags) warnings.push('the association has a session policy but session tags enabled; EKS requires disableSessionTags with a session policy');
  return warnings;
}
