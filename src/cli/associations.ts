import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { isDnsLabel, isDnsSubdomain } from '../core/model.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid associations list|describe|update|delete`.

export function registerAssociations(program: Command, ctx: CliContext) {
  const group = program.command('associations').description(summaryOf('associations')).enablePositionalOptions();

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
      if (opts.namespace !== undefined && !isDnsLabel(opts.namespace)) throw new UsageError(`option '-n, --namespace': '${opts.namespace}' is not a valid Kubernetes namespace (a DNS-1123 label: lower-case letters, digits and '-', at most 63)`);
      if (opts.serviceAccount !== undefined && !isDnsSubdomain(opts.serviceAccount)) throw new UsageError(`option '-s, --service-account': '${opts.serviceAccount}' is not a valid service account name (a DNS-1123 subdomain)`);
      const [{ associationsList }, { renderAssociationsTable }] = await Promise.all([import('../commands/associations-list.js'), import('../ui/render/associations.js')]);
      const deps = await backendFor(env, { manifests: opts.manifests });
      const result = await associationsList({ namespace: opts.namespace, serviceAccount: opts.serviceAccount }, deps);
      return { result, renderers: { table: renderAssociationsTable } };
    }),
  );

  const describe = group
    .command('describe')
    .description('show one association in full: ID, NS/SA or association ARN')
    .argument('<ref>', 'association id (a-…), NAMESPACE/SERVICE_ACCOUNT or association ARN')
    .option('--manifests <path...>', 'read Kubernetes objects from files, folders or - (stdin)')
    .addHelpText('after', `
Examples:
  $ podid associations describe payments/payments-api --state fixtures/demo/state.json
  $ podid associations describe a-1a2b3c4d5e6f7g8h9 -c prod -o yaml
  $ podid associations describe arn:aws:eks:us-west-2:111122223333:podidentityassociation/prod/a-1a2b3c4d5e6f7g8h9`);
  addGlobalOptions(describe).action(
    action(ctx, async (env, args) => {
      const opts = describe.opts<{ manifests?: string[] }>();
      const [{ associationsDescribe }, { renderAssociationDescribe }] = await Promise.all([import('../commands/associations-describe.js'), import('../ui/render/associations.js')]);
      const deps = await backendFor(env, { manifests: opts.manifests });
      const result = await associationsDescribe({ ref: args[0] }, deps);
      return { result, renderers: { table: renderAssociationDescribe } };
    }),
  );

  const update = group
    .command('update')
    .description('change the role, target role, session tags or session policy of one association (with preflight)')
    .argument('<ref>', 'association id (a-…), NAMESPACE/SERVICE_ACCOUNT or association ARN')
    .option('--role-arn <arn>', 'new role (same account as the cluster)')
    .option('--target-role-arn <arn>', 'chain to this role')
    .option('--no-target-role', 'remove the target role')
    .option('--disable-session-tags', 'stop passing the EKS session tags')
    .option('--enable-session-tags', 'pass the EKS session tags again')
    .option('--session-policy <file>', 'set the inline session policy (requires session tags off)')
    .option('--no-session-policy', 'remove the session policy')
    .option('--fix-trust', "merge a statement scoped to this workload into the new role's trust when needed")
    .option('--restart', 'rollout-restart the workloads of the service account, so their pods get the new role at once')
    .option('--approve', 'apply without asking')
    .option('--check', 'change nothing; exit 3 when the association would change')
    .addHelpText('after', `
Add-on-owned associations are refused (change them through the add-on). Pods keep the old
credentials until restarted (--restart) or the agent cache expires (up to 6 h; 59 min with a
target role).

Examples:
  $ podid associations update payments/payments-api --role-arn arn:aws:iam::111122223333:role/api-v2 --approve
  $ podid associations update a-1a2b3c4d5e6f7g8h9 -c prod --no-target-role
  $ podid associations update web/app --disable-session-tags --session-policy session.json --approve`);
  // --session-policy FILE and --no-session-policy share one attribute (the last wins): see both.
  const sessionPolicyFlags = new Set<string>();
  update.on('option:session-policy', () => sessionPolicyFlags.add('--session-policy'));
  update.on('option:no-session-policy', () => sessionPolicyFlags.add('--no-session-policy'));
  addGlobalOptions(update).action(
    action(ctx, async (env, args) => {
      if (sessionPolicyFlags.size === 2) throw new UsageError("options '--session-policy' and '--no-session-policy' cannot be used together");
      const o = update.opts<{ roleArn?: string; targetRoleArn?: string; targetRole?: boolean; disableSessionTags?: boolean; enableSessionTags?: boolean; sessionPolicy?: string | false; fixTrust?: boolean; restart?: boolean; approve?: boolean; check?: boolean }>();
      if (o.disableSessionTags && o.enableSessionTags) throw new UsageError("options '--disable-session-tags' and '--enable-session-tags' cannot be used together");
      if (o.targetRoleArn && o.targetRole === false) throw new UsageError("options '--target-role-arn' and '--no-target-role' cannot be used together");
      if (o.approve && o.check) throw new UsageError("options '--approve' and '--check' cannot be used together");
      const [{ associationsUpdate }, { associateExitCode }, views, { readTextFile, confirmer, namingFiles }] = await Promise.all([
        import('../commands/associations-update.js'), import('../commands/associate.js'), import('../ui/render/associate.js'), import('./associate.js'),
      ]);
      const sessionPolicy = typeof o.sessionPolicy === 'string' ? await readTextFile(env.io, o.sessionPolicy, '--session-policy') : o.sessionPolicy === false ? null : undefined;
      const deps = await backendFor(env);
      const prompt = confirmer(env, { full: views.renderAssociate, preview: views.renderAssociatePreview, done: views.renderAssociateDone }, 'Apply these changes?');
      const result = await namingFiles({ '--session-policy': o.sessionPolicy }, () => associationsUpdate(
        {
          ref: args[0],
          roleArn: o.roleArn,
          targetRoleArn: o.targetRole === false ? null : o.targetRoleArn,
          disableSessionTags: o.disableSessionTags ? true : o.enableSessionTags ? false : undefined,
          sessionPolicy,
          fixTrust: o.fixTrust,
          restart: o.restart,
          approve: o.approve,
          check: o.check,
          confirm: prompt.confirm,
          statePath: env.globals.state,
        },
        deps,
      ));
      return { result, renderers: { table: prompt.table }, exitCode: associateExitCode(result, o.check) };
    }),
  );

  const remove = group
    .command('delete')
    .alias('rm')
    .description('delete one association; with --delete-role also the role podid created for it')
    .argument('<ref>', 'association id (a-…), NAMESPACE/SERVICE_ACCOUNT or association ARN')
    .option('--delete-role', 'also delete its role: only a role tagged podid:managed-by=podid that no other association uses (policies are detached first)')
    .option('--approve', 'delete without asking')
    .option('--check', 'change nothing; exit 3 when something would be deleted')
    .addHelpText('after', `
Add-on-owned associations are refused (change them through the add-on). A missing association
is not an error: podid says there is nothing to delete and exits 0 (-o json: status "absent").

Examples:
  $ podid associations delete orders/fulfilment --state demo.json --approve
  $ podid associations delete a-1a2b3c4d5e6f7g8h9 -c prod --delete-role --approve`);
  addGlobalOptions(remove).action(
    action(ctx, async (env, args) => {
      const o = remove.opts<{ deleteRole?: boolean; approve?: boolean; check?: boolean }>();
      if (o.approve && o.check) throw new UsageError("options '--approve' and '--check' cannot be used together");
      const [{ associationsDelete, deleteExitCode }, views, { confirmer }] = await Promise.all([
        import('../commands/associations-delete.js'), import('../ui/render/associate.js'), import('./associate.js'),
      ]);
      const deps = await backendFor(env);
      const prompt = confirmer(env, { full: views.renderAssociationsDelete, preview: views.renderAssociationsDeletePreview, done: views.renderAssociationsDeleteDone }, 'Delete?');
      const result = await associationsDelete({ ref: args[0], deleteRole: o.deleteRole, approve: o.approve, check: o.check, confirm: prompt.confirm }, deps);
      return { result, renderers: { table: prompt.table }, exitCode: deleteExitCode(result, o.check) };
    }),
  );
}
