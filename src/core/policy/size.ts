import type { PolicyDocument } from './types.js';

// IAM counts policy size without whitespace (policies.md §5): the minified JSON length.

/** Default role trust policy quota; adjustable with Service Quotas code L-C07B4B0D (max 8,192). */
export const TRUST_QUOTA_DEFAULT = 2048;
export const TRUST_QUOTA_CODE = 'L-C07B4B0D';
export const TRUST_QUOTA_MAX = 8192;
export const MANAGED_POLICY_MAX = 6144;
export const INLINE_AGGREGATE_MAX = 10240;

/** Characters IAM counts: the document serialised without whitespace. */
export function policySize(doc: unknown): number {
  return JSON.stringify(doc).length;
}

export interface SizeCheck {
  size: number;
  quota: number;
  ok: boolean;
}

export function checkTrustSize(policy: PolicyDocument, quota = TRUST_QUOTA_DEFAULT): SizeCheck {
  const size = policySize(policy);
  return { size, quota, ok: size <= quota };
}

/** How to raise the trust policy quota, for messages. */
export const raiseTrustQuotaHint = (quota: number) =>
  `Request a higher "Role trust policy length" quota (Service Quotas code ${TRUST_QUOTA_CODE}, up to ${TRUST_QUOTA_MAX}): ` +
  `aws service-quotas request-service-quota-increase --service-code iam --quota-code ${TRUST_QUOTA_CODE} --desired-value <N>, ` +
  `then pass --trust-quota <N> (now ${quota}). Or split the workloads across roles, or widen with --scope namespace.`;
