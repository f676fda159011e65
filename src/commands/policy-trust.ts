import { UserError } from '../core/errors.js';
import type { PolicyDocument } from '../core/iam/types.js';
// Imports name the modules (not core/policy/index.js) so this path loads only what it uses.
import { mergeTrust } from '../core/policy/merge.js';
import { checkTrustSize, raiseTrustQuotaHint, TRUST_QUOTA_DEFAULT } from '../core/policy/size.js';
import { trustStatementsFor } from '../core/policy/trust.js';
import type { SessionTagsMode, TrustScope, WorkloadSpec } from '../core/policy/types.js';
import { toWorkload } from '../core/policy/workload.js';
import { assertValidPolicy, need, readPolicyFile, resolveClusterArns, type PolicyDeps } from './policy-io.js';

export interface PolicyTrustOptions {
  workloads: WorkloadSpec[];
  scope?: TrustScope;
  sessionTags?: SessionTagsMode;
  orgId?: string;
  accountId?: string;
  /** A trust policy file, or a role ARN whose trust policy is read. */
  mergeInto?: string;
  quota?: number;
}

export interface PolicyTrustResult {
  policy: PolicyDocument;
  /** Characters without whitespace, as IAM counts them. */
  size: number;
  quota: number;
  warnings: string[];
  merge?: { from: string; kept: number; added: number; skipped: number };
}

/** `podid policy trust`: the first-hop trust policy for Pod Identity roles. */
export async function policyTrust(opts: PolicyTrustOptions, deps: PolicyDeps): Promise<PolicyTrustResult> {
  const quota = opts.quota ?? TRUST_QUOTA_DEFAULT;
  const scope = opts.scope ?? 'workload';
  const specs = scope === 'org' ? [] : opts.workloads;
  const arns = await resolveClusterArns(specs, deps);
  const workloads = specs.map((s) => toWorkload(s, arns.get(s.cluster) as string));
  const { statements, warnings } = trustStatementsFor(workloads, { scope, sessionTags: opts.sessionTags, orgId: opts.orgId, accountId: opts.accountId });

  const existing = opts.mergeInto ? await readExisting(opts.mergeInto, deps) : undefined;
  const merged = mergeTrust(existing, statements);
  if (existing && existing.Version === undefined) {
    const vars = JSON.stringify(existing.Statement).includes('${');
    warnings.push(
      `${opts.mergeInto} has no Version; the merged policy has "Version": "2012-10-17", under which \${…} in statements is a policy variable, not text` +
        (vars ? ' — and its existing statements use ${…}, so they now mean something else: check them' : ''),
    );
  }
  if (opts.mergeInto && !merged.added.length) warnings.push(`${opts.mergeInto} already has equivalent statements; nothing to add`);
  for (const w of warnings) deps.reporter.warn(w);
  const size = checkTrustSize(merged.policy, quota);
  if (!size.ok) {
    throw new UserError(`the trust policy is ${size.size} characters (without whitespace), over the trust policy quota of ${quota}`, { hint: raiseTrustQuotaHint(quota) });
  }
  const result: PolicyTrustResult = { policy: merged.policy, size: size.size, quota, warnings };
  if (opts.mergeInto) {
    const kept = merged.policy.Statement.length - merged.added.length;
    result.merge = { from: opts.mergeInto, kept, added: merged.added.length, skipped: merged.skipped.length };
  }
  return result;
}

/** Rules whose errors make a document something podid must not merge into: IAM would reject it (or it is no trust policy). */
const REFUSE_MERGE = ['PODID-V001', 'PODID-V003', 'PODID-V005', 'PODID-C005'];

/** The policy to merge into, checked as a trust policy: mergeTrust needs well-formed statements, and IAM would reject the result otherwise. */
async function readExisting(ref: string, deps: PolicyDeps): Promise<PolicyDocument> {
  const isRole = ref.startsWith('arn:');
  const document = isRole ? (await need(deps, 'iam', `--merge-into ${ref}`).getRole(ref)).trustPolicy : await readPolicyFile(ref, deps);
  // Loaded only with --merge-into: the check pulls in the linter.
  const { lintReport } = await import('../core/policy/lint/index.js');
  const { findings } = lintReport(document, { kind: 'trust' });
  if (isRole) {
    assertValidPolicy(findings, `the trust policy of role ${ref}`, `Repair it first (\`podid policy lint --association NS/SA\` lints it for an association of this role), or merge into a file instead.`, REFUSE_MERGE);
  } else {
    assertValidPolicy(findings, ref, `Check it with: podid policy lint --kind trust ${ref}`, REFUSE_MERGE);
  }
  return document;
}
