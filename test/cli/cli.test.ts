import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
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

  it.each([
    [['help', 'bogus'], "unknown command 'bogus'"],
    [['doctor', '--state', 'fixtures/demo/state.json', '--region', 'bad_region!'], "option '--region': 'bad_region!' is not an AWS region"],
    [['--region', 'us_west_2', 'audit', '--state', 'fixtures/demo/state.json'], "option '--region': 'us_west_2' is not an AWS region"],
  ])('usage error, one line: %j', async (argv, message) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('podid help X Y is the help of X Y; podid help is the top-level help', async () => {
    expect((await runCli(['help', 'policy', 'trust'])).stdout).toContain('Usage: podid policy trust');
    expect((await runCli(['help', 'help'])).stdout).toContain('Usage: podid [options] [command]');
    const top = await runCli(['help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: podid [options] [command]');
  });

  it('completion takes the global options after the subcommand too, and has no json form', async () => {
    for (const flag of ['--no-color', '--debug']) expect((await runCli(['completion', 'bash', flag])).code).toBe(0);
    const json = await runCli(['-o', 'json', 'completion', 'bash']);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("argument 'json' is invalid for 'podid completion'");
  });

  it("words after -- are another program's: its --output json does not make podid's error JSON", async () => {
    const { code, stdout, stderr } = await runCli(['exec', '-n', 'payments', '-s', 'payments-api', '--state', 'no-such-state.json', '--', 'aws', 's3', 'ls', '--output', 'json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('no-such-state.json');
  });

  it('under -o yaml an error is one YAML document on stdout too', async () => {
    const { code, stdout } = await runCli(['associations', 'list', '--state', 'no-such-state.json', '-o', 'yaml']);
    expect(code).toBe(1);
    expect(parseYaml(stdout)).toMatchObject({ schemaVersion: 1, error: { exitCode: 1 } });
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
    // The value of --state is not mistaken for a subcommand.
    const sub = execFileSync('bash', ['-c', `${stdout}\nCOMP_WORDS=(podid --state x.json policy li); COMP_CWORD=4; _podid_complete; echo "\${COMPREPLY[@]}"`]).toString();
    expect(sub.trim()).toBe('lint');
  });

  it.each([
    ['a plain --check does not swallow the next word', 'podid migrate-irsa --check -n payments --remove-o', '--remove-oidc-trust'],
    ['doctor --check takes a value', 'podid doctor --check pod.injection --str', '--strict'],
    ['a global option with a value after the subcommand', 'podid associate --state s.json --check --fix-t', '--fix-trust'],
    ['aliases complete like their command', 'podid associations ls -', '-A'],
    ['argument choices', 'podid completion z', 'zsh'],
    ['help takes a command name', 'podid help doc', 'doctor'],
  ])('bash: %s', async (_name, line, expected) => {
    const { stdout } = await runCli(['completion', 'bash']);
    const { execFileSync } = await import('node:child_process');
    const words = line.split(' ');
    const out = execFileSync('bash', ['-c', `${stdout}\nCOMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _podid_complete; echo "\${COMPREPLY[@]}"`]).toString();
    expect(out.trim().split(' ')).toContain(expected);
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

describe('output formats given before the subcommand', () => {
  it('an unsupported -o is refused before the command runs (nothing written)', async () => {
    const { mkdtempSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = `${mkdtempSync(`${tmpdir()}/podid-o-`)}/state.json`;
    const { code, stderr } = await runCli(['-o', 'markdown', 'local', 'init', file]);
    expect(code).toBe(2);
    expect(stderr).toContain("argument 'markdown' is invalid for 'podid local init'");
    expect(existsSync(file)).toBe(false);
  });

  it('a usage error keeps its hint on the same line', async () => {
    const { code, stderr } = await runCli(['policy', 'target-trust', '--source-role-arn', 'arn:aws:iam::111122223333:role/a', '--target-role-arn', 'arn:aws:iam::444455556666:role/b', '-w', 'arn:aws:eks:us-west-2:111122223333:cluster/demo:ns:sa', '--session-tags', 'off']);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('— Read it with: podid associations describe NS/SA');
  });
});

describe('a command group without a subcommand', () => {
  it.each([[[]], [['policy']], [['associations']]])('%j shows that group\'s help on stderr and exits 2', async (argv) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: podid/);
    expect(stderr.trimEnd().split('\n').pop()).toBe("podid: a subcommand is required (see 'podid --help')");
  });
});
