import type { PolicyDocument } from '../core/iam/types.js';
import { abacPolicy, lintPolicy, policySize, type AbacParams } from '../core/policy/index.js';
import type { PolicyDeps } from './policy-io.js';

export interface PolicyAbacOptions extends AbacParams {
  template: string;
}

export interface PolicyAbacResult {
  template: string;
  policy: PolicyDocument;
  size: number;
  warnings: string[];
}

/** `podid policy abac`: a permission policy keyed on the EKS session tags. */
export async function policyAbac(opts: PolicyAbacOptions, deps: Pick<PolicyDeps, 'reporter'>): Promise<PolicyAbacResult> {
  const { template, ...params } = opts;
  const policy = abacPolicy(template, params);
  const warnings: string[] = [];
  if (!template.startsWith('s3-') && !params.region && !params.clusterArn) warnings.push('no --region (or --cluster-arn): the resources match every region');
  // A generated template must be clean; a finding here is a bug in the template.
  for (const f of lintPolicy(policy, { kind: 'permissions' })) warnings.push(`${f.ruleId}: ${f.message}`);
  for (const w of warnings) deps.reporter.warn(w);
  return { template, policy, size: policySize(policy), warnings };
}
