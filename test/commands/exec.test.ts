import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeExecFiles, writeTokenFile, writeTokenFileInTempDir, type ChildRun } from '../../src/adapters/http/exec-support.js';
import { exec, mintPodToken } from '../../src/commands/exec.js';
import { signToken } from '../../src/adapters/local/token.js';
import { proxyEnv } from '../../src/commands/proxy-env.js';
import { renderProxyEnv } from '../../src/ui/render/proxy-env.js';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';
import { demoDeps } from '../core/proxy/demo-deps.js';

// `podid exec` with a recorded child (the real child runs in test/e2e/proxy-clients.test.ts) and
// `podid proxy env` in its three formats.

const PARENT_ENV = {
  PATH: '/usr/bin',
  HOME: '/home/dev',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'tok',
  AWS_PROFILE: 'dev',
  AWS_DEFAULT_PROFILE: 'dev',
  AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/irsa',
  AWS_ROLE_ARN: 'arn:aws:iam::1:role/x',
  AWS_CONTAINER_AUTHORIZATION_TOKEN: 'legacy',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds',
  AWS_SHARED_CREDENTIALS_FILE: '/home/dev/.aws/credentials',
  AWS_REGION: 'us-west-2',
};

function recordingChild(exitCode: number, during?: (env: Record<string, string | undefined>) => Promise<void>) {
  const seen: { command?: string; args?: string[]; env?: Record<string, string | undefined>; signals: string[] } = { signals: [] };
  const runChild = (command: string, args: string[], env: Record<string, string | undefined>): ChildRun => {
    Object.assign(seen, { command, args, env });
    return { kill: (s) => void seen.signals.push(s), exited: (during?.(env) ?? Promise.resolve()).then(() => exitCode) };
  };
  return { seen, runChild };
}

const execDeps = (runChild: ReturnType<typeof recordingChild>['runChild'], extra: Record<string, unknown> = {}) => ({
  ...demoDeps(),
  makeExecFiles,
  readTokenFile: async (p: string) => readFileSync(p, 'utf8'),
  runChild,
  ...extra,
});

const opts = { namespace: 'payments', serviceAccount: 'payments-api', command: 'app', args: ['--flag'], env: PARENT_ENV, cwd: '/' };

describe('podid exec (command)', () => {
  it('runs the command with the two container variables and without competing credentials', async () => {
    let tokenFile = '';
    let emptyFile = '';
    let status = 0;
    const child = recordingChild(0, async (env) => {
      tokenFile = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE!;
      const token = readFileSync(tokenFile, 'utf8');
      expect(token.endsWith('\n')).toBe(false);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      emptyFile = env.AWS_SHARED_CREDENTIALS_FILE!;
      expect(readFileSync(emptyFile, 'utf8')).toBe('');
      expect(statSync(emptyFile).mode & 0o777).toBe(0o600);
      status = (await fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI!, { headers: { authorization: token } })).status;
    });
    const result = await exec(opts, execDeps(child.runChild));
    expect(status).toBe(200);
    expect(result).toMatchObject({ exitCode: 0, source: 'local', cluster: 'demo', tokenMinted: true });
    expect(child.seen.command).toBe('app');
    expect(child.seen.args).toEqual(['--flag']);
    expect(Object.keys(child.seen.env!).sort()).toEqual([
      'AWS_CONFIG_FILE',
      'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_DEFAULT_REGION',
      'AWS_REGION',
      'AWS_SHARED_CREDENTIALS_FILE',
      'HOME',
      'PATH',
    ]);
    expect(child.seen.env!.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials$/);
    // The parent's shared credentials file would give its [default] profile: replaced by an empty file.
    expect(child.seen.env!.AWS_CONFIG_FILE).toBe(emptyFile);
    expect(emptyFile).not.toBe(PARENT_ENV.AWS_SHARED_CREDENTIALS_FILE);
    expect([child.seen.env!.AWS_REGION, child.seen.env!.AWS_DEFAULT_REGION]).toEqual(['us-west-2', 'us-west-2']);
    expect(existsSync(tokenFile)).toBe(false); // cleaned up
    expect(existsSync(emptyFile)).toBe(false);
    await expect(fetch(child.seen.env!.AWS_CONTAINER_CREDENTIALS_FULL_URI!)).rejects.toThrow(); // proxy stopped
  });

  it("the region: the parent's is kept (and copied to the missing variable), else the cluster's", async () => {
    const { PATH, HOME } = PARENT_ENV;
    const regions = async (env: Record<string, string>) => {
      const child = recordingChild(0);
      await exec({ ...opts, env }, execDeps(child.runChild));
      return [child.seen.env!.AWS_REGION, child.seen.env!.AWS_DEFAULT_REGION];
    };
    expect(await regions({ PATH, HOME })).toEqual(['us-west-2', 'us-west-2']); // the demo cluster's
    expect(await regions({ PATH, HOME, AWS_DEFAULT_REGION: 'eu-west-1' })).toEqual(['eu-west-1', 'eu-west-1']);
    expect(await regions({ PATH, HOME, AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-west-1' })).toEqual(['eu-central-1', 'eu-west-1']);
  });

  it('--state: warns when the offline exchange would refuse the service account (no association), and not otherwise', async () => {
    const refused = execDeps(recordingChild(0).runChild);
    const result = await exec({ ...opts, serviceAccount: 'payments-reconciler' }, refused);
    expect(result.exitCode).toBe(0);
    expect(refused.reporter.lines.filter((l) => l.startsWith('warn:'))).toEqual([
      'warn: payments/payments-reconciler: No Pod Identity association found for service account payments/payments-reconciler in cluster demo. (ResourceNotFoundException) The command will get no credentials.',
    ]);
    const missing = execDeps(recordingChild(0).runChild);
    await exec({ ...opts, serviceAccount: 'api' }, missing);
    expect(missing.reporter.lines.filter((l) => l.startsWith('warn:'))).toEqual([expect.stringMatching(/^warn: payments\/api: service account payments\/api is not in the state: .* \(InvalidTokenException\) The command will get no credentials\.$/)]);
    const denied = execDeps(recordingChild(0).runChild);
    await exec({ ...opts, namespace: 'inventory', serviceAccount: 'inventory-sync' }, denied);
    expect(denied.reporter.lines.find((l) => l.startsWith('warn:'))).toMatch(/^warn: inventory\/inventory-sync: .+ \(AccessDeniedException\) The command will get no credentials\.$/);
    const fine = execDeps(recordingChild(0).runChild);
    await exec(opts, fine);
    expect(fine.reporter.lines.filter((l) => l.startsWith('warn:'))).toEqual([]);
  });

  it('--token-file: a token bound to a recreated service account is refused as simulate refuses it (token.binding), with a warning', async () => {
    const deps = execDeps(recordingChild(0).runChild);
    const minted = await mintPodToken(deps, 'demo', 'payments', 'payments-api');
    const payload = JSON.parse(Buffer.from(minted.split('.')[1], 'base64url').toString('utf8')) as Record<string, Record<string, Record<string, string>>>;
    payload['kubernetes.io'].serviceaccount.uid = '00000000-0000-4000-8000-000000000999';
    const path = join(mkdtempSync(join(tmpdir(), 'podid-tok-')), 'token');
    await writeTokenFile(path, await signToken(payload, deps.store.doc.signingKey!));
    let status = 0;
    const child = recordingChild(0, async (env) => {
      status = (await fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI!, { headers: { authorization: readFileSync(path, 'utf8') } })).status;
    });
    await exec({ ...opts, namespace: undefined, serviceAccount: undefined, tokenFile: path }, { ...deps, runChild: child.runChild });
    expect(status).toBe(400);
    expect(deps.reporter.lines.filter((l) => l.startsWith('warn:'))).toEqual([
      expect.stringMatching(/^warn: payments\/payments-api: kubernetes\.io\.serviceaccount\.uid 00000000-0000-4000-8000-000000000999 is not the uid of service account payments\/payments-api in the state .* \(InvalidTokenException\) The command will get no credentials\.$/),
    ]);
  });

  it("exits with the command's exit code and forwards SIGINT/SIGTERM", async () => {
    let forward: ((s: NodeJS.Signals) => void) | undefined;
    let unsubscribed = false;
    const child = recordingChild(130, async () => {
      await new Promise((r) => setTimeout(r, 10)); // exec subscribes right after spawning
      forward?.('SIGINT');
      forward?.('SIGTERM');
    });
    const result = await exec(opts, execDeps(child.runChild, { onSignal: (f: (s: NodeJS.Signals) => void) => ((forward = f), () => void (unsubscribed = true)) }));
    expect(result.exitCode).toBe(130);
    expect(child.seen.signals).toEqual(['SIGINT', 'SIGTERM']);
    expect(unsubscribed).toBe(true);
  });

  it('--token-file is used as is (no minting, not removed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podid-tok-'));
    const path = join(dir, 'token');
    await writeTokenFile(path, 'a.b.c');
    const child = recordingChild(0);
    const result = await exec({ ...opts, tokenFile: path }, execDeps(child.runChild));
    expect(result.tokenMinted).toBe(false);
    expect(child.seen.env!.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).toBe(path);
    expect(existsSync(path)).toBe(true);
  });

  it('--token-file: -n/-s default to the token\'s service account (banner and result name it)', async () => {
    const deps = execDeps(recordingChild(0).runChild);
    const token = await mintPodToken(deps, 'demo', 'payments', 'payments-reconciler');
    const path = join(mkdtempSync(join(tmpdir(), 'podid-tok-')), 'token');
    await writeTokenFile(path, token);
    const result = await exec({ command: 'app', args: [], env: PARENT_ENV, cwd: '/', tokenFile: path }, deps);
    expect(result).toMatchObject({ namespace: 'payments', serviceAccount: 'payments-reconciler', tokenMinted: false });
    expect(deps.reporter.lines.find((l) => l.startsWith('info: podid:'))).toMatch(/^info: podid: payments\/payments-reconciler credentials \(local\)/);
  });

  it('--token-file for another service account than -n/-s is a usage error naming both (nothing started)', async () => {
    const deps = execDeps(recordingChild(0).runChild);
    const token = await mintPodToken(deps, 'demo', 'payments', 'payments-reconciler');
    const path = join(mkdtempSync(join(tmpdir(), 'podid-tok-')), 'token');
    await writeTokenFile(path, token);
    let started = false;
    const spy = { ...deps, startHttpServer: (o: Parameters<typeof deps.startHttpServer>[0]) => ((started = true), deps.startHttpServer(o)) };
    const error = await exec({ ...opts, tokenFile: path }, spy).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UsageError', exitCode: 2 });
    expect((error as Error).message).toBe(`--token-file ${path} is a token for payments/payments-reconciler, but -n/-s name payments/payments-api`);
    expect(started).toBe(false);
    // Only -s given: the namespace comes from the token, the SA still has to agree.
    await expect(exec({ ...opts, namespace: undefined, tokenFile: path }, execDeps(recordingChild(0).runChild))).rejects.toMatchObject({ exitCode: 2 });
    // Agreeing flags are fine.
    const ok = await exec({ ...opts, serviceAccount: 'payments-reconciler', tokenFile: path }, execDeps(recordingChild(0).runChild));
    expect(ok.serviceAccount).toBe('payments-reconciler');
  });

  it('--token-file that names no service account needs -n/-s (exit 2)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'podid-tok-')), 'token');
    await writeTokenFile(path, 'a.b.c');
    await expect(exec({ command: 'app', args: [], env: PARENT_ENV, cwd: '/', tokenFile: path }, execDeps(recordingChild(0).runChild))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(`cannot tell the service account from --token-file ${path}`),
    });
  });

  it('an unreadable --token-file (missing, a directory) is a user error (exit 1), not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podid-tok-'));
    const missing = join(dir, 'nonexist.jwt');
    await expect(exec({ ...opts, tokenFile: missing }, execDeps(recordingChild(0).runChild))).rejects.toMatchObject({ name: 'UserError', exitCode: 1, message: `cannot read token file ${missing}: ENOENT` });
    await expect(exec({ ...opts, tokenFile: dir }, execDeps(recordingChild(0).runChild))).rejects.toMatchObject({ name: 'UserError', exitCode: 1, message: `cannot read token file ${dir}: EISDIR` });
    const cli = await runCli(['exec', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE, '--token-file', missing, '--', 'true']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`podid: cannot read token file ${missing}: ENOENT`);
    expect(cli.stderr).not.toContain('internal error');
  });

  it('a missing command is a UserError and still cleans up', async () => {
    const runChild = (): ChildRun => ({ kill: () => {}, exited: Promise.reject(Object.assign(new Error('command not found: nope'), { name: 'CommandNotFoundError' })) });
    await expect(exec({ ...opts, command: 'nope' }, execDeps(runChild))).rejects.toThrow('command not found: nope');
  });

  it('--source eks-auth on AWS without --token-file is a usage error (EKS Auth verifies the signature)', async () => {
    await expect(exec({ ...opts, source: 'eks-auth' }, execDeps(recordingChild(0).runChild, { backend: 'aws', store: undefined }))).rejects.toMatchObject({ exitCode: 2 });
  });

  it('exec CLI: -n/-s are required (exit 2)', async () => {
    const { code, stderr } = await runCli(['exec', '--state', DEMO_STATE, '--', 'true']);
    expect(code).toBe(2);
    expect(stderr).toContain("required option '-n, --namespace <ns>' not specified");
  });
});

describe('podid proxy env', () => {
  const envDeps = () => ({ ...demoDeps(), writeTokenFile, writeTokenFileInTempDir });
  const tokenOut = () => join(mkdtempSync(join(tmpdir(), 'podid-env-')), 'token');
  const base = { namespace: 'payments', serviceAccount: 'payments-api', host: '127.0.0.1', port: 8023 } as const;

  it('export: unset the competing variables, export the container variables, hide the shared files, carry the region', async () => {
    const out = tokenOut();
    const deps = envDeps();
    const result = await proxyEnv({ ...base, format: 'export', tokenOut: out }, deps);
    expect(readFileSync(out, 'utf8').split('.')).toHaveLength(3);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = renderProxyEnv(result).replace(out, '<token>').replace(deps.store.path, '<state>');
    expect(text).toBe(`# podid proxy env: payments/payments-api in cluster demo
# start the proxy first: podid proxy --port 8023 -c demo --state <state>
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:8023/v1/credentials'
export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='<token>'
export AWS_SHARED_CREDENTIALS_FILE='/dev/null'
export AWS_CONFIG_FILE='/dev/null'
export AWS_REGION='us-west-2'
export AWS_DEFAULT_REGION='us-west-2'
`);
  });

  it('the "start the proxy first" hint carries --state (else it would use AWS) and a non-default --source', async () => {
    const text = await runCli(['proxy', 'env', '-n', 'payments', '-s', 'payments-api', '--port', '8023', '--state', DEMO_STATE, '--token-out', tokenOut()]);
    expect(text.stdout).toContain(`# start the proxy first: podid proxy --port 8023 -c demo --state ${DEMO_STATE}\n`);
    const sts = await runCli(['proxy', 'env', '-n', 'payments', '-s', 'payments-api', '--port', '8023', '--state', DEMO_STATE, '--source', 'sts', '--token-out', tokenOut(), '--format', 'env-file']);
    expect(sts.stdout).toContain(`# start the proxy first: podid proxy --port 8023 -c demo --state ${DEMO_STATE} --source sts\n`);
    const local = await runCli(['proxy', 'env', '-n', 'payments', '-s', 'payments-api', '--port', '8023', '--state', DEMO_STATE, '--source', 'local', '--token-out', tokenOut()]);
    expect(local.stdout).toContain(`--state ${DEMO_STATE}\n`); // local is the default with --state: not repeated
    const spaced = renderProxyEnv({ ...(await proxyEnv({ ...base, format: 'export', tokenOut: tokenOut() }, envDeps())), statePath: "/tmp/my state's.json" });
    expect(spaced).toContain(`--state '/tmp/my state'\\''s.json'\n`);
  });

  it('without --state the hint names the source the minted token needs (sts), not the proxy default (eks-auth)', async () => {
    const aws = () => ({ ...envDeps(), backend: 'aws' as const, store: undefined });
    expect((await proxyEnv({ ...base, format: 'export', tokenOut: tokenOut() }, aws())).proxySource).toBe('sts');
    expect((await proxyEnv({ ...base, format: 'export', tokenOut: tokenOut(), source: 'sts' }, aws())).proxySource).toBe('sts');
    const given = tokenOut();
    await writeTokenFile(given, 'a.b.c');
    expect((await proxyEnv({ ...base, format: 'export', tokenFile: given }, aws())).proxySource).toBeUndefined();
    expect((await proxyEnv({ ...base, format: 'export', tokenOut: tokenOut() }, envDeps())).proxySource).toBeUndefined();
  });

  it("export keeps the shell's region; env-file and compose always carry one", async () => {
    const out = () => ({ tokenOut: tokenOut() });
    const shell = await proxyEnv({ ...base, format: 'export', ...out(), env: { AWS_REGION: 'eu-west-1' } }, envDeps());
    expect(shell.variables).toMatchObject({ AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(shell.variables).not.toHaveProperty('AWS_REGION');
    const container = await proxyEnv({ ...base, format: 'env-file', ...out(), env: { AWS_REGION: 'eu-west-1' } }, envDeps());
    expect(container.variables).toMatchObject({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
  });

  it('env-file and compose use the in-container token path and say how to reach the proxy', async () => {
    const out = tokenOut();
    const envFile = renderProxyEnv(await proxyEnv({ ...base, format: 'env-file', tokenOut: out }, envDeps()));
    expect(envFile).toContain('AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:8023/v1/credentials\n');
    expect(envFile).toContain('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token\n');
    expect(envFile).toContain('AWS_SHARED_CREDENTIALS_FILE=/dev/null\nAWS_CONFIG_FILE=/dev/null\nAWS_REGION=us-west-2\nAWS_DEFAULT_REGION=us-west-2\n');
    expect(envFile).toContain('--network host');
    const compose = renderProxyEnv(await proxyEnv({ ...base, format: 'compose', tokenOut: out, force: true }, envDeps()));
    expect(compose).toContain('    network_mode: host\n    environment:\n      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:8023/v1/credentials"');
    expect(compose).toContain(`      - "${out}:/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token:ro"`);
  });

  it('without --token-out: a new private temp dir per run, never a predictable path', async () => {
    const first = await proxyEnv({ ...base, format: 'export' }, envDeps());
    const second = await proxyEnv({ ...base, format: 'export' }, envDeps());
    expect(first.tokenFile).not.toBe(second.tokenFile);
    expect(first.tokenFile).toMatch(/podid-token-[^/]+\/eks-pod-identity-token$/);
    expect(statSync(first.tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(first.tokenFile, '..')).mode & 0o777).toBe(0o700);
  });

  it('--token-out refuses an existing file or symlink (the target is untouched); --force replaces the link, not its target', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podid-env-'));
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'keep me');
    const link = join(dir, 'token');
    symlinkSync(victim, link);
    await expect(proxyEnv({ ...base, format: 'export', tokenOut: link }, envDeps())).rejects.toMatchObject({ name: 'UserError', message: `${link} already exists`, hint: expect.stringContaining('--force') });
    await expect(proxyEnv({ ...base, format: 'export', tokenOut: victim }, envDeps())).rejects.toMatchObject({ name: 'UserError' });
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    await proxyEnv({ ...base, format: 'export', tokenOut: link, force: true }, envDeps());
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(link, 'utf8').split('.')).toHaveLength(3);
    expect(statSync(link).mode & 0o777).toBe(0o600);
  });

  it('CLI: prints exports; -o json gives the result document; --token-out again needs --force', async () => {
    const out = tokenOut();
    const text = await runCli(['proxy', 'env', '-n', 'payments', '-s', 'payments-api', '--port', '8023', '--state', DEMO_STATE, '--token-out', out]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:8023/v1/credentials'");
    const again = await runCli(['proxy', 'env', '-n', 'payments', '-s', 'payments-api', '--port', '8023', '--state', DEMO_STATE, '--token-out', out]);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain(`${out} already exists`);
    const json = await runCli(['proxy', 'env', '-n', 'payments', '-s', 'payments-api', '--port', '8023', '--state', DEMO_STATE, '--token-out', out, '--force', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, url: 'http://127.0.0.1:8023/v1/credentials', tokenFile: out, tokenMinted: true });
    expect(json.stdout).not.toContain(readFileSync(out, 'utf8'));
  });

  it('CLI: a relative --token-out is written under the working directory and printed absolute', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podid-env-cwd-'));
    const { code, stdout } = await runCli(['proxy', 'env', '-n', 'payments', '-s', 'payments-api', '--port', '8023', '--state', DEMO_STATE, '--token-out', 'pod.token', '--format', 'env-file'], { cwd });
    expect(code).toBe(0);
    expect(stdout).toContain(`# mount the token: -v ${join(cwd, 'pod.token')}:/var/run/secrets/`);
    expect(existsSync(join(cwd, 'pod.token'))).toBe(true);
  });
});
