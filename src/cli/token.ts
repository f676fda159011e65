import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid token mint`: a projected-token-shaped JWT signed with the local state's key. Here `-o` is
// the output FILE (`--out`), so the leaf has no `-o, --output` format option.

export function registerToken(program: Command, ctx: CliContext) {
  const group = program.command('token').description(summaryOf('token')).enablePositionalOptions();

  const mint = group
    .command('mint')
    .description('mint a projected service-account token (audience pods.eks.amazonaws.com) signed by the local state key')
    .requiredOption('-n, --namespace <ns>', 'namespace of the service account')
    .requiredOption('-s, --service-account <name>', 'service account name')
    .option('--pod <name>', 'bind the token to this pod (default: a pod of the service account in the state)')
    .option('--ttl <duration>', 'lifetime, e.g. 10m, 1h, 24h (10m to 2^32 s, as Kubernetes allows)', '24h')
    .option('-o, --out <file>', 'write the token to FILE (mode 0600) instead of stdout');
  addGlobalOptions(mint, ['table'], { output: false })
    .addHelpText('after', `
Only the token goes to stdout, without a trailing newline. Requires --state with a signing key.

Examples:
  $ podid token mint -n payments -s payments-api --state demo.json > token
  $ podid token mint -n payments -s payments-api --pod payments-api-pswcvz7lms-npftc --ttl 1h -o /tmp/token --state demo.json
  $ podid token mint -n payments -s payments-api --state demo.json | podid simulate --token - --state demo.json`)
    .action(
      action(ctx, async (env) => {
        const opts = mint.opts<{ namespace: string; serviceAccount: string; pod?: string; ttl: string; out?: string }>();
        const { parseDuration, tokenTtlProblem } = await import('../core/token/index.js');
        const ttlSeconds = parseDuration(opts.ttl);
        if (ttlSeconds === undefined || ttlSeconds <= 0) throw new UsageError(`option '--ttl' expects a duration such as 10m, 1h or 24h, got '${opts.ttl}'`);
        const problem = tokenTtlProblem(ttlSeconds);
        if (problem) throw new UsageError(`option '--ttl ${opts.ttl}' ${problem}`);
        const [{ tokenMint }, { renderTokenMint }] = await Promise.all([import('../commands/token-mint.js'), import('../ui/render/token.js')]);
        const deps = await backendFor(env);
        const minted = await tokenMint({ namespace: opts.namespace, serviceAccount: opts.serviceAccount, pod: opts.pod, ttlSeconds }, deps);
        if (!opts.out) return { result: minted, renderers: { table: renderTokenMint } };
        const { writeSecretFile } = await import('../adapters/local/token.js');
        await writeSecretFile(opts.out, minted.token);
        env.reporter.info(`wrote token ${minted.fingerprint} to ${opts.out} (mode 0600), valid until ${minted.claims.exp}`);
        const { token: _secret, ...rest } = minted;
        return { result: { ...rest, file: opts.out }, renderers: { table: renderTokenMint } };
      }),
    );
}
