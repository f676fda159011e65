import { authorize } from '../iam/index.js';
import type { NamedPolicy, Request } from '../iam/types.js';
import { boundaryPolicy, identityPolicies } from './chain.js';
import { principalTagContext, principalTags } from './session.js';
import { decidingLabel } from './trust.js';
import type { ExchangeSession } from './types.js';

// What the pod's session may do: the session's role (the target role when chaining) with its
// inline + managed policies, permissions boundary, the association's session policy, and the
// session tags as aws:PrincipalTag/* (a session tag wins over a role tag with the same key).

export interface ActionVerdict {
  action: string;
  resource: string;
  decision: 'allowed' | 'denied';
  /** 'explicit' when a Deny statement decided, 'implicit' when nothing allowed. */
  denial?: 'explicit' | 'implicit';
  /** The deciding statement (allow / explicit deny) or the closest Allow statement (implicit deny). */
  decidedBy?: string;
  explanation: string;
}

/** The global condition keys of a request made with the session's credentials. */
export function sessionContext(session: ExchangeSession): Record<string, string | string[]> {
  return {
    'aws:PrincipalArn': session.role.arn,
    'aws:PrincipalAccount': session.role.accountId,
    'aws:PrincipalType': 'AssumedRole',
    'aws:userid': `${session.role.roleId}:${session.sessionName}`,
    ...principalTagContext(principalTags(session.role, session.sessionTags)),
  };
}

/** Decides one action on one resource for the session; `context` adds or overrides condition keys. */
export function evaluateAction(session: ExchangeSession, action: string, resource = '*', context: Record<string, string | string[]> = {}): ActionVerdict {
  const request: Request = {
    principal: { type: 'aws', arn: session.assumedRoleArn, accountId: session.role.accountId },
    action,
    resource,
    context: { ...sessionContext(session), ...context },
  };
  const sessionPolicies: NamedPolicy[] = session.sessionPolicy ? [{ name: 'session policy of the association', document: session.sessionPolicy }] : [];
  const auth = authorize({ request, identityPolicies: identityPolicies(session.role), permissionsBoundary: boundaryPolicy(session.role), sessionPolicies });
  const verdict: ActionVerdict = { action, resource, decision: auth.decision === 'allow' ? 'allowed' : 'denied', explanation: auth.explanation };
  if (auth.decision !== 'allow') verdict.denial = auth.decision === 'deny' ? 'explicit' : 'implicit';
  const by = decidingLabel(auth, 'identity');
  if (by) verdict.decidedBy = by;
  return verdict;
}
