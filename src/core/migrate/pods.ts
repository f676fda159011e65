import { saKey, type Node, type OwnerReference, type Pod, type ServiceAccount, type Workload } from '../model.js';
import { hasPodIdentityInjection } from '../webhook.js';
import { inScope } from './scope.js';
import type { SaFilter, WorkloadRef } from './types.js';

// Pods of a service account, the workloads that own them (Pod → ReplicaSet → Deployment,
// Pod → Job → CronJob) and the nodes they run on: the facts behind restart lists and the
// Fargate / Windows / hostNetwork flags. Indexes are built once so a 10,000-SA plan stays linear.

export const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export interface PodIndex {
  bySa: Map<string, Pod[]>;
  workloads: Map<string, Workload>;
  nodes: Map<string, Node>;
}

const workloadKey = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

export function indexPods(pods: readonly Pod[], workloads: readonly Workload[], nodes: readonly Node[]): PodIndex {
  const bySa = new Map<string, Pod[]>();
  for (const pod of pods) {
    const key = saKey(pod.namespace, pod.serviceAccountName);
    const list = bySa.get(key);
    if (list) list.push(pod);
    else bySa.set(key, [pod]);
  }
  return {
    bySa,
    workloads: new Map(workloads.map((w) => [workloadKey(w.kind, w.namespace, w.name), w])),
    nodes: new Map(nodes.map((n) => [n.name, n])),
  };
}

const controllerOf = (owners: readonly OwnerReference[]) => owners.find((o) => o.controller) ?? owners[0];

/** The top-most controller of a pod (Deployment over ReplicaSet, CronJob over Job); undefined for a bare pod. */
export function topOwner(pod: Pod, index: PodIndex): WorkloadRef | undefined {
  const first = controllerOf(pod.ownerReferences);
  if (!first) return undefined;
  let ref: WorkloadRef = { kind: first.kind, namespace: pod.namespace, name: first.name };
  for (let depth = 0; depth < 5; depth++) {
    const workload = index.workloads.get(workloadKey(ref.kind, ref.namespace, ref.name));
    const owner = workload && controllerOf(workload.ownerReferences);
    if (!owner) return ref;
    ref = { kind: owner.kind, namespace: pod.namespace, name: owner.name };
  }
  return ref;
}

export interface SaPods {
  pods: Pod[];
  /** Pods not yet admitted with Pod Identity (they keep IRSA credentials until recreated). */
  stale: Pod[];
  restart: WorkloadRef[];
  /** Stale pods no rollout can recreate: bare pods, ReplicaSets without a Deployment. */
  manual: string[];
  /** Jobs and CronJobs: their next pods get Pod Identity; nothing to restart. */
  runToCompletion: WorkloadRef[];
  fargate: string[];
  windows: string[];
  hostNetwork: string[];
}

/** A pod that runs (or may run): Running, Pending or Unknown. */
export const isLive = (pod: Pod) => pod.phase === 'Running' || pod.phase === 'Pending' || pod.phase === 'Unknown';

export function podsOf(namespace: string, serviceAccount: string, index: PodIndex): SaPods {
  const pods = (index.bySa.get(saKey(namespace, serviceAccount)) ?? []).filter(isLive);
  const stale = pods.filter((p) => !hasPodIdentityInjection(p));
  const restart = new Map<string, WorkloadRef>();
  const runToCompletion = new Map<string, WorkloadRef>();
  const manual: string[] = [];
  for (const pod of stale) {
    const owner = topOwner(pod, index);
    if (owner && RESTARTABLE.has(owner.kind)) restart.set(workloadKey(owner.kind, owner.namespace, owner.name), owner);
    else if (owner && (owner.kind === 'Job' || owner.kind === 'CronJob')) runToCompletion.set(workloadKey(owner.kind, owner.namespace, owner.name), owner);
    else manual.push(owner ? `${owner.kind}/${owner.name} (pod ${pod.name})` : `pod ${pod.name}`);
  }
  const nodeOf = (p: Pod) => (p.nodeName ? index.nodes.get(p.nodeName) : undefined);
  const isFargate = (p: Pod) => nodeOf(p)?.computeType === 'fargate' || (p.nodeName?.startsWith('fargate-') ?? false);
  return {
    pods,
    stale,
    restart: [...restart.values()],
    manual,
    runToCompletion: [...runToCompletion.values()],
    fargate: pods.filter(isFargate).map((p) => p.name),
    windows: pods.filter((p) => nodeOf(p)?.os === 'windows').map((p) => p.name),
    hostNetwork: pods.filter((p) => p.hostNetwork).map((p) => p.name),
  };
}

/** -n / --selector / --exclude over service accounts. */
export function selectServiceAccounts(serviceAccounts: readonly ServiceAccount[], filter: SaFilter): ServiceAccount[] {
  return serviceAccounts.filter((sa) => inScope(sa.namespace, sa.name, sa.labels, filter));
}
