import { indexPods, RESTARTABLE, topOwner } from '../migrate/pods.js';
import type { Node, Pod } from '../model.js';
import { hasPodIdentityInjection } from '../webhook.js';
import type { AssociateFacts, AssociationSpec, RestartInfo, UnsupportedPod, WorkloadRef } from './types.js';

// Pods are injected only at admission (peers.md §3.1): running pods of the service account that
// started before the association, or were admitted without the injection, need a restart to get
// credentials. Injected pods keep working when an existing association changes (the agent fetches
// per request). Pods on Fargate or Windows nodes never get credentials: a restart cannot help.

const live = (pod: Pod) => pod.phase === 'Running' || pod.phase === 'Pending' || pod.phase === 'Unknown';

export function restartCommand(w: WorkloadRef): string {
  return `kubectl -n ${w.namespace} rollout restart ${w.kind.toLowerCase()}/${w.name}`;
}

const livePodsOf = (facts: Pick<AssociateFacts, 'pods'>, spec: Pick<AssociationSpec, 'namespace' | 'serviceAccount'>) =>
  (facts.pods ?? []).filter((p) => live(p) && p.namespace === spec.namespace && p.serviceAccountName === spec.serviceAccount);

/** Live pods of the service account on Fargate or Windows nodes (as doctor's pod.compute judges them). */
export function unsupportedPods(facts: Pick<AssociateFacts, 'pods' | 'nodes'>, spec: Pick<AssociationSpec, 'namespace' | 'serviceAccount'>): UnsupportedPod[] {
  const nodes = new Map<string, Node>((facts.nodes ?? []).map((n) => [n.name, n]));
  const out: UnsupportedPod[] = [];
  for (const pod of livePodsOf(facts, spec)) {
    if (!pod.nodeName) continue;
    const node = nodes.get(pod.nodeName);
    const compute = node?.computeType === 'fargate' || pod.nodeName.startsWith('fargate-') ? 'Fargate' : node?.os === 'windows' ? 'Windows' : undefined;
    if (compute) out.push({ pod: pod.name, node: pod.nodeName, compute });
  }
  return out;
}

/**
 * Pods that need a restart: with no association yet (`createdAt` undefined) every live pod of the
 * SA; with one, pods created before its createdAt or without the injection. With `update` (the
 * existing association changes) every live pod: running pods keep the old role's credentials
 * until the agent's cache expires, while a new pod gets a new token and so the new role at once.
 */
export function restartInfo(
  facts: Pick<AssociateFacts, 'pods' | 'workloads' | 'nodes'>,
  spec: Pick<AssociationSpec, 'namespace' | 'serviceAccount'>,
  opts: { createdAt?: string; now: string; update?: boolean },
): RestartInfo {
  const since = Date.parse(opts.createdAt ?? opts.now);
  const unsupported = new Set(unsupportedPods(facts, spec).map((u) => u.pod));
  const stale = livePodsOf(facts, spec).filter((p) => !unsupported.has(p.name) && (opts.update || Date.parse(p.creationTimestamp) < since || !hasPodIdentityInjection(p)));
  const index = indexPods(stale, facts.workloads ?? [], []);
  const workloads = new Map<string, WorkloadRef>();
  const manual: string[] = [];
  const jobs: string[] = [];
  for (const pod of stale) {
    const owner = topOwner(pod, index);
    if (owner && RESTARTABLE.has(owner.kind)) workloads.set(`${owner.kind}/${owner.name}`, owner);
    else if (owner && (owner.kind === 'Job' || owner.kind === 'CronJob')) jobs.push(pod.name);
    else manual.push(pod.name);
  }
  const refs = [...workloads.values()];
  const commands = [...refs.map(restartCommand), ...manual.map((name) => `kubectl -n ${spec.namespace} delete pod ${name}`)];
  return { pods: stale.map((p) => p.name), workloads: refs, commands, manual, jobs, ...(opts.update ? { update: true } : {}) };
}
