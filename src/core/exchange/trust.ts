import { authorize, closestStatement, statementLabel } from '../iam/index.js';
import type { AuthorizationResult, NamedPolicy, Request, StatementOutcome } from '../iam/types.js';
import { POD_IDENTITY_PRINCIPAL, type Cluster, type Role } from '../model.js';
import { requestTagContext } from './session.js';

// The first hop: EKS Auth, as pods.eks.amazonaws.com, calls sts:AssumeRole (and sts:TagSession
// when it passes session tags) on the association's role. Evaluated with podid's IAM evaluator.

export interface HopVerdict {
  allowed: boolean;
  /** Per action, what the evaluator decided. */
  results: { action: string; auth: AuthorizationResult }[];
  /** The statement that decided (allow) or came closest (deny). */
  decidedBy?: string;
  explanation: string;
}

export const trustPolicyName = (role: Pick<Role, 'name'>) => `trust policy of role/${role.name}`;

/** The request context EKS sends for the first hop (policies.md §1.3). */
export function firstHopContext(cluster: Cluster, tags: Record<string, string>, organizationId?: string): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = { ...requestTagContext(tags), 'aws:SourceAccount': cluster.accountId };
  if (organizationId) ctx['aws:SourceOrgId'] = organizationId;
  return ctx;
}

/** Which statement decided: the deciding one, else the Allow statement that came closest. */
export function decidingLabel(auth: AuthorizationResult, side: 'resource' | 'identity' = 'resource'): string | undefined {
  const decided = auth.decidingStatement;
  if (decided) return statementLabel(decided);
  const preferred = auth[side]?.statements ?? [];
  const statements = preferred.length ? preferred : [auth.resource, auth.identity].flatMap((e) => e?.statements ?? []);
  const closest = closestStatement(statements.filter((s: StatementOutcome) => s.effect === 'Allow')) ?? closestStatement(statements);
  return closest ? statementLabel(closest) : undefined;
}

export function evaluateFirstHop(role: Role, cluster: Cluster, tags: Record<string, string>, organizationId?: string): HopVerdict {
  const context = firstHopContext(cluster, tags, organizationId);
  const trust: NamedPolicy = { name: trustPolicyName(role), document: role.trustPolicy };
  const actions = Object.keys(tags).length ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'];
  const results = actions.map((action) => {
    const request: Request = { principal: { type: 'service', service: POD_IDENTITY_PRINCIPAL }, action, resource: role.arn, context };
    return { action, auth: authorize({ request, resourcePolicy: trust, resourceAccountId: role.accountId }) };
  });
  const [assume, tag] = results;
  if (assume.auth.decision !== 'allow') {
    return { allowed: false, results, decidedBy: decidingLabel(assume.auth), explanation: `The trust policy of role ${role.name} does not let ${POD_IDENTITY_PRINCIPAL} call sts:AssumeRole. ${assume.auth.resource?.explanation ?? assume.auth.explanation}` };
  }
  if (tag && tag.auth.decision !== 'allow') {
    const allowedBy = decidingLabel(assume.auth);
    return {
      allowed: false,
      results,
      decidedBy: decidingLabel(tag.auth),
      explanation:
        `sts:TagSession is missing: ${allowedBy ?? 'the trust policy'} allows sts:AssumeRole, but EKS also passes session tags, which needs sts:TagSession for ${POD_IDENTITY_PRINCIPAL}. ` +
        `Add "sts:TagSession" to that statement's Action (or set disableSessionTags on the association). ${tag.auth.resource?.explanation ?? tag.auth.explanation}`,
    };
  }
  const decidedBy = decidingLabel(assume.auth);
  return { allowed: true, results, decidedBy, explanation: `${decidedBy ?? 'The trust policy'} allows ${actions.join(' and ')} for ${POD_IDENTITY_PRINCIPAL}.` };
}
