import { IRSA_ROLE_ANNOTATION, saKey, type Pod } from '../model.js';
import { hasIrsaInjection } from '../webhook.js';
import { injectIrsa, migrateFix, nameList, podid, restartFix } from './fixes.js';
import { isAgentPod } from './index-facts.js';
import { carriesPodIdentity, staleInjectionPods } from './stale-injection.js';
import type { CheckDefinition, CheckResult, IndexedFacts } from './types.js';

// Does an association cover what --pod, -s or -n names? A service account without one is the most
// common reason a pod gets no credentials, and a namespace with nothing in it is usually a typo;
// neither may end in a silent "doctor passed".

const ID = 'association.exists';
const TITLE = 'An association covers the workload';

interface ScopedAccount {
  namespace: string;
  name: string;
  /** Set for --pod: the pod whose service account this is. */
  pod?: string;
  /** The pods doctor looks at: the --pod, or the running pods of the service account. */
  pods: Pod[];
}

function scopedAccount(facts: IndexedFacts): ScopedAccount | undefined {
  const { scope } = facts;
  if (scope.serviceAccount) {
    const { namespace, name } = scope.serviceAccount;
    return { namespace, name, pods: facts.index.podsBySa.get(saKey(namespace, name)) ?? [] };
  }
  if (!scope.pod) return undefined;
  const { namespace, name } = scope.pod;
  const pod = facts.pods?.find((p) => p.namespace === namespace && p.name === name);
  return pod && { namespace, name: pod.serviceAccountName, pod: name, pods: [pod] };
}

function accountCoverage(facts: IndexedFacts, target: ScopedAccount): CheckResult {
  const { namespace, name } = target;
  const sa = `service account ${namespace}/${name}`;
  const base = {
    id: ID,
    title: TITLE,
    subject: target.pod ? `pod ${namespace}/${target.pod}` : sa,
    refs: { namespace, serviceAccount: name, ...(target.pod ? { pods: [`${namespace}/${target.pod}`] } : {}) },
  };
  const [association] = facts.index.associationsBySa.get(saKey(namespace, name)) ?? [];
  if (association) return { ...base, status: 'ok', detail: `association ${association.associationId} covers ${sa} (role ${association.roleArn})` };
  const irsa = facts.index.saByKey.get(saKey(namespace, name))?.annotations[IRSA_ROLE_ANNOTATION];
  if (irsa) return irsaCoverage(facts, target, irsa, base);
  const unknown = facts.serviceAccounts ? '' : ' (whether it uses IRSA is unknown: Kubernetes could not be read)';
  return {
    ...base,
    status: 'fail',
    detail:
      `no Pod Identity association covers ${sa}${target.pod ? ", the pod's service account" : ''}: ` +
      (target.pods.some(carriesPodIdentity)
        ? `${target.pod ? 'the pod still carries' : 'its pods still carry'} the Pod Identity env of an association that is gone, so ${target.pod ? 'its' : 'their'} credential requests fail (see pod.stale-injection)${unknown}`
        : `its pods get no Pod Identity credentials, and the SDK falls back to the node role if it can reach IMDS${unknown}`),
    fix:
      `Create one with a role scoped to it: ${podid(facts, `associate -c ${facts.cluster.name} -n ${namespace} -s ${name} --create-role --approve`)} ` +
      '(or --role-arn ROLE_ARN --fix-trust instead of --create-role to use an existing role)',
  };
}

/**
 * No association, but the service account is annotated for IRSA: its pods get IRSA credentials only
 * if the webhook gave them the IRSA env. A pod admitted before the annotation (e.g. with the Pod
 * Identity env of an association that a rollback deleted) has none until it is recreated.
 */
function irsaCoverage(facts: IndexedFacts, target: ScopedAccount, irsa: string, base: Omit<CheckResult, 'status' | 'detail'>): CheckResult {
  const sa = `service account ${target.namespace}/${target.name}`;
  const without = target.pods.filter((p) => !hasIrsaInjection(p));
  if (!without.length) {
    return { ...base, status: 'ok', detail: `${sa} has no Pod Identity association: it uses IRSA (${irsa}), so its pods get credentials from IRSA`, fix: migrateFix(facts, target.namespace) };
  }
  const stale = without.some(carriesPodIdentity);
  const who = target.pod ? 'the pod has' : `${without.length} of its ${target.pods.length} running pod(s) have`;
  const names = target.pod ? '' : ` (${nameList(without.map((p) => `${p.namespace}/${p.name}`))})`;
  return {
    ...base,
    status: 'fail',
    detail:
      `no Pod Identity association covers ${sa}, and although it is annotated for IRSA (${irsa}), ${who} no IRSA env (AWS_ROLE_ARN)${names}: ` +
      (stale
        ? 'it was admitted with the Pod Identity env of an association that is gone, so its credential requests fail (see pod.stale-injection)'
        : 'it was admitted before the annotation, so the SDK falls back to the node role if it can reach IMDS') +
      '; it gets IRSA once it is recreated',
    fix: restartFix(facts, without, injectIrsa(irsa)),
  };
}

function namespaceCoverage(facts: IndexedFacts, namespace: string): CheckResult[] {
  if (facts.associations.length) return [];
  const base = { id: ID, title: TITLE, subject: `namespace ${namespace}`, refs: { namespace } };
  if (!facts.pods || !facts.serviceAccounts) return [{ ...base, status: 'skip', detail: `no association in namespace ${namespace}, and Kubernetes could not be read` }];
  const pods = facts.pods.filter((p) => p.namespace === namespace && !isAgentPod(p)).length;
  const accounts = facts.serviceAccounts.filter((s) => s.namespace === namespace && s.name !== 'default').length;
  if (!pods && !accounts) {
    return [{
      ...base,
      status: 'warn',
      detail: `namespace ${namespace} has no pods, service accounts or associations: nothing was checked`,
      fix: 'Check the namespace name: kubectl get namespaces',
    }];
  }
  const stale = staleInjectionPods(facts).length;
  if (stale) {
    return [{ ...base, status: 'skip', detail: `no association in namespace ${namespace}, yet ${stale} of its ${pods} pod(s) still carry the Pod Identity env (see pod.stale-injection)` }];
  }
  return [{ ...base, status: 'skip', detail: `no association in namespace ${namespace}: its ${pods} pod(s) and ${accounts} service account(s) use no Pod Identity, so there was nothing to check` }];
}

function coverage(facts: IndexedFacts): CheckResult[] {
  const target = scopedAccount(facts);
  if (target) return [accountCoverage(facts, target)];
  if (facts.scope.namespace) return namespaceCoverage(facts, facts.scope.namespace);
  return [];
}

export const COVERAGE_CHECKS: readonly CheckDefinition[] = [
  { id: ID, group: 'association', title: TITLE, summary: 'with --pod / -s: an association covers the service account (or it uses IRSA); with -n: the namespace has something to check', run: coverage },
];
