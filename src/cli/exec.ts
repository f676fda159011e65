import { Command, Option } from 'commander';
import { EXIT } from '../core/errors.js';
import type { Io } from '../ui/io.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, ownSignalHandler, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid exec -n NS -s SA -- CMD ARGS…`: run a command with Pod Identity credentials from an
// in-process proxy on an ephemeral loopback port. Exits with the command's exit code.

export function registerExec(program: Command, ctx: CliContext) {
  const cmd = program
    .command('exec')
    .description(summaryOf('exec'))
    .option('-n, --namespace <ns>', 'namespace of the service account (required unless --token-file; with it, must match the token)')
    .option('-s, --service-account <name>', 'service account whose association gives the role (required unless --token-file; with it, must match the token)')
    .addOption(new Option('--source <name>', 'where credentials come from (default: local with --state, else sts)').choices(['local', 'sts', 'eks-auth']))
    .option('--token-file <file>', "use this token (e.g. kubectl create token SA --audience pods.eks.amazonaws.com) instead of minting one; -n/-s default to its service account")
    .option('--strict-host', "apply the agent's strict Host check (the command must then reach 169.254.170.23)")
    .argument('<command...>', 'the command and its arguments (after --)')
    // Known (hidden) so that `exec -o json` gets exec's own refusal, not "unknown option '-o'".
    .addOption(new Option('-o, --output <format>', 'refused: the command owns stdout').hideHelp())
    .passThroughOptions()
    .addHelpText('after', `
The command gets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, AWS_DEFAULT_PROFILE,
AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and the other container variables are removed, and
AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE point at an empty file (a [default] profile
would win too), so the SDK's default chain reaches the proxy. AWS_REGION and AWS_DEFAULT_REGION
are set to the cluster's region unless already set. SIGINT, SIGTERM and SIGHUP are forwarded to
the command; podid then removes the token it minted and exits with the command's code (129 after
SIGHUP).
With --token-file the credentials follow the token's service account: -n/-s may be left out, and
a token for another service account than -n/-s is a usage error (exit 2).
exec has no output of its own: stdout is the command's, podid writes only to stderr (the start-up
line, warnings, --debug logs). -o json|yaml (before or after exec) is a usage error (exit 2);
script the command's own output instead.

Examples:
  $ podid exec -n payments -s payments-api --state fixtures/demo/state.json -- npm start
  $ podid exec -n payments -s payments-api -c prod --source sts -- aws sts get-caller-identity
  $ podid exec -c prod --source eks-auth --token-file token.jwt -- python3 app.py`);
  addGlobalOptions(cmd, ['table'], { output: false }).action(
    action(ctx, async (env, args) => {
      if (env.globals.output !== 'table') return refuseOutput(ctx, env.io, env.globals.output);
      const opts = cmd.opts<{ namespace?: string; serviceAccount?: string; source?: string; tokenFile?: string; strictHost?: boolean }>();
      const [command, ...rest] = args;
      const [{ exec }, { startHttpServer }, support, { randomUUID }, { readFile }] = await Promise.all([
        import('../commands/exec.js'),
        import('../adapters/http/server.js'),
        import('../adapters/http/exec-support.js'),
        import('node:crypto'),
        import('node:fs/promises'),
      ]);
      const deps = await backendFor(env);
      // Never the proxy's live view, even at a terminal: the child owns it. Request lines stay
      // plain (on stderr with --debug), through the command's default onRequest.
      const result = await exec(
        { namespace: opts.namespace, serviceAccount: opts.serviceAccount, command, args: rest, source: opts.source as 'local' | 'sts' | 'eks-auth' | undefined, tokenFile: opts.tokenFile, env: env.io.env, cwd: env.io.cwd, strictHost: opts.strictHost },
        {
          ...deps,
          startHttpServer,
          uuid: randomUUID,
          signPodToken: support.signPodToken,
          makeExecFiles: support.makeExecFiles,
          readTokenFile: (path) => readFile(path, 'utf8'),
          runChild: support.runChild,
          onSignal: (forward) => execSignals(process, forward),
        },
      );
      return { result, renderers: { table: () => '' }, exitCode: result.exitCode };
    }),
  );
}

/**
 * `-o json|yaml` (or any format but the default) with exec: a usage error before anything runs.
 * Reported here, on stderr only, rather than thrown: main.ts answers an error under `-o json|yaml`
 * with a JSON/YAML error document on stdout, and exec's stdout belongs to the command.
 */
function refuseOutput(ctx: CliContext, io: Pick<Io, 'stderr'>, format: string): void {
  io.stderr.write(`podid: option '-o, --output ${format}' does not apply to exec: stdout is the command's own output (podid writes only to stderr) — drop -o (see 'podid exec --help')\n`);
  ctx.exitCode = EXIT.usage;
}

/** The signals `exec` forwards to its command: SIGHUP too (a closed terminal), else podid dies and leaves the command orphaned and the token on disk. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Installs `forward` (marked as exec's own graceful handler) for each forwarded signal; returns the unsubscribe. */
export function execSignals(target: Pick<NodeJS.EventEmitter, 'on' | 'off'>, forward: (signal: NodeJS.Signals) => void): () => void {
  ownSignalHandler(forward);
  for (const signal of FORWARDED_SIGNALS) target.on(signal, forward);
  return () => {
    for (const signal of FORWARDED_SIGNALS) target.off(signal, forward);
  };
}
