import { parseRoleArn } from '../arn.js';
import type { Association, Cluster, Pod } from '../model.js';
import { workloadKey } from './index-facts.js';
import type { DoctorFacts, IndexedFacts } from './types.js';

// The concrete commands doctor suggests. Each returns text a user can paste: podid commands carry
// the --state file doctor read, so they act on the same world.

export const roleNameOf = (arn: string) => {
  try {
    return parseRoleArn(arn).name;
  } catch {
    return arn.split('/').pop() ?? arn;
  }
};

export const workloadSpec = (cluster: Cluster, a: Pick<Association, 'namespace' | 'serviceAccount'>) => `${cluster.name}:${a.namespace}:${a.serviceAccount}`;

/** A shell word: as is when safe, single-quoted otherwise. */
export const shellWord = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** `podid <args>`, plus `--state FILE` when doctor ran on a state file. */
export function podid(facts: Pick<DoctorFacts, 'statePath'>, args: string): string {
  return `podid ${args}${facts.statePath ? ` --state ${shellWord(facts.statePath)}` : ''}`;
}

export function trustFix(facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, a: Association, change: string): string {
  const { cluster } = facts;
  return (
    `${change}: ${podid(facts, `associate -c ${cluster.name} -n ${a.namespace} -s ${a.serviceAccount} --role-arn ${a.roleArn} --fix-trust --approve`)} ` +
    `(or write the scoped trust yourself: ${podid(facts, `policy trust -w ${workloadSpec(cluster, a)}`)} > trust.json && aws iam update-assume-role-policy --role-name ${roleNameOf(a.roleArn)} --policy-document file://trust.json)`
  );
}

/** Prints the target role's trust (and the source role's permission) for the workload's chain. */
export const targetTrustCommand = (facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, chain: { source: string; target: string }, a: Pick<Association, 'namespace' | 'serviceAccount'>) =>
  podid(facts, `policy target-trust --source-role-arn ${chain.source} --target-role-arn ${chain.target} -w ${workloadSpec(facts.cluster, a)}`);

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

/** Migrate a namespace's IRSA service accounts; --restart re-admits the pods, or they keep the IRSA env. */
export const migrateFix = (facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, namespace: string) =>
  podid(facts, `migrate-irsa -c ${facts.cluster.name} -n ${namespace} --approve --restart`);

/** At most `max` names, then "and N more". */
export function nameList(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
