import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addGlobalOptions, programGlobalOptions, resolveGlobals, type GlobalOptions } from '../../src/cli/globals.js';

// Global options work before or after the subcommand; what the user typed wins over defaults.
async function globalsFor(argv: string[]): Promise<GlobalOptions> {
  const program = programGlobalOptions(new Command('podid').enablePositionalOptions().exitOverride());
  let seen: GlobalOptions | undefined;
  const leaf = program.command('doctor');
  addGlobalOptions(leaf).action((...params: unknown[]) => void (seen = resolveGlobals(params[params.length - 1] as Command)));
  await program.parseAsync(argv, { from: 'user' });
  return seen!;
}

describe('resolveGlobals', () => {
  it.each([
    [['doctor', '--no-color'], { color: false }],
    [['--no-color', 'doctor'], { color: false }],
    [['doctor'], { color: true, output: 'table', debug: false }],
    [['-o', 'json', 'doctor'], { output: 'json' }],
    [['doctor', '-o', 'yaml'], { output: 'yaml' }],
    [['--region', 'eu-west-1', 'doctor', '--region', 'us-east-1'], { region: 'us-east-1' }],
    [['--state', 's.json', 'doctor', '--debug'], { state: 's.json', debug: true }],
  ])('%j', async (argv, expected) => {
    expect(await globalsFor(argv)).toMatchObject(expected);
  });
});
