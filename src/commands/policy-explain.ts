import { UsageError } from '../core/errors.js';
import { requireClusterArn } from '../core/policy/cluster-arn.js';
import { closestStatement, evaluatePolicy, whyNot, type Decision, type PolicyKind, type Request } from '../core/iam/index.js';
import { checkOrgId, lintReport, parseContext, parsePrincipal, podIdentityContext, principalContext, toWorkload, type WorkloadSpec } from '../core/policy/index.js';
import { assertValidPolicy, readPolicyFile, resolveClusterArns, type PolicyDeps } from './policy-io.js';

export interface PolicyExplainOptions {
  file: string;
  principal: string;
  action: string;
  resource?: string;
  context?: string[];
  /** Fill the request context the way EKS does for this workload (aws:SourceAccount, aws:RequestTag/*, aws:TagKeys). */
  workload?: WorkloadSpec;
  /** With --workload: the organization of the cluster account (aws:SourceOrgID; aws:ResourceOrgID too when the role is in that account). */
  orgId?: string;
  kind?: 'trust' | 'permissions' | 'auto';
}

export interface ExplainedStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  applies: boolean;
  /** What kept it from applying, in words (empty when it applies). */
  reasons: string[];
}

export interface PolicyExplainResult {
  file: string;
  kind: 'trust' | 'permissions';
  request: { principal: string; action: string; resource: string; context: Record<string, string | string[]> };
  decision: Decision;
  allowed: boolean;
  explanation: string;
  decidingStatement?: ExplainedStatement;
  /** For an implicit deny: the Allow statement that came closest, and what failed in it. */
  closestStatement?: ExplainedStatement;
  statements: ExplainedStatement[];
}

const PLACEHOLDER_ROLE = (partition: string, account: string) => `arn:${partition}:iam::${account}:role/explained-role`;
/** One request action: service:Name, no wildcards (a policy may use them, a request never does). */
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9]+$/;

function checkAction(action: string): void {
  if (/[*?]/.test(action)) throw new UsageError(`option '--action': '${action}' is a pattern; a request names one action (e.g. s3:GetObject, not s3:Get*)`);
  if (!ACTION.test(action)) throw new UsageError(`option '--action': '${action}' is not an action (service:Action, e.g. sts:AssumeRole)`);
}

/** Later layers win; a key given again in another case replaces the earlier one (key names are case-insensitive). */
function layer(...contexts: Record<string, string | string[]>[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const context of contexts) {
    for (const [key, value] of Object.entries(context)) {
      for (const k of Object.keys(out)) if (k.toLowerCase() === key.toLowerCase()) delete out[k];
      out[key] = value;
    }
  }
  return out;
}

/** `podid policy explain`: evaluate one request against one policy and say why. */
export async function policyExplain(opts: PolicyExplainOptions, deps: PolicyDeps): Promise<PolicyExplainResult> {
  checkAction(opts.action);
  const principal = parsePrincipal(opts.principal);
  const document = await readPolicyFile(opts.file, deps);
  const report = lintReport(document, { kind: opts.kind });
  assertValidPolicy(report.findings, opts.file, `podid policy lint ${opts.file}`);
  const shapeKind = report.kind;
  if (opts.orgId !== undefined) {
    if (!opts.workload) throw new UsageError("option '--org-id' needs '--workload' (it is the organization of the workload's cluster account)");
    checkOrgId(opts.orgId);
  }
  let workloadContext: Record<string, string | string[]> = {};
  let clusterAccount: string | undefined;
  let clusterPartition = 'aws';
  if (opts.workload) {
    if (!opts.workload.serviceAccount) throw new UsageError("option '--workload' needs CLUSTER:NAMESPACE:SERVICE_ACCOUNT");
    const arns = await resolveClusterArns([opts.workload], deps);
    const clusterArn = arns.get(opts.workload.cluster) as string;
    workloadContext = podIdentityContext(toWorkload(opts.workload, clusterArn));
    const parts = requireClusterArn(clusterArn);
    clusterAccount = parts.accountId;
    clusterPartition = parts.partition;
  }
  const explicit = parseContext(opts.context ?? []);
  let resource = opts.resource;
  if (!resource) {
    if (shapeKind !== 'trust') throw new UsageError("option '--resource' is required for a permissions policy");
    const partition = principal.type === 'aws' ? principal.arn.split(':')[1] : clusterPartition;
    resource = PLACEHOLDER_ROLE(partition, principal.type === 'aws' ? principal.accountId : String(explicit['aws:SourceAccount'] ?? clusterAccount ?? '111122223333'));
  }
  const org: Record<string, string> = {};
  if (opts.orgId) {
    org['aws:SourceOrgID'] = opts.orgId;
    // The role is in the cluster's account (a Pod Identity role must be), so in the same organization.
    if (resource.split(':')[4] === clusterAccount) org['aws:ResourceOrgID'] = opts.orgId;
  }
  // Explicit --context wins over everything podid derives.
  const context = layer(principalContext(principal), workloadContext, org, explicit);
  const request: Request = { principal, action: opts.action, resource, context };
  const kind: PolicyKind = shapeKind === 'trust' ? 'trust' : 'identity';
  const evaluation = evaluatePolicy({ name: opts.file, document }, request, kind);
  const statements = evaluation.statements.map((s): ExplainedStatement => {
    const out: ExplainedStatement = { index: s.index, effect: s.effect, applies: s.applies, reasons: s.applies ? [] : whyNot(s) };
    if (s.sid) out.sid = s.sid;
    return out;
  });
  const result: PolicyExplainResult = {
    file: opts.file,
    kind: shapeKind,
    request: { principal: principal.type === 'service' ? principal.service : principal.arn, action: opts.action, resource, context },
    decision: evaluation.decision,
    allowed: evaluation.decision === 'allow',
    explanation: evaluation.explanation,
    statements,
  };
  if (evaluation.decidingStatement) result.decidingStatement = statements[evaluation.decidingStatement.index];
  if (evaluation.decision === 'implicit-deny') {
    const closest = closestStatement(evaluation.statements.filter((s) => s.effect === 'Allow'));
    if (closest) result.closestStatement = statements[closest.index];
  }
  return result;
}
