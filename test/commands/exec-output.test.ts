import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';

// `podid exec` has no machine output: the command owns stdout. -o json|yaml, before or after
// `exec`, is a usage error before anything runs, and nothing podid makes reaches stdout.

const EXEC = ['-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE];

/** A command that leaves a file behind if it ran. */
function marker() {
  const file = join(mkdtempSync(join(tmpdir(), 'podid-exec-o-')), 'ran');
  return { file, command: [process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(file)}, 'x')`] };
}

describe('podid exec and -o', () => {
  it.each([
    ['-o json before exec', (cmd: string[]) => ['-o', 'json', 'exec', ...EXEC, '--', ...cmd], 'json'],
    ['-o json after exec', (cmd: string[]) => ['exec', ...EXEC, '-o', 'json', '--', ...cmd], 'json'],
    ['--output=yaml before exec', (cmd: string[]) => ['--output=yaml', 'exec', ...EXEC, '--', ...cmd], 'yaml'],
    ['-o yaml after exec', (cmd: string[]) => ['exec', ...EXEC, '-o', 'yaml', '--', ...cmd], 'yaml'],
    ['-o sarif before exec', (cmd: string[]) => ['-o', 'sarif', 'exec', ...EXEC, '--', ...cmd], 'sarif'],
  ])('%s: exit 2, one stderr line, nothing on stdout, the command not run', async (_, argv, format) => {
    const { file, command } = marker();
    const { code, stdout, stderr } = await runCli(argv(command));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`option '-o, --output ${format}' does not apply to exec`);
    expect(stderr).toContain("stdout is the command's own output");
    expect(stderr).not.toContain('unknown option');
    expect(existsSync(file)).toBe(false);
  });

  it('-o table (the default) and -o/--output among the command\'s own arguments are fine', async () => {
    for (const argv of [
      ['-o', 'table', 'exec', ...EXEC, '--'],
      ['exec', ...EXEC, '-o', 'table', '--'],
      ['exec', ...EXEC, '--'],
    ]) {
      const { file, command } = marker();
      const { code, stdout, stderr } = await runCli([...argv, ...command, '--', '-o', 'json', '--output', 'yaml']);
      expect(code, stderr).toBe(0);
      expect(stdout).toBe('');
      expect(existsSync(file)).toBe(true);
    }
  });

  it('--help says exec has no -o', async () => {
    const { code, stdout } = await runCli(['exec', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/-o json\|yaml \(before or after exec\) is a usage error/);
    expect(stdout).not.toMatch(/^\s+-o, --output/m);
  });
});
