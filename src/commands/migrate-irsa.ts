import { UserError } from '../core/errors.js';
import { exportPlan, type ExportFormat } from '../core/migrate/export.js';
import { newJournal } from '../core/migrate/journal.js';
import { planMigration } from '../core/migrate/plan.js';
import type { Journal, MigrationOptions, MigrationPlan, SaFilter } from '../core/migrate/types.js';
import type { Cluster } from '../core/model.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { applyPlan, type AppliedStep } from '../services/migrate-apply.js';
import { gatherMigrationFacts } from '../services/migrate-gather.js';
import { defaultJournalPath, JournalWriter, readJournal, writeFileAtomic } from '../services/migrate-journal.js';

// podid migrate-irsa: gather → planMigration → (--approve) apply with a journal; --check for CI;
// --resume continues a failed run from its journal; --export writes IaC instead of applying.

export interface MigrateIrsaOptions {
  filter: SaFilter;
  options: MigrationOptions;
  mode: 'plan' | 'check' | 'apply';
  /** Journal of a failed run to continue (implies apply). */
  resume?: string;
  journal?: string;
  export?: ExportFormat;
  exportFile?: string;
  /** For the default journal path. */
  cwd: string;
}

export interface MigrateIrsaResult {
  cluster: string;
  mode: 'plan' | 'check' | 'apply' | 'export';
  /** Something is left to do: pending steps or blocked entries (the --check verdict). */
  pending: boolean;
  plan: MigrationPlan;
  apply?: { journal?: string; status: 'done' | 'incomplete'; steps: AppliedStep[] };
  export?: { format: ExportFormat; file?: string; text?: string };
}

type MigrateDeps = Pick<Deps, 'eks' | 'iam' | 'kube' | 'reporter' | 'clusterName' | 'backend' | 'now'>;

export async function migrateIrsa(opts: MigrateIrsaOptions, deps: MigrateDeps): Promise<MigrateIrsaResult> {
  const clusterName = requireCluster(deps);
  const resumed = opts.resume ? await readJournal(opts.resume) : undefined;
  const cluster = await deps.eks.describeCluster(clusterName);
  if (resumed) checkJournalCluster(resumed, cluster, opts.resume!);
  const options = resumed?.options ?? opts.options;
  const facts = await gatherMigrationFacts(deps, cluster.name, opts.filter);
  const plan = planMigration(facts, options);
  const pending = plan.summary.pending + plan.summary.blocked > 0;
  if (opts.export) {
    const text = exportPlan(plan, opts.export);
    if (opts.exportFile) await writeFileAtomic(opts.exportFile, text);
    return { cluster: cluster.name, mode: 'export', pending, plan, export: { format: opts.export, file: opts.exportFile, text: opts.exportFile ? undefined : text } };
  }
  if (opts.mode !== 'apply' && !resumed) return { cluster: cluster.name, mode: opts.mode, pending, plan };

  const path = opts.resume ?? opts.journal ?? defaultJournalPath(opts.cwd, cluster.name, deps.now());
  const journal = new JournalWriter(path, resumed ?? newJournal(cluster, options, deps.now().toISOString()), deps.now);
  if (resumed) journal.journal.status = 'running';
  if (!plan.steps.length && !resumed) {
    return { cluster: cluster.name, mode: 'apply', pending, plan, apply: { status: 'done', steps: [] } };
  }
  deps.reporter.info(`journal: ${path}`);
  const outcome = await applyPlan(plan, cluster, deps, journal, { restart: options.restart });
  if (outcome.failed) {
    const done = outcome.steps.filter((s) => s.status === 'done').length;
    throw new UserError(`step ${outcome.failed.id} failed: ${outcome.failed.note} (${done} change(s) applied before it; journal ${path})`, {
      hint: `Fix the cause, then continue with: podid migrate-irsa --resume ${path}  — or undo with: podid migrate-irsa rollback ${path}`,
    });
  }
  const incomplete = outcome.steps.some((s) => s.status === 'deferred' || s.status === 'manual') || plan.summary.blocked > 0;
  return { cluster: cluster.name, mode: 'apply', pending, plan, apply: { journal: path, status: incomplete ? 'incomplete' : 'done', steps: outcome.steps } };
}

export function checkJournalCluster(journal: Journal, cluster: Cluster, path: string) {
  if (journal.cluster.arn !== cluster.arn) {
    throw new UserError(`journal ${path} belongs to cluster ${journal.cluster.name} (${journal.cluster.arn}), not ${cluster.name} (${cluster.arn}); nothing was changed`, {
      hint: `Run it against its own cluster: -c ${journal.cluster.name}`,
    });
  }
}
