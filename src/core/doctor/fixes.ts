import { parseRoleArn } from '../arn.js';
import type { Association, Cluster, Pod } from '../model.js';
import { workloadKey } from './index-facts.js';
import type { IndexedFacts } from './types.js';

// The concrete commands doctor suggests. Each returns text a user can paste.

const roleName = (arn: string) => {
  try {
    return parseRoleArn(arn).name;
  } catch {
    return arn.split('/').pop() ?? arn;
  }
};

export const workloadSpec = (cluster: Cluster, a: Pick<Association, 'namespace' | 'serviceAccount'>) => `${cluster.name}:${a.namespace}:${a.serviceAccount}`;

export function trustFix(cluster: Cluster, a: Association, change: string): string {
  return (
    `${change}: podid associate -c ${cluster.name} -n ${a.namespace} -s ${a.serviceAccount} --role-arn ${a.roleArn} --fix-trust --approve ` +
    `(or write the scoped trust yourself: podid policy trust -w ${workloadSpec(cluster, a)} > trust.json && aws iam update-assume-role-policy --role-name ${roleName(a.roleArn)} --policy-document file://trust.json)`
  );
}

export function deleteAssociationFix(cluster: Cluster, a: Association): string {
  return `aws eks delete-pod-identity-association --cluster-name ${cluster.name} --association-id ${a.associationId}`;
}

/** Pod → its top controller (ReplicaSet → Deployment, Job → CronJob), using the workloads when known. */
export function controllerOf(facts: IndexedFacts, pod: Pod): { kind: string; name: string } | undefined {
  const owner = pod.ownerReferences.find((o) => o.controller !== false) ?? pod.ownerReferences[0];
  if (!owner) return undefined;
  const parent = facts.index.workloadsByKey.get(workloadKey(owner.kind, pod.namespace, owner.name));
  const grand = parent?.ownerReferences.find((o) => o.controller !== false) ?? parent?.ownerReferences[0];
  if (grand) return { kind: grand.kind, name: grand.name };
  if (owner.kind === 'ReplicaSet' && !parent) {
    // A ReplicaSet named <deployment>-<pod-template-hash>: the usual Deployment shape.
    const match = owner.name.match(/^(.+)-[a-z0-9]{5,10}$/);
    if (match) return { kind: 'Deployment', name: match[1] };
  }
  return { kind: owner.kind, name: owner.name };
}

/** How to get a pod re-admitted by the webhook. */
export function restartFix(facts: IndexedFacts, pods: Pod[]): string {
  const commands = new Set<string>();
  for (const pod of pods) {
    const controller = controllerOf(facts, pod);
    const kind = controller?.kind.toLowerCase();
    if (controller && (kind === 'deployment' || kind === 'statefulset' || kind === 'daemonset')) {
      commands.add(`kubectl -n ${pod.namespace} rollout restart ${kind}/${controller.name}`);
    } else if (controller && kind === 'cronjob') {
      commands.add(`the next run of cronjob/${controller.name} is injected; to retry now: kubectl -n ${pod.namespace} delete job ${pod.ownerReferences[0]?.name ?? pod.name}`);
    } else {
      commands.add(`kubectl -n ${pod.namespace} delete pod ${pod.name} (and re-create it; it has no controller that restarts it)`);
    }
  }
  return `Restart so the webhook injects the Pod Identity env and token: ${[...commands].join('; ')}`;
}

export const migrateFix = (cluster: Cluster, namespace: string) => `podid migrate-irsa -c ${cluster.name} -n ${namespace} --approve`;

/** At most `max` names, then "and N more". */
export function nameList(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
