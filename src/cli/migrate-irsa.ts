import { Command, Option } from 'commander';
import type { MigrateIrsaOptions, MigrateIrsaResult } from '../commands/migrate-irsa.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { plural } from '../core/migrate/text.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, collect, parseKeyValues, type ActionEnv, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid migrate-irsa` (plan / --check / --approve / --interactive / --resume / --export) and `podid migrate-irsa rollback JOURNAL`.

interface MigrateFlags {
  namespace?: string[];
  selector?: string[];
  exclude?: string[];
  manifests?: string[];
  includeAddons?: boolean;
  check?: boolean;
  approve?: boolean;
  interactive?: boolean;
  restart?: boolean;
  removeAnnotations?: boolean;
  removeOidcTrust?: boolean;
  bridgeRoles: boolean;
  trustQuota: string;
  journal?: string;
  resume?: string;
  export?: 'terraform' | 'cloudformation' | 'eksctl';
  exportFile?: string;
}

const EXAMPLES = `
Examples:
  $ podid migrate-irsa --state fixtures/demo/state.json              # the plan: nothing changes
  $ podid migrate-irsa -c prod --check                               # CI gate: exit 3 while IRSA remains
  $ podid migrate-irsa -c prod -n payments -o markdown > plan.md     # a PR comment
  $ podid migrate-irsa -c prod --approve --restart                   # trust → associations → restarts
  $ podid migrate-irsa -c prod --interactive --restart               # review at a terminal, pick entries, apply them
  $ podid migrate-irsa -c prod --approve --restart --remove-annotations --remove-oidc-trust
  $ podid migrate-irsa -c prod --resume .podid/migrate-prod-2026-01-01T000000.000Z-1a2b3c.json
  $ podid migrate-irsa rollback .podid/migrate-prod-2026-01-01T000000.000Z-1a2b3c.json
  $ podid migrate-irsa -c prod --export terraform --export-file pod-identity.tf
  $ helm template ./chart | podid migrate-irsa -c prod --manifests -

Order with --approve: bridge roles → trust (workload-scoped pods.eks.amazonaws.com statement) →
associations → restarts (--restart) → annotation / OIDC-trust removal, each after checking that the
association exists and the trust accepts the service account. Every change is journalled first.

-n, --selector and --exclude apply to EKS add-ons too, by their service account (kube-system/<sa>).
With --manifests the cluster's add-ons are left out (a chart does not own them) unless --include-addons.
--resume keeps the options and filters of its journal; a rolled-back journal cannot be resumed.

--interactive (a terminal only): ↑/↓ move · space toggle a pending entry · a all/none ·
enter apply the selected entries · q/esc quit without changes. Entries left out stay pending
(--check still exits 3); --resume of its journal keeps to the selected entries.`;

export function registerMigrateIrsa(program: Command, ctx: CliContext) {
  const cmd = program
    .command('migrate-irsa')
    .description(summaryOf('migrate-irsa'))
    .enablePositionalOptions()
    .option('-n, --namespace <ns...>', 'only these namespaces')
    .option('--selector <k=v>', 'only service accounts with this label (repeatable)', collect)
    .option('--exclude <ns/sa>', 'leave this service account out (repeatable)', collect)
    .option('--manifests <path...>', 'read Kubernetes objects from files, folders or - (stdin); plan and export only')
    .option('--include-addons', "with --manifests: also plan the cluster's EKS add-ons with IRSA roles (left out by default)")
    .option('--check', 'exit 3 when anything is left to migrate (CI gate)')
    .option('--approve', 'apply the plan')
    .option('--interactive', 'at a terminal: review the plan, choose entries, apply only those')
    .option('--restart', 'with --approve or --interactive: rollout-restart the workloads that still run with IRSA')
    .option('--remove-annotations', 'last step: remove the eks.amazonaws.com/* annotations once the association works')
    .option('--remove-oidc-trust', "last step: remove this cluster's OIDC trust for each migrated service account (only that one)")
    .option('--no-bridge-roles', 'block cross-account IRSA roles instead of creating a bridge role with targetRoleArn')
    .option('--trust-quota <chars>', 'role trust policy size quota (IAM quota L-C07B4B0D)', '2048')
    .option('--journal <file>', 'new journal file for --approve or --interactive (default .podid/migrate-<cluster>-<time>-<random>.json); an existing file is never overwritten')
    .option('--resume <journal>', "continue a failed --approve run from its journal (with the journal's options and filters)")
    .addOption(new Option('--export <format>', 'write infrastructure as code instead of applying').choices(['terraform', 'cloudformation', 'eksctl']))
    .option('--export-file <file>', 'with --export: write to this file instead of stdout')
    .addHelpText('after', EXAMPLES);
  addGlobalOptions(cmd, ['table', 'json', 'yaml', 'markdown']).action(
    action(ctx, async (env) => {
      const flags = cmd.opts<MigrateFlags>();
      const mode = checkFlags(flags, cmd);
      if (mode === 'interactive' && !env.terminal.canReview) throw new UsageError('--interactive needs a terminal; in CI use --check or --approve');
      const [{ migrateIrsa }, { renderMigrateTable, renderMigrateMarkdown, summaryLine }] = await Promise.all([import('../commands/migrate-irsa.js'), import('../ui/render/migrate.js')]);
      const deps = await backendFor(env, { manifests: flags.manifests });
      const opts: MigrateIrsaOptions = {
        filter: { namespaces: flags.namespace, selector: parseKeyValues('--selector', flags.selector), exclude: flags.exclude, addons: !flags.manifests?.length || Boolean(flags.includeAddons) },
        options: { removeOidcTrust: Boolean(flags.removeOidcTrust), removeAnnotations: Boolean(flags.removeAnnotations), restart: Boolean(flags.restart), bridgeRoles: flags.bridgeRoles, trustQuota: Number(flags.trustQuota) },
        mode: mode === 'interactive' ? 'plan' : mode,
        resume: flags.resume,
        journal: flags.journal,
        export: flags.export,
        exportFile: flags.exportFile,
        cwd: env.io.cwd,
        manifests: Boolean(flags.manifests?.length),
      };
      const result = mode === 'interactive' ? await interactive(env, opts, (o) => migrateIrsa(o, deps)) : await migrateIrsa(opts, deps);
      // The user has seen the plan in the review: a quit prints one line, an apply what it did.
      const table = mode === 'interactive' ? (r: MigrateIrsaResult) => (quit(r) ? `${summaryLine(r.plan)}\n` : renderMigrateTable(r)) + selectionNote(r) : renderMigrateTable;
      const exitCode = mode === 'check' && result.pending ? 3 : 0;
      return { result, renderers: { table, markdown: renderMigrateMarkdown }, exitCode };
    }),
  );

  const rollback = cmd
    .command('rollback')
    .description("undo an applied migration from its journal: annotations restored, the run's trust changes reverted (later changes kept), created associations and bridge roles deleted")
    .argument('<journal>', 'the journal file written by --approve')
    .option('--dry-run', 'show what would be undone (and what would be refused), change nothing; exit 1 when an action would be refused or fail')
    .option('--restart', 'also rollout-restart the workloads whose pods still have Pod Identity credentials from an association the rollback deletes')
    .addHelpText('after', `
Order: annotations → trust → associations (and add-on pod identity) deleted → restarts (the run's,
then, with --restart, the workloads whose pods were admitted with Pod Identity) → bridge roles.
Without --restart, those workloads are listed with the kubectl rollout restart commands: their pods
get no credentials until restarted. --dry-run exits 1 when an action would be refused or fail (as
the rollback would), 0 otherwise.

Examples:
  $ podid migrate-irsa rollback .podid/migrate-prod-2026-01-01T000000.000Z-1a2b3c.json -c prod
  $ podid migrate-irsa rollback migrate.json --state demo.json --dry-run
  $ podid migrate-irsa rollback migrate.json -c prod --restart`);
  addGlobalOptions(rollback).action(
    action(ctx, async (env, args) => {
      const flags = rollback.opts<{ dryRun?: boolean; restart?: boolean }>();
      const [{ migrateRollback, rollbackExitCode }, { renderRollbackTable }] = await Promise.all([import('../commands/migrate-rollback.js'), import('../ui/render/migrate.js')]);
      const deps = await backendFor(env);
      const result = await migrateRollback({ journal: args[0], dryRun: Boolean(flags.dryRun), restart: Boolean(flags.restart) }, deps);
      return { result, renderers: { table: renderRollbackTable }, exitCode: rollbackExitCode(result) };
    }),
  );
}

/** Plan, let the user choose at the terminal (ink on stderr), then apply only the chosen entries. */
async function interactive(env: ActionEnv, opts: MigrateIrsaOptions, migrate: (o: MigrateIrsaOptions) => Promise<MigrateIrsaResult>): Promise<MigrateIrsaResult> {
  const planned = await migrate(opts);
  const { isSelectable } = await import('../core/migrate/select.js');
  const pending = planned.plan.entries.filter(isSelectable).map((e) => e.id);
  if (!pending.length) return { ...planned, selection: { entries: [], unselected: [] } };
  const { reviewPlan } = await import('../ui/ink/MigrateReview.js');
  const color = env.terminal.color && Boolean(env.io.stderr.isTTY);
  const outcome = await reviewPlan(planned.plan, { stdin: env.io.stdin, stderr: env.io.stderr }, { color });
  if (outcome.kind === 'interrupt') throw new InterruptedError();
  if (outcome.kind === 'quit') return { ...planned, selection: { entries: [], unselected: pending } };
  return migrate({ ...opts, mode: 'apply', select: outcome.entries, warned: true });
}

const quit = (r: MigrateIrsaResult) => Boolean(r.selection && !r.apply && r.selection.unselected.length);

/** What --interactive adds below the plan: what was left out, or why nothing was applied. */
function selectionNote(result: MigrateIrsaResult): string {
  const s = result.selection;
  if (!s) return '';
  if (quit(result)) return `Nothing applied: the review ended without changes (${plural(s.unselected.length, 'entry', 'entries')} pending).\n`;
  if (!result.apply) return result.plan.summary.waiting ? 'Nothing to review: no entry has a change to apply now (removals wait: see Warnings).\n' : 'Nothing to review: no entry is pending.\n';
  if (!s.unselected.length) return '';
  return `Not selected, still pending: ${s.unselected.join(', ')} (podid migrate-irsa --interactive to review them again).\n`;
}

/** Flags that shape the plan: a resumed run takes them from its journal instead. */
const PLAN_FLAGS: [key: keyof MigrateFlags, flag: string][] = [
  ['namespace', '--namespace'],
  ['selector', '--selector'],
  ['exclude', '--exclude'],
  ['restart', '--restart'],
  ['removeAnnotations', '--remove-annotations'],
  ['removeOidcTrust', '--remove-oidc-trust'],
  ['bridgeRoles', '--no-bridge-roles'],
  ['trustQuota', '--trust-quota'],
];

function checkFlags(flags: MigrateFlags, cmd: Command): 'plan' | 'check' | 'apply' | 'interactive' {
  const quota = Number(flags.trustQuota);
  if (!Number.isInteger(quota) || quota < 256) throw new UsageError(`option '--trust-quota' expects a whole number of characters (≥ 256), got '${flags.trustQuota}'`);
  if (flags.check && (flags.approve || flags.resume)) throw new UsageError("option '--check' cannot be used with '--approve' or '--resume'");
  if (flags.export && (flags.approve || flags.resume || flags.check)) throw new UsageError("option '--export' cannot be used with '--approve', '--resume' or '--check'");
  if (flags.exportFile && !flags.export) throw new UsageError("option '--export-file' needs '--export terraform|cloudformation|eksctl'");
  if (flags.interactive && (flags.approve || flags.check || flags.resume || flags.export)) throw new UsageError("option '--interactive' cannot be used with '--approve', '--check', '--resume' or '--export' (it plans, asks, then applies)");
  if (flags.manifests?.length && (flags.approve || flags.resume || flags.interactive)) throw new UsageError("option '--manifests' is read-only input: use it to plan, check or export, not with '--approve' or '--interactive'");
  if (flags.journal && flags.resume) throw new UsageError("option '--journal' cannot be used with '--resume' (the resumed journal is used)");
  const planFlag = flags.resume && PLAN_FLAGS.find(([key]) => cmd.getOptionValueSource(key) === 'cli');
  if (planFlag) throw new UsageError(`option '${planFlag[1]}' cannot be used with '--resume' (a resumed run keeps the options and filters of its journal)`);
  if (flags.includeAddons && !flags.manifests?.length) throw new UsageError("option '--include-addons' needs '--manifests' (without it, add-ons are always planned)");
  if (flags.journal && !flags.approve && !flags.interactive) throw new UsageError("option '--journal' needs '--approve' or '--interactive'");
  for (const item of flags.exclude ?? []) if (!/^[^/]+\/[^/]+$/.test(item)) throw new UsageError(`option '--exclude' expects NAMESPACE/SERVICE_ACCOUNT, got '${item}'`);
  if (flags.interactive) return 'interactive';
  return flags.check ? 'check' : flags.approve || flags.resume ? 'apply' : 'plan';
}
