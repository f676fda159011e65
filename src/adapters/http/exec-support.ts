import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The I/O `podid exec` and `podid proxy env` need besides the server: signing a projected-SA-shaped
// token, writing it to a new 0600 file with no trailing newline (botocore rejects one), and running
// the child command. Signing with the state key is src/adapters/local/token.ts's.

export interface PodTokenClaims {
  issuer: string;
  namespace: string;
  serviceAccount: string;
  serviceAccountUid: string;
  podName: string;
  podUid: string;
  /** Seconds since the epoch. */
  now: number;
  lifetimeSeconds: number;
}

export interface SigningKey {
  kid: string;
  alg: string;
  privateJwk: Record<string, unknown>;
}

/** Signs a projected-SA-shaped token: with the state's key (src/adapters/local/token.ts), else an ephemeral RS256 key. */
export async function signPodToken(claims: PodTokenClaims, key?: SigningKey): Promise<string> {
  const { projectedTokenPayload } = await import('../../core/token/claims.js');
  const payload = projectedTokenPayload({
    issuer: claims.issuer,
    namespace: claims.namespace,
    serviceAccount: { name: claims.serviceAccount, uid: claims.serviceAccountUid },
    pod: { name: claims.podName, uid: claims.podUid },
    now: new Date(claims.now * 1000),
    ttlSeconds: claims.lifetimeSeconds,
  });
  if (key) {
    const { signToken } = await import('../local/token.js');
    return signToken(payload, { ...key, publicJwk: {} });
  }
  const { SignJWT, generateKeyPair } = await import('jose');
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'podid-ephemeral' }).sign(privateKey);
}

/** Creates a new file with exactly `text`, mode 0600: never an existing file, never through a symlink (EEXIST). */
async function createPrivateFile(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
}

/** One `podid exec`'s private temp dir, removed afterwards. */
export interface ExecFiles {
  /** An empty 0600 file for AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE. */
  emptyFile: string;
  /** Writes the token into the dir (0600, no newline); returns its path. */
  writeToken(token: string): Promise<string>;
  remove(): Promise<void>;
}

/** Creates the private temp dir (0700, mkdtemp) with its empty file. */
export async function makeExecFiles(): Promise<ExecFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'podid-exec-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const emptyFile = join(dir, 'aws-shared-empty');
  try {
    await createPrivateFile(emptyFile, '');
  } catch (error) {
    await remove();
    throw error;
  }
  const writeToken = async (token: string) => {
    const path = join(dir, 'eks-pod-identity-token');
    await createPrivateFile(path, token);
    return path;
  };
  return { emptyFile, writeToken, remove };
}

/**
 * Writes the token to a chosen path as a new file (mode 0600, no newline). An existing file or
 * symlink there fails with EEXIST, unless `overwrite` removes it (not what it points to) first.
 */
export async function writeTokenFile(path: string, token: string, options: { overwrite?: boolean } = {}): Promise<void> {
  if (options.overwrite) await rm(path, { force: true });
  await createPrivateFile(path, token);
}

/** A token file that outlives podid (`proxy env`): in a new private temp dir; returns its path. */
export async function writeTokenFileInTempDir(token: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'podid-token-')), 'eks-pod-identity-token');
  await createPrivateFile(path, token);
  return path;
}

export interface ChildRun {
  /** Sends a signal to the child (SIGINT/SIGTERM forwarding). */
  kill(signal: NodeJS.Signals): void;
  /** The exit code; 128 + n when killed by signal n. */
  exited: Promise<number>;
}

export class CommandNotFoundError extends Error {
  constructor(command: string) {
    super(`command not found: ${command}`);
    this.name = 'CommandNotFoundError';
  }
}

export function runChild(command: string, args: string[], env: Record<string, string | undefined>, cwd: string): ChildRun {
  const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, cwd, stdio: 'inherit' });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new CommandNotFoundError(command) : error));
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0)));
  });
  return { kill: (signal) => void (child.exitCode === null && child.kill(signal)), exited };
}
