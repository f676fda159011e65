// Human explanations: which statement decided, or, for an implicit deny, the closest statement
// and what did not match in it (principal, action, resource, or which condition and why).

import type { ConditionOutcome, PolicyEvaluation, Request, StatementOutcome } from './types.js';

export function statementLabel(s: StatementOutcome): string {
  return `policy "${s.policy}" statement #${s.index}${s.sid ? ` (Sid "${s.sid}")` : ''}`;
}

export function conditionText(c: ConditionOutcome): string {
  return `condition ${c.operator} ${c.key}: ${c.reason ?? 'matched'}`;
}

/** Score how close a statement came to applying: principal/action/resource first, then conditions. */
function closeness(s: StatementOutcome): number {
  const parts = Number(s.principalMatched) + Number(s.actionMatched) + Number(s.resourceMatched);
  const conds = s.conditions.length ? s.conditions.filter((c) => c.matched).length / s.conditions.length : 1;
  return parts * 10 + conds * 5 + (s.effect === 'Allow' ? 1 : 0);
}

/** The Allow statement that came closest to applying (or any statement when there is no Allow). */
export function closestStatement(statements: StatementOutcome[]): StatementOutcome | undefined {
  let best: StatementOutcome | undefined;
  for (const s of statements) {
    if (s.applies) continue;
    if (!best || closeness(s) > closeness(best)) best = s;
  }
  return best;
}

/** What kept a statement from applying, in words. */
export function whyNot(s: StatementOutcome): string[] {
  return [...(s.notes ?? []), ...s.conditions.filter((c) => !c.matched).map(conditionText)];
}

export function explainPolicy(name: string, e: PolicyEvaluation, request: Request): string {
  const d = e.decidingStatement;
  if (e.decision === 'deny' && d) return `Explicitly denied by ${statementLabel(d)}: Deny applies to ${request.action} on ${request.resource}.`;
  if (e.decision === 'allow' && d) return `Allowed by ${statementLabel(d)}.`;
  if (!e.statements.length) return `Implicitly denied: policy "${name}" has no statements.`;
  const closest = closestStatement(e.statements.filter((s) => s.effect === 'Allow')) ?? closestStatement(e.statements);
  if (!closest) return `Implicitly denied: no statement of policy "${name}" allows ${request.action}.`;
  const reasons = whyNot(closest);
  if (closest.effect === 'Deny') return `Implicitly denied: policy "${name}" has no Allow statement for ${request.action}.`;
  return `Implicitly denied: no statement of policy "${name}" allows ${request.action} on ${request.resource}. Closest is ${statementLabel(closest)}: ${reasons.join('; ')}.`;
}
