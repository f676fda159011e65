import { UsageError, UserError } from '../core/errors.js';
import { exportPlan, type ExportFormat } from '../core/migrate/export.js';
import { newJournal } from '../core/migrate/journal.js';
import { planMigration } from '../core/migrate/plan.js';
import { ADDON_NAMESPACE, filterWarnings, type Listed } from '../core/migrate/scope.js';
import { journalSelection, selectPlan, withSelection } from '../core/migrate/select.js';
import { plural } from '../core/migrate/text.js';
import type { Journal, MigrationOptions, MigrationPlan, SaFilter } from '../core/migrate/types.js';
import type { Cluster } from '../core/model.js';
import type { EksPort, KubePort } from '../core/ports.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { applyPlan, type AppliedStep } from '../services/migrate-apply.js';
import { gatherMigrationFacts } from '../services/migrate-gather.js';
import { claimDefaultJournal, claimJournal, JournalWriter, readJournal, writeFileAtomic } from '../services/migrate-journal.js';

// podid migrate-irsa: gather → planMigration → (--approve) apply with a journal; --check for CI;
// --resume continues a failed run from its journal; --export writes IaC instead of applying.
// `select` (from --interactive) applies only some entries; the journal records them for --resume.

export interface MigrateIrsaOptions {
  /** Ignored with `resume`: the journal's filter applies. */
  filter: SaFilter;
  options: MigrationOptions;
  mode: 'plan' | 'check' | 'apply';
  /** Journal of a failed run to continue (implies apply; its options and filter apply). */
  resume?: string;
  journal?: string;
  export?: ExportFormat;
  exportFile?: string;
  /** For the default journal path. */
  cwd: string;
  /** Kubernetes objects come from --manifests: an input without any is an error, not an empty plan. */
  manifests?: boolean;
  /** The filter warnings were shown already (the apply after an --interactive review): not again. */
  warned?: boolean;
  /** With mode 'apply': apply only these entries ("ns/sa" or "addon:<name>"); the others stay pending. */
  select?: string[];
}

export interface MigrateIrsaResult {
  cluster: string;
  mode: 'plan' | 'check' | 'apply' | 'export';
  /** Something is left to do: pending steps or blocked entries (the --check verdict). */
  pending: boolean;
  plan: MigrationPlan;
  /** `note`: why nothing was applied (a resumed journal that had finished). */
  apply?: { journal?: string; status: 'done' | 'incomplete'; steps: AppliedStep[]; note?: string };
  export?: { format: ExportFormat; file?: string; text?: string };
  /** A run restricted to some entries: the chosen ones, and the pending ones left for later. */
  selection?: { entries: string[]; unselected: string[] };
  /** Filters that matched nothing (-n, --selector, --exclude): likely typos. Also printed on stderr. */
  warnings: string[];
}

type MigrateDeps = Pick<Deps, 'eks' | 'iam' | 'kube' | 'reporter' | 'clusterName' | 'backend' | 'now'>;

export async function migrateIrsa(opts: MigrateIrsaOptions, deps: MigrateDeps): Promise<MigrateIrsaResult> {
  if (opts.select && (opts.mode !== 'apply' || opts.resume || opts.export)) throw new UsageError('a selection of entries is applied with mode apply, without --resume or --export');
  const clusterName = requireCluster(deps);
  const resumed = opts.resume ? await readJournal(opts.resume) : undefined;
  const cluster = await deps.eks.describeCluster(clusterName);
  if (resumed) checkResumable(resumed, cluster, opts.resume!);
  const options = resumed?.options ?? opts.options;
  const filter = resumed ? (resumed.filter ?? {}) : opts.filter;
  if (opts.manifests) await requireManifestObjects(deps.kube);
  const seen = recording(deps);
  const facts = await gatherMigrationFacts({ ...deps, kube: seen.kube, eks: seen.eks }, cluster.name, filter);
  const full = planMigration(facts, options);
  const warnings = filterWarnings(filter, seen.listed, full.entries);
  if (!opts.warned) for (const warning of warnings) deps.reporter.warn(warning);
  const pending = full.summary.pending + full.summary.blocked > 0;
  const base = { cluster: cluster.name, pending, warnings };
  if (opts.export) {
    const text = exportPlan(full, opts.export);
    if (opts.exportFile) await writeFileAtomic(opts.exportFile, text);
    return { ...base, mode: 'export', plan: full, export: { format: opts.export, file: opts.exportFile, text: opts.exportFile ? undefined : text } };
  }
  if (opts.mode !== 'apply' && !resumed) return { ...base, mode: opts.mode, plan: full };
  if (resumed?.status === 'done') {
    const note = `nothing to resume: journal ${opts.resume} finished${full.steps.length ? '; what is still pending needs a new run (podid migrate-irsa --approve)' : ''}`;
    return { ...base, mode: 'apply', plan: full, apply: { journal: opts.resume, status: 'done', steps: [], note } };
  }

  const chosen = resumed ? resumedSelection(resumed, opts.resume!) : opts.select;
  const { plan, selection } = chosen ? restrict(full, chosen, Boolean(resumed)) : { plan: full, selection: undefined };
  // Removals asked for that wait for pods still on IRSA: the run cannot finish them now.
  const waiting = plan.entries.some((e) => e.status === 'pending' && e.waiting && (!chosen || chosen.includes(e.id)));
  // Nothing to change: no journal (a converged plan stays converged, however often it runs).
  if (!plan.steps.length && !resumed) return { ...base, mode: 'apply', plan, selection, apply: { status: waiting ? 'incomplete' : 'done', steps: [] } };
  // A journal is the only record of its run: a new run never replaces one (--resume continues its own).
  const path = opts.resume ?? (opts.journal ? await claimJournal(opts.journal) : await claimDefaultJournal(opts.cwd, cluster.name, deps.now()));
  const journal = new JournalWriter(path, resumed ?? withSelection(newJournal(cluster, options, deps.now().toISOString(), filter), chosen), deps.now);
  if (resumed) journal.journal.status = 'running';
  // Written before the first change, so an unusable path stops the run with nothing changed.
  await journal.save();
  deps.reporter.info(`journal: ${path}`);
  const outcome = await applyPlan(plan, cluster, deps, journal, { restart: options.restart });
  if (outcome.failed) {
    const done = outcome.steps.filter((s) => s.status === 'done').length;
    throw new UserError(`step ${outcome.failed.id} failed: ${outcome.failed.note} (${plural(done, 'change')} applied before it; journal ${path})`, {
      hint: `Fix the cause, then continue with: podid migrate-irsa --resume ${path}  — or undo with: podid migrate-irsa rollback ${path}`,
    });
  }
  const incomplete = outcome.steps.some((s) => s.status === 'deferred' || s.status === 'manual') || plan.summary.blocked > 0 || waiting;
  return { ...base, mode: 'apply', plan, selection, apply: { journal: path, status: incomplete ? 'incomplete' : 'done', steps: outcome.steps } };
}

/** --manifests that hold no Kubernetes object podid reads (empty input, a failed `helm template` in a pipe) must not pass a gate. */
async function requireManifestObjects(kube: KubePort) {
  const found = await Promise.all([kube.listServiceAccounts(), kube.listPods(), kube.listWorkloads(), kube.listNodes()]);
  if (found.some((objects) => objects.length)) return;
  throw new UserError('--manifests: the input holds no Kubernetes objects podid reads (no ServiceAccount, Pod, Node or workload); nothing was checked', {
    hint: 'Check the command that produced it: an empty input usually means it failed. In a pipe, use set -o pipefail (helm template ./chart | podid migrate-irsa --manifests - --check).',
  });
}

/**
 * The ports as the gatherer uses them, recording what it listed: the service accounts (and which
 * namespaces the listings covered) and the service accounts the add-ons declare. No extra calls.
 */
function recording(deps: { kube: KubePort; eks: EksPort }): { kube: KubePort; eks: EksPort; listed: Listed } {
  const listed: Listed = { all: false, namespaces: new Set(), serviceAccounts: [], addonServiceAccounts: [] };
  const wrap = <T extends object>(port: T, method: keyof T, record: (args: unknown[], out: never) => void): T =>
    new Proxy(port, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== 'function') return value;
        if (key !== method) return value.bind(target);
        return async (...args: unknown[]) => {
          const out = await value.apply(target, args);
          record(args, out as never);
          return out;
        };
      },
    });
  const kube = wrap(deps.kube, 'listServiceAccounts', ([namespace], out: Awaited<ReturnType<KubePort['listServiceAccounts']>>) => {
    if (typeof namespace === 'string' && namespace) listed.namespaces.add(namespace);
    else listed.all = true;
    for (const sa of out) listed.serviceAccounts.push(sa); // no spread: 100,000s of service accounts
  });
  const eks = wrap(deps.eks, 'describeAddonConfiguration', (_args, out: Awaited<ReturnType<EksPort['describeAddonConfiguration']>>) => {
    listed.addonServiceAccounts.push(...out.podIdentityServiceAccounts.map((name) => `${ADDON_NAMESPACE}/${name}`));
  });
  return { kube, eks, listed };
}

/**
 * The plan restricted to the chosen entries. A fresh choice must still match the plan (it was made
 * on an earlier one); on --resume, entries that left the plan (migrated, annotation removed) are fine.
 */
function restrict(full: MigrationPlan, chosen: string[], resumed: boolean): { plan: MigrationPlan; selection: MigrateIrsaResult['selection'] } {
  const { plan, unknown, stopped, unselected } = selectPlan(full, chosen);
  if (!resumed && (unknown.length || stopped.length)) {
    const what = [...unknown.map((id) => `${id} is no longer in the plan`), ...stopped.map((e) => `${e.id} is ${e.status}: ${e.reason}`)];
    throw new UserError(`the plan changed since the review: ${what.join('; ')}; nothing was changed`, { hint: 'Review the current plan: podid migrate-irsa --interactive' });
  }
  return { plan, selection: { entries: chosen, unselected } };
}

function resumedSelection(journal: Journal, path: string): string[] | undefined {
  const { selection, problem } = journalSelection(journal);
  if (problem) throw new UserError(`${path} is not a podid migration journal:\n  ${problem}`);
  return selection;
}

export function checkJournalCluster(journal: Journal, cluster: Cluster, path: string) {
  if (journal.cluster.arn !== cluster.arn) {
    throw new UserError(`journal ${path} belongs to cluster ${journal.cluster.name} (${journal.cluster.arn}), not ${cluster.name} (${cluster.arn}); nothing was changed`, {
      hint: `Run it against its own cluster: -c ${journal.cluster.name}`,
    });
  }
}

/** --resume continues a failed or interrupted run of this cluster; a rolled-back run stays undone. */
function checkResumable(journal: Journal, cluster: Cluster, path: string) {
  checkJournalCluster(journal, cluster, path);
  if (journal.status === 'rolled-back') {
    throw new UserError(`journal ${path} was rolled back; there is nothing to resume and nothing was changed`, {
      hint: 'To migrate again, start a new run: podid migrate-irsa --approve',
    });
  }
}
