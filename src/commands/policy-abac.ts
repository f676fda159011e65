import type { PolicyDocument } from '../core/iam/types.js';
import { UsageError } from '../core/errors.js';
import { abacPolicy, ABAC_TEMPLATES, lintPolicy, policySize, type AbacParams } from '../core/policy/index.js';
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
  checkUnusedParams(template, params);
  const policy = abacPolicy(template, params);
  const warnings: string[] = [];
  if (!template.startsWith('s3-') && !params.region && !params.clusterArn) warnings.push('no --region (or --cluster-arn): the resources match every region');
  // A generated template must be clean; a finding here is a bug in the template.
  for (const f of lintPolicy(policy, { kind: 'permissions' })) warnings.push(`${f.ruleId}: ${f.message}`);
  for (const w of warnings) deps.reporter.warn(w);
  return { template, policy, size: policySize(policy), warnings };
}

const PARAM_FLAGS = { bucket: '--bucket', table: '--table', account: '--account' } as const;

/** A resource parameter the template does not use would be ignored silently: a usage error naming it. */
function checkUnusedParams(template: string, params: AbacParams): void {
  const t = ABAC_TEMPLATES.find((x) => x.name === template);
  if (!t) return; // abacPolicy reports the unknown template
  for (const [param, flag] of Object.entries(PARAM_FLAGS) as [keyof typeof PARAM_FLAGS, string][]) {
    if (params[param] === undefined || t.needs.includes(param)) continue;
    const takes = t.needs.map((n) => PARAM_FLAGS[n]);
    throw new UsageError(`option '${flag}': template ${template} does not take ${flag} (${takes.length ? `it takes ${takes.join(', ')}` : 'it takes no resource parameter'}${param === 'account' ? '; S3 ARNs have no account' : ''})`);
  }
}
