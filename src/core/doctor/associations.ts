import { parseRoleArn, roleArn } from '../arn.js';
import { defaultRoleName } from '../associate/index.js';
import { packedPercent, PACKED_WARN_PERCENT, parseSessionPolicy, sessionTags } from '../exchange/index.js';
import { saKey, type Association, type Role } from '../model.js';
import { deleteAssociationFix, nameList, ownRoleFix, podid, targetTrustApply } from './fixes.js';
import { podsInScope } from './index-facts.js';
import type { CheckDefinition, CheckResult, DoctorFacts, IndexedFacts } from './types.js';

// Per-association checks: the service account and role exist, the role is in the cluster's
// account, the session settings are consistent, someone uses it, and who shares its role.

export const associationSubject = (a: Association) => `association ${a.namespace}/${a.serviceAccount}`;
export const associationRefs = (a: Association) => ({ namespace: a.namespace, serviceAccount: a.serviceAccount, roleArn: a.roleArn, associationId: a.associationId });

const each = (fn: (facts: IndexedFacts, a: Association) => CheckResult | undefined) => (facts: IndexedFacts) =>
  facts.associations.flatMap((a) => fn(facts, a) ?? []);

function serviceAccount(facts: IndexedFacts, a: Association): CheckResult {
  const base = { id: 'association.service-account', title: 'Service account exists', subject: associationSubject(a), refs: associationRefs(a) };
  if (!facts.serviceAccounts) return { ...base, status: 'skip', detail: 'Kubernetes could not be read' };
  if (facts.index.saByKey.has(saKey(a.namespace, a.serviceAccount))) return { ...base, status: 'ok', detail: `service account ${a.namespace}/${a.serviceAccount} exists` };
  return {
    ...base,
    status: 'fail',
    detail: `service account ${a.namespace}/${a.serviceAccount} not found: the association (${a.associationId}) serves no pod`,
    fix: `Create the service account: kubectl -n ${a.namespace} create serviceaccount ${a.serviceAccount} — or delete the association: ${deleteAssociationFix(facts, facts.cluster.name, a)}`,
  };
}

/** The association's role when doctor can evaluate it (same account, exists, readable). */
export function usableRole(facts: IndexedFacts, a: Association): Role | undefined {
  const account = a.roleArn.split(':')[4];
  if (account !== facts.cluster.accountId) return undefined;
  return facts.roles.get(a.roleArn) ?? undefined;
}

/**
 * A role in the cluster's account (the name `associate --create-role` gives it) that chains to the
 * foreign role as targetRoleArn. The target trust comes first: associate's preflight checks it.
 */
export function crossAccountFix(facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, a: Pick<Association, 'namespace' | 'serviceAccount' | 'roleArn'>, account: string): string {
  const { cluster } = facts;
  const source = roleArn(cluster.partition, cluster.accountId, defaultRoleName(cluster.name, a.namespace, a.serviceAccount));
  const targetTrust = targetTrustApply(facts, { source, target: a.roleArn }, a);
  const associate = podid(facts, `associate -c ${cluster.name} -n ${a.namespace} -s ${a.serviceAccount} --create-role --target-role-arn ${a.roleArn} --approve`);
  return (
    `Chain through a new role in ${cluster.accountId}, ${source} (the name associate --create-role gives it). ` +
    `First make ${a.roleArn} trust it, with credentials of ${account}: ${targetTrust}; ` +
    `then create the role and chain the association to ${a.roleArn}: ${associate}`
  );
}

function role(facts: IndexedFacts, a: Association): CheckResult {
  const base = { id: 'association.role', title: 'Role exists in the cluster account', subject: associationSubject(a), refs: associationRefs(a) };
  const { cluster } = facts;
  let account: string;
  try {
    account = parseRoleArn(a.roleArn).accountId;
  } catch {
    return { ...base, status: 'fail', detail: `${a.roleArn} is not an IAM role ARN`, fix: `aws eks update-pod-identity-association --cluster-name ${cluster.name} --association-id ${a.associationId} --role-arn ROLE_ARN` };
  }
  if (account !== cluster.accountId) {
    const target = a.targetRoleArn ? '' : ' and the association has no targetRoleArn';
    return {
      ...base,
      status: 'fail',
      detail: `role is in another account: ${a.roleArn} is in ${account}, not the cluster's ${cluster.accountId}${target}; EKS Pod Identity can only assume a role in the cluster's account`,
      fix: crossAccountFix(facts, a, account),
    };
  }
  const read = facts.roles.get(a.roleArn);
  if (read === undefined) return { ...base, status: 'skip', detail: `role ${a.roleArn} could not be read (iam:GetRole)` };
  if (read === null) {
    return {
      ...base,
      status: 'fail',
      detail: `role ${a.roleArn} does not exist`,
      fix: `Create it with a scoped trust: ${podid(facts, `associate -c ${cluster.name} -n ${a.namespace} -s ${a.serviceAccount} --create-role --approve`)} (or point the association at an existing role)`,
    };
  }
  const target = a.targetRoleArn ? `; chains to ${a.targetRoleArn}` : '';
  return { ...base, status: 'ok', detail: `${read.arn} (account ${account}${read.path !== '/' ? `, path ${read.path}` : ''})${target}` };
}

function sessionPolicy(facts: IndexedFacts, a: Association): CheckResult | undefined {
  if (a.policy === undefined || a.policy === '') return undefined;
  const base = { id: 'association.session-policy', title: 'Session policy with session tags off', subject: associationSubject(a), refs: associationRefs(a) };
  const parsed = parseSessionPolicy(a.policy);
  if (parsed.problem) return { ...base, status: 'fail', detail: parsed.problem, fix: `aws eks update-pod-identity-association --cluster-name ${facts.cluster.name} --association-id ${a.associationId} --policy file://session-policy.json` };
  if (!a.disableSessionTags) {
    return {
      ...base,
      status: 'fail',
      detail: 'the association has a session policy but session tags enabled; EKS requires disableSessionTags with a session policy',
      fix: `aws eks update-pod-identity-association --cluster-name ${facts.cluster.name} --association-id ${a.associationId} --disable-session-tags`,
    };
  }
  return { ...base, status: 'ok', detail: 'session policy set, session tags disabled' };
}

function packedSize(facts: IndexedFacts, a: Association): CheckResult | undefined {
  if (a.disableSessionTags && !a.policy) return undefined;
  const pod = podsInScope(facts, a.namespace, a.serviceAccount)[0];
  const tags = sessionTags(facts.cluster, a, { pod: { name: pod?.name ?? `${a.serviceAccount}-xxxxxxxxxx-xxxxx`, uid: pod?.uid ?? '00000000-0000-0000-0000-000000000000' } });
  const percent = packedPercent(tags, parseSessionPolicy(a.policy).policy);
  const base = { id: 'association.packed-size', title: 'Session tags + session policy fit STS packed size', subject: associationSubject(a), refs: associationRefs(a) };
  if (percent <= PACKED_WARN_PERCENT) return { ...base, status: 'ok', detail: `about ${percent}% of STS's packed-size limit (podid's estimate)` };
  return {
    ...base,
    status: 'warn',
    detail: `about ${percent}% of STS's packed-size limit (podid's estimate); above 100% STS fails with PackedPolicyTooLarge, and a chained target role adds more`,
    fix: a.disableSessionTags
      ? 'Shorten the session policy (fewer statements, wildcards on ARN suffixes)'
      : `Disable session tags if no policy uses them: aws eks update-pod-identity-association --cluster-name ${facts.cluster.name} --association-id ${a.associationId} --disable-session-tags`,
  };
}

function unused(facts: IndexedFacts, a: Association): CheckResult | undefined {
  if (!facts.pods || facts.scope.pod || !facts.index.saByKey.has(saKey(a.namespace, a.serviceAccount))) return undefined;
  const base = { id: 'association.in-use', title: 'Some pod uses the association', subject: associationSubject(a), refs: associationRefs(a) };
  const pods = podsInScope(facts, a.namespace, a.serviceAccount);
  if (pods.length) return { ...base, status: 'ok', detail: `${pods.length} pod(s) use ${a.namespace}/${a.serviceAccount}` };
  if (facts.index.finishedPodSas.has(saKey(a.namespace, a.serviceAccount))) return { ...base, status: 'ok', detail: `only finished pods (Jobs) use ${a.namespace}/${a.serviceAccount} now` };
  return {
    ...base,
    status: 'warn',
    detail: `no running pod uses service account ${a.namespace}/${a.serviceAccount}`,
    fix: `If the workload is gone, delete the association: ${deleteAssociationFix(facts, facts.cluster.name, a)}`,
  };
}

/**
 * Roles used by associations in several namespaces. A scoped run still sees the role's other users
 * (facts.roleUsers: associations outside the scope), so `-n analytics` reports a role it shares
 * with data-pipeline; the subject and the fix stay with the associations in scope.
 */
function sharedRole(facts: IndexedFacts): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [arn, inScope] of facts.index.associationsByRole) {
    const seen = new Set(inScope.map((a) => a.associationId));
    const others = (facts.roleUsers?.get(arn) ?? []).filter((a) => !seen.has(a.associationId));
    const list = [...inScope, ...others];
    const namespaces = [...new Set(list.map((a) => a.namespace))];
    if (namespaces.length < 2) continue;
    const users = list.map((a) => `${a.namespace}/${a.serviceAccount}`);
    // Unscoped: move the second user off the role. Scoped: the one in scope (its team is asking).
    const mover = others.length ? inScope[0] : list[1];
    const outside = others.length ? `; outside this scope: ${nameList(others.map((a) => `${a.namespace}/${a.serviceAccount}`))}` : '';
    out.push({
      id: 'association.shared-role',
      title: 'Role used by one namespace',
      status: 'warn',
      subject: `role ${arn}`,
      detail: `role shared across namespaces: ${nameList(users)} (${namespaces.length} namespaces${outside}); a change for one team changes the other's permissions`,
      fix: `Give each workload its own role, with the shared role's policies: ${ownRoleFix(facts, mover, facts.roles.get(arn), arn)} — or keep the shared role, rely on its ABAC policy and document the sharing`,
      refs: { roleArn: arn, namespace: inScope[0].namespace, serviceAccount: inScope[0].serviceAccount },
    });
  }
  return out;
}

export const ASSOCIATION_CHECKS: readonly CheckDefinition[] = [
  { id: 'association.service-account', group: 'association', title: 'Service account exists', summary: "the association's service account exists", run: each(serviceAccount) },
  { id: 'association.role', group: 'association', title: 'Role exists in the cluster account', summary: "the role exists and is in the cluster's account (other accounts only as targetRoleArn)", run: each(role) },
  { id: 'association.session-policy', group: 'association', title: 'Session policy with session tags off', summary: 'a session policy comes with disableSessionTags and is a JSON policy', run: each(sessionPolicy) },
  { id: 'association.packed-size', group: 'association', title: 'Packed-size risk', summary: "session tags + session policy stay under STS's packed-size limit", run: each(packedSize) },
  { id: 'association.in-use', group: 'association', title: 'Some pod uses the association', summary: 'at least one running pod uses the service account', run: each(unused) },
  { id: 'association.shared-role', group: 'association', title: 'Role used by one namespace', summary: 'a role is not shared by associations in several namespaces', run: sharedRole },
];
