import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid snapshot -c CLUSTER -o FILE`: a live cluster into a state file for offline use.
export function registerSnapshot(program: Command, ctx: CliContext) {
  const cmd = program
    .command('snapshot')
    .description(summaryOf('snapshot'))
    .option('-o, --out <file>', 'state file to write')
    .option('--force', 'overwrite an existing file')
    .option('--format <format>', 'summary format: table|json|yaml', 'table')
    .addHelpText('after', `
Pod env keeps every name, but values only of non-secret settings podid checks (proxies without
user:password, NO_PROXY, region, endpoint, Pod Identity and IRSA variables); the rest read
<redacted>. Roles podid cannot read stay "unknown" offline. The file gets a fresh local signing
key for offline tokens (token mint, proxy --source local); the real cluster does not accept them.

Examples:
  $ podid snapshot -c prod -o prod.json
  $ podid doctor --state prod.json          # reproduce a report offline, attach prod.json to a bug
  $ podid token mint -n apps -s web --state prod.json > token`);
  addGlobalOptions(cmd, ['table', 'json', 'yaml'], { output: false }).action(
    action(ctx, async (env) => {
      const opts = cmd.opts<{ out?: string; force?: boolean; format: string }>();
      if (!opts.out) throw new UsageError("option '-o, --out <file>' is required");
      if (env.globals.state) throw new UsageError('snapshot reads a live cluster; it cannot be combined with --state');
      if (!env.globals.cluster) throw new UsageError("option '-c, --cluster <name>' is required: snapshot captures one live cluster");
      if (!['table', 'json', 'yaml'].includes(opts.format)) throw new UsageError(`option '--format' argument '${opts.format}' is invalid`);
      env.globals.output = opts.format as 'table' | 'json' | 'yaml';
      const { snapshot } = await import('../commands/snapshot.js');
      const deps = await backendFor(env);
      const result = await snapshot({ out: opts.out, force: opts.force }, deps);
      return {
        result,
        renderers: {
          table: (r: typeof result) =>
            `Wrote ${r.path}: cluster ${r.cluster}, ${r.counts.serviceAccounts} service accounts, ${r.counts.pods} pods, ${r.counts.associations} associations, ${r.counts.roles} roles, ${r.counts.nodes} nodes.\n`,
        },
      };
    }),
  );
}
