import { IRSA_ROLE_ANNOTATION, saKey } from '../model.js';
import { migrateFix, podid } from './fixes.js';
import { isAgentPod } from './index-facts.js';
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
}

function scopedAccount(facts: IndexedFacts): ScopedAccount | undefined {
  const { scope } = facts;
  if (scope.serviceAccount) return scope.serviceAccount;
  if (!scope.pod) return undefined;
  const { namespace, name } = scope.pod;
  const pod = facts.pods?.find((p) => p.namespace === namespace && p.name === name);
  return pod && { namespace, name: pod.serviceAccountName, pod: name };
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
  if (irsa) {
    return { ...base, status: 'ok', detail: `${sa} has no Pod Identity association: it uses IRSA (${irsa}), so its pods get credentials from IRSA`, fix: migrateFix(facts, namespace) };
  }
  const unknown = facts.serviceAccounts ? '' : ' (whether it uses IRSA is unknown: Kubernetes could not be read)';
  return {
    ...base,
    status: 'fail',
    detail: `no Pod Identity association covers ${sa}${target.pod ? ", the pod's service account" : ''}: its pods get no Pod Identity credentials, and the SDK falls back to the node role if it can reach IMDS${unknown}`,
    fix:
      `Create one with a role scoped to it: ${podid(facts, `associate -c ${facts.cluster.name} -n ${namespace} -s ${name} --create-role --approve`)} ` +
      '(or --role-arn ROLE_ARN --fix-trust instead of --create-role to use an existing role)',
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
