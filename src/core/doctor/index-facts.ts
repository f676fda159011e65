import { saKey, type Pod } from '../model.js';
import type { DoctorFacts, DoctorIndex, IndexedFacts } from './types.js';

// One pass over the facts builds every lookup the checks need, so no check joins lists (20,000
// pods × 2,000 service accounts stays linear).

export const AGENT_NAME = 'eks-pod-identity-agent';
export const AGENT_NAMESPACE = 'kube-system';

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export const isAgentPod = (pod: Pod) =>
  pod.namespace === AGENT_NAMESPACE && (pod.ownerReferences.some((o) => o.kind === 'DaemonSet' && o.name === AGENT_NAME) || pod.labels['app.kubernetes.io/name'] === AGENT_NAME);

/** Pods that still run or will run (finished Job pods need no credentials). */
export const isLive = (pod: Pod) => pod.phase !== 'Succeeded' && pod.phase !== 'Failed';

export const workloadKey = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

export function indexFacts(facts: DoctorFacts): IndexedFacts {
  const index: DoctorIndex = {
    saByKey: new Map(),
    podsBySa: new Map(),
    finishedPodSas: new Set(),
    associationsBySa: new Map(),
    associationsByRole: new Map(),
    nodesByName: new Map(),
    workloadsByKey: new Map(),
    agentPodsByNode: new Map(),
  };
  for (const sa of facts.serviceAccounts ?? []) index.saByKey.set(saKey(sa.namespace, sa.name), sa);
  for (const pod of facts.pods ?? []) {
    if (isAgentPod(pod)) {
      if (pod.nodeName && pod.phase === 'Running') push(index.agentPodsByNode, pod.nodeName, pod);
      continue;
    }
    if (isLive(pod)) push(index.podsBySa, saKey(pod.namespace, pod.serviceAccountName), pod);
    else index.finishedPodSas.add(saKey(pod.namespace, pod.serviceAccountName));
  }
  for (const a of facts.associations) {
    push(index.associationsBySa, saKey(a.namespace, a.serviceAccount), a);
    push(index.associationsByRole, a.roleArn, a);
  }
  for (const node of facts.nodes ?? []) index.nodesByName.set(node.name, node);
  for (const w of facts.workloads ?? []) index.workloadsByKey.set(workloadKey(w.kind, w.namespace, w.name), w);
  return { ...facts, index };
}

/** Pods of a service account that doctor looks at (the --pod scope narrows to one). */
export function podsInScope(facts: IndexedFacts, namespace: string, serviceAccount: string): Pod[] {
  const pods = facts.index.podsBySa.get(saKey(namespace, serviceAccount)) ?? [];
  const only = facts.scope.pod;
  return only ? pods.filter((p) => p.namespace === only.namespace && p.name === only.name) : pods;
}
