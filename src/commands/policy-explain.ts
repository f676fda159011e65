import { UsageError } from '../core/errors.js';
import { closestStatement, evaluatePolicy, whyNot, type Decision, type PolicyKind, type Request } from '../core/iam/index.js';
import { lintReport, parseContext, parsePrincipal, podIdentityContext, toWorkload, type WorkloadSpec } from '../core/policy/index.js';
import { assertValidPolicy, readPolicyFile, resolveClusterArns, type PolicyDeps } from './policy-io.js';

export interface PolicyExplainOptions {
  file: string;
  principal: string;
  action: string;
  resource?: string;
  context?: string[];
  /** Fill the request context the way EKS does for this workload (aws:SourceAccount, aws:RequestTag/*, aws:TagKeys). */
  workload?: WorkloadSpec;
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

const PLACEHOLDER_ROLE = (account: string) => `arn:aws:iam::${account}:role/explained-role`;

/** `podid policy explain`: evaluate one request against one policy and say why. */
export async function policyExplain(opts: PolicyExplainOptions, deps: PolicyDeps): Promise<PolicyExplainResult> {
  const document = await readPolicyFile(opts.file, deps);
  const principal = parsePrincipal(opts.principal);
  const report = lintReport(document, { kind: opts.kind });
  assertValidPolicy(report.findings, opts.file, `podid policy lint ${opts.file}`);
  const shapeKind = report.kind;
  let context: Record<string, string | string[]> = {};
  if (opts.workload) {
    if (!opts.workload.serviceAccount) throw new UsageError("option '--workload' needs CLUSTER:NAMESPACE:SERVICE_ACCOUNT");
    const arns = await resolveClusterArns([opts.workload], deps);
    context = podIdentityContext(toWorkload(opts.workload, arns.get(opts.workload.cluster) as string));
  }
  context = { ...context, ...parseContext(opts.context ?? []) };
  let resource = opts.resource;
  if (!resource) {
    if (shapeKind !== 'trust') throw new UsageError("option '--resource' is required for a permissions policy");
    resource = PLACEHOLDER_ROLE(principal.type === 'aws' ? principal.accountId : String(context['aws:SourceAccount'] ?? '111122223333'));
  }
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
