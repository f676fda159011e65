import { resolve } from 'node:path';
import type { Command } from 'commander';
import { addGlobalOptions } from './globals.js';
import { action, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// Wiring for `podid local`: local state files for the offline backend (--state).

const INIT_EXAMPLES = `
The empty state has one cluster (-c/--region/--account; default demo, us-west-2,
111122223333) with the Pod Identity Agent add-on and a caller. --demo writes the demo world
of fixtures/demo (a cluster with workloads, associations, roles and seeded problems).
Both get a fresh token signing key; the file is written with mode 0600.

Examples:
  $ podid local init --demo demo.json                  # the demo world, offline
  $ podid associations list -A --state demo.json
  $ podid local init -c prod --region eu-west-1 --account 444455556666 prod.json
  $ podid local init --demo --force demo.json          # start the demo over`;

function describeOption(cmd: Command, long: string, description: string) {
  const option = cmd.options.find((o) => o.long === long);
  if (option) option.description = description;
}

export function registerLocal(program: Command, ctx: CliContext) {
  const local = program.command('local').description(summaryOf('local'));
  const init = local
    .command('init')
    .description('write a new local state file: an empty cluster, or the demo world (--demo)')
    .argument('<file>', 'state file to create')
    .option('--demo', 'write the demo world (workloads, associations, roles, seeded problems)')
    .option('--force', 'replace the file if it exists')
    .option('--account <id>', 'AWS account id of the empty state (default: 111122223333)');
  addGlobalOptions(init).addHelpText('after', INIT_EXAMPLES);
  // For init, -c and --region name the cluster to create rather than one to reach.
  describeOption(init, '--cluster', 'cluster name of the empty state (default: demo)');
  describeOption(init, '--region', 'region of the empty state (default: us-west-2)');
  init.action(
    action(ctx, async (env, args) => {
      const { localInit } = await import('../commands/local-init.js');
      const { renderLocalInit } = await import('../ui/render/local-init.js');
      const g = env.globals;
      const result = await localInit({
        path: resolve(ctx.io.cwd, args[0]),
        demo: Boolean(g.demo),
        force: Boolean(g.force),
        cluster: g.cluster,
        region: g.region,
        account: g.account as string | undefined,
      });
      return { result, renderers: { table: renderLocalInit } };
    }),
  );
}
