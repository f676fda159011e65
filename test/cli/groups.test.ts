import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { GROUPS } from '../../src/cli/groups.js';
import type { CliContext } from '../../src/cli/run-action.js';
import { runCli } from '../helpers/run-cli.js';

const ctx = (): CliContext => ({ io: { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: process.cwd() } as never, exitCode: 0 });

describe('lazy command groups', () => {
  it('`podid --help` from stubs is exactly the help of the fully loaded tree', async () => {
    const lazy = await buildProgram(ctx(), ['--help']);
    const full = await buildProgram(ctx(), ['completion']);
    expect(lazy.commands.every((c) => c.commands.length === 0 && c.options.length === 0)).toBe(true);
    expect(full.commands.some((c) => c.options.length > 0)).toBe(true);
    expect(lazy.helpInformation()).toBe(full.helpInformation());
  });

  it('loads only the groups the command line names', async () => {
    const program = await buildProgram(ctx(), ['--state', 'x.json', 'policy', 'trust']);
    const loaded = program.commands.filter((c) => c.commands.length > 0 || c.options.length > 0).map((c) => c.name());
    expect(loaded).toEqual(['policy']);
    expect(program.commands.map((c) => c.name())).toEqual(Object.keys(GROUPS));
  });

  it('a misspelt command still gets a suggestion from the stubs', async () => {
    const { code, stderr } = await runCli(['doctr']);
    expect(code).toBe(2);
    expect(stderr).toContain("(Did you mean doctor?)");
  });

  it('a group named as an option value loads it too, harmlessly', async () => {
    const { code, stdout } = await runCli(['associations', 'list', '-n', 'audit', '--state', 'fixtures/demo/state.json']);
    expect(code).toBe(0);
    expect(stdout).toContain('No associations match');
  });
});
