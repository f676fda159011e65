import { INLINE_AGGREGATE_MAX, MANAGED_POLICY_MAX, policySize, raiseTrustQuotaHint, TRUST_QUOTA_DEFAULT } from '../size.js';
import { RULES } from './catalog.js';
import { finding } from './model.js';
import type { Rule } from './types.js';

// Size quotas (policies.md §5, §8 item 11). IAM does not count whitespace.

export const policySizeRule: Rule = (ctx) => {
  const size = policySize(ctx.document);
  if (ctx.kind === 'trust') {
    const quota = ctx.options.quota ?? TRUST_QUOTA_DEFAULT;
    if (size <= quota) return [];
    return [finding(RULES.policySize, `trust policy is ${size} characters without whitespace, over the trust policy quota of ${quota}`, undefined, { hint: raiseTrustQuotaHint(quota) })];
  }
  if (size > INLINE_AGGREGATE_MAX) {
    return [finding(RULES.policySize, `policy is ${size} characters without whitespace, over the ${INLINE_AGGREGATE_MAX} limit for all inline policies of a role together (and the ${MANAGED_POLICY_MAX} managed-policy limit)`, undefined, { hint: 'Split it into several managed policies.' })];
  }
  if (size > MANAGED_POLICY_MAX) {
    return [finding(RULES.policySize, `policy is ${size} characters without whitespace: too large for a managed policy (${MANAGED_POLICY_MAX}); as inline policy it uses most of the role's ${INLINE_AGGREGATE_MAX}`, undefined, { severity: 'warning' })];
  }
  return [];
};
