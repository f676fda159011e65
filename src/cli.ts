import { Command, Help } from 'commander';
import { VERSION } from './version.js';
import { programGlobalOptions } from './cli/globals.js';
import type { CliContext } from './cli/run-action.js';
import { GROUPS } from './cli/groups.js';

// Commander wiring only. Each command group registers itself from src/cli/<group>.ts, loaded only
// when the command line names it (src/cli/groups.ts), and import()s its command module when it
// runs, so `podid --help` loads nothing heavy.

const EXAMPLES = `
Examples:
  $ podid local init --demo demo.json                 # a demo cluster to play with, offline
  $ podid associations list --state demo.json
  $ podid doctor --state demo.json                    # what is broken, and how to fix it
  $ podid policy trust -w arn:aws:eks:us-west-2:111122223333:cluster/demo:payments:api
  $ podid associate -c prod -n payments -s api --create-role --approve
  $ podid migrate-irsa -c prod --check                # CI gate: exit 3 while IRSA remains
  $ podid doctor -c prod -o sarif > doctor.sarif
  $ podid exec -n payments -s payments-api --state demo.json -- npm start

Exit codes: 0 ok · 1 failure or failed check · 2 usage error · 3 pending changes (--check) · 130 interrupted
Docs: README.md`;

/** The program for `argv`: groups named in it are registered in full, the rest as help-only stubs. */
export async function buildProgram(ctx: CliContext, argv: readonly string[]): Promise<Command> {
  const stubTerms = new Map<Command, string>();
  const program = new Command('podid')
    .description('Manage, simulate and audit AWS EKS Pod Identity.')
    .version(VERSION, '-V, --version', 'print the podid version')
    .helpOption('-h, --help', 'show help')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      // Commander's own error text is replaced by main.ts's one-line message; the only other thing it
      // writes to stderr is a group's help when no subcommand was given, which main.ts shows.
      writeErr: (text) => void (ctx.helpOnError = (ctx.helpOnError ?? '') + text),
      outputError: () => {},
    })
    .configureHelp({ subcommandTerm: (cmd) => stubTerms.get(cmd) ?? Help.prototype.subcommandTerm.call(new Help(), cmd) })
    .addHelpText('after', EXAMPLES);
  programGlobalOptions(program);

  // A word of the command line that is a group name loads that group (a value that happens to be
  // one, `-n audit`, only loads a group more). Completion scripts walk the whole tree.
  const words = new Set(argv);
  for (const [name, group] of Object.entries(GROUPS)) {
    if (words.has(name) || words.has('completion')) {
      (await group.load())(program, ctx);
      continue;
    }
    const stub = program.command(name).description(group.summary).allowUnknownOption().allowExcessArguments();
    stub.action(() => {
      throw new Error(`command ${name} was run without being loaded`);
    });
    stubTerms.set(stub, group.term);
  }
  return program;
}

/** `podid help X Y` is `podid X Y --help`; `podid help bogus` is the unknown command `bogus`, not a help dump. */
export function helpAsFlag(argv: readonly string[]): string[] {
  if (argv[0] !== 'help') return [...argv];
  const words = argv.slice(1).filter((word) => word !== 'help');
  if (words.length && !words[0].startsWith('-') && !Object.hasOwn(GROUPS, words[0])) return words;
  return [...words, '--help'];
}
