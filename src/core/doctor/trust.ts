import { assumedRoleArn, parseRoleArn } from '../arn.js';
import { evaluateChain, evaluateFirstHop, sessionTags, type HopVerdict } from '../exchange/index.js';
import { closestStatement } from '../iam/index.js';
import type { ConditionOutcome, StatementOutcome } from '../iam/types.js';
import type { Association, Role } from '../model.js';
import { lintPolicy } from '../policy/lint/index.js';
import { associationRefs, associationSubject, usableRole } from './associations.js';
import { targetRoleCreate, targetTrustApply, trustFix } from './fixes.js';
import { podsInScope } from './index-facts.js';
import type { CheckDefinition, CheckResult, IndexedFacts } from './types.js';

// The role's trust, evaluated for the association's service account with podid's IAM evaluator
// (the first hop, and the chain to a targetRoleArn). The linter names the usual mistake.

const FRIENDLY: Record<string, string> = {
  'aws:requesttag/kubernetes-namespace': 'namespace',
  'aws:requesttag/kubernetes-service-account': 'service account',
  'aws:requesttag/eks-cluster-arn': 'cluster ARN',
  'aws:requesttag/eks-cluster-name': 'cluster name',
  'aws:sourceaccount': 'source account',
};

const PROBE_SESSION = 'eks-doctor-probe';

function tagsFor(facts: IndexedFacts, a: Association) {
  const pod = podsInScope(facts, a.namespace, a.serviceAccount)[0];
  return sessionTags(facts.cluster, a, { pod: { name: pod?.name ?? `${a.serviceAccount}-pod`, uid: pod?.uid ?? '00000000-0000-0000-0000-000000000000' } });
}

const mismatch = (c: ConditionOutcome) => {
  const name = FRIENDLY[c.key.toLowerCase()] ?? c.key;
  const actual = c.actual === undefined ? 'nothing (not in the request)' : Array.isArray(c.actual) ? c.actual.join(', ') : c.actual;
  return `${name} ${c.expected.join(' | ')} ≠ ${actual}`;
};

/** Why the first hop was denied, in the words of the seeded problems. */
export function diagnoseTrust(role: Role, a: Association, verdict: HopVerdict): { detail: string; change: string } {
  const lint = lintPolicy(role.trustPolicy, { kind: 'trust', sessionTags: a.disableSessionTags ? 'off' : 'on' });
  const has = (id: string) => lint.some((f) => f.ruleId === id);
  if (has('PODID-T004') && !a.disableSessionTags) {
    return { detail: 'trust does not allow sts:TagSession for pods.eks.amazonaws.com: it allows sts:AssumeRole, but EKS passes session tags', change: 'Add "sts:TagSession" to the statement\'s Action' };
  }
  if (has('PODID-T005')) {
    return {
      detail: 'the trust conditions on aws:RequestTag/*, but the association has session tags disabled, so EKS sends no request tags and the statement never matches',
      change: 'Scope the statement with aws:SourceAccount instead of aws:RequestTag (or enable session tags on the association)',
    };
  }
  if (has('PODID-T006')) return { detail: 'the trust conditions on aws:PrincipalTag/*, which a service principal never has (use aws:RequestTag/*)', change: 'Replace aws:PrincipalTag/<key> with aws:RequestTag/<key>' };
  const statements: StatementOutcome[] = verdict.results.flatMap((r) => r.auth.resource?.statements ?? []);
  const allowPods = statements.filter((s) => s.effect === 'Allow' && s.principalMatched && s.actionMatched);
  if (!allowPods.length) return { detail: 'trust has no statement that lets pods.eks.amazonaws.com call sts:AssumeRole', change: 'Add a pods.eks.amazonaws.com statement for sts:AssumeRole and sts:TagSession' };
  const closest = closestStatement(allowPods);
  const failed = closest?.conditions.filter((c) => !c.matched) ?? [];
  if (failed.length) {
    return { detail: `trust does not match the association (${failed.map(mismatch).join('; ')})`, change: `Scope the trust to ${a.namespace}/${a.serviceAccount}` };
  }
  return { detail: `trust denies the association: ${verdict.explanation}`, change: `Scope the trust to ${a.namespace}/${a.serviceAccount}` };
}

function trust(facts: IndexedFacts, a: Association): CheckResult {
  const base = { id: 'association.trust', title: 'Trust allows the service account', subject: associationSubject(a), refs: associationRefs(a) };
  const role = usableRole(facts, a);
  if (!role) return { ...base, status: 'skip', detail: 'the role cannot be evaluated (see association.role)' };
  const tags = tagsFor(facts, a);
  const verdict = evaluateFirstHop(role, facts.cluster, tags, facts.organizationId);
  if (verdict.allowed) return { ...base, status: 'ok', detail: `${verdict.decidedBy ?? 'the trust policy'} allows ${Object.keys(tags).length ? 'sts:AssumeRole and sts:TagSession' : 'sts:AssumeRole'} for ${a.namespace}/${a.serviceAccount}` };
  const { detail, change } = diagnoseTrust(role, a, verdict);
  return { ...base, status: 'fail', detail: `${detail} (role ${role.arn})`, fix: trustFix(facts, a, change) };
}

function targetRole(facts: IndexedFacts, a: Association): CheckResult | undefined {
  if (!a.targetRoleArn) return undefined;
  const base = { id: 'association.target-role', title: 'Target role trust and source permission', subject: associationSubject(a), refs: { ...associationRefs(a), roleArn: a.targetRoleArn } };
  const source = usableRole(facts, a);
  if (!source) return { ...base, status: 'skip', detail: 'the source role cannot be evaluated (see association.role)' };
  const target = facts.roles.get(a.targetRoleArn);
  if (target === null) return { ...base, status: 'fail', detail: `target role ${a.targetRoleArn} does not exist`, fix: `Create ${a.targetRoleArn} with the trust it needs, with credentials of its account: ${targetRoleCreate(facts, { source: source.arn, target: a.targetRoleArn }, a)} (then give it the permissions the workload needs)` };
  let sessionArn: string;
  try {
    sessionArn = assumedRoleArn(parseRoleArn(source.arn), PROBE_SESSION);
  } catch {
    return { ...base, status: 'skip', detail: `${source.arn} is not a role ARN` };
  }
  const chain = evaluateChain({ source, sourceSessionArn: sessionArn, target, targetArn: a.targetRoleArn, association: a, tags: tagsFor(facts, a) });
  if (chain.allowed && target) return { ...base, status: 'ok', detail: chain.explanation };
  if (chain.allowed) return { ...base, status: 'skip', detail: `role ${source.name} may assume ${a.targetRoleArn}, but the target role could not be read, so its trust was not evaluated` };
  const fix = !chain.identityAllowed
    ? `Allow the source role to chain: aws iam put-role-policy --role-name ${source.name} --policy-name assume-${a.targetRoleArn.split('/').pop()} --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"${a.targetRoleArn}"}]}'`
    : `Give the target role the trust it needs, with credentials of its account: ${targetTrustApply(facts, { source: source.arn, target: a.targetRoleArn }, a)}`;
  return { ...base, status: 'fail', detail: chain.explanation, fix };
}

const each = (fn: (facts: IndexedFacts, a: Association) => CheckResult | undefined) => (facts: IndexedFacts) => facts.associations.flatMap((a) => fn(facts, a) ?? []);

export const TRUST_CHECKS: readonly CheckDefinition[] = [
  { id: 'association.trust', group: 'association', title: 'Trust allows the service account', summary: "the role's trust lets pods.eks.amazonaws.com assume it (and tag the session) for this service account", run: each(trust) },
  { id: 'association.target-role', group: 'association', title: 'Target role trust and source permission', summary: 'with targetRoleArn: the source role may assume the target, and the target trusts it', run: each(targetRole) },
];
