// Policy generation and lint: public API (pure). `associate`, `migrate-irsa`, `doctor` and `audit`
// import from here.
export * from './types.js';
export { checkOrgId, trustStatementFor, trustStatementsFor, trustPolicyFor, type TrustOptions, type TrustGeneration } from './trust.js';
export { targetTrustPolicyFor, targetTrustStatements, sourceRolePermissionStatement, type TargetTrustInput, type TargetTrustGeneration } from './target-trust.js';
export { abacPolicy, ABAC_TEMPLATES, ABAC_TEMPLATE_NAMES, type AbacParams, type AbacAccess, type AbacLevel } from './abac.js';
export { mergeTrust, canonicalStatement, statementsEquivalent, type MergeResult } from './merge.js';
export { policySize, checkTrustSize, raiseTrustQuotaHint, TRUST_QUOTA_DEFAULT, TRUST_QUOTA_CODE, TRUST_QUOTA_MAX, MANAGED_POLICY_MAX, INLINE_AGGREGATE_MAX, type SizeCheck } from './size.js';
export { parseWorkloadSpec, checkWorkloadSpec, toWorkload, isClusterArn, workloadLabel } from './workload.js';
export { parsePrincipal, parseContext, podIdentityContext, principalContext } from './explain.js';
export { sidFrom, uniqueSid, pascal } from './sid.js';
export { clusterArnParts, requireClusterArn, type ClusterArnParts } from './cluster-arn.js';
export { lintPolicy, lintReport, detectKind, sortFindings, invalidJsonFinding, RULES, RULE_LIST, parsePolicyText, locateStatements, lineColumn } from './lint/index.js';
export { identityPolicyErrors, findingLines } from './lint/identity.js';
export type { Finding, LintAssociation, LintOptions, LintKind, PolicyKindOption, RuleMeta } from './lint/index.js';
