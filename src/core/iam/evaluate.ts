// Evaluation of one policy document against one request. AWS doc: "Policy evaluation logic"
// (an explicit Deny in a policy overrides any Allow; no matching statement = implicit deny).

import type { NamedPolicy, PolicyEvaluation, PolicyKind, Request, Statement, StatementOutcome } from './types.js';
import { actionMatches, matchPieces, splitArn, wildcardMatch } from './match.js';
import { evaluateConditions } from './conditions.js';
import { matchPrincipal, describePrincipal, type PrincipalMatch } from './principal.js';
import { type ContextLookup, contextLookup, resolveValue } from './variables.js';
import { explainPolicy } from './explain.js';

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Evaluate one policy: Deny wins over Allow; otherwise the first applying Allow decides. */
export function evaluatePolicy(policy: NamedPolicy, request: Request, kind: PolicyKind): PolicyEvaluation {
  const ctx = contextLookup(request.context);
  const variables = policy.document.Version === '2012-10-17';
  const statements = list(policy.document.Statement).map((s, i) => evaluateStatement(policy.name, i, s, request, kind, ctx, variables));
  const deny = statements.find((s) => s.applies && s.effect === 'Deny');
  const allow = statements.find((s) => s.applies && s.effect === 'Allow');
  const decidingStatement = deny ?? allow;
  const decision = deny ? 'deny' : allow ? 'allow' : 'implicit-deny';
  const evaluation: PolicyEvaluation = { decision, decidingStatement, statements, explanation: '', kind };
  evaluation.explanation = explainPolicy(policy.name, evaluation, request);
  return evaluation;
}

export function evaluateStatement(
  policyName: string,
  index: number,
  st: Statement,
  request: Request,
  kind: PolicyKind,
  ctx: ContextLookup,
  variables: boolean,
): StatementOutcome {
  const notes: string[] = [];
  const usesPrincipal = kind === 'resource' || kind === 'trust';
  let principalMatch: PrincipalMatch | undefined;
  let principalMatched = true;
  if (usesPrincipal) {
    if (st.Principal !== undefined) principalMatch = matchPrincipal(st.Principal, request.principal);
    else if (st.NotPrincipal !== undefined) principalMatch = matchPrincipal(st.NotPrincipal, request.principal) === 'none' ? 'exact' : 'none';
    else principalMatch = 'none';
    principalMatched = principalMatch !== 'none';
    if (!principalMatched) {
      notes.push(st.NotPrincipal !== undefined && st.Principal === undefined
        ? `principal ${describePrincipal(request.principal)} is excluded by NotPrincipal`
        : `principal ${describePrincipal(request.principal)} is not named in Principal`);
    }
  }

  let actionMatched: boolean;
  if (st.Action !== undefined) {
    actionMatched = list(st.Action).some((a) => actionMatches(a, request.action));
    if (!actionMatched) notes.push(`action ${request.action} is not in Action [${list(st.Action).join(', ')}]`);
  } else if (st.NotAction !== undefined) {
    actionMatched = !list(st.NotAction).some((a) => actionMatches(a, request.action));
    if (!actionMatched) notes.push(`action ${request.action} is excluded by NotAction`);
  } else {
    actionMatched = false;
    notes.push('statement has neither Action nor NotAction');
  }

  let resourceMatched: boolean;
  if (st.Resource !== undefined) {
    const r = list(st.Resource).map((p) => resourceMatches(p, request.resource, ctx, variables));
    resourceMatched = r.some((x) => x.matched);
    if (!resourceMatched) {
      const why = r.filter((x) => x.reason).map((x) => x.reason);
      notes.push(`resource ${request.resource} does not match Resource [${r.map((x) => x.text).join(', ')}]${why.length ? ` (${why.join('; ')})` : ''}`);
    }
  } else if (st.NotResource !== undefined) {
    // An entry with an unresolvable variable makes the element fail ("Variables and tags": "If AWS
    // cannot resolve a variable this might cause the entire statement to be invalid").
    const r = list(st.NotResource).map((p) => resourceMatches(p, request.resource, ctx, variables));
    const broken = r.find((x) => x.unresolved);
    resourceMatched = !broken && !r.some((x) => x.matched);
    if (broken) notes.push(`NotResource ${broken.text} cannot be resolved: ${broken.reason}`);
    else if (!resourceMatched) notes.push(`resource ${request.resource} is excluded by NotResource`);
  } else {
    // Trust and resource policies may omit Resource (the resource is the policy's own resource).
    resourceMatched = usesPrincipal;
    if (!resourceMatched) notes.push('statement has neither Resource nor NotResource');
  }

  const conditions = evaluateConditions(st.Condition, ctx, variables);
  const applies = principalMatched && actionMatched && resourceMatched && conditions.every((c) => c.matched);
  const out: StatementOutcome = {
    policy: policyName,
    index,
    effect: st.Effect,
    applies,
    principalMatched,
    actionMatched,
    resourceMatched,
    conditions,
  };
  if (st.Sid !== undefined) out.sid = st.Sid;
  if (principalMatch !== undefined) out.principalMatch = principalMatch;
  if (notes.length) out.notes = notes;
  return out;
}

interface ResourceResult {
  matched: boolean;
  unresolved?: boolean;
  text: string;
  reason?: string;
}

/**
 * Match one Resource entry. The partition/service/region/account parts are matched one by one
 * (a wildcard never spans a colon there); the resource part (after the fifth colon) may contain
 * policy variables and wildcards. Matching is case-sensitive. An entry with an unresolvable
 * variable matches no resource ("Variables and tags": "Policy variables with no value").
 */
export function resourceMatches(pattern: string, resource: string, ctx: ContextLookup, variables: boolean): ResourceResult {
  if (pattern === '*') return { matched: true, text: pattern };
  let parts = splitArn(pattern);
  if (!parts) {
    const raw = pattern.split(':');
    if (raw[0] !== 'arn' || !/[*?]$/.test(pattern)) return { matched: false, text: pattern, reason: `${pattern} is not a valid ARN` };
    while (raw.length < 6) raw.push('*');
    parts = raw;
  }
  const req = splitArn(resource);
  const res = resolveValue(parts[5], ctx, { wildcards: true, variables });
  const text = [...parts.slice(0, 5), res.text].join(':');
  if (!req) return { matched: !res.unresolved.length && wildcardMatch(text, resource), text };
  // Partition, service, region and account first: a resource outside them is outside the entry
  // whatever the variable would have been.
  for (let i = 0; i < 5; i++) if (!wildcardMatch(parts[i], req[i])) return { matched: false, text };
  if (res.unresolved.length) {
    return { matched: false, unresolved: true, text, reason: `variable ${res.unresolved.map((u) => '${' + u + '}').join(', ')} is not in the request, so ${pattern} matches nothing` };
  }
  return { matched: matchPieces(res.pieces, req[5]), text };
}
