import { isRemoteError } from '../core/errors.js';
import { planRollback, type RollbackAction } from '../core/migrate/journal.js';
import type { PolicyDocument } from '../core/iam/types.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import type { JournalWriter } from './migrate-journal.js';

// Undoing a journal through the ports: each action checks the world first and tolerates changes
// that never happened (a step that failed before its call), so rolling back twice is harmless.

export interface RollbackDeps {
  eks: EksPort;
  iam: IamPort;
  kube: KubePort;
  reporter: Reporter;
}

export interface RolledBack {
  action: RollbackAction['kind'];
  target: string;
  status: 'done' | 'unchanged' | 'failed' | 'planned';
  note?: string;
}

export const actionTarget = (a: RollbackAction): string => {
  switch (a.kind) {
    case 'restore-annotations':
    case 'delete-association':
      return `${a.namespace}/${a.serviceAccount}`;
    case 'restore-trust':
    case 'delete-role':
      return a.roleArn;
    case 'clear-addon':
      return `addon ${a.addon}`;
    case 'restart':
      return `${a.workload.kind}/${a.workload.namespace}/${a.workload.name}`;
  }
};

export async function rollbackJournal(journal: JournalWriter, clusterName: string, deps: RollbackDeps, opts: { dryRun: boolean }): Promise<RolledBack[]> {
  const actions = planRollback(journal.journal);
  const out: RolledBack[] = [];
  for (const action of actions) {
    const target = actionTarget(action);
    if (opts.dryRun) {
      out.push({ action: action.kind, target, status: 'planned' });
      continue;
    }
    const task = deps.reporter.task(`${action.kind} ${target}`);
    try {
      const changed = await undo(action, clusterName, deps);
      out.push({ action: action.kind, target, status: changed ? 'done' : 'unchanged' });
      task.succeed();
    } catch (error) {
      out.push({ action: action.kind, target, status: 'failed', note: (error as Error).message });
      task.fail(`${action.kind} ${target}: ${(error as Error).message}`);
    }
  }
  if (!opts.dryRun) {
    const failed = out.some((r) => r.status === 'failed');
    if (!failed) for (const r of journal.journal.records) if (r.state !== 'skipped') r.state = 'rolled-back';
    journal.journal.status = failed ? 'failed' : 'rolled-back';
    await journal.save();
  }
  return out;
}

const missing = (error: unknown) => isRemoteError(error, 'not-found');

async function undo(action: RollbackAction, clusterName: string, deps: RollbackDeps): Promise<boolean> {
  switch (action.kind) {
    case 'restore-annotations': {
      const sa = await deps.kube.getServiceAccount(action.namespace, action.serviceAccount);
      if (!sa) throw new Error(`service account ${action.namespace}/${action.serviceAccount} no longer exists`);
      if (Object.entries(action.annotations).every(([k, v]) => (sa.annotations[k] ?? null) === v)) return false;
      await deps.kube.annotateServiceAccount(action.namespace, action.serviceAccount, action.annotations);
      return true;
    }
    case 'restore-trust': {
      const role = await deps.iam.getRole(action.roleArn);
      if (JSON.stringify(role.trustPolicy) === action.trustPolicyJson) return false;
      await deps.iam.updateTrustPolicy(action.roleArn, JSON.parse(action.trustPolicyJson) as PolicyDocument);
      return true;
    }
    case 'delete-association': {
      const found = await deps.eks.listAssociations(clusterName, { namespace: action.namespace, serviceAccount: action.serviceAccount });
      const candidates = action.associationId ? found.filter((s) => s.associationId === action.associationId) : found;
      for (const summary of candidates) {
        const association = await deps.eks.describeAssociation(clusterName, summary.associationId);
        if (association.roleArn !== action.roleArn) continue;
        await deps.eks.deleteAssociation(clusterName, summary.associationId);
        return true;
      }
      return false;
    }
    case 'clear-addon':
      await deps.eks.updateAddonPodIdentity(clusterName, action.addon, []);
      return true;
    case 'restart':
      await deps.kube.restartWorkload(action.workload.kind, action.workload.namespace, action.workload.name);
      return true;
    case 'delete-role': {
      try {
        await deps.iam.deleteRolePolicy(action.roleName, action.policyName);
      } catch (error) {
        if (!missing(error)) throw error;
      }
      try {
        await deps.iam.deleteRole(action.roleName);
      } catch (error) {
        if (missing(error)) return false;
        throw error;
      }
      return true;
    }
  }
}
