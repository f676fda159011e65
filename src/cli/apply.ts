import type { Command } from 'commander';
import { PodidError, UsageError } from '../core/errors.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// Wiring for `podid apply -f podid.yaml`: converge the cluster's associations to the file.

const EXAMPLES = `
The file (YAML): apiVersion podid/v1, kind Associations, cluster, associations[] of
{ namespace, serviceAccount, roleArn | role: {name, path, policyArns, abacTemplates,
inlinePolicy, permissionsBoundary, maxSessionDuration}, targetRoleArn, sessionTags,
sessionPolicy, tags, createServiceAccount, fixTrust }. See fixtures/apply/podid.yaml.

Without --approve podid prints the plan and changes nothing. --prune also deletes
associations the file does not list (never add-on-owned ones).

Examples:
  $ podid apply -f podid.yaml                     # plan
  $ podid apply -f podid.yaml --approve --prune
  $ podid apply -f podid.yaml --check             # CI: exit 3 when the cluster differs from the file
  $ podid apply -f fixtures/apply/podid.yaml --state demo.json`;

export function registerApply(program: Command, ctx: CliContext) {
  const cmd = program
    .command('apply')
    .description(summaryOf('apply'))
    .requiredOption('-f, --file <file>', 'the podid.yaml file (- for stdin)')
    .option('--prune', 'also delete associations the file does not list (never add-on-owned ones)')
    .option('--restart', 'restart workloads whose pods started before their association')
    .option('--approve', 'apply without asking')
    .option('--check', 'change nothing; exit 3 when something would change');
  addGlobalOptions(cmd).addHelpText('after', EXAMPLES);
  cmd.action(
    action(ctx, async (env) => {
      const o = cmd.opts<{ file: string; prune?: boolean; restart?: boolean; approve?: boolean; check?: boolean }>();
      if (o.approve && o.check) throw new UsageError("options '--approve' and '--check' cannot be used together");
      const [{ apply, applyExitCode, parseApplyFile }, views, { readTextFile, confirmer }, { sameClusterRef }] = await Promise.all([
        import('../commands/apply.js'),
        import('../ui/render/apply.js'),
        import('./associate.js'),
        import('../core/associate/file.js'),
      ]);
      const text = o.file === '-' ? await readStdin(env.io.stdin) : await readTextFile(env.io, o.file, '-f, --file');
      const file = parseApplyFile(o.file, text);
      const given = env.globals.cluster;
      if (given && !sameCluster(sameClusterRef, given, file.cluster)) throw new UsageError(`option '-c, --cluster' (${given}) differs from cluster '${file.cluster}' in ${o.file}`);
      const deps = await backendFor({ ...env, globals: { ...env.globals, cluster: file.cluster } });
      const prompt = confirmer(env, { full: views.renderApply, preview: views.renderApplyPreview, done: views.renderApplyDone }, 'Apply these changes?');
      const result = await apply({ path: o.file, text, clusterRef: given, approve: o.approve, prune: o.prune, check: o.check, restart: o.restart, confirm: prompt.confirm, statePath: env.globals.state }, deps);
      return { result, renderers: { table: prompt.table }, exitCode: applyExitCode(result, o.check) };
    }),
  );
}

/** -c takes a name or an ARN: an ARN whose name is the file's cluster names the same cluster. */
function sameCluster(same: (a: string, b: string) => boolean, given: string, fileCluster: string): boolean {
  try {
    return same(given, fileCluster);
  } catch (error) {
    if (!(error instanceof PodidError)) throw error;
    throw new UsageError(`option '-c, --cluster': ${error.message}`);
  }
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  return text;
}
