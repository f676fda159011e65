import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/adapters/local/token.js';
import { stateSchema, type StateDocument } from '../../src/adapters/local/schema.js';
import { simulate, type SimulateOptions } from '../../src/commands/simulate.js';
import { parseTime } from '../../src/cli/simulate.js';
import { RemoteError, UsageError } from '../../src/core/errors.js';
import { tokenMint } from '../../src/commands/token-mint.js';
import { base64UrlEncode, projectedTokenPayload } from '../../src/core/token/index.js';
import { renderSimulate } from '../../src/ui/render/simulate.js';
import { FIXED_NOW, fakeDeps } from '../helpers/fake-deps.js';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';
import type { Deps } from '../../src/deps.js';

const demo = (): StateDocument => stateSchema.parse(JSON.parse(readFileSync(DEMO_STATE, 'utf8')));
const DEMO = demo();
const ISSUER = DEMO.clusters[0].cluster.oidcIssuer!;
const BUCKET = 'arn:aws:s3:::podid-demo-shared-data-111122223333';
const UUID = '0f8e7d6c-5b4a-4392-8a1b-0c2d3e4f5a6b';

async function mint(namespace: string, serviceAccount: string, state = DEMO) {
  return (await tokenMint({ namespace, serviceAccount, ttlSeconds: 3600 }, fakeDeps(state))).token;
}

async function sim(opts: SimulateOptions, state = DEMO, over: Partial<Deps> = {}) {
  const deps = fakeDeps(state);
  return { result: await simulate({ sessionId: UUID, ...opts }, { ...deps, ...over }), lines: deps.reporter.lines };
}

/** Stands in for the AWS backend (no --state): the local ports play the real APIs. */
const awsStandIn = (over: Partial<Deps> = {}): Partial<Deps> => ({ backend: 'aws', store: undefined, ...over });

async function simToken(namespace: string, serviceAccount: string, extra: Partial<SimulateOptions> = {}) {
  return (await sim({ token: await mint(namespace, serviceAccount), ...extra })).result;
}

/** A token for payments/payments-api with the demo key, with claims or header overridden. */
const SA_UID = DEMO.clusters[0].serviceAccounts.find((s) => s.namespace === 'payments' && s.name === 'payments-api')!.uid!;
const POD = DEMO.clusters[0].pods.find((p) => p.namespace === 'payments' && p.name === 'payments-api-pswcvz7lms-npftc')!;

async function crafted(over: Record<string, unknown> = {}, binding: { saUid?: string; pod?: { name: string; uid: string } } = {}) {
  const payload = projectedTokenPayload({ issuer: ISSUER, namespace: 'payments', serviceAccount: { name: 'payments-api', uid: binding.saUid ?? SA_UID }, pod: binding.pod ?? { name: POD.name, uid: POD.uid }, now: FIXED_NOW, ttlSeconds: 3600 });
  return signToken({ ...payload, ...over }, DEMO.signingKey!);
}

/** The demo state with pod POD's uid replaced. */
function withPodUid(uid: string): StateDocument {
  const doc = demo();
  doc.clusters[0].pods = doc.clusters[0].pods.map((p) => (p.name === POD.name ? { ...p, uid } : p));
  return doc;
}

describe('simulate on the demo state (seeded problems)', () => {
  it('payments/payments-api (role with a path) succeeds with the exact response shape', async () => {
    const r = await simToken('payments', 'payments-api');
    expect(r.ok).toBe(true);
    expect(r.tokenChecks.every((c) => c.status === 'ok')).toBe(true);
    const name = `eks-demo-payments-api-pswcvz7lms-npftc-${UUID}`.slice(0, 64);
    expect(r.response).toEqual({
      subject: { namespace: 'payments', serviceAccount: 'payments-api' },
      audience: 'pods.eks.amazonaws.com',
      podIdentityAssociation: { associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-demo0000000000001', associationId: 'a-demo0000000000001' },
      assumedRoleUser: { arn: `arn:aws:sts::111122223333:assumed-role/payments-api/${name}`, assumeRoleId: `AROADEMOROLE000000001:${name}` },
      credentials: { sessionToken: '<redacted>', secretAccessKey: '<redacted>', accessKeyId: '<redacted>', expiration: FIXED_NOW.getTime() / 1000 + 21600 },
    });
    expect(r.input.token).toMatch(/^sha256:[0-9a-f]{12}$/);
  });

  it('(a) inventory/inventory-sync: AccessDenied, names the statement and says sts:TagSession is missing', async () => {
    const r = await simToken('inventory', 'inventory-sync');
    expect(r.error).toMatchObject({ code: 'AccessDeniedException', httpStatus: 400 });
    expect(r.explanation).toMatch(/^sts:TagSession is missing: policy "trust policy of role\/inventory-sync" statement #0 \(Sid "[^"]+"\) allows sts:AssumeRole/);
  });

  it('a service account without an association: ResourceNotFoundException', async () => {
    const r = await simToken('payments', 'payments-reconciler');
    expect(r.error).toMatchObject({ code: 'ResourceNotFoundException', httpStatus: 404 });
  });

  it('a token for a service account the state does not have (deleted): InvalidTokenException before the association lookup', async () => {
    // data-pipeline/spark-driver has an association but no service account in the demo.
    const r = await simToken('data-pipeline', 'spark-driver');
    expect(r.error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringMatching(/^service account data-pipeline\/spark-driver is not in the state: it was deleted since the token was issued .*TokenReview rejects it; InvalidTokenException \(podid's reading/) });
    expect(r.tokenChecks.find((c) => c.id === 'token.binding')?.status).toBe('fail');
  });

  it('(g) analytics/model-trainer: trust scoped to another namespace, AccessDenied with the failing condition', async () => {
    const r = await simToken('analytics', 'model-trainer');
    expect(r.error?.code).toBe('AccessDeniedException');
    expect(r.explanation).toMatch(/StringEquals aws:RequestTag\/kubernetes-namespace: expected analytics-staging, request has analytics/);
    expect(r.steps.at(-1)).toMatchObject({ id: 'trust', status: 'fail', decidedBy: expect.stringMatching(/trust policy of role\/analytics-model-trainer" statement #0/) });
  });

  it('(b) inventory/search-indexer: cross-account role without target role, AccessDenied explained', async () => {
    const r = await simToken('inventory', 'search-indexer');
    expect(r.error?.code).toBe('AccessDeniedException');
    expect(r.explanation).toMatch(/use a same-account role plus targetRoleArn/);
  });

  it('checkout/checkout-api: the correct target-role chain succeeds with target credentials for 59 min', async () => {
    const r = await simToken('checkout', 'checkout-api');
    expect(r.ok).toBe(true);
    expect(r.response?.assumedRoleUser.arn).toMatch(/^arn:aws:sts::444455556666:assumed-role\/checkout-ledger-access\/eks-demo-checkout-api-/);
    expect(r.lifetimeSeconds).toBe(59 * 60);
    expect(r.steps.find((s) => s.id === 'target')?.status).toBe('ok');
  });

  it('ABAC: the pod may use its own namespace prefix and not another namespace\'s', async () => {
    const own = await simToken('orders', 'orders-worker', { actions: ['s3:GetObject', 's3:PutObject'], resource: `${BUCKET}/demo/orders/report.csv` });
    expect(own.actions.map((a) => a.decision)).toEqual(['allowed', 'allowed']);
    const other = await simToken('orders', 'orders-worker', { actions: ['s3:GetObject'], resource: `${BUCKET}/demo/payments/report.csv` });
    expect(other.actions[0]).toMatchObject({ decision: 'denied', decidedBy: expect.stringMatching(/eks-namespace-s3-prefix" statement #1/) });
    const list = await simToken('orders', 'orders-worker', { actions: ['s3:ListBucket'], resource: BUCKET, context: { 's3:prefix': 'demo/orders/' } });
    expect(list.actions[0].decision).toBe('allowed');
  });

  it('--context cannot override the six session tags EKS sets (exit 2), case-insensitively; with session tags disabled it only warns', async () => {
    const abac = { actions: ['s3:GetObject'], resource: `${BUCKET}/demo/payments/report.csv` };
    for (const key of ['aws:PrincipalTag/kubernetes-namespace', 'AWS:principaltag/Kubernetes-Namespace', 'aws:RequestTag/eks-cluster-name', 'aws:PrincipalTag/kubernetes-pod-uid']) {
      await expect(simToken('orders', 'orders-worker', { ...abac, context: { [key]: 'payments' } })).rejects.toMatchObject({ name: 'UsageError', exitCode: 2, message: expect.stringContaining(`cannot set '${key}'`) });
    }
    await expect(sim({ pod: { namespace: 'orders', name: 'orders-worker-8dl6559sjp-x7kl8' }, ...abac, context: { 'aws:PrincipalTag/kubernetes-namespace': 'payments' } })).rejects.toMatchObject({ exitCode: 2 });
    // Other principal tags (e.g. a role tag) stay settable.
    expect((await simToken('orders', 'orders-worker', { ...abac, context: { 'aws:PrincipalTag/team': 'x' } })).actions).toHaveLength(1);
    const untagged = structuredClone(DEMO);
    untagged.clusters[0].associations.find((a) => a.serviceAccount === 'orders-worker')!.disableSessionTags = true;
    const { lines } = await sim({ token: await mint('orders', 'orders-worker', untagged), ...abac, context: { 'aws:PrincipalTag/kubernetes-namespace': 'payments' } }, untagged);
    expect(lines.find((l) => l.startsWith('warn:'))).toMatch(/--context 'aws:PrincipalTag\/kubernetes-namespace': session tags are disabled/);
    const cli = await runCli(['simulate', '--pod', 'orders/orders-worker-8dl6559sjp-x7kl8', '--state', DEMO_STATE, '--action', 's3:GetObject', '--resource', `${BUCKET}/demo/payments/a.csv`, '--context', 'aws:PrincipalTag/kubernetes-namespace=payments']);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toBe('');
  });

  it('(e) --pod with static AWS keys in its env: a pod problem, not ok (static keys win the SDK chain), exit 1', async () => {
    const { result } = await sim({ pod: { namespace: 'marketing', name: 'campaign-mailer-znlml4rqkw-lgbmg' } });
    expect(result.ok).toBe(false);
    expect(result.podProblems?.map((p) => p.code)).toEqual(['StaticKeysInEnv']);
    expect(result.steps[0]).toMatchObject({ id: 'pod', status: 'fail', detail: expect.stringMatching(/AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; values not shown/) });
    expect(result.explanation).toMatch(/gets no credentials: static AWS keys .* The exchange itself would succeed for a pod without static AWS keys/);
    const cli = await runCli(['simulate', '--pod', 'marketing/campaign-mailer-znlml4rqkw-lgbmg', '--state', DEMO_STATE, '-o', 'json']);
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout).podProblems[0].code).toBe('StaticKeysInEnv');
  });

  it('--pod uses the pod\'s service account, uid and node; token checks are skipped', async () => {
    const { result } = await sim({ pod: { namespace: 'payments', name: 'payments-api-pswcvz7lms-npftc' } });
    expect(result.ok).toBe(true);
    expect(result.input).toEqual({ kind: 'pod', pod: 'payments/payments-api-pswcvz7lms-npftc', subject: 'system:serviceaccount:payments:payments-api' });
    expect(result.tokenChecks.every((c) => c.status === 'skip')).toBe(true);
    expect(result.sessionTags?.['kubernetes-pod-uid']).toBe(DEMO.clusters[0].pods.find((p) => p.name === 'payments-api-pswcvz7lms-npftc')?.uid);
    await expect(sim({ pod: { namespace: 'payments', name: 'nope' } })).rejects.toThrow(/pod payments\/nope not found/);
  });

  it('(c) orders/order-notifier: the pod predates its association, so it gets no credentials although the exchange would succeed', async () => {
    const pod = DEMO.clusters[0].pods.find((p) => p.serviceAccountName === 'order-notifier')!;
    const { result } = await sim({ pod: { namespace: 'orders', name: pod.name } });
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ id: 'pod', status: 'fail', detail: expect.stringContaining('the pod has no Pod Identity token: it was created before the association (restart it)') });
    expect(result.podProblems).toEqual([{ code: 'PodNotInjected', message: expect.stringContaining('created before the association') }]);
    expect(result.error).toBeUndefined();
    expect(result.response?.assumedRoleUser.arn).toMatch(/assumed-role\/order-notifier\//);
    expect(result.explanation).toMatch(/^Pod orders\/order-notifier-\S+ gets no credentials: .*The exchange itself would succeed for a restarted pod: EKS Auth would return credentials/);
    expect(renderSimulate(result)).toMatch(/Pod:\s+no credentials for this pod: the pod has no Pod Identity token[\s\S]*Result:\s+credentials for \S+ \(what the exchange returns; this pod gets none, see Pod\)/);
  });

  it('(d) ingress/edge-gateway: a hostNetwork pod fails with the known agent issue', async () => {
    const pod = DEMO.clusters[0].pods.find((p) => p.serviceAccountName === 'edge-gateway')!;
    const { result } = await sim({ pod: { namespace: 'ingress', name: pod.name } });
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ id: 'pod', status: 'fail', detail: expect.stringMatching(/hostNetwork.*AccessDenied.*aws\/eks-pod-identity-agent#139/) });
    expect(result.podProblems?.map((p) => p.code)).toEqual(['HostNetworkPod']);
    expect(result.response).toBeDefined();
    expect(result.explanation).toMatch(/The exchange itself would succeed for a pod off hostNetwork: EKS Auth would return credentials/);
  });

  it('a healthy pod passes the pod step; a pod without an association fails both', async () => {
    const { result } = await sim({ pod: { namespace: 'payments', name: 'payments-api-pswcvz7lms-npftc' } });
    expect(result.steps[0]).toMatchObject({ id: 'pod', status: 'ok' });
    expect(result.podProblems).toBeUndefined();
    const redis = (await sim({ pod: { namespace: 'orders', name: 'orders-redis-0' } })).result;
    expect(redis.podProblems?.[0].message).toMatch(/its service account has no Pod Identity association/);
    expect(redis.error?.code).toBe('ResourceNotFoundException');
    expect(redis.explanation).toMatch(/The exchange would fail too: No Pod Identity association found/);
  });

  it('the packed-size estimate is always in the result and the session step', async () => {
    const r = await simToken('payments', 'payments-api');
    expect(r.packedSizePercent).toEqual(expect.any(Number));
    expect(r.packedSizePercent).toBeLessThanOrEqual(90);
    expect(r.steps.find((s) => s.id === 'session')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`packed size about ${r.packedSizePercent}% of STS's limit (podid's estimate)`) });
  });

  it('--live with --state is refused: the local backend has no real EKS Auth to ask', async () => {
    const token = await mint('payments', 'payments-api');
    const deps = fakeDeps(DEMO);
    await expect(simulate({ token, live: true }, deps)).rejects.toThrow(UsageError);
    await expect(simulate({ token, live: true }, deps)).rejects.toThrow('--live calls the real EKS Auth API; it cannot be combined with --state');
  });

  it('--live against AWS shows the real answer and flags a disagreement', async () => {
    const token = await mint('payments', 'payments-api');
    const same = (await sim({ token, live: true }, DEMO, awsStandIn())).result;
    expect(same.live).toMatchObject({ ok: true, agrees: true });
    expect(same.live?.response?.credentials.accessKeyId).toBe('<redacted>');
    const denied = new RemoteError('denied', { kind: 'access-denied', service: 'eks-auth', operation: 'AssumeRoleForPodIdentity', code: 'AccessDeniedException', httpStatus: 400 });
    const eksAuth = { assumeRoleForPodIdentity: () => Promise.reject(denied) } as unknown as Deps['eksAuth'];
    const other = (await sim({ token, live: true }, DEMO, awsStandIn({ eksAuth }))).result;
    expect(other.live).toMatchObject({ ok: false, agrees: false, difference: 'podid predicted success, EKS Auth answered AccessDeniedException', error: { code: 'AccessDeniedException', httpStatus: 400 } });
  });
});

describe('simulate: token verdicts (precise, never a crash)', () => {
  const firstFail = (r: Awaited<ReturnType<typeof simToken>>) => r.tokenChecks.find((c) => c.status === 'fail');

  it('a tampered signature', async () => {
    const token = await crafted();
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
    const { result } = await sim({ token: tampered });
    expect(result.error?.code).toBe('InvalidTokenException');
    expect(firstFail(result)).toMatchObject({ id: 'token.signature', detail: expect.stringMatching(/the signature is wrong/) });
  });

  it('a payload changed after signing', async () => {
    const [h, , s] = (await crafted()).split('.');
    const p = base64UrlEncode(JSON.stringify({ ...projectedTokenPayload({ issuer: ISSUER, namespace: 'payments', serviceAccount: { name: 'payments-api', uid: 'u1' }, now: FIXED_NOW, ttlSeconds: 99999 }) }));
    expect(firstFail((await sim({ token: `${h}.${p}.${s}` })).result)?.id).toBe('token.signature');
  });

  it('alg none', async () => {
    const [, p] = (await crafted()).split('.');
    const { result } = await sim({ token: `${base64UrlEncode('{"alg":"none"}')}.${p}.bm9uZQ` });
    expect(result.error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringMatching(/"none"/) });
  });

  it('alg "NONE" is quoted as given', async () => {
    const [, p] = (await crafted()).split('.');
    const { result } = await sim({ token: `${base64UrlEncode('{"alg":"NONE"}')}.${p}.` });
    expect(firstFail(result)).toMatchObject({ id: 'token.algorithm', detail: 'header "alg" is "NONE": an unsigned token is never valid' });
  });

  it('a malformed kubernetes.io claim is named as such (token.subject), and token.binding does not blame the state', async () => {
    const notObject = (await sim({ token: await crafted({ 'kubernetes.io': 'x' }) })).result;
    expect(firstFail(notObject)).toMatchObject({ id: 'token.subject', detail: 'the "kubernetes.io" claim is malformed: "x" is not a JSON object' });
    expect(notObject.tokenChecks.find((c) => c.id === 'token.binding')).toMatchObject({ status: 'skip', detail: 'not compared: the token\'s "kubernetes.io" claim is malformed (not a JSON object)' });
    const numericUid = (await sim({ token: await crafted({ 'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'payments-api', uid: 117 }, pod: { name: POD.name, uid: POD.uid } } }) })).result;
    expect(firstFail(numericUid)).toMatchObject({ id: 'token.subject', detail: 'kubernetes.io.serviceaccount.uid is not a string: 117' });
    expect(numericUid.tokenChecks.find((c) => c.id === 'token.binding')).toMatchObject({ status: 'ok', detail: `pod ${POD.name} and its uid match the state; not compared: kubernetes.io.serviceaccount.uid is not a string` });
    const noSa = (await sim({ token: await crafted({ 'kubernetes.io': { namespace: 'payments', serviceaccount: 'payments-api' } }) })).result;
    expect(firstFail(noSa)).toMatchObject({ id: 'token.subject', detail: 'kubernetes.io.serviceaccount is malformed: "payments-api" is not a JSON object' });
    const numericNs = (await sim({ token: await crafted({ 'kubernetes.io': { namespace: 5 } }) })).result;
    expect(firstFail(numericNs)).toMatchObject({ id: 'token.subject', detail: 'kubernetes.io.namespace is not a string: 5' });
  });

  it('alg none with an EMPTY signature: the alg-none verdict, the header decoded (token.algorithm not skipped)', async () => {
    const [, p] = (await crafted()).split('.');
    const { result } = await sim({ token: `${base64UrlEncode('{"alg":"none"}')}.${p}.` });
    expect(result.error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringMatching(/"alg" is "none": an unsigned token is never valid/) });
    expect(firstFail(result)?.id).toBe('token.algorithm');
    expect(result.tokenChecks.find((c) => c.id === 'token.format')?.status).toBe('ok');
  });

  it('kubernetes.io claims against the state: SA uid mismatch, a missing or recreated pod fail (TokenReview rejects them)', async () => {
    const recreatedSa = (await sim({ token: await crafted({}, { saUid: '00000000-0000-4000-8000-000000000000' }) })).result;
    expect(recreatedSa.ok).toBe(false);
    expect(recreatedSa.error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringMatching(/kubernetes\.io\.serviceaccount\.uid 00000000-0000-4000-8000-000000000000 is not the uid of service account payments\/payments-api in the state/) });
    expect(firstFail(recreatedSa)?.id).toBe('token.binding');
    const gonePod = (await sim({ token: await crafted({}, { pod: { name: 'payments-api-gone', uid: '11111111-1111-4111-8111-111111111111' } }) })).result;
    expect(gonePod.ok).toBe(false);
    expect(gonePod.error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringMatching(/^pod payments\/payments-api-gone .* is not in the state: .*InvalidTokenException \(podid's reading/) });
    expect(firstFail(gonePod)?.id).toBe('token.binding');
    const otherUid = (await sim({ token: await crafted({}, { pod: { name: POD.name, uid: '22222222-2222-4222-8222-222222222222' } }) })).result;
    expect(otherUid.ok).toBe(false);
    expect(otherUid.error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringContaining(`has uid ${POD.uid}, not the token's 22222222-2222-4222-8222-222222222222`) });
    // uids are compared exactly, as Kubernetes does: another case is another uid.
    const cased = (await sim({ token: await crafted({}, { pod: { name: POD.name, uid: POD.uid.replace(/^0/, 'A') } }) }, withPodUid(POD.uid.replace(/^0/, 'a')))).result;
    expect(cased.error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringContaining(`has uid ${POD.uid.replace(/^0/, 'a')}, not the token's ${POD.uid.replace(/^0/, 'A')}`) });
    // Kubernetes could not be read: skipped, the exchange goes on.
    const unread = (await sim({ token: await crafted({}, { pod: { name: 'payments-api-gone', uid: '1' } }) }, DEMO, { kube: { ...fakeDeps(DEMO).kube, listPods: async () => Promise.reject(new Error('forbidden')) } })).result;
    expect(unread.tokenChecks.find((c) => c.id === 'token.binding')).toMatchObject({ status: 'skip', detail: 'not checked: could not read Kubernetes (forbidden)' });
    expect(unread.ok).toBe(true);
    const good = (await sim({ token: await crafted() })).result;
    expect(good.tokenChecks.find((c) => c.id === 'token.binding')).toMatchObject({ status: 'ok' });
  });

  it('wrong audience', async () => {
    const { result } = await sim({ token: await crafted({ aud: ['https://kubernetes.default.svc'] }) });
    expect(result.error?.code).toBe('InvalidTokenException');
    expect(firstFail(result)?.id).toBe('token.audience');
  });

  it('wrong issuer', async () => {
    const { result } = await sim({ token: await crafted({ iss: 'https://oidc.eks.us-west-2.amazonaws.com/id/OTHER' }) });
    expect(firstFail(result)?.id).toBe('token.issuer');
  });

  it('expired (--at after exp) and not yet valid (--at before nbf)', async () => {
    const token = await crafted();
    const late = await sim({ token, at: new Date(FIXED_NOW.getTime() + 2 * 3600e3) });
    expect(late.result.error).toMatchObject({ code: 'ExpiredTokenException', httpStatus: 400 });
    const early = await sim({ token, at: new Date(FIXED_NOW.getTime() - 600e3) });
    expect(early.result.error?.code).toBe('InvalidTokenException');
    expect(firstFail(early.result)).toMatchObject({ id: 'token.notBefore', detail: expect.stringMatching(/not valid yet/) });
  });

  it('malformed base64 and a 1 MB token', async () => {
    const bad = await sim({ token: 'eyJhbGciOiJSUzI1NiJ9.@@@.c2ln' });
    expect(bad.result.error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringMatching(/payload \(part 2\) is not valid base64url: character '@' at offset 0/) });
    const huge = await sim({ token: 'x'.repeat(1024 * 1024) });
    expect(huge.result.error?.message).toMatch(/1,048,576 characters/);
    expect(huge.result.tokenChecks[1]).toMatchObject({ status: 'skip' });
  });

  it('--jwks with another key fails the signature; a state without a key says unverified', async () => {
    const { publicKey } = await generateKeyPair('RS256');
    const other = { ...(await exportJWK(publicKey)), kid: DEMO.signingKey!.kid, alg: 'RS256' };
    const { result } = await sim({ token: await crafted(), jwks: { keys: { keys: [other] }, source: '--jwks other.json' } });
    expect(firstFail(result)).toMatchObject({ id: 'token.signature', detail: expect.stringMatching(/does not verify with --jwks other.json/) });
    const keyless = { ...DEMO, signingKey: undefined };
    const unverified = (await sim({ token: await crafted() }, keyless)).result;
    expect(unverified.ok).toBe(true);
    expect(unverified.tokenChecks.find((c) => c.id === 'token.signature')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/^unverified: no key available/) });
  });
});

describe('simulate --live: the issuer JWKS (OIDC discovery on 127.0.0.1)', () => {
  it('verifies with the issuer keys when the state has none; says unverified when the issuer is unreachable', async () => {
    const server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/id/X`;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/id/X/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/keys` }));
      else if (req.url === '/id/X/keys') res.end(JSON.stringify({ keys: [{ ...DEMO.signingKey!.publicJwk, kid: DEMO.signingKey!.kid }] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/id/X`;
    const keyless = structuredClone({ ...DEMO, signingKey: undefined });
    keyless.clusters[0].cluster.oidcIssuer = issuer;
    try {
      const token = await crafted({ iss: issuer });
      const { result } = await sim({ token, live: true }, keyless, awsStandIn());
      expect(result.tokenChecks.find((c) => c.id === 'token.signature')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`the issuer's JWKS (${issuer})`) });
      expect(result.live).toMatchObject({ ok: true, agrees: true });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = await sim({ token: await crafted({ iss: issuer }), live: true }, keyless, awsStandIn());
    expect(down.result.tokenChecks.find((c) => c.id === 'token.signature')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/^unverified: could not fetch the issuer's JWKS/) });
  });
});

describe('simulate: rendering and secrets', () => {
  it('the table shows checks, steps, result and why, and never the token or credentials', async () => {
    const token = await mint('orders', 'orders-worker');
    const { result } = await sim({ token, actions: ['s3:GetObject'], resource: `${BUCKET}/demo/payments/x` });
    const text = renderSimulate(result);
    expect(text).toContain('Token checks');
    expect(text).toMatch(/ok\s+token\.signature\s+signature verifies with the state signing key/);
    expect(text).toMatch(/Result:\s+credentials for arn:aws:sts::111122223333:assumed-role\/orders-worker\//);
    expect(text).toMatch(/denied\s+s3:GetObject/);
    expect(text).toContain('keys <redacted>');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
  });
});

describe('podid simulate (CLI)', () => {
  it('token mint | simulate --token - -o json returns the success shape, exit 0', async () => {
    const minted = await runCli(['token', 'mint', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE]);
    expect(minted.code).toBe(0);
    expect(minted.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const r = await runCli(['simulate', '--token', '-', '--state', DEMO_STATE, '-o', 'json'], { stdin: minted.stdout });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, ok: true, response: { subject: { namespace: 'payments', serviceAccount: 'payments-api' }, audience: 'pods.eks.amazonaws.com' } });
    expect(Object.keys(doc.response)).toEqual(['subject', 'audience', 'podIdentityAssociation', 'assumedRoleUser', 'credentials']);
    expect(doc.response.credentials.secretAccessKey).toBe('<redacted>');
    expect(r.stdout).not.toContain(minted.stdout);
  });

  it('a failing exchange exits 1 with the error shape; @FILE with a trailing newline is accepted with a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podid-sim-'));
    const minted = await runCli(['token', 'mint', '-n', 'inventory', '-s', 'inventory-sync', '--state', DEMO_STATE]);
    writeFileSync(join(dir, 'token'), `${minted.stdout}\n`);
    const r = await runCli(['simulate', '--token', `@${join(dir, 'token')}`, '--state', DEMO_STATE, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'AccessDeniedException', httpStatus: 400 });
    expect(r.stderr).toMatch(/the token ended with a newline/);
  });

  it('--context k=v and --action are parsed; usage errors exit 2', async () => {
    const minted = await runCli(['token', 'mint', '-n', 'orders', '-s', 'orders-worker', '--state', DEMO_STATE]);
    const r = await runCli(['simulate', '--token', minted.stdout, '--state', DEMO_STATE, '--action', 's3:ListBucket', '--resource', BUCKET, '--context', 's3:prefix=demo/orders/a', '--context', 'aws:SourceIp=10.0.0.1', '-o', 'json']);
    expect(JSON.parse(r.stdout).actions[0]).toMatchObject({ action: 's3:ListBucket', decision: 'allowed' });
    expect((await runCli(['simulate', '--state', DEMO_STATE])).code).toBe(2);
    expect((await runCli(['simulate', '--token', 'x', '--pod', 'a/b', '--state', DEMO_STATE])).code).toBe(2);
    expect((await runCli(['simulate', '--pod', 'nopod', '--state', DEMO_STATE])).code).toBe(2);
    expect((await runCli(['simulate', '--token', 'x', '--at', 'yesterday', '--state', DEMO_STATE])).code).toBe(2);
    expect((await runCli(['simulate', '--token', 'x', '--context', 'novalue', '--action', 's3:GetObject', '--state', DEMO_STATE])).code).toBe(2);
  });

  it('--at: RFC 3339 / ISO 8601 with a zone, a bare date, or unix seconds; anything else is exit 2', async () => {
    expect(parseTime('2026-11-26T12:00:00Z')?.toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(parseTime('2026-11-26T13:30:00.25+01:30')?.toISOString()).toBe('2026-11-26T12:00:00.250Z');
    expect(parseTime('2026-11-26t12:00:00z')?.toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(parseTime('2026-11-26')?.toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect(parseTime('1795713416')?.toISOString()).toBe('2026-11-26T17:16:56.000Z');
    for (const bad of ['-5', '1795713416000', '2026-11-26T12:00:00', '2026-02-30T00:00:00Z', '2026-11-26T24:00:00Z', 'yesterday', '5.5', 'Nov 26 2026', '']) {
      expect(() => parseTime(bad), bad).toThrow(UsageError);
    }
    const ms = await runCli(['simulate', '--pod', 'payments/payments-api-pswcvz7lms-npftc', '--at', '1795713416000', '--state', DEMO_STATE]);
    expect(ms.code).toBe(2);
    expect(ms.stderr).toMatch(/option '--at' expects .*'1795713416000' has more digits than unix seconds/);
    expect((await runCli(['simulate', '--pod', 'payments/payments-api-pswcvz7lms-npftc', '--at', '-5', '--state', DEMO_STATE])).code).toBe(2);
  });

  it('--at: the 1970 limit applies to the instant, after the offset', () => {
    expect(parseTime('1969-12-31T23:00:00-02:00')?.toISOString()).toBe('1970-01-01T01:00:00.000Z');
    expect(parseTime('1970-01-01T00:00:00Z')?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(() => parseTime('1970-01-01T00:30:00+01:00')).toThrow(/'1970-01-01T00:30:00\+01:00' is before 1970-01-01T00:00:00Z/);
    expect(() => parseTime('1969-12-31')).toThrow(UsageError);
  });

  it('with --at, time details say "at …", not "now is …"', async () => {
    const token = await crafted();
    const late = (await sim({ token, at: new Date(FIXED_NOW.getTime() + 2 * 3600e3) })).result;
    expect(late.error?.message).toMatch(/^the token expired at .* \(at 2026-.*Z, leeway 60 s\)$/);
    const now = (await sim({ token }, DEMO, { now: () => new Date(FIXED_NOW.getTime() + 2 * 3600e3) })).result;
    expect(now.error?.message).toMatch(/\(now is 2026-.*Z, leeway 60 s\)$/);
  });

  it('--at before the pod or association existed: a warning', async () => {
    const { lines } = await sim({ pod: { namespace: 'payments', name: 'payments-api-pswcvz7lms-npftc' }, at: new Date('2000-01-01T00:00:00Z') });
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^warn: pod payments\/payments-api-pswcvz7lms-npftc was created at .*, after --at 2000-01-01T00:00:00.000Z/),
      expect.stringMatching(/^warn: association a-demo0000000000001 was created at .*, after --at 2000-01-01T00:00:00.000Z/),
    ]));
    expect((await sim({ pod: { namespace: 'payments', name: 'payments-api-pswcvz7lms-npftc' } })).lines.filter((l) => l.includes('--at'))).toEqual([]);
  });

  it('--pod NS/NAME table output and --help with examples', async () => {
    const r = await runCli(['simulate', '--pod', 'payments/payments-api-pswcvz7lms-npftc', '--state', DEMO_STATE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/skip\s+token\.signature\s+skipped: no token; claims taken from pod payments\/payments-api-pswcvz7lms-npftc/);
    const help = await runCli(['simulate', '--help']);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--kube-context');
  });

  it('every --pod example of --help runs on the demo state, exit 0', async () => {
    const help = (await runCli(['simulate', '--help'])).stdout;
    const examples = help.split('\n').filter((l) => l.includes('podid simulate --pod') && l.includes('--state demo.json'));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const line of examples) {
      const argv = line.replace(/^\s*\$ podid /, '').split(/\s+/).map((a) => (a === 'demo.json' ? DEMO_STATE : a));
      const r = await runCli([...argv, '-o', 'json']);
      expect(r.code, line).toBe(0);
      const doc = JSON.parse(r.stdout);
      for (const a of doc.actions) expect(a.decision, line).toBe('allowed');
    }
  });

  it('--pod on seeded problems (c) and (d) exits 1; --live with --state exits 2', async () => {
    const pods = DEMO.clusters[0].pods;
    for (const sa of ['order-notifier', 'edge-gateway']) {
      const pod = pods.find((p) => p.serviceAccountName === sa)!;
      const r = await runCli(['simulate', '--pod', `${pod.namespace}/${pod.name}`, '--state', DEMO_STATE, '-o', 'json']);
      expect(r.code, sa).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, podProblems: [expect.any(Object)], packedSizePercent: expect.any(Number) });
    }
    const minted = await runCli(['token', 'mint', '-n', 'payments', '-s', 'payments-api', '--state', DEMO_STATE]);
    const live = await runCli(['simulate', '--token', minted.stdout, '--live', '--state', DEMO_STATE]);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain('--live calls the real EKS Auth API; it cannot be combined with --state');
    expect(live.stdout).not.toContain('Live EKS Auth');
  });
});
