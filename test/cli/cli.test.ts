import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

describe('podid CLI skeleton', () => {
  it('--help lists the command tree and examples on stdout', async () => {
    const { code, stdout, stderr } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const name of ['associate', 'associations', 'policy', 'migrate-irsa', 'simulate', 'token', 'proxy', 'exec', 'doctor', 'audit', 'snapshot', 'local', 'completion']) {
      expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('Exit codes:');
  });

  it('--version prints the version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [['--bogus'], "unknown option '--bogus'"],
    [['completion'], "missing required argument 'shell'"],
    [['completion', 'tcsh'], "'tcsh' is invalid for argument 'shell'"],
    [['-o', 'xml', 'completion', 'bash'], "option '-o, --output <format>' argument 'xml' is invalid"],
    [['--region'], "option '--region <region>' argument missing"],
    [['nonsense'], "unknown command 'nonsense'"],
  ])('usage error %j exits 2 with one line naming the problem', async (argv, message) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('under -o json an error is one JSON document on stdout too', async () => {
    const { code, stdout } = await runCli(['-o', 'json', '--bogus']);
    expect(code).toBe(2);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, error: { type: 'UsageError', exitCode: 2 } });
  });

  it.each(['bash', 'zsh', 'fish'])('completion %s prints a script generated from the command tree', async (shell) => {
    const { code, stdout } = await runCli(['completion', shell]);
    expect(code).toBe(0);
    expect(stdout).toContain('podid');
    expect(stdout).toContain('completion');
    expect(stdout).toMatch(/--state|-l state/);
  });

  it('the bash completion script is valid bash and completes subcommands', async () => {
    const { stdout } = await runCli(['completion', 'bash']);
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('bash', ['-c', `${stdout}\nCOMP_WORDS=(podid comp); COMP_CWORD=1; _podid_complete; echo "\${COMPREPLY[@]}"`]).toString();
    expect(out.trim()).toBe('completion');
  });
});

describe('version', () => {
  it('matches package.json', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const { stdout } = await runCli(['--version']);
    expect(stdout.trim()).toBe(pkg.version);
    expect((await runCli(['-V'])).stdout.trim()).toBe(pkg.version);
    // The fast path and commander agree (`podid --debug --version` goes through commander).
    expect((await runCli(['--debug', '--version'])).stdout.trim()).toBe(pkg.version);
  });
});
