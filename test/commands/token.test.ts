import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { stateSchema, type StateDocument } from '../../src/adapters/local/schema.js';
import { signToken } from '../../src/adapters/local/token.js';
import { tokenMint } from '../../src/commands/token-mint.js';
import { RemoteError } from '../../src/core/errors.js';
import { projectedTokenPayload } from '../../src/core/token/index.js';
import { FIXED_NOW, fakeDeps, minimalState } from '../helpers/fake-deps.js';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';

const DEMO: StateDocument = stateSchema.parse(JSON.parse(readFileSync(DEMO_STATE, 'utf8')));
const T = FIXED_NOW.getTime() / 1000;
const decodePayload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const tmp = () => mkdtempSync(join(tmpdir(), 'podid-token-'));

describe('tokenMint', () => {
  it('has the projected-token claim shape, uids from the state, and an RS256 signature with the kid', async () => {
    const deps = fakeDeps(DEMO);
    const r = await tokenMint({ namespace: 'payments', serviceAccount: 'payments-api', pod: 'payments-api-pswcvz7lms-npftc', ttlSeconds: 86400 }, deps);
    const c = DEMO.clusters[0];
    const pod = c.pods.find((p) => p.name === 'payments-api-pswcvz7lms-npftc')!;
    const sa = c.serviceAccounts.find((s) => s.namespace === 'payments' && s.name === 'payments-api')!;
    const claims = decodePayload(r.token);
    expect(claims).toMatchObject({
      iss: c.cluster.oidcIssuer, sub: 'system:serviceaccount:payments:payments-api', aud: ['pods.eks.amazonaws.com'], iat: T, nbf: T, exp: T + 86400,
      'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'payments-api', uid: sa.uid }, pod: { name: pod.name, uid: pod.uid }, node: { name: pod.nodeName, uid: expect.any(String) } },
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeProtectedHeader(r.token)).toEqual({ alg: 'RS256', kid: DEMO.signingKey!.kid });
    await expect(compactVerify(r.token, await importJWK(DEMO.signingKey!.publicJwk as JWK, 'RS256'))).resolves.toBeDefined();
    expect(r.fingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(r.claims).toMatchObject({ pod: pod.name, node: pod.nodeName, exp: '2026-11-27T12:00:00.000Z' });
  });

  it('without --pod binds to a pod of the service account, or a made-up one with a warning', async () => {
    const deps = fakeDeps(DEMO);
    expect((await tokenMint({ namespace: 'orders', serviceAccount: 'orders-worker', ttlSeconds: 600 }, deps)).claims.pod).toMatch(/^orders-worker-/);
    const r = await tokenMint({ namespace: 'apps', serviceAccount: 'ghost', ttlSeconds: 600 }, deps);
    expect(r.claims.pod).toBe('ghost-podid');
    expect(deps.reporter.lines.join('\n')).toMatch(/not in the state; the token carries a made-up uid, so simulate and the local proxy refuse it \(token.binding\)[\s\S]*made-up pod ghost-podid \(choose one with --pod\), so simulate/);
  });

  it('refuses a pod of another service account, a missing state, a state without a key or an issuer', async () => {
    await expect(tokenMint({ namespace: 'payments', serviceAccount: 'default', pod: 'payments-api-pswcvz7lms-npftc', ttlSeconds: 600 }, fakeDeps(DEMO))).rejects.toThrow(/runs as service account payments-api/);
    await expect(tokenMint({ namespace: 'a', serviceAccount: 'b', ttlSeconds: 600 }, { ...fakeDeps(DEMO), store: undefined })).rejects.toMatchObject({ message: expect.stringMatching(/needs a local state: pass --state/) });
    await expect(tokenMint({ namespace: 'a', serviceAccount: 'b', ttlSeconds: 600 }, fakeDeps(minimalState()))).rejects.toMatchObject({ hint: expect.stringMatching(/podid local init/) });
    const noIssuer = structuredClone(DEMO);
    noIssuer.clusters[0].cluster.oidcIssuer = undefined;
    await expect(tokenMint({ namespace: 'a', serviceAccount: 'b', ttlSeconds: 600 }, fakeDeps(noIssuer))).rejects.toThrow(/has no oidcIssuer/);
  });
});

describe('podid token mint (CLI)', () => {
  it('stdout carries only the token, without a trailing newline', async () => {
    const r = await runCli(['token', 'mint', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(r.stdout.endsWith('\n')).toBe(false);
    expect(r.stderr).toMatch(/token bound to pod payments\/payments-api-/);
  });

  it('-o FILE writes mode 0600 with no trailing newline and leaves stdout empty', async () => {
    const file = join(tmp(), 'token');
    writeFileSync(file, 'old content', { mode: 0o644 });
    const r = await runCli(['token', 'mint', '-n', 'payments', '-s', 'payments-api', '--ttl', '1h', '-o', file, '--state', DEMO_STATE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(r.stderr).toMatch(/wrote token sha256:[0-9a-f]{12} to .*token \(mode 0600\)/);
    expect(r.stderr).not.toContain(text);
    const claims = decodePayload(text);
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('--ttl: at least 10m (Kubernetes\' minimum for projected tokens), at most 2^32 s; otherwise exit 2', async () => {
    for (const ttl of ['1s', '10', '599s', '9999999h', '4294967297']) {
      const r = await runCli(['token', 'mint', '-n', 'payments', '-s', 'payments-api', '--ttl', ttl, '--state', DEMO_STATE]);
      expect(r.code, ttl).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`option '--ttl ${ttl}' is \\d+ s; (a projected token lives at least 10m|Kubernetes issues tokens for at most 2\\^32 s)`));
    }
    for (const ttl of ['10m', '600', '48h', '4294967296']) expect((await runCli(['token', 'mint', '-n', 'payments', '-s', 'payments-api', '--ttl', ttl, '--state', DEMO_STATE])).code, ttl).toBe(0);
    await expect(tokenMint({ namespace: 'payments', serviceAccount: 'payments-api', ttlSeconds: 60 }, fakeDeps(DEMO))).rejects.toMatchObject({ name: 'UsageError', exitCode: 2 });
  });

  it('--ttl too large to be an exact number of seconds gets the 2^32 s message, not the 10m one', async () => {
    for (const ttl of ['99999999999999999999', '99999999999999999999h']) {
      const r = await runCli(['token', 'mint', '-n', 'payments', '-s', 'payments-api', '--ttl', ttl, '--state', DEMO_STATE]);
      expect(r.code, ttl).toBe(2);
      expect(r.stderr).toContain(`option '--ttl ${ttl}' is more than 2^32 s; Kubernetes issues tokens for at most 2^32 s (4294967296 s)`);
    }
  });

  it('errors: no --state (exit 1, hint), bad --ttl and missing -n (exit 2)', async () => {
    const none = await runCli(['token', 'mint', '-n', 'a', '-s', 'b'], { env: { AWS_REGION: 'us-west-2' } });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/needs a local state: pass --state FILE/);
    expect((await runCli(['token', 'mint', '-n', 'a', '-s', 'b', '--ttl', 'forever', '--state', DEMO_STATE])).code).toBe(2);
    expect((await runCli(['token', 'mint', '-s', 'b', '--state', DEMO_STATE])).code).toBe(2);
    const help = await runCli(['token', 'mint', '--help']);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toMatch(/-o, --out <file>/);
  });
});

describe('local EksAuthPort (the exchange behind --state)', () => {
  const token = async (over: Record<string, unknown> = {}) => {
    const base = projectedTokenPayload({ issuer: DEMO.clusters[0].cluster.oidcIssuer!, namespace: 'payments', serviceAccount: { name: 'payments-api', uid: 'u' }, pod: { name: 'payments-api-x', uid: 'p' }, now: FIXED_NOW, ttlSeconds: 3600 });
    return signToken({ ...base, ...over }, DEMO.signingKey!);
  };

  it('returns the response with well-formed fake credentials', async () => {
    const r = await fakeDeps(DEMO).eksAuth.assumeRoleForPodIdentity('demo', await token());
    expect(r.credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(r.credentials.secretAccessKey).not.toBe('<redacted>');
    expect(r.credentials.expiration).toBe(T + 21600);
    expect(r.assumedRoleUser.arn).toMatch(/^arn:aws:sts::111122223333:assumed-role\/payments-api\/eks-demo-payments-api-x-[0-9a-f-]+$/);
  });

  it.each([
    ['an invalid cluster name', '-bad', {}, 'InvalidParameterException', 400, 'invalid'],
    ['an unknown cluster', 'prod', {}, 'ResourceNotFoundException', 404, 'not-found'],
    ['an expired token', 'demo', { exp: T - 3600 }, 'ExpiredTokenException', 400, 'access-denied'],
    ['a wrong audience', 'demo', { aud: ['sts.amazonaws.com'] }, 'InvalidTokenException', 400, 'access-denied'],
    ['no association', 'demo', { sub: 'system:serviceaccount:payments:default', 'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'default', uid: 'u' }, pod: { name: 'p', uid: 'p' } } }, 'ResourceNotFoundException', 404, 'not-found'],
  ])('throws RemoteError for %s', async (_name, cluster, over, code, httpStatus, kind) => {
    const error = await fakeDeps(DEMO).eksAuth.assumeRoleForPodIdentity(cluster as string, await token(over as Record<string, unknown>)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code, httpStatus, kind, service: 'eks-auth', operation: 'AssumeRoleForPodIdentity' });
  });

  it('throws AccessDeniedException for the seeded trust problem', async () => {
    const mintDeps = fakeDeps(DEMO);
    const t = (await tokenMint({ namespace: 'inventory', serviceAccount: 'inventory-sync', ttlSeconds: 600 }, mintDeps)).token;
    await expect(mintDeps.eksAuth.assumeRoleForPodIdentity('demo', t)).rejects.toMatchObject({ code: 'AccessDeniedException', httpStatus: 400, message: expect.stringMatching(/sts:TagSession/) });
  });
});
