import { UserError } from '../core/errors.js';
import type { Deps } from '../deps.js';
import { JournalWriter, readJournal } from '../services/migrate-journal.js';
import { rollbackJournal, type RolledBack } from '../services/migrate-rollback.js';
import { checkJournalCluster } from './migrate-irsa.js';

// podid migrate-irsa rollback JOURNAL: restore the trust policies and annotations recorded in the
// journal exactly, and delete the associations and bridge roles the run created.

export interface MigrateRollbackOptions {
  journal: string;
  dryRun: boolean;
}

export interface MigrateRollbackResult {
  cluster: string;
  journal: string;
  dryRun: boolean;
  actions: RolledBack[];
}

export async function migrateRollback(opts: MigrateRollbackOptions, deps: Pick<Deps, 'eks' | 'iam' | 'kube' | 'reporter' | 'clusterName' | 'now'>): Promise<MigrateRollbackResult> {
  const journal = await readJournal(opts.journal);
  const cluster = await deps.eks.describeCluster(deps.clusterName ?? journal.cluster.name);
  checkJournalCluster(journal, cluster, opts.journal);
  if (journal.status === 'rolled-back') throw new UserError(`journal ${opts.journal} was already rolled back`);
  const writer = new JournalWriter(opts.journal, journal, deps.now);
  const actions = await rollbackJournal(writer, cluster.name, deps, { dryRun: opts.dryRun });
  const failed = actions.filter((a) => a.status === 'failed');
  if (failed.length) {
    throw new UserError(`rollback incomplete: ${failed.map((f) => `${f.action} ${f.target}: ${f.note}`).join('; ')}`, { hint: `Fix the cause and run the rollback again: podid migrate-irsa rollback ${opts.journal}` });
  }
  return { cluster: cluster.name, journal: opts.journal, dryRun: opts.dryRun, actions };
}
