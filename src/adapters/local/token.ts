import { createHash, randomUUID } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { compactVerify, createLocalJWKSet, errors, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { RemoteError, UserError, isRemoteError, type DomainErrorKind } from '../../core/errors.js';
import { checkClusterName, eksAuthError, exchange, type EksAuthError, type ExchangeResult } from '../../core/exchange/index.js';
import type { Role } from '../../core/model.js';
import type { EksAuthErrorCode, EksAuthPort, IamPort, PodIdentityCredentialsResponse } from '../../core/ports.js';
import { checkToken, type SignatureVerdict } from '../../core/token/index.js';
import type { StateDocument } from './schema.js';
import type { LocalStore } from './store.js';
import { fakeCredentials } from './sts.js';

// Service-account tokens with `jose`: signing with the state's key (token mint), verifying against
// a JWKS (simulate, the local EKS Auth), and the local EksAuthPort that runs podid's exchange.
// Tokens are secrets: they never appear in messages; refer to them by tokenFingerprint().

const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** A short, stable name for a token: the first 12 hex characters of its SHA-256. */
export const tokenFingerprint = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;

export type SigningKey = NonNullable<StateDocument['signingKey']>;

/** Signs claims as a Kubernetes issuer does: compact JWS, header {alg, kid}. */
export async function signToken(payload: Record<string, unknown>, key: SigningKey): Promise<string> {
  const alg = key.alg || 'RS256';
  const privateKey = await importJWK(key.privateJwk as JWK, alg);
  return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid }).sign(privateKey);
}

/** A key set from a JWKS document or a single public JWK. */
export function toKeySet(value: unknown): JSONWebKeySet {
  const o = value as { keys?: unknown; kty?: unknown };
  if (o && Array.isArray(o.keys)) return o as JSONWebKeySet;
  if (o && typeof o.kty === 'string') return { keys: [o as JWK] };
  throw new UserError('not a JWKS: expected {"keys": [...]} or a single JWK');
}

/** Verifies only the signature (claims are podid's own checks). Never throws. */
export async function verifySignature(token: string, keys: JSONWebKeySet, source: string): Promise<SignatureVerdict> {
  try {
    const result = await compactVerify(token, createLocalJWKSet(keys), { algorithms: ASYMMETRIC_ALGS });
    return { status: 'ok', detail: `signature verifies with ${source}${result.protectedHeader.kid ? ` (kid ${result.protectedHeader.kid})` : ''}` };
  } catch (error) {
    return { status: 'fail', detail: `signature does not verify with ${source}: ${signatureProblem(error)}` };
  }
}

function signatureProblem(error: unknown): string {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature is wrong (tampered token or another key)';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key matches the token\'s kid and alg';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the algorithm is not an asymmetric signature algorithm';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'several keys match the token\'s kid';
  return (error as Error).message ?? String(error);
}

export const unverified = (why = 'no key available'): SignatureVerdict => ({ status: 'skip', detail: `unverified: ${why}` });

/** The issuer's JWKS by OIDC discovery (jwks_uri), falling back to `${iss}/keys` as EKS serves it. */
export async function fetchIssuerJwks(issuer: string, timeoutMs = 3000): Promise<JSONWebKeySet> {
  const base = issuer.replace(/\/+$/, '');
  const get = async (url: string) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
    return (await response.json()) as unknown;
  };
  let jwksUri = `${base}/keys`;
  try {
    const discovery = (await get(`${base}/.well-known/openid-configuration`)) as { jwks_uri?: unknown };
    if (typeof discovery.jwks_uri === 'string') jwksUri = discovery.jwks_uri;
  } catch {
    // fall back to ${iss}/keys
  }
  return toKeySet(await get(jwksUri));
}

/** Reads `--token`: a literal token, `@FILE`, or `-` (stdin). One trailing newline is dropped and reported. */
export async function readTokenInput(value: string, stdin: NodeJS.ReadableStream): Promise<{ token: string; strippedNewline: boolean }> {
  let text = value;
  if (value === '-') text = await readAll(stdin);
  else if (value.startsWith('@')) {
    try {
      text = await readFile(value.slice(1), 'utf8');
    } catch (error) {
      throw new UserError(`cannot read token file ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const token = text.replace(/\r?\n$/, '');
  return { token, strippedNewline: token !== text };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
}

export async function readJwksFile(path: string): Promise<JSONWebKeySet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read JWKS file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return toKeySet(JSON.parse(text));
  } catch (error) {
    throw new UserError(`JWKS file ${path} is invalid: ${(error as Error).message}`, { hint: 'Expected {"keys":[...]} as served at <issuer>/keys, or one public JWK.' });
  }
}

/** Writes a secret with mode 0600 and exactly the given bytes (no trailing newline added). */
export async function writeSecretFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text, { mode: 0o600 });
    await chmod(path, 0o600);
  } catch (error) {
    throw new UserError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

const KIND: Partial<Record<EksAuthErrorCode, DomainErrorKind>> = {
  InvalidTokenException: 'access-denied',
  ExpiredTokenException: 'access-denied',
  AccessDeniedException: 'access-denied',
  InvalidParameterException: 'invalid',
  ResourceNotFoundException: 'not-found',
};

export function eksAuthRemoteError(error: EksAuthError): RemoteError {
  return new RemoteError(error.message, { kind: KIND[error.code] ?? 'unknown', service: 'eks-auth', operation: 'AssumeRoleForPodIdentity', code: error.code, httpStatus: error.httpStatus });
}

/**
 * podid's exchange over the state file, as EKS Auth would run it: token checks (signature against the
 * state's signingKey; unverified when the state has none), the cluster's associations and roles.
 */
export async function localExchange(store: LocalStore, iam: IamPort, clusterName: string, token: string, options: { sessionId?: string } = {}): Promise<ExchangeResult | { error: EksAuthError }> {
  const badName = checkClusterName(clusterName);
  if (badName) return { error: badName };
  const state = store.doc.clusters.find((c) => c.cluster.name === clusterName);
  if (!state) return { error: eksAuthError('ResourceNotFoundException', `No cluster found for name: ${clusterName}.`) };
  const key = store.doc.signingKey;
  const signature = key ? await verifySignature(token, { keys: [key.publicJwk as JWK] }, 'the state signing key') : unverified('the state has no signingKey');
  const now = store.now();
  const checked = checkToken(token, { now, cluster: state.cluster, signature });
  const roles = new Map<string, Role | null>();
  for (const arn of new Set(state.associations.flatMap((a) => [a.roleArn, a.targetRoleArn].filter((x): x is string => Boolean(x))))) {
    try {
      roles.set(arn, await iam.getRole(arn));
    } catch (error) {
      // Missing: the role does not exist. Unreadable (another account): unknown, as live.
      if (isRemoteError(error, 'not-found')) roles.set(arn, null);
      else if (!isRemoteError(error)) throw error;
    }
  }
  return exchange(checked, { cluster: state.cluster, associations: state.associations, roles }, { now, sessionId: options.sessionId ?? randomUUID(), clusterName });
}

/** The local backend's EksAuthPort: the exchange, then fake credentials for the session's account. */
export function localEksAuth(store: LocalStore, iam: IamPort): EksAuthPort {
  return {
    async assumeRoleForPodIdentity(clusterName, token): Promise<PodIdentityCredentialsResponse> {
      const result = await localExchange(store, iam, clusterName, token);
      if ('error' in result) throw eksAuthRemoteError(result.error);
      if (!result.outcome.ok) throw eksAuthRemoteError(result.outcome.error);
      const { response, lifetimeSeconds } = result.outcome;
      const accountId = response.assumedRoleUser.arn.split(':')[4];
      const creds = fakeCredentials(accountId, lifetimeSeconds, store.now());
      return {
        ...response,
        credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken, expiration: response.credentials.expiration },
      };
    },
  };
}
