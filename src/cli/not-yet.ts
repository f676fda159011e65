import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import type { CliContext } from './run-action.js';

// Commands of DESIGN.md §1 that this build does not have yet. They say so plainly instead of
// pretending to work; each disappears from this list when its module lands.
const PENDING: ReadonlyArray<readonly [string, string]> = [
];

export function registerNotYetAvailable(program: Command, _ctx: CliContext, available: ReadonlySet<string> = new Set()) {
  for (const [name, description] of PENDING) {
    if (available.has(name) || program.commands.some((c) => c.name() === name)) continue;
    program
      .command(name)
      .description(`${description} (not available yet)`)
      .allowUnknownOption()
      .allowExcessArguments()
      .helpOption(false)
      .action(() => {
        throw new UserError(`'podid ${name}' is not available in podid yet.`, { hint: 'See README.md for the commands this version has.' });
      });
  }
}
