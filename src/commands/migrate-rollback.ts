import { isRemoteError, UserError } from '../core/errors.js';
import { planRollback, rollbackTarget, type RollbackAction } from '../core/migrate/journal.js';
import { revertTrust, type TrustRevert } from '../core/migrate/revert-trust.js';
import { plural } from '../core/migrate/text.js';
import type { Deps } from '../deps.js';
import { JournalWriter, readJournal } from '../services/migrate-journal.js';
import { checkJournalCluster } from './migrate-irsa.js';

// podid migrate-irsa rollback JOURNAL: undo what the journal's run changed, and only that.
// Annotations come back, the run's trust changes are reverted (the exact earlier document while the
// trust is still what the run left; statement by statement when it changed since, so later changes
// survive), and the associations and bridge roles the run created are deleted. Each action checks the
// world first and tolerates changes that never happened, so rolling back twice is harmless.

export interface MigrateRollbackOptions {
  journal: string;
  dryRun: boolean;
}

export interface RolledBack {
  action: RollbackAction['kind'];
  target: string;
  /** `refused`: undoing it would clobber later changes (or the journal cannot say what to undo). */
  status: 'done' | 'unchanged' | 'failed' | 'planned' | 'refused';
  note?: string;
}

export interface MigrateRollbackResult {
  cluster: string;
  journal: string;
  dryRun: boolean;
  actions: RolledBack[];
}

type RollbackDeps = Pick<Deps, 'eks' | 'iam' | 'kube' | 'reporter' | 'clusterName' | 'now'>;

export async function migrateRollback(opts: MigrateRollbackOptions, deps: RollbackDeps): Promise<MigrateRollbackResult> {
  const journal = await readJournal(opts.journal);
  const cluster = await deps.eks.describeCluster(deps.clusterName ?? journal.cluster.name);
  checkJournalCluster(journal, cluster, opts.journal);
  if (journal.status === 'rolled-back') throw new UserError(`journal ${opts.journal} was already rolled back`);
  const writer = new JournalWriter(opts.journal, journal, deps.now);
  const actions: RolledBack[] = [];
  for (const action of planRollback(journal)) {
    const target = rollbackTarget(action);
    if (opts.dryRun) {
      actions.push({ action: action.kind, target, ...(await preview(action, deps)) });
      continue;
    }
    const task = deps.reporter.task(`${action.kind} ${target}`);
    try {
      const outcome = await undo(action, cluster.name, deps);
      actions.push({ action: action.kind, target, ...outcome });
      if (outcome.status === 'refused') task.fail(`${action.kind} ${target}: refused: ${outcome.note}`);
      else task.succeed();
    } catch (error) {
      actions.push({ action: action.kind, target, status: 'failed', note: (error as Error).message });
      task.fail(`${action.kind} ${target}: ${(error as Error).message}`);
    }
  }
  if (opts.dryRun) return { cluster: cluster.name, journal: opts.journal, dryRun: true, actions };
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
  return { cluster: cluster.name, journal: opts.journal, dryRun: false, actions };
}

type Outcome = Pick<RolledBack, 'status' | 'note'>;

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

/** --dry-run: trust reverts are computed against the role as it is now, so a refusal shows up. */
async function preview(action: RollbackAction, deps: Pick<Deps, 'iam'>): Promise<Outcome> {
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
      const found = await deps.eks.listAssociations(clusterName, { namespace: action.namespace, serviceAccount: action.serviceAccount });
      const candidates = action.associationId ? found.filter((s) => s.associationId === action.associationId) : found;
      for (const summary of candidates) {
        const association = await deps.eks.describeAssociation(clusterName, summary.associationId);
        if (association.roleArn !== action.roleArn) continue;
        await deps.eks.deleteAssociation(clusterName, summary.associationId);
        return changed(true);
      }
      return changed(false);
    }
    case 'clear-addon':
      await deps.eks.updateAddonPodIdentity(clusterName, action.addon, []);
      return changed(true);
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
