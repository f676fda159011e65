import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, type CliContext } from './run-action.js';

// `podid associations list|describe` (update/delete join them when association management lands).

export function registerAssociations(program: Command, ctx: CliContext) {
  const group = program.command('associations').description('list, describe, update and delete Pod Identity associations').enablePositionalOptions();

  const list = group
    .command('list')
    .alias('ls')
    .description('list associations joined with their service account, pods, role and session-tag mode')
    .option('-n, --namespace <ns>', 'only this namespace')
    .option('-A, --all-namespaces', 'every namespace (the default)')
    .option('-s, --service-account <name>', 'only this service account')
    .option('--manifests <path...>', 'read Kubernetes objects from files, folders or - (stdin) instead of the cluster')
    .addHelpText('after', `
Examples:
  $ podid associations list --state fixtures/demo/state.json
  $ podid associations list -c prod -n payments -o json
  $ kubectl get sa,pods -A -o yaml | podid associations list -c prod --manifests -`);
  addGlobalOptions(list).action(
    action(ctx, async (env) => {
      const opts = list.opts<{ namespace?: string; allNamespaces?: boolean; serviceAccount?: string; manifests?: string[] }>();
      if (opts.namespace && opts.allNamespaces) throw new UsageError("options '-n, --namespace' and '-A, --all-namespaces' cannot be used together");
      const [{ associationsList }, { renderAssociationsTable }] = await Promise.all([import('../commands/associations-list.js'), import('../ui/render/associations.js')]);
      const deps = await backendFor(env, { manifests: opts.manifests });
      const result = await associationsList({ namespace: opts.namespace, serviceAccount: opts.serviceAccount }, deps);
      return { result, renderers: { table: renderAssociationsTable } };
    }),
  );

  const describe = group
    .command('describe')
    .description('show one association in full: ID or NS/SA')
    .argument('<ref>', 'association id (a-…) or NAMESPACE/SERVICE_ACCOUNT')
    .option('--manifests <path...>', 'read Kubernetes objects from files, folders or - (stdin)')
    .addHelpText('after', `
Examples:
  $ podid associations describe payments/payments-api --state fixtures/demo/state.json
  $ podid associations describe a-1a2b3c4d5e6f7g8h9 -c prod -o yaml`);
  addGlobalOptions(describe).action(
    action(ctx, async (env, args) => {
      const opts = describe.opts<{ manifests?: string[] }>();
      const [{ associationsDescribe }, { renderAssociationDescribe }] = await Promise.all([import('../commands/associations-describe.js'), import('../ui/render/associations.js')]);
      const deps = await backendFor(env, { manifests: opts.manifests });
      const result = await associationsDescribe({ ref: args[0] }, deps);
      return { result, renderers: { table: renderAssociationDescribe } };
    }),
  );
}
