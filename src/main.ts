import type { CommanderError } from 'commander';
import type { CliContext } from './cli/run-action.js';
import { EXIT, InterruptedError, PodidError, RemoteError, UsageError, describeError } from './core/errors.js';
import { processIo, type Io } from './ui/io.js';
import { VERSION } from './version.js';

/** Runs podid with `argv` (without node and script) and returns the exit code. Never exits the process. */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  if (io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
    // The SDK warns on every client about Node 20 support; podid pins Node 20 deliberately.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    // Fast path: the most frequent probe of a CLI needs no command tree (startup budget, DESIGN.md §4).
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const ctx: CliContext = { io, exitCode: EXIT.ok };
  try {
    const { buildProgram, helpAsFlag } = await import('./cli.js');
    const args = helpAsFlag(argv);
    const program = await buildProgram(ctx, args);
    await program.parseAsync(args, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    const normalized = normalize(error);
    if (normalized instanceof UsageError && ctx.helpOnError) io.stderr.write(ctx.helpOnError + '\n');
    return report(normalized, io, argv);
  }
}

// By its code, not its class: commander is bundled, so class identity and names are not stable.
const isCommanderError = (error: unknown): error is CommanderError =>
  error instanceof Error && typeof (error as CommanderError).code === 'string' && (error as CommanderError).code.startsWith('commander.');

function normalize(error: unknown): unknown {
  if (!isCommanderError(error)) return error;
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' && error.exitCode === 0) {
    return null;
  }
  if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
    return new UsageError('a subcommand is required');
  }
  // One line: commander's message without its "error: " prefix and suggestion line break.
  const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  return new UsageError(message);
}

async function report(error: unknown, io: Io, argv: string[]): Promise<number> {
  if (error === null) return EXIT.ok;
  const debug = argv.includes('--debug');
  const detail = describeError(error);
  const known = error instanceof PodidError;
  const exitCode = known ? error.exitCode : EXIT.failure;
  const format = machineFormat(argv);
  if (format && !(error instanceof InterruptedError)) {
    // Under -o json|yaml a script reads stdout: the error is a document too.
    const document = { schemaVersion: 1, error: { ...detail, exitCode } };
    io.stdout.write(format === 'json' ? JSON.stringify(document, null, 2) + '\n' : await (await import('./ui/output.js')).toPortableYaml(document));
  }
  if (error instanceof UsageError) {
    // Usage errors stay on one line: the reason, naming the flag, and where to look.
    io.stderr.write(`podid: ${detail.message}${detail.hint ? ` — ${detail.hint}` : ''} (see 'podid --help')\n`);
    return exitCode;
  }
  const lines = [`podid: ${known ? '' : 'internal error: '}${detail.message}`];
  if (error instanceof RemoteError) {
    lines.push(`  (${error.service} ${error.operation}${error.code ? ` ${error.code}` : ''}${error.requestId ? `, request id ${error.requestId}` : ''})`);
  }
  if (detail.hint) lines.push(`  hint: ${detail.hint}`);
  if (!known) lines.push('  This is a bug in podid; please report it with the output of --debug.');
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  io.stderr.write(lines.join('\n') + '\n');
  return exitCode;
}

function machineFormat(argv: string[]): 'json' | 'yaml' | undefined {
  // Words after `--` belong to another program (`podid exec -- aws … --output json`).
  const end = argv.indexOf('--');
  const own = end === -1 ? argv : argv.slice(0, end);
  for (const format of ['json', 'yaml'] as const) {
    if (own.some((arg, i) => arg === `-o${format}` || arg === `--output=${format}` || ((arg === '-o' || arg === '--output') && own[i + 1] === format))) return format;
  }
  return undefined;
}
