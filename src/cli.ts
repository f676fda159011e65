import { Command } from 'commander';
import { VERSION } from './version.js';
import { programGlobalOptions } from './cli/globals.js';
import type { CliContext } from './cli/run-action.js';
import { registerCompletion } from './cli/completion.js';
import { registerAssociate } from './cli/associate.js';
import { registerAssociations } from './cli/associations.js';
import { registerPolicy } from './cli/policy.js';
import { registerMigrateIrsa } from './cli/migrate-irsa.js';
import { registerSimulate } from './cli/simulate.js';
import { registerToken } from './cli/token.js';
import { registerProxy } from './cli/proxy.js';
import { registerExec } from './cli/exec.js';
import { registerDoctor } from './cli/doctor.js';
import { registerAudit } from './cli/audit.js';
import { registerSnapshot } from './cli/snapshot.js';
import { registerLocal } from './cli/local.js';
import { registerApply } from './cli/apply.js';

// Commander wiring only. Each command group registers itself from src/cli/<group>.ts and
// import()s its command module when it runs, so `podid --help` loads nothing heavy.

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

export function buildProgram(ctx: CliContext): Command {
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
    .addHelpText('after', EXAMPLES);
  programGlobalOptions(program);

  const registrars = [
    registerAssociate, registerAssociations, registerPolicy, registerMigrateIrsa, registerSimulate, registerToken, registerProxy, registerExec, registerDoctor, registerAudit, registerSnapshot, registerLocal, registerApply,
    registerCompletion,
  ];
  for (const register of registrars) register(program, ctx);
  return program;
}
