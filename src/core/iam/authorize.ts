// Combining policy types into one decision.
//
// Rules implemented (AWS docs "Policy evaluation logic", "Cross-account policy evaluation logic",
// "Permissions boundaries for IAM entities", "Session policies" in "Policies and permissions in IAM",
// and "How IAM roles differ from resource-based policies" for role trust policies):
//
// 1. An explicit Deny in any evaluated policy (identity, resource/trust, boundary, session) wins.
// 2. Service principal (e.g. pods.eks.amazonaws.com): only the resource/trust policy is consulted;
//    it must allow (identity, boundary and session policies do not apply to a service).
// 3. AWS principal, the "identity path" is: some identity policy allows AND the permissions
//    boundary allows (when one is given) AND the session policies allow (when given).
// 4. No resource policy: allow iff the identity path allows.
// 5. Resource policy, same account (principal account = resource account):
//    - a statement naming the exact principal ARN (or `*`) allows on its own; boundary and session
//      policies do not limit it (a grant to the exact session/user ARN);
//    - a statement naming the role ARN of the calling session ("role-session") allows when the
//      boundary and session policies (if any) allow too;
//    - otherwise allow iff the identity path allows. For a role trust policy (kind 'trust' or an
//      `sts:` action) the trust policy must *also* allow: a role can only be assumed when its trust
//      policy names the caller (directly or via its account); if it names only the account, the
//      caller's identity path must allow as well.
// 6. Resource policy, cross account: the resource policy must allow the principal (directly or via
//    its account) AND the identity path must allow.

import type { AuthorizationInput, AuthorizationResult, Decision, PolicyEvaluation, StatementOutcome } from './types.js';
import { evaluatePolicy } from './evaluate.js';
import { statementLabel } from './explain.js';
import { splitArn } from './match.js';

function combine(name: string, evals: PolicyEvaluation[]): PolicyEvaluation | undefined {
  if (!evals.length) return undefined;
  if (evals.length === 1) return evals[0];
  const deny = evals.find((e) => e.decision === 'deny');
  const allow = evals.find((e) => e.decision === 'allow');
  const pick = deny ?? allow ?? evals[0];
  const statements = evals.flatMap((e) => e.statements);
  const explanation = deny || allow ? pick.explanation : evals.map((e) => e.explanation).join(' ');
  return { decision: pick.decision, decidingStatement: pick.decidingStatement, statements, explanation: explanation || name };
}

/** Decide one request from all the policies that apply to it. */
export function authorize(input: AuthorizationInput): AuthorizationResult {
  const { request } = input;
  const identity = combine('identity', (input.identityPolicies ?? []).map((p) => evaluatePolicy(p, request, 'identity')));
  const session = combine('session', (input.sessionPolicies ?? []).map((p) => evaluatePolicy(p, request, 'session')));
  const boundary = input.permissionsBoundary ? evaluatePolicy(input.permissionsBoundary, request, 'boundary') : undefined;
  const trustLike = request.action.toLowerCase().startsWith('sts:');
  const resource = input.resourcePolicy ? evaluatePolicy(input.resourcePolicy, request, trustLike ? 'trust' : 'resource') : undefined;
  const isService = request.principal.type === 'service';

  const result = (decision: Decision, explanation: string, decidingStatement?: StatementOutcome): AuthorizationResult => {
    const r: AuthorizationResult = { decision, explanation };
    if (identity && !isService) r.identity = identity;
    if (resource) r.resource = resource;
    if (boundary && !isService) r.boundary = boundary;
    if (session && !isService) r.session = session;
    if (decidingStatement) r.decidingStatement = decidingStatement;
    return r;
  };

  // 1. explicit deny anywhere
  const consulted: [string, PolicyEvaluation | undefined][] = isService
    ? [['resource', resource]]
    : [['identity', identity], ['resource', resource], ['boundary', boundary], ['session', session]];
  for (const [kind, e] of consulted) {
    if (e?.decision === 'deny') return result('deny', `Explicit deny (${kind} policy): ${e.explanation}`, e.decidingStatement);
  }

  // 2. service principal
  if (isService) {
    if (resource?.decision === 'allow') return result('allow', `Allowed: the ${resource.decidingStatement ? statementLabel(resource.decidingStatement) : 'resource policy'} allows service ${request.principal.type === 'service' ? request.principal.service : ''}.`, resource.decidingStatement);
    return result('implicit-deny', resource ? `Denied: the trust/resource policy does not allow the service principal. ${resource.explanation}` : 'Denied: a service principal needs a resource or trust policy that allows it; none was given.');
  }

  const principalAccount = request.principal.type === 'aws' ? request.principal.accountId : '';
  const resourceAccount = input.resourceAccountId ?? (splitArn(request.resource)?.[4] || principalAccount);
  const sameAccount = principalAccount === resourceAccount;

  // 3. identity path
  const identityAllows = identity?.decision === 'allow';
  const boundaryAllows = !boundary || boundary.decision === 'allow';
  const sessionAllows = !session || session.decision === 'allow';
  const identityPath = identityAllows && boundaryAllows && sessionAllows;
  const identityWhy = (): string => {
    if (!identity) return 'no identity policy allows it (none given)';
    if (!identityAllows) return `the identity policies do not allow it. ${identity.explanation}`;
    if (!boundaryAllows) return `the permissions boundary does not allow it. ${boundary?.explanation ?? ''}`;
    return `the session policy does not allow it. ${session?.explanation ?? ''}`;
  };

  // 4. no resource policy
  if (!resource) {
    if (identityPath) return result('allow', `Allowed: ${identity?.explanation ?? ''}`, identity?.decidingStatement);
    return result('implicit-deny', `Implicitly denied: ${identityWhy()}`);
  }

  const grant = resource.statements.filter((s) => s.applies && s.effect === 'Allow');
  const exact = grant.find((s) => s.principalMatch === 'exact');
  const roleSession = grant.find((s) => s.principalMatch === 'role-session');
  const account = grant.find((s) => s.principalMatch === 'account');
  const label = (s: StatementOutcome): string => statementLabel(s);

  if (sameAccount) {
    // 5.
    if (exact) return result('allow', `Allowed: ${label(exact)} names the principal directly.`, exact);
    if (roleSession && boundaryAllows && sessionAllows) return result('allow', `Allowed: ${label(roleSession)} names the caller's role.`, roleSession);
    const trust = resource.kind === 'trust';
    if (trust && !(roleSession || account)) return result('implicit-deny', `Implicitly denied: the role trust policy does not allow this principal. ${resource.explanation}`);
    if (identityPath) return result('allow', `Allowed: ${identity?.explanation ?? ''}${trust && account ? ` and ${label(account)} trusts the account.` : ''}`, identity?.decidingStatement);
    return result('implicit-deny', `Implicitly denied: ${resource.decision === 'allow' ? `${label(resource.decidingStatement as StatementOutcome)} trusts only the account, and ` : 'the resource policy does not allow it, and '}${identityWhy()}`);
  }
  // 6. cross account
  const resourceGrant = exact ?? roleSession ?? account;
  if (!resourceGrant) return result('implicit-deny', `Implicitly denied (cross-account): the resource policy of account ${resourceAccount} does not allow the principal. ${resource.explanation}`);
  if (!identityPath) return result('implicit-deny', `Implicitly denied (cross-account): ${label(resourceGrant)} allows it, but ${identityWhy()}`);
  return result('allow', `Allowed (cross-account): ${label(resourceGrant)} and ${identity?.explanation ?? ''}`, resourceGrant);
}
