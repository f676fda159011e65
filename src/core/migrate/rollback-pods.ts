import type { Pod, Workload } from '../model.js';
import { hasPodIdentityInjection } from '../webhook.js';
import { indexPods, isLive, RESTARTABLE, topOwner } from './pods.js';
import type { WorkloadRef } from './types.js';

// After a rollback removes a service account's association (or an add-on's pod identity), its pods
// that were admitted with Pod Identity keep the agent's env and get no credentials from it any more
// (EKS Auth answers ResourceNotFoundException). They need a restart to be admitted with IRSA again.
// Pure: finds those pods and the workloads to restart.

export interface StrandedPods {
  namespace: string;
  serviceAccount: string;
  /** Deployments, StatefulSets and DaemonSets whose live pods carry the Pod Identity injection. */
  restart: WorkloadRef[];
  /** Such pods no rollout recreates: bare pods, Jobs, ReplicaSets without a Deployment ("Kind/name (pod p)" or "pod p"). */
  manual: string[];
}

export const workloadKey = (w: WorkloadRef) => `${w.kind}/${w.namespace}/${w.name}`;

/**
 * Live pods of namespace/serviceAccount with the Pod Identity injection, by the workload that owns
 * them. Workloads in `skip` (restarted by the rollback anyway) are left out. undefined: none.
 */
export function strandedPods(namespace: string, serviceAccount: string, pods: readonly Pod[], workloads: readonly Workload[], skip: ReadonlySet<string> = new Set()): StrandedPods | undefined {
  const injected = pods.filter((p) => p.namespace === namespace && p.serviceAccountName === serviceAccount && isLive(p) && hasPodIdentityInjection(p));
  if (!injected.length) return undefined;
  const index = indexPods(injected, workloads, []);
  const restart = new Map<string, WorkloadRef>();
  const manual: string[] = [];
  for (const pod of injected) {
    const owner = topOwner(pod, index);
    if (owner && RESTARTABLE.has(owner.kind)) {
      if (!skip.has(workloadKey(owner))) restart.set(workloadKey(owner), owner);
    } else manual.push(owner ? `${owner.kind}/${owner.name} (pod ${pod.name})` : `pod ${pod.name}`);
  }
  if (!restart.size && !manual.length) return undefined;
  return { namespace, serviceAccount, restart: [...restart.values()], manual };
}

/** `kubectl rollout restart -n NS deployment/a statefulset/b`. */
export const rolloutCommand = (namespace: string, workloads: readonly WorkloadRef[]) =>
  `kubectl rollout restart -n ${namespace} ${workloads.map((w) => `${w.kind.toLowerCase()}/${w.name}`).join(' ')}`;
