import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, collect, parseKeyValues, type CliContext } from './run-action.js';

// `podid migrate-irsa` (plan / --check / --approve / --resume / --export) and `podid migrate-irsa rollback JOURNAL`.

interface MigrateFlags {
  namespace?: string[];
  selector?: string[];
  exclude?: string[];
  manifests?: string[];
  check?: boolean;
  approve?: boolean;
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
  $ podid migrate-irsa -c prod --approve --restart --remove-annotations --remove-oidc-trust
  $ podid migrate-irsa -c prod --resume .podid/migrate-prod-20260101T000000Z.json
  $ podid migrate-irsa rollback .podid/migrate-prod-20260101T000000Z.json
  $ podid migrate-irsa -c prod --export terraform --export-file pod-identity.tf
  $ helm template ./chart | podid migrate-irsa -c prod --manifests -

Order with --approve: bridge roles → trust (workload-scoped pods.eks.amazonaws.com statement) →
associations → restarts (--restart) → annotation / OIDC-trust removal, each after checking that the
association exists and the trust accepts the service account. Every change is journalled first.`;

export function registerMigrateIrsa(program: Command, ctx: CliContext) {
  const cmd = program
    .command('migrate-irsa')
    .description('move IRSA service accounts (and add-ons) to Pod Identity associations: plan, check, apply, roll back')
    .enablePositionalOptions()
    .option('-n, --namespace <ns...>', 'only these namespaces')
    .option('--selector <k=v>', 'only service accounts with this label (repeatable)', collect)
    .option('--exclude <ns/sa>', 'leave this service account out (repeatable)', collect)
    .option('--manifests <path...>', 'read Kubernetes objects from files, folders or - (stdin); plan and export only')
    .option('--check', 'exit 3 when anything is left to migrate (CI gate)')
    .option('--approve', 'apply the plan')
    .option('--restart', 'with --approve: rollout-restart the workloads that still run with IRSA')
    .option('--remove-annotations', 'last step: remove the eks.amazonaws.com/* annotations once the association works')
    .option('--remove-oidc-trust', "last step: remove this cluster's OIDC trust for each migrated service account (only that one)")
    .option('--no-bridge-roles', 'block cross-account IRSA roles instead of creating a bridge role with targetRoleArn')
    .option('--trust-quota <chars>', 'role trust policy size quota (IAM quota L-C07B4B0D)', '2048')
    .option('--journal <file>', 'journal file for --approve (default .podid/migrate-<cluster>-<time>.json)')
    .option('--resume <journal>', 'continue a failed --approve run from its journal')
    .addOption(new Option('--export <format>', 'write infrastructure as code instead of applying').choices(['terraform', 'cloudformation', 'eksctl']))
    .option('--export-file <file>', 'with --export: write to this file instead of stdout')
    .addHelpText('after', EXAMPLES);
  addGlobalOptions(cmd, ['table', 'json', 'yaml', 'markdown']).action(
    action(ctx, async (env) => {
      const flags = cmd.opts<MigrateFlags>();
      const mode = checkFlags(flags);
      const [{ migrateIrsa }, { renderMigrateTable, renderMigrateMarkdown }] = await Promise.all([import('../commands/migrate-irsa.js'), import('../ui/render/migrate.js')]);
      const deps = await backendFor(env, { manifests: flags.manifests });
      const result = await migrateIrsa(
        {
          filter: { namespaces: flags.namespace, selector: parseKeyValues('--selector', flags.selector), exclude: flags.exclude },
          options: { removeOidcTrust: Boolean(flags.removeOidcTrust), removeAnnotations: Boolean(flags.removeAnnotations), restart: Boolean(flags.restart), bridgeRoles: flags.bridgeRoles, trustQuota: Number(flags.trustQuota) },
          mode,
          resume: flags.resume,
          journal: flags.journal,
          export: flags.export,
          exportFile: flags.exportFile,
          cwd: env.io.cwd,
        },
        deps,
      );
      return { result, renderers: { table: renderMigrateTable, markdown: renderMigrateMarkdown }, exitCode: mode === 'check' && result.pending ? 3 : 0 };
    }),
  );

  const rollback = cmd
    .command('rollback')
    .description('undo an applied migration from its journal: trust policies and annotations restored exactly, created associations and bridge roles deleted')
    .argument('<journal>', 'the journal file written by --approve')
    .option('--dry-run', 'show what would be undone, change nothing')
    .addHelpText('after', `
Examples:
  $ podid migrate-irsa rollback .podid/migrate-prod-20260101T000000Z.json -c prod
  $ podid migrate-irsa rollback migrate.json --state demo.json --dry-run`);
  addGlobalOptions(rollback).action(
    action(ctx, async (env, args) => {
      const flags = rollback.opts<{ dryRun?: boolean }>();
      const [{ migrateRollback }, { renderRollbackTable }] = await Promise.all([import('../commands/migrate-rollback.js'), import('../ui/render/migrate.js')]);
      const deps = await backendFor(env);
      const result = await migrateRollback({ journal: args[0], dryRun: Boolean(flags.dryRun) }, deps);
      return { result, renderers: { table: renderRollbackTable } };
    }),
  );
}

function checkFlags(flags: MigrateFlags): 'plan' | 'check' | 'apply' {
  const quota = Number(flags.trustQuota);
  if (!Number.isInteger(quota) || quota < 256) throw new UsageError(`option '--trust-quota' expects a whole number of characters (≥ 256), got '${flags.trustQuota}'`);
  if (flags.check && (flags.approve || flags.resume)) throw new UsageError("option '--check' cannot be used with '--approve' or '--resume'");
  if (flags.export && (flags.approve || flags.resume || flags.check)) throw new UsageError("option '--export' cannot be used with '--approve', '--resume' or '--check'");
  if (flags.exportFile && !flags.export) throw new UsageError("option '--export-file' needs '--export terraform|cloudformation|eksctl'");
  if (flags.manifests?.length && (flags.approve || flags.resume)) throw new UsageError("option '--manifests' is read-only input: use it to plan, check or export, not with '--approve'");
  if (flags.journal && flags.resume) throw new UsageError("option '--journal' cannot be used with '--resume' (the resumed journal is used)");
  if (flags.journal && !flags.approve) throw new UsageError("option '--journal' needs '--approve'");
  for (const item of flags.exclude ?? []) if (!/^[^/]+\/[^/]+$/.test(item)) throw new UsageError(`option '--exclude' expects NAMESPACE/SERVICE_ACCOUNT, got '${item}'`);
  return flags.check ? 'check' : flags.approve || flags.resume ? 'apply' : 'plan';
}
