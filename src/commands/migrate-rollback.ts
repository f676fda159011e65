import { EXIT, isRemoteError, UserError } from '../core/errors.js';
import { planRollback, rollbackTarget, type RollbackAction } from '../core/migrate/journal.js';
import { revertTrust, type TrustRevert } from '../core/migrate/revert-trust.js';
import { rolloutCommand, strandedPods, workloadKey, type StrandedPods } from '../core/migrate/rollback-pods.js';
import { plural } from '../core/migrate/text.js';
import type { WorkloadRef } from '../core/migrate/types.js';
import type { Pod, Workload } from '../core/model.js';
import { POD_IDENTITY_ENV } from '../core/webhook.js';
import type { Deps } from '../deps.js';
import { JournalWriter, readJournal } from '../services/migrate-journal.js';
import { checkJournalCluster } from './migrate-irsa.js';

// podid migrate-irsa rollback JOURNAL: undo what the journal's run changed, and only that.
// Annotations come back, the run's trust changes are reverted (the exact earlier document while the
// trust is still what the run left; statement by statement when it changed since, so later changes
// survive), and the associations and bridge roles the run created are deleted. Each action checks the
// world first and tolerates changes that never happened, so rolling back twice is harmless.
// Pods of a service account whose association it removed that were admitted with Pod Identity (say,
// restarted by a later run) get no credentials any more: restarted with --restart, advice otherwise.

export interface MigrateRollbackOptions {
  journal: string;
  dryRun: boolean;
  /**
   * Also restart the workloads whose pods still carry the Pod Identity injection once the rollback
   * removed their service account's association (they would get no credentials). Without it, they
   * are advice (`restartAdvice`).
   */
  restart?: boolean;
}

export interface RolledBack {
  action: RollbackAction['kind'];
  target: string;
  /** `refused`: undoing it would clobber later changes (or the journal cannot say what to undo). */
  status: 'done' | 'unchanged' | 'failed' | 'planned' | 'refused';
  note?: string;
}

/** Pods of a service account whose association the rollback removed, still admitted with Pod Identity: no credentials until recreated. */
export interface RollbackRestartAdvice {
  /** "namespace/serviceAccount". */
  serviceAccount: string;
  /** Workloads to restart (without --restart; with it they are `restart` actions). */
  workloads: WorkloadRef[];
  /** `kubectl rollout restart` for `workloads`. */
  command?: string;
  /** Pods no rollout recreates: delete and recreate them. */
  manual: string[];
  /** The pods could not be listed: why (check them yourself). */
  unchecked?: string;
}

export interface MigrateRollbackResult {
  cluster: string;
  journal: string;
  dryRun: boolean;
  /** --restart: stranded workloads are restarted (or, with --dry-run, planned). */
  restart: boolean;
  actions: RolledBack[];
  restartAdvice: RollbackRestartAdvice[];
}

/** A preview of a rollback that would stop (a refused or failing action) exits as the rollback would: 1. A real run that stops throws. */
export function rollbackExitCode(result: MigrateRollbackResult): number {
  return result.dryRun && result.actions.some((a) => a.status === 'refused' || a.status === 'failed') ? EXIT.failure : EXIT.ok;
}

type RollbackDeps = Pick<Deps, 'eks' | 'iam' | 'kube' | 'reporter' | 'clusterName' | 'now'>;

export async function migrateRollback(opts: MigrateRollbackOptions, deps: RollbackDeps): Promise<MigrateRollbackResult> {
  const journal = await readJournal(opts.journal);
  const cluster = await deps.eks.describeCluster(deps.clusterName ?? journal.cluster.name);
  checkJournalCluster(journal, cluster, opts.journal);
  if (journal.status === 'rolled-back') throw new UserError(`journal ${opts.journal} was already rolled back`);
  const writer = new JournalWriter(opts.journal, journal, deps.now);
  const actions: RolledBack[] = [];
  /** Service accounts left without an association by this rollback (deleted now, or already gone). */
  const removed: { namespace: string; serviceAccount: string }[] = [];
  const perform = async (action: RollbackAction, note?: string) => {
    const target = rollbackTarget(action);
    const record = (outcome: Outcome) => actions.push({ action: action.kind, target, status: outcome.status, ...(outcome.note ?? note ? { note: outcome.note ?? note } : {}) });
    if (opts.dryRun) {
      try {
        const outcome = await preview(action, cluster.name, deps);
        if (outcome.removed) removed.push(outcome.removed);
        record(outcome);
      } catch (error) {
        record({ status: 'failed', note: (error as Error).message });
      }
      return;
    }
    const task = deps.reporter.task(`${action.kind} ${target}`);
    try {
      const outcome = await undo(action, cluster.name, deps);
      if (outcome.removed) removed.push(outcome.removed);
      record(outcome);
      if (outcome.status === 'refused') task.fail(`${action.kind} ${target}: refused: ${outcome.note}`);
      else task.succeed();
    } catch (error) {
      record({ status: 'failed', note: (error as Error).message });
      task.fail(`${action.kind} ${target}: ${(error as Error).message}`);
    }
  };
  // Deletes first, then restarts (the journal's, then the stranded pods'), then bridge roles.
  const planned = planRollback(journal);
  for (const action of planned) if (action.kind !== 'delete-role') await perform(action);
  const restarted = new Set(planned.flatMap((a) => (a.kind === 'restart' ? [workloadKey(a.workload)] : [])));
  const stranded = await findStranded(removed, restarted, deps);
  const restartAdvice: RollbackRestartAdvice[] = [];
  for (const found of stranded) {
    const sa = `${found.namespace}/${found.serviceAccount}`;
    if (opts.restart) for (const workload of found.restart) await perform({ kind: 'restart', workload }, `its pods were admitted with Pod Identity for ${sa}, whose association this rollback removed`);
    const workloads = opts.restart ? [] : found.restart;
    if (workloads.length || found.manual.length || found.unchecked) {
      restartAdvice.push({ serviceAccount: sa, workloads, ...(workloads.length ? { command: rolloutCommand(found.namespace, workloads) } : {}), manual: found.manual, ...(found.unchecked ? { unchecked: found.unchecked } : {}) });
    }
  }
  for (const action of planned) if (action.kind === 'delete-role') await perform(action);
  if (restartAdvice.length && !opts.dryRun) deps.reporter.warn(`${plural(restartAdvice.length, 'service account')} lost ${restartAdvice.length === 1 ? 'its' : 'their'} association but ${restartAdvice.length === 1 ? 'has' : 'have'} pods still admitted with Pod Identity: they get no credentials until restarted (see the advice below the table, or run the rollback with --restart)`);
  const result = { cluster: cluster.name, journal: opts.journal, dryRun: opts.dryRun, restart: Boolean(opts.restart), actions, restartAdvice };
  if (opts.dryRun) return result;
  const stopped = actions.filter((a) => a.status === 'failed' || a.status === 'refused');
  if (!stopped.length) for (const r of journal.records) if (r.state !== 'skipped') r.state = 'rolled-back';
  journal.status = stopped.length ? 'failed' : 'rolled-back';
  await writer.save();
  if (stopped.length) {
    const refused = stopped.some((a) => a.status === 'refused');
    throw new UserError(`rollback incomplete: ${stopped.map((f) => `${f.action} ${f.target}: ${f.status === 'refused' ? 'refused: ' : ''}${f.note}`).join('; ')}`, {
      hint: refused
        ? `The other actions were applied. Fix that role's trust by hand (the journal records it before each change: ${opts.journal}), or run the rollback again after it matches what the run left.`
        : `Fix the cause and run the rollback again: podid migrate-irsa rollback ${opts.journal}`,
    });
  }
  return result;
}

/** Live pods of the given service accounts that still carry the Pod Identity injection, by workload. */
async function findStranded(removed: { namespace: string; serviceAccount: string }[], restarted: ReadonlySet<string>, deps: Pick<Deps, 'kube' | 'reporter'>): Promise<(StrandedPods & { unchecked?: string })[]> {
  const out: (StrandedPods & { unchecked?: string })[] = [];
  const byNamespace = new Map<string, string[]>();
  for (const { namespace, serviceAccount } of removed) byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), serviceAccount]);
  for (const [namespace, serviceAccounts] of byNamespace) {
    let pods: Pod[];
    let workloads: Workload[];
    try {
      [pods, workloads] = await Promise.all([deps.kube.listPods(namespace), deps.kube.listWorkloads(namespace)]);
    } catch (error) {
      const unchecked = `cannot list the pods of namespace ${namespace} (${(error as Error).message}): restart its pods that have ${POD_IDENTITY_ENV.uri}`;
      deps.reporter.warn(unchecked);
      for (const serviceAccount of [...new Set(serviceAccounts)]) out.push({ namespace, serviceAccount, restart: [], manual: [], unchecked });
      continue;
    }
    for (const serviceAccount of [...new Set(serviceAccounts)]) {
      const found = strandedPods(namespace, serviceAccount, pods, workloads, restarted);
      if (found) out.push(found);
    }
  }
  return out;
}

/** `removed`: the service account this action left without an association (for the stranded-pods check). */
type Outcome = Pick<RolledBack, 'status' | 'note'> & { removed?: { namespace: string; serviceAccount: string } };

const TRUST_NOTES: Record<TrustRevert['kind'], string> = {
  unchanged: "nothing of this run's trust changes is left",
  exact: 'back to the trust recorded before the run',
  statements: 'the trust changed after the run: only its statements reverted, later changes kept',
  refuse: '',
};

function trustNote(revert: TrustRevert): string {
  if (revert.kind === 'refuse') return revert.reason;
  if (revert.kind !== 'statements') return TRUST_NOTES[revert.kind];
  return `${TRUST_NOTES.statements} (${plural(revert.removed, 'statement')} removed, ${plural(revert.restored, 'OIDC trust')} restored)`;
}

async function revertFor(action: RollbackAction & { kind: 'restore-trust' }, deps: Pick<Deps, 'iam'>): Promise<TrustRevert> {
  const role = await deps.iam.getRole(action.roleArn);
  return revertTrust(role.trustPolicy, action.records ?? []);
}

type DeleteAction = RollbackAction & { kind: 'delete-association' };

/**
 * What to do with an association the run created, decided the same way for --dry-run and the real
 * run: delete it while it is the run's (same id when recorded, same role); keep one that changed
 * since (another role, or replaced by a new association); nothing when none is left.
 */
async function associationFate(action: DeleteAction, clusterName: string, deps: Pick<Deps, 'eks'>): Promise<{ kind: 'delete'; associationId: string } | { kind: 'gone' } | { kind: 'kept'; note: string }> {
  const found = await deps.eks.listAssociations(clusterName, { namespace: action.namespace, serviceAccount: action.serviceAccount });
  if (!found.length) return { kind: 'gone' };
  const candidates = action.associationId ? found.filter((s) => s.associationId === action.associationId) : found;
  let other: { roleArn: string; associationId: string } | undefined;
  for (const summary of candidates) {
    const association = await deps.eks.describeAssociation(clusterName, summary.associationId);
    if (association.roleArn === action.roleArn) return { kind: 'delete', associationId: summary.associationId };
    other ??= association;
  }
  if (other) return { kind: 'kept', note: `the association now uses role ${other.roleArn}, not the run's ${action.roleArn}; kept` };
  const current = await deps.eks.describeAssociation(clusterName, found[0].associationId);
  const role = current.roleArn === action.roleArn ? `role ${current.roleArn}` : `role ${current.roleArn}, not the run's ${action.roleArn}`;
  return { kind: 'kept', note: `the association was replaced since the run (now ${found[0].associationId} with ${role}, not the run's ${action.associationId}); kept` };
}

const saOf = (action: { namespace: string; serviceAccount: string }) => ({ namespace: action.namespace, serviceAccount: action.serviceAccount });
const NO_ASSOCIATION = 'no association left to delete';

/** --dry-run: every action is decided against the world as it is now, as the real run would, so a refusal or a kept association shows up. */
async function preview(action: RollbackAction, clusterName: string, deps: Pick<Deps, 'iam' | 'eks'>): Promise<Outcome> {
  if (action.kind === 'delete-association') {
    const fate = await associationFate(action, clusterName, deps);
    if (fate.kind === 'kept') return { status: 'unchanged', note: fate.note };
    return fate.kind === 'delete' ? { status: 'planned', removed: saOf(action) } : { status: 'unchanged', note: NO_ASSOCIATION, removed: saOf(action) };
  }
  if (action.kind === 'clear-addon') return { status: 'planned', removed: saOf(action) };
  if (action.kind !== 'restore-trust') return { status: 'planned' };
  let revert: TrustRevert;
  try {
    revert = await revertFor(action, deps);
  } catch (error) {
    return { status: 'failed', note: `cannot read the role: ${(error as Error).message}` };
  }
  const status = revert.kind === 'refuse' ? 'refused' : revert.kind === 'unchanged' ? 'unchanged' : 'planned';
  return { status, note: trustNote(revert) };
}

const missing = (error: unknown) => isRemoteError(error, 'not-found');
const changed = (yes: boolean, note?: string): Outcome => ({ status: yes ? 'done' : 'unchanged', ...(note ? { note } : {}) });

async function undo(action: RollbackAction, clusterName: string, deps: RollbackDeps): Promise<Outcome> {
  switch (action.kind) {
    case 'restore-annotations': {
      const sa = await deps.kube.getServiceAccount(action.namespace, action.serviceAccount);
      if (!sa) throw new Error(`service account ${action.namespace}/${action.serviceAccount} no longer exists`);
      if (Object.entries(action.annotations).every(([k, v]) => (sa.annotations[k] ?? null) === v)) return changed(false);
      await deps.kube.annotateServiceAccount(action.namespace, action.serviceAccount, action.annotations);
      return changed(true);
    }
    case 'restore-trust': {
      const revert = await revertFor(action, deps);
      if (revert.kind === 'refuse') return { status: 'refused', note: revert.reason };
      if (revert.kind === 'unchanged') return changed(false);
      await deps.iam.updateTrustPolicy(action.roleArn, revert.policy);
      return changed(true, revert.kind === 'statements' ? trustNote(revert) : undefined);
    }
    case 'delete-association': {
      const fate = await associationFate(action, clusterName, deps);
      if (fate.kind === 'kept') return changed(false, fate.note);
      if (fate.kind === 'gone') return { ...changed(false, NO_ASSOCIATION), removed: saOf(action) };
      await deps.eks.deleteAssociation(clusterName, fate.associationId);
      return { ...changed(true), removed: saOf(action) };
    }
    case 'clear-addon':
      await deps.eks.updateAddonPodIdentity(clusterName, action.addon, []);
      return { ...changed(true), removed: saOf(action) };
    case 'restart':
      await deps.kube.restartWorkload(action.workload.kind, action.workload.namespace, action.workload.name);
      return changed(true);
    case 'delete-role': {
      try {
        await deps.iam.deleteRolePolicy(action.roleName, action.policyName);
      } catch (error) {
        if (!missing(error)) throw error;
      }
      try {
        await deps.iam.deleteRole(action.roleName);
      } catch (error) {
        if (missing(error)) return changed(false);
        throw error;
      }
      return changed(true);
    }
  }
}
