import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';

// moto in server mode for adapter and command tests (reference/test-backends.md §1).
//
//   const moto = await startMoto();              // beforeAll: ~0.4 s, one server per test file
//   const env = await moto.accountEnv();         // per test: a fresh, empty AWS account
//   const ports = awsPorts({ env, reporter: silentReporter });
//   ...
//   await moto.stop();                           // afterAll
//
// Isolation: `accountEnv()` assumes a role in a new 12-digit account and returns env whose keys
// are those session credentials; moto keeps IAM/EKS state per account, so tests in one file (or
// files sharing one server) never see each other's roles or clusters and need no reset. moto's
// default account is 123456789012 (`motoEnv(endpoint)` uses it; `reset()` wipes every account).
// Set PODID_MOTO_ENDPOINT=http://127.0.0.1:PORT to reuse a server you started yourself.
// moto lacks Pod Identity associations, add-ons, SimulatePrincipalPolicy and EKS Auth.

export interface Moto {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  /** Env for the AWS SDK / the podid CLI pointing EKS, IAM and STS at moto, default account. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Env as `env()`, but with session credentials of a fresh account (or the given 12-digit one). */
  accountEnv(accountId?: string, extra?: Record<string, string>): Promise<Record<string, string>>;
  /** POST /moto-api/reset: wipes every account and region. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export const MOTO_DEFAULT_ACCOUNT = '123456789012';

/** The environment that points the AWS SDK (and so podid) at a moto endpoint, with dummy keys. */
export function motoEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_EKS: endpoint,
    AWS_ENDPOINT_URL_IAM: endpoint,
    AWS_ENDPOINT_URL_STS: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Keep the developer's ~/.aws out of tests.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

let accountCounter = 0;

/** A 12-digit account id unique to this process and call. */
export function uniqueAccountId(): string {
  accountCounter += 1;
  const digits = BigInt('0x' + createHash('sha256').update(`${process.pid}:${Date.now()}:${accountCounter}:${Math.random()}`).digest('hex').slice(0, 15));
  return (digits % 900_000_000_000n + 100_000_000_000n).toString();
}

export async function startMoto(options: { timeoutMs?: number } = {}): Promise<Moto> {
  const reuse = process.env.PODID_MOTO_ENDPOINT;
  if (reuse) return motoAt(reuse.replace(/\/+$/, ''), async () => {});

  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`moto did not start within ${options.timeoutMs ?? 15_000} ms:\n${output}`)), options.timeoutMs ?? 15_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => fail(new Error(`could not run python3 -m moto.server: ${error.message}`)));
    child.once('exit', (code) => fail(new Error(`moto exited with code ${code} before it was ready:\n${output}`)));
  });
  child.removeAllListeners('exit');
  // Keep draining its log so the pipe never fills up.
  child.stdout!.resume();
  child.stderr!.resume();
  await waitReady(endpoint, options.timeoutMs ?? 15_000);
  return motoAt(endpoint, () => stopChild(child).finally(() => process.removeListener('exit', killOnExit)));
}

function motoAt(endpoint: string, stop: () => Promise<void>): Moto {
  return {
    endpoint,
    env: (extra) => motoEnv(endpoint, extra),
    accountEnv: async (accountId = uniqueAccountId(), extra = {}) => {
      const credentials = await assumeInto(endpoint, accountId);
      return motoEnv(endpoint, { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken, ...extra });
    },
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    stop,
  };
}

async function waitReady(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto at ${endpoint} did not answer GET /moto-api/ within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** STS AssumeRole (query protocol, by hand: no SDK needed) into `accountId`; moto maps the keys to that account. */
async function assumeInto(endpoint: string, accountId: string) {
  const body = new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: `arn:aws:iam::${accountId}:role/moto-test-account`, RoleSessionName: 'podid-test' });
  const res = await fetch(endpoint + '/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // moto routes by the service in the credential scope and does not check signatures.
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x',
    },
    body,
  });
  const xml = await res.text();
  const pick = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  const accessKeyId = pick('AccessKeyId');
  const secretAccessKey = pick('SecretAccessKey');
  const sessionToken = pick('SessionToken');
  if (!res.ok || !accessKeyId || !secretAccessKey || !sessionToken) throw new Error(`moto AssumeRole into ${accountId} failed: HTTP ${res.status} ${xml.slice(0, 300)}`);
  return { accessKeyId, secretAccessKey, sessionToken };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
