import { parseRoleArn } from '../arn.js';
import { defaultRoleName } from '../associate/index.js';
import type { Association, Cluster, Pod, Role } from '../model.js';
import { workloadKey } from './index-facts.js';
import type { DoctorFacts, IndexedFacts } from './types.js';
import { podidCommand, shellWord } from '../shell.js';

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

/** `podid <args>`, plus `--state FILE` when doctor ran on a state file. */
export function podid(facts: Pick<DoctorFacts, 'statePath'>, args: string): string {
  return podidCommand(args, facts.statePath);
}

export function trustFix(facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, a: Association, change: string): string {
  const { cluster } = facts;
  return (
    `${change}: ${podid(facts, `associate -c ${cluster.name} -n ${a.namespace} -s ${a.serviceAccount} --role-arn ${a.roleArn} --fix-trust --approve`)} ` +
    `(or write the scoped trust yourself: ${podid(facts, `policy trust -w ${workloadSpec(cluster, a)}`)} > trust.json && aws iam update-assume-role-policy --role-name ${roleNameOf(a.roleArn)} --policy-document file://trust.json)`
  );
}

/** The file the target-trust fixes write: the bare trust document, as update-assume-role-policy wants it. */
const TARGET_TRUST_FILE = 'target-trust.json';

/**
 * Writes the target role's trust document to target-trust.json. The table output of
 * `policy target-trust` has comments and two documents, so the fix takes `targetTrustPolicy` from
 * its JSON output (the command has no option that prints the target trust alone).
 */
function targetTrustFile(facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, chain: { source: string; target: string }, a: Pick<Association, 'namespace' | 'serviceAccount'>): string {
  const print = podid(facts, `policy target-trust --source-role-arn ${chain.source} --target-role-arn ${chain.target} -w ${workloadSpec(facts.cluster, a)} -o json`);
  return `${print} | jq .targetTrustPolicy > ${TARGET_TRUST_FILE}`;
}

/** targetTrustFile, then applies it to the (existing) target role. */
export const targetTrustApply = (facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, chain: { source: string; target: string }, a: Pick<Association, 'namespace' | 'serviceAccount'>) =>
  `${targetTrustFile(facts, chain, a)} && aws iam update-assume-role-policy --role-name ${roleNameOf(chain.target)} --policy-document file://${TARGET_TRUST_FILE}`;

/** targetTrustFile, then creates the missing target role with it (keeping the ARN's path). */
export function targetRoleCreate(facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, chain: { source: string; target: string }, a: Pick<Association, 'namespace' | 'serviceAccount'>): string {
  let path = '/';
  try {
    path = parseRoleArn(chain.target).path;
  } catch {
    // not a role ARN: the name is the last segment, at the root path
  }
  const pathFlag = path === '/' ? '' : ` --path ${shellWord(path)}`;
  return `${targetTrustFile(facts, chain, a)} && aws iam create-role --role-name ${roleNameOf(chain.target)}${pathFlag} --assume-role-policy-document file://${TARGET_TRUST_FILE}`;
}

/**
 * Moves one workload of a shared role to a role of its own without losing permissions: the new
 * role gets the shared role's managed policies (--policy-arn), permissions boundary and session
 * duration. associate copies no inline policy: one is exported and passed as --policy-file;
 * with several, the fix says how to copy the others by hand.
 */
export function ownRoleFix(facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, a: Pick<Association, 'namespace' | 'serviceAccount'>, shared: Role | null | undefined, sharedArn: string): string {
  const { cluster } = facts;
  const newRole = defaultRoleName(cluster.name, a.namespace, a.serviceAccount);
  const base = `associate -c ${cluster.name} -n ${a.namespace} -s ${a.serviceAccount} --create-role`;
  if (!shared) {
    return `${podid(facts, `${base} --approve`)}; then give ${newRole} the permissions of ${sharedArn} (podid could not read that role, so the fix cannot copy them)`;
  }
  const sharedName = roleNameOf(sharedArn);
  const flags = shared.attachedPolicies.map((p) => ` --policy-arn ${shellWord(p.arn)}`);
  if (shared.permissionsBoundary) flags.push(` --permissions-boundary ${shellWord(shared.permissionsBoundary.arn)}`);
  if (shared.maxSessionDuration && shared.maxSessionDuration !== 3600) flags.push(` --max-session-duration ${shared.maxSessionDuration}`);
  const inline = shared.inlinePolicies.map((p) => p.name);
  const exportInline = (name: string) => `aws iam get-role-policy --role-name ${sharedName} --policy-name ${shellWord(name)} --query PolicyDocument --output json > ${shellWord(`${name}.json`)}`;
  if (inline.length === 1) {
    const file = shellWord(`${inline[0]}.json`);
    return `${exportInline(inline[0])} && ${podid(facts, `${base}${flags.join('')} --policy-file ${file} --approve`)} (the role's inline policy ${inline[0]} becomes podid-inline on ${newRole})`;
  }
  const command = podid(facts, `${base}${flags.join('')} --approve`);
  if (!inline.length) return command;
  const copy = inline.map((name) => `${exportInline(name)} && aws iam put-role-policy --role-name ${newRole} --policy-name ${shellWord(name)} --policy-document ${shellWord(`file://${name}.json`)}`);
  return `${command}; then copy the inline policies of ${sharedName} (${inline.join(', ')}) to ${newRole} by hand, as associate takes only one --policy-file: ${copy.join('; ')}`;
}

/**
 * Deletes an association with podid: the same command works live and with --state (aws eks
 * delete-pod-identity-association cannot act on a state file). EKS allows one association per
 * (namespace, service account), so NS/SA names it.
 */
export function deleteAssociationFix(facts: Pick<DoctorFacts, 'statePath'>, cluster: string, a: Pick<Association, 'namespace' | 'serviceAccount'>, region?: string): string {
  const where = region && !facts.statePath ? ` --region ${region}` : '';
  return podid(facts, `associations delete ${a.namespace}/${a.serviceAccount} -c ${cluster}${where} --approve`);
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

/** What a restart is for: the webhook's admission the fix wants, and what a CronJob's next run gets. */
export interface RestartPurpose {
  /** After "Restart so ": "the webhook injects the Pod Identity env and token". */
  why: string;
  /** After "its next scheduled run ": "gets Pod Identity". */
  nextRun: string;
}

const INJECT_POD_IDENTITY: RestartPurpose = { why: 'the webhook injects the Pod Identity env and token', nextRun: 'gets Pod Identity' };

/** For a service account annotated for IRSA (and no association): the webhook injects the annotation's role. */
export const injectIrsa = (roleArn: string): RestartPurpose => ({ why: `the webhook injects the IRSA env of the service account's annotation (${roleArn})`, nextRun: 'gets IRSA' });

/** Kubernetes names: at most 63 characters, no trailing dash. */
const jobNameFor = (cronJob: string, now: Date) => {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(2, 12); // yymmddhhmm
  return `${cronJob.slice(0, 63 - '-podid-'.length - stamp.length).replace(/-+$/, '')}-podid-${stamp}`;
};

/**
 * The commands that get pods re-admitted by the webhook. A pod of a CronJob or Job runs to
 * completion with what it started with, so a running Job is never deleted: the CronJob's next
 * scheduled run is admitted anew, and `kubectl create job --from=cronjob/…` starts one now (a
 * CronJob does not re-create a Job someone deleted; it waits for its next schedule).
 */
function restartCommands(facts: IndexedFacts, pods: Pod[], purpose: RestartPurpose = INJECT_POD_IDENTITY): string[] {
  const commands = new Set<string>();
  for (const pod of pods) {
    const controller = controllerOf(facts, pod);
    const kind = controller?.kind.toLowerCase();
    if (controller && (kind === 'deployment' || kind === 'statefulset' || kind === 'daemonset')) {
      commands.add(`kubectl -n ${pod.namespace} rollout restart ${kind}/${controller.name}`);
    } else if (controller && kind === 'cronjob') {
      commands.add(
        `a running job of cronjob/${controller.name} finishes as it started, and its next scheduled run ${purpose.nextRun}; ` +
          `to start one now: kubectl -n ${pod.namespace} create job --from=cronjob/${controller.name} ${jobNameFor(controller.name, facts.now)}`,
      );
    } else if (controller && kind === 'job') {
      commands.add(`job/${controller.name} finishes as it started; once it has finished, run it again from its manifest and that run ${purpose.nextRun}`);
    } else {
      commands.add(`kubectl -n ${pod.namespace} delete pod ${pod.name} (and re-create it; it has no controller that restarts it)`);
    }
  }
  return [...commands];
}

/** How to get a pod re-admitted by the webhook. */
export function restartFix(facts: IndexedFacts, pods: Pod[], purpose: RestartPurpose = INJECT_POD_IDENTITY): string {
  return `Restart so ${purpose.why}: ${restartCommands(facts, pods, purpose).join('; ')}`;
}

/** Migrate a namespace's IRSA service accounts; --restart re-admits the pods, or they keep the IRSA env. */
export const migrateFix = (facts: Pick<DoctorFacts, 'cluster' | 'statePath'>, namespace: string) =>
  podid(facts, `migrate-irsa -c ${facts.cluster.name} -n ${namespace} --approve --restart`);

/** At most `max` names, then "and N more". */
export function nameList(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
