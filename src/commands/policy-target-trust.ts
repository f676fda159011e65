import { UsageError } from '../core/errors.js';
import type { PolicyDocument } from '../core/iam/types.js';
import { checkTrustSize, requireClusterArn, targetTrustPolicyFor, toWorkload, TRUST_QUOTA_DEFAULT, type SessionTagsMode, type Workload, type WorkloadSpec } from '../core/policy/index.js';
import { loadAssociation, resolveClusterArns, type PolicyDeps } from './policy-io.js';

export interface PolicyTargetTrustOptions {
  sourceRoleArn?: string;
  targetRoleArn?: string;
  workload?: WorkloadSpec;
  sessionTags?: SessionTagsMode;
  externalId?: string;
  /** Association ID or NS/SA: source role, target role, workload, session-tag mode and externalId come from it. */
  association?: string;
  quota?: number;
}

export interface PolicyTargetTrustResult {
  sourceRoleArn: string;
  targetRoleArn: string;
  sessionTags: SessionTagsMode;
  /** Trust policy for the target role. */
  targetTrustPolicy: PolicyDocument;
  /** Permission policy for the source (Pod Identity) role. */
  sourcePermissionPolicy: PolicyDocument;
  size: number;
  quota: number;
  warnings: string[];
}

interface Resolved {
  sourceRoleArn?: string;
  targetRoleArn?: string;
  workload?: Workload;
  sessionTags: SessionTagsMode;
  externalId?: string;
}

async function resolve(opts: PolicyTargetTrustOptions, deps: PolicyDeps): Promise<Resolved> {
  let r: Resolved = { sourceRoleArn: opts.sourceRoleArn, targetRoleArn: opts.targetRoleArn, sessionTags: opts.sessionTags ?? 'on', externalId: opts.externalId };
  if (opts.association) {
    const { association: a, clusterArn } = await loadAssociation(opts.association, deps);
    if (!a.targetRoleArn && !opts.targetRoleArn) throw new UsageError(`association ${a.associationId} (${a.namespace}/${a.serviceAccount}) has no targetRoleArn; pass --target-role-arn`);
    r = {
      sourceRoleArn: opts.sourceRoleArn ?? a.roleArn,
      targetRoleArn: opts.targetRoleArn ?? a.targetRoleArn,
      workload: { clusterArn, namespace: a.namespace, serviceAccount: a.serviceAccount },
      sessionTags: opts.sessionTags ?? (a.disableSessionTags ? 'off' : 'on'),
      externalId: opts.externalId ?? a.externalId,
    };
  } else if (opts.workload) {
    const arns = await resolveClusterArns([opts.workload], deps);
    r.workload = toWorkload(opts.workload, arns.get(opts.workload.cluster) as string);
  }
  return r;
}

/** `podid policy target-trust`: both sides of a targetRoleArn chain (policies.md §2). */
export async function policyTargetTrust(opts: PolicyTargetTrustOptions, deps: PolicyDeps): Promise<PolicyTargetTrustResult> {
  const r = await resolve(opts, deps);
  if (!r.sourceRoleArn) throw new UsageError("missing option '--source-role-arn' (the Pod Identity role) or '--association'");
  if (!r.targetRoleArn) throw new UsageError("missing option '--target-role-arn' or '--association'");
  if (opts.externalId !== undefined && r.sessionTags === 'on') {
    throw new UsageError("option '--external-id' applies only with session tags off: with session tags on, the target trust is keyed on the aws:RequestTag/* session tags and has no sts:ExternalId condition", {
      hint: opts.association ? 'Drop --external-id, or pass --session-tags off if the association has disableSessionTags.' : 'Drop --external-id, or add --session-tags off.',
    });
  }
  if (r.workload && r.sessionTags === 'on') requireClusterArn(r.workload.clusterArn);
  const generated = targetTrustPolicyFor({ sourceRoleArn: r.sourceRoleArn, targetRoleArn: r.targetRoleArn, sessionTags: r.sessionTags, workload: r.workload, externalId: r.externalId });
  for (const w of generated.warnings) deps.reporter.warn(w);
  const quota = opts.quota ?? TRUST_QUOTA_DEFAULT;
  const size = checkTrustSize(generated.targetTrust, quota);
  return {
    sourceRoleArn: r.sourceRoleArn,
    targetRoleArn: r.targetRoleArn,
    sessionTags: r.sessionTags,
    targetTrustPolicy: generated.targetTrust,
    sourcePermissionPolicy: generated.sourcePermissions,
    size: size.size,
    quota,
    warnings: generated.warnings,
  };
}
