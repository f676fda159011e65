import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The I/O `podid exec` and `podid proxy env` need besides the server: signing a projected-SA-shaped
// token, writing it to a 0600 file with no trailing newline (botocore rejects one), and running
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

export interface TokenFile {
  path: string;
  remove(): Promise<void>;
}

/** A private temp dir holding the token (mode 0600, the bytes exactly, no newline). */
export async function writeTempTokenFile(token: string): Promise<TokenFile> {
  const dir = await mkdtemp(join(tmpdir(), 'podid-exec-'));
  const path = join(dir, 'eks-pod-identity-token');
  await writeFile(path, token, { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes the token to a chosen path (mode 0600, no newline). */
export async function writeTokenFile(path: string, token: string): Promise<void> {
  await writeFile(path, token, { mode: 0o600 });
  await chmod(path, 0o600);
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
