import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTokenFile, writeTokenFileInTempDir } from '../../src/adapters/http/exec-support.js';
import { mintPodToken } from '../../src/commands/exec.js';
import { proxyEnv } from '../../src/commands/proxy-env.js';
import { startProxy, type RunningProxy } from '../../src/commands/proxy.js';
import { renderProxyEnv } from '../../src/ui/render/proxy-env.js';
import { demoDeps } from '../core/proxy/demo-deps.js';
import { BIN, DEMO_STATE, ROOT, spawnCli } from '../helpers/run-cli.js';

// Clients nobody here wrote: botocore and the AWS SDK for JavaScript's default chain, against
// `podid proxy --source local` (in-process server on 127.0.0.1:0) and through `podid exec`
// (the built bin/podid.js). Only the two AWS_CONTAINER_* variables are set; no other AWS creds.

const run = promisify(execFile);
const BOTO = 'import botocore.session as s; c=s.Session().get_credentials(); f=c.get_frozen_credentials(); print(c.method, f.access_key, f.account_id)';
const JS = "import { fromNodeProviderChain } from '@aws-sdk/credential-providers'; const c = await fromNodeProviderChain()(); console.log(c.accessKeyId, c.expiration.toISOString());";
const JS_KEY = "import { fromNodeProviderChain } from '@aws-sdk/credential-providers'; console.log((await fromNodeProviderChain()()).accessKeyId);";
const JS_NO_RETRY = "import { fromHttp } from '@aws-sdk/credential-providers'; try { await fromHttp({ maxRetries: 0 })(); } catch (e) { console.log('ERR', e.message); }";

const HOME_KEY = 'AKIAHOMEDEFAULT00001';

/**
 * A HOME whose [default] profile has static keys: in ~/.aws/credentials, or in ~/.aws/config.
 * Without a profile set, every SDK reads it before the container provider.
 */
function homeWithDefaultProfile(where: 'credentials' | 'config'): string {
  const home = mkdtempSync(join(tmpdir(), `podid-home-${where}-`));
  mkdirSync(join(home, '.aws'));
  const keys = `aws_access_key_id = ${HOME_KEY}\naws_secret_access_key = home-default-secret\n`;
  writeFileSync(join(home, '.aws', 'credentials'), where === 'credentials' ? `[default]\n${keys}` : '');
  writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = eu-west-1\n${where === 'config' ? keys : ''}`);
  return home;
}

/** Exactly this environment (no AWS_* from the test runner): the SDKs find the shared files through HOME. */
const homeEnv = (home: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NO_COLOR: '1',
  CI: 'true',
  ...extra,
});

/** The built binary with exactly `env` (spawnCli adds the runner's environment). */
function spawnExact(argv: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

const cleanEnv = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: mkdtempSync(join(tmpdir(), 'podid-home-')), AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra });

describe('real clients against podid proxy --source local', () => {
  let px: RunningProxy;
  let tokenFile: string;
  let badTokenFile: string;
  const deps = demoDeps();
  beforeAll(async () => {
    px = await startProxy({ host: '127.0.0.1', port: 0, strictHost: false, allowRemote: false, source: 'local' }, deps);
    const dir = mkdtempSync(join(tmpdir(), 'podid-clients-'));
    tokenFile = join(dir, 'token');
    badTokenFile = join(dir, 'bad');
    await writeTokenFile(tokenFile, await mintPodToken(deps, 'demo', 'payments', 'payments-api'));
    await writeTokenFile(badTokenFile, 'not-a-jwt');
  });
  afterAll(async () => px?.close());

  const env = (file: string) => cleanEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: px.started.url, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file });

  it('botocore gets container-role credentials with the account id', async () => {
    const { stdout } = await run('python3', ['-c', BOTO], { env: env(tokenFile) });
    expect(stdout.trim()).toMatch(/^container-role ASIA[A-Z0-9]{16} 111122223333$/);
  });

  it('the JS SDK default chain (fromNodeProviderChain) gets credentials', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', JS], { env: env(tokenFile), cwd: ROOT });
    const [key, expiration] = stdout.trim().split(' ');
    expect(key).toMatch(/^ASIA/);
    expect(Date.parse(expiration) - Date.now()).toBeGreaterThan(5 * 3600_000);
  });

  it('a bad token: JS fromHttp (maxRetries 0) fails with the 400 at once', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', JS_NO_RETRY], { env: env(badTokenFile), cwd: ROOT });
    expect(stdout.trim()).toBe('ERR Server responded with status: 400');
  });

  it.each(['credentials', 'config'] as const)('podid proxy env exports win over a [default] profile in ~/.aws/%s (botocore and the JS chain)', async (where) => {
    const home = homeWithDefaultProfile(where);
    const { stdout: before } = await run('python3', ['-c', BOTO], { env: homeEnv(home) });
    expect(before.trim().split(' ').slice(0, 2)).toEqual([where === 'credentials' ? 'shared-credentials-file' : 'config-file', HOME_KEY]); // the fixture bites
    const exports = renderProxyEnv(await proxyEnv({ namespace: 'payments', serviceAccount: 'payments-api', format: 'export', host: '127.0.0.1', port: px.started.port }, { ...deps, writeTokenFile, writeTokenFileInTempDir }));
    const shell = (command: string[]) => run('bash', ['-c', 'eval "$1"; shift; exec "$@"', 'podid-env', exports, ...command], { env: homeEnv(home), cwd: ROOT });
    const boto = await shell(['python3', '-c', BOTO]);
    expect(boto.stdout.trim()).toMatch(/^container-role ASIA[A-Z0-9]{16} 111122223333$/);
    const js = await shell([process.execPath, '--input-type=module', '-e', JS]);
    expect(js.stdout.trim()).toMatch(/^ASIA\S+ \S+Z$/);
    const region = await shell(['sh', '-c', 'echo "$AWS_REGION $AWS_DEFAULT_REGION"']);
    expect(region.stdout.trim()).toBe('us-west-2 us-west-2'); // ~/.aws/config is hidden: the region is carried over
  });

  it("a bad token: botocore retries (~3 s) and shows the agent's body", async () => {
    const error = await run('python3', ['-c', BOTO], { env: env(badTokenFile) }).catch((e: { stderr: string }) => e);
    expect((error as { stderr: string }).stderr).toContain('Received non 200 response 400 from container metadata: Service account token cannot be parsed: token is malformed: token contains an invalid number of segments');
  }, 20_000);
});

describe('podid exec with real clients (built binary)', () => {
  const base = ['exec', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE, '--'];
  const parent = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'static-should-be-removed', AWS_PROFILE: 'nope' });

  it('podid exec -- python3 (botocore)', async () => {
    const { code, stdout, stderr } = await spawnCli([...base, 'python3', '-c', BOTO], { env: parent });
    expect(stderr).not.toContain('Traceback');
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^container-role ASIA[A-Z0-9]{16} 111122223333$/);
  });

  it.each(['credentials', 'config'] as const)("the proxy wins over a [default] profile in ~/.aws/%s (botocore and the JS chain)", async (where) => {
    const home = homeWithDefaultProfile(where);
    const direct = await run(process.execPath, ['--input-type=module', '-e', JS_KEY], { env: homeEnv(home), cwd: ROOT });
    expect(direct.stdout.trim()).toBe(HOME_KEY); // without podid the JS chain takes the profile
    const boto = await spawnExact([...base, 'python3', '-c', BOTO], homeEnv(home));
    expect(boto.stderr).not.toContain('Traceback');
    expect(boto.stdout.trim()).toMatch(/^container-role ASIA[A-Z0-9]{16} 111122223333$/);
    const js = await spawnExact([...base, process.execPath, '--input-type=module', '-e', JS], homeEnv(home));
    expect(js.code).toBe(0);
    expect(js.stdout.trim()).toMatch(/^ASIA\S+ \S+Z$/);
    const region = await spawnExact([...base, 'sh', '-c', 'echo "$AWS_REGION $AWS_DEFAULT_REGION"'], homeEnv(home));
    expect(region.stdout.trim()).toBe('us-west-2 us-west-2');
  });

  it('podid exec -- node (JS default chain)', async () => {
    const { code, stdout } = await spawnCli([...base, process.execPath, '--input-type=module', '-e', JS], { env: parent, cwd: ROOT });
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^ASIA\S+ \S+Z$/);
  });

  it("exits with the command's exit code and leaves stdout to the command", async () => {
    const { code, stdout } = await spawnCli([...base, process.execPath, '-e', "process.stdout.write('hi'); process.exit(7)"], { env: parent });
    expect(code).toBe(7);
    expect(stdout).toBe('hi');
  });

  it('the token file has no trailing newline and is gone afterwards', async () => {
    const script = "const fs=require('fs');const p=process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;const t=fs.readFileSync(p,'utf8');console.log(p, t.endsWith('\\n'), (fs.statSync(p).mode&0o777).toString(8))";
    const { stdout } = await spawnCli([...base, process.execPath, '-e', script], { env: parent });
    const [path, newline, mode] = stdout.trim().split(' ');
    expect([newline, mode]).toEqual(['false', '600']);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path)).toBe(false);
  });

  it("the command gets the caller's environment plus only the documented variables (nothing podid sets for itself)", async () => {
    const callerEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: mkdtempSync(join(tmpdir(), 'podid-home-')), AWS_EC2_METADATA_DISABLED: 'true', MY_APP_SETTING: 'x' };
    const { code, stdout } = await spawnExact([...base, process.execPath, '-e', 'console.log(Object.keys(process.env).sort().join(" "))'], callerEnv);
    expect(code).toBe(0);
    expect(stdout.trim().split(' ')).toEqual(
      [...Object.keys(callerEnv), 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'].sort(),
    );
    // A value the caller set is passed on as it was.
    const kept = await spawnExact([...base, 'sh', '-c', 'echo "$AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"'], { ...callerEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'yes' });
    expect(kept.stdout.trim()).toBe('yes');
  });

  it('--token-file: the banner names the token\'s service account; -n/-s naming another is exit 2 naming both', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'podid-exec-tok-')), 'token');
    await writeTokenFile(file, await mintPodToken(demoDeps(), 'demo', 'payments', 'payments-reconciler'));
    const mismatch = await spawnCli(['exec', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE, '--token-file', file, '--', 'true'], { env: parent });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('is a token for payments/payments-reconciler, but -n/-s name payments/payments-api');
    const own = await spawnCli(['exec', '--state', DEMO_STATE, '--token-file', file, '--', 'true'], { env: parent });
    expect(own.code).toBe(0);
    expect(own.stderr).toContain('podid: payments/payments-reconciler credentials (local)');
    const missing = await spawnCli(['exec', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE, '--token-file', join(file, '..', 'nonexist.jwt'), '--', 'true'], { env: parent });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read token file');
    expect(missing.stderr).not.toContain('internal error');
  });

  it('a missing command fails with exit 1 and a clear message', async () => {
    const { code, stderr } = await spawnCli([...base, 'podid-no-such-command'], { env: parent });
    expect(code).toBe(1);
    expect(stderr).toContain('command not found: podid-no-such-command');
  });
});

describe('podid proxy (built binary)', () => {
  it('-o json prints exactly one JSON line once listening; SIGTERM stops it gracefully; logs never hold the token', async () => {
    const child = spawn(process.execPath, [BIN, 'proxy', '--state', DEMO_STATE, '-o', 'json'], { env: { ...process.env, NO_COLOR: '1', CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const first = await new Promise<string>((resolve) => child.stdout.on('data', (d) => ((stdout += d), stdout.includes('\n') && resolve(stdout))));
    const started = JSON.parse(first.trim());
    expect(first.trim().split('\n')).toHaveLength(1);
    expect(started).toMatchObject({ schemaVersion: 1, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials$/), host: '127.0.0.1', port: expect.any(Number), source: 'local' });
    const token = await mintPodToken(demoDeps(), 'demo', 'payments', 'payments-api');
    const body = (await (await fetch(started.url, { headers: { authorization: token } })).json()) as Record<string, string>;
    expect(body.AccessKeyId).toMatch(/^ASIA/);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/GET \/v1\/credentials 200 .*cache=miss token=sha256:[0-9a-f]{12}/);
    expect(stderr).toContain('podid proxy: stopped (200×1)');
    for (const secret of [token, body.SecretAccessKey, body.Token]) expect(stderr + stdout).not.toContain(secret);
  });
});
