import { authorize } from '../iam/index.js';
import type { AuthorizationResult, NamedPolicy, Request } from '../iam/types.js';
import type { Association, Role } from '../model.js';
import { decidingLabel, trustPolicyName, type HopVerdict } from './trust.js';
import { principalTagContext, principalTags, requestTagContext } from './session.js';

// The second hop with a targetRoleArn (policies.md §2): the Pod Identity role's session calls
// sts:AssumeRole (+ sts:TagSession when tags are on) on the target role. Both sides must allow:
// the source role's identity policies (and boundary) on the target ARN, and the target's trust
// policy for principal = the source session, aws:PrincipalArn = the source role,
// sts:ExternalId = the association's externalId.

/** Identity policies of a role as the evaluator takes them; managed policies without a document are skipped. */
export function identityPolicies(role: Role): NamedPolicy[] {
  return [
    ...role.inlinePolicies.map((p) => ({ name: `inline policy ${p.name} of role/${role.name}`, document: p.document })),
    ...role.attachedPolicies.filter((p) => p.document).map((p) => ({ name: `managed policy ${p.name}`, document: p.document! })),
  ];
}

export function boundaryPolicy(role: Role): NamedPolicy | undefined {
  const b = role.permissionsBoundary;
  return b?.document ? { name: `permissions boundary ${b.name}`, document: b.document } : undefined;
}

export interface ChainInput {
  source: Role;
  sourceSessionArn: string;
  /** Undefined when the target role could not be read: its trust is then not evaluated. */
  target?: Role;
  targetArn: string;
  association: Association;
  tags: Record<string, string>;
}

export function chainContext(input: ChainInput): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {
    'aws:PrincipalArn': input.source.arn,
    'aws:PrincipalAccount': input.source.accountId,
    'aws:PrincipalType': 'AssumedRole',
    ...principalTagContext(principalTags(input.source, input.tags)),
    ...requestTagContext(input.tags),
  };
  if (input.association.externalId) ctx['sts:ExternalId'] = input.association.externalId;
  return ctx;
}

function sideText(auth: AuthorizationResult, side: 'identity' | 'resource'): string {
  const e = side === 'identity' ? auth.identity : auth.resource;
  if (!e) return side === 'identity' ? 'no identity policy of the source role was given' : 'not evaluated';
  return e.explanation;
}

export function evaluateChain(input: ChainInput): HopVerdict & { identityAllowed: boolean; trustAllowed?: boolean } {
  const { source, target, targetArn } = input;
  const context = chainContext(input);
  const actions = Object.keys(input.tags).length ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'];
  const results = actions.map((action) => {
    const request: Request = { principal: { type: 'aws', arn: input.sourceSessionArn, accountId: source.accountId }, action, resource: targetArn, context };
    const auth = authorize({
      request,
      identityPolicies: identityPolicies(source),
      permissionsBoundary: boundaryPolicy(source),
      resourcePolicy: target ? { name: trustPolicyName(target), document: target.trustPolicy } : undefined,
      resourceAccountId: target?.accountId ?? targetArn.split(':')[4],
    });
    return { action, auth };
  });
  const identityAllowed = results.every((r) => r.auth.identity?.decision === 'allow');
  const trustAllowed = target ? results.every((r) => r.auth.resource?.decision === 'allow') : undefined;
  const failed = results.find((r) => r.auth.decision !== 'allow');
  if (!failed) {
    const decidedBy = decidingLabel(results[0].auth);
    return { allowed: true, results, decidedBy, identityAllowed, trustAllowed, explanation: `Role ${source.name} may ${actions.join(' and ')} on ${targetArn}${target ? `, and ${trustPolicyName(target)} allows it` : ''}.` };
  }
  const a = failed.auth;
  let why: string;
  let side: 'identity' | 'resource' = 'resource';
  if (a.identity?.decision !== 'allow') {
    side = 'identity';
    why = `the policies of role ${source.name} do not allow ${failed.action} on ${targetArn}. ${sideText(a, 'identity')}`;
  } else if (target && a.resource?.decision !== 'allow') {
    why = `${trustPolicyName(target)} does not allow ${failed.action} from ${input.sourceSessionArn}. ${sideText(a, 'resource')}`;
  } else why = a.explanation;
  const tagHint = failed.action === 'sts:TagSession' ? ' EKS passes the session tags on to the target role, so sts:TagSession must be allowed on both sides.' : '';
  return { allowed: false, results, decidedBy: decidingLabel(a, side), identityAllowed, trustAllowed, explanation: `Chaining to the target role is denied: ${why}${tagHint}` };
}
