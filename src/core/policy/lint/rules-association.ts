import { closestStatement, evaluatePolicy, whyNot } from '../../iam/index.js';
import type { PolicyDocument, PolicyEvaluation, Request, StatementOutcome } from '../../iam/types.js';
import { POD_IDENTITY_PRINCIPAL } from '../../model.js';
import { clusterArnParts } from '../cluster-arn.js';
import { podIdentityContext } from '../explain.js';
import { RULES } from './catalog.js';
import { asList, finding, lower } from './model.js';
import { missingTagSession } from './rules-trust.js';
import type { Finding, LintAssociation, LintContext, Rule } from './types.js';

// PODID-T008 (only with --association): does the trust admit the first hop EKS makes for that
// association? Evaluated with podid's IAM evaluator over the request context of podIdentityContext.

/** Keys podid cannot know offline: the organization of the account, and (with session tags) which pod asks. */
const ORG_KEYS = ['aws:sourceorgid', 'aws:sourceorgpaths', 'aws:resourceorgid', 'aws:resourceorgpaths'];
const POD_KEYS = ['aws:requesttag/kubernetes-pod-name', 'aws:requesttag/kubernetes-pod-uid'];

/** Allowed, or an Allow statement that fails only on keys podid cannot know (assumed to hold). */
function admits(e: PolicyEvaluation, unknowable: ReadonlySet<string>): boolean {
  if (e.decision !== 'implicit-deny') return e.decision === 'allow';
  return e.statements.some(
    (s) => s.effect === 'Allow' && s.principalMatched && s.actionMatched && s.resourceMatched && s.conditions.every((c) => c.matched || unknowable.has(lower(c.key))),
  );
}

const statementLabel = (s: StatementOutcome) => `statement #${s.index}${s.sid ? ` (${s.sid})` : ''}`;
const label = (a: LintAssociation, tagsOn: boolean) => `association ${a.namespace}/${a.serviceAccount} (cluster ${clusterArnParts(a.clusterArn)?.name}${tagsOn ? '' : ', session tags off'})`;

function denial(ctx: LintContext, a: LintAssociation, tagsOn: boolean, action: string, e: PolicyEvaluation): Finding {
  const hint = `generate the statement EKS needs: podid policy trust -w ${a.clusterArn}:${a.namespace}:${a.serviceAccount}${tagsOn ? '' : ' --session-tags off'} (add --merge-into ${a.roleArn ?? 'FILE'} to keep the other statements)`;
  const who = label(a, tagsOn);
  const statementOf = (s: StatementOutcome) => ctx.statements.find((n) => n.index === s.index);
  if (e.decision === 'deny' && e.decidingStatement) {
    const d = e.decidingStatement;
    return finding(RULES.trustDeniesAssociation, `${who} cannot use this role: ${statementLabel(d)} explicitly denies ${action}`, statementOf(d), { hint });
  }
  const closest = closestStatement(e.statements.filter((s) => s.effect === 'Allow'));
  if (!closest) return finding(RULES.trustDeniesAssociation, `${who} cannot use this role: no statement allows ${action} for ${POD_IDENTITY_PRINCIPAL}`, undefined, { hint });
  const failed = closest.conditions.find((c) => !c.matched);
  return finding(RULES.trustDeniesAssociation, `${who} cannot use this role: ${action} is denied; ${statementLabel(closest)} comes closest: ${whyNot(closest).join('; ')}`, statementOf(closest), {
    hint,
    ...(failed && !closest.notes?.length ? { path: `Statement[${closest.index}].Condition.${failed.operator}` } : {}),
  });
}

export const trustDeniesAssociation: Rule = (ctx) => {
  const a = ctx.options.association;
  const cluster = a && clusterArnParts(a.clusterArn);
  if (!a || !cluster) return [];
  // A statement the shape check rejected (PODID-V001) cannot be evaluated faithfully.
  if (ctx.statements.length !== asList(ctx.document.Statement).length) return [];
  const tagsOn = ctx.options.sessionTags !== 'off';
  const context = podIdentityContext(a, { sessionTags: tagsOn ? 'on' : 'off' });
  const unknowable = new Set([...ORG_KEYS, ...(tagsOn ? POD_KEYS : [])]);
  const resource = a.roleArn ?? `arn:${cluster.partition}:iam::${cluster.accountId}:role/linted-role`;
  // A trust without any sts:TagSession is PODID-T004's finding; do not report it twice.
  const actions = tagsOn && !missingTagSession(ctx).length ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'];
  const document = ctx.document as unknown as PolicyDocument;
  for (const action of actions) {
    const request: Request = { principal: { type: 'service', service: POD_IDENTITY_PRINCIPAL }, action, resource, context };
    const evaluation = evaluatePolicy({ name: 'trust policy', document }, request, 'trust');
    if (!admits(evaluation, unknowable)) return [denial(ctx, a, tagsOn, action, evaluation)];
  }
  return [];
};
