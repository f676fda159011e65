import { indexPods, RESTARTABLE, topOwner } from '../migrate/pods.js';
import type { Pod } from '../model.js';
import { hasPodIdentityInjection } from '../webhook.js';
import type { AssociateFacts, AssociationSpec, RestartInfo, WorkloadRef } from './types.js';

// Pods are injected only at admission (peers.md §3.1): running pods of the service account that
// started before the association (or before a change to it) need a restart to get credentials.

const live = (pod: Pod) => pod.phase === 'Running' || pod.phase === 'Pending' || pod.phase === 'Unknown';

export function restartCommand(w: WorkloadRef): string {
  return `kubectl -n ${w.namespace} rollout restart ${w.kind.toLowerCase()}/${w.name}`;
}

export function restartInfo(
  facts: Pick<AssociateFacts, 'pods' | 'workloads'>,
  spec: Pick<AssociationSpec, 'namespace' | 'serviceAccount'>,
  opts: { changing: boolean; createdAt?: string; now: string },
): RestartInfo {
  const mine = (facts.pods ?? []).filter((p) => live(p) && p.namespace === spec.namespace && p.serviceAccountName === spec.serviceAccount);
  const since = opts.changing ? opts.now : opts.createdAt;
  const stale = mine.filter((p) => (since !== undefined && Date.parse(p.creationTimestamp) < Date.parse(since)) || (!opts.changing && !hasPodIdentityInjection(p)));
  const index = indexPods(stale, facts.workloads ?? [], []);
  const workloads = new Map<string, WorkloadRef>();
  const manual: string[] = [];
  const commands: string[] = [];
  for (const pod of stale) {
    const owner = topOwner(pod, index);
    if (owner && RESTARTABLE.has(owner.kind)) workloads.set(`${owner.kind}/${owner.name}`, owner);
    else if (owner && (owner.kind === 'Job' || owner.kind === 'CronJob')) continue;
    else {
      manual.push(pod.name);
      commands.push(`kubectl -n ${pod.namespace} delete pod ${pod.name}`);
    }
  }
  const refs = [...workloads.values()];
  return { pods: stale.map((p) => p.name), workloads: refs, commands: [...refs.map(restartCommand), ...commands], manual };
}
