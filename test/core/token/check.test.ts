import { describe, expect, it } from 'vitest';
import { base64UrlDecode, base64UrlEncode, checkToken, claimsFromPod, decodeJwt, MAX_TOKEN_BYTES, parseDuration, projectedTokenPayload, type BoundObjects, type SignatureVerdict } from '../../../src/core/token/index.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const T = NOW.getTime() / 1000;
const ISSUER = 'https://oidc.eks.us-west-2.amazonaws.com/id/DEMO0123456789';
const CLUSTER = { name: 'demo', oidcIssuer: ISSUER };
const SIG_OK: SignatureVerdict = { status: 'ok', detail: 'signature verifies with test key' };

const payload = (over: Record<string, unknown> = {}) => ({
  ...projectedTokenPayload({
    issuer: ISSUER,
    namespace: 'apps',
    serviceAccount: { name: 'web', uid: 'sa-uid' },
    pod: { name: 'web-1', uid: 'pod-uid' },
    node: { name: 'node-1', uid: 'node-uid' },
    now: NOW,
    ttlSeconds: 3600,
  }),
  ...over,
});
const jwt = (body: object, header: object = { alg: 'RS256', kid: 'k1' }) => `${base64UrlEncode(JSON.stringify(header))}.${base64UrlEncode(JSON.stringify(body))}.c2lnbmF0dXJl`;
const check = (token: string, signature = SIG_OK) => checkToken(token, { now: NOW, cluster: CLUSTER, signature });
const statusOf = (r: ReturnType<typeof check>, id: string) => r.checks.find((c) => c.id === id);

describe('checkToken: a good projected token', () => {
  it('passes every check and reads the kubernetes.io claims', () => {
    const r = check(jwt(payload()));
    expect(r.error).toBeUndefined();
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['token.format', 'ok'], ['token.algorithm', 'ok'], ['token.signature', 'ok'], ['token.expiry', 'ok'], ['token.notBefore', 'ok'],
      ['token.issuedAt', 'ok'], ['token.issuer', 'ok'], ['token.audience', 'ok'], ['token.subject', 'ok'], ['token.binding', 'skip'],
    ]);
    expect(r.claims).toMatchObject({ iss: ISSUER, sub: 'system:serviceaccount:apps:web', aud: ['pods.eks.amazonaws.com'], namespace: 'apps', serviceAccount: { name: 'web', uid: 'sa-uid' }, pod: { name: 'web-1', uid: 'pod-uid' }, node: { name: 'node-1' } });
    expect(r.header).toEqual({ alg: 'RS256', kid: 'k1' });
  });

  it('accepts aud as a single string and a trailing slash on the issuer', () => {
    const r = check(jwt(payload({ aud: 'pods.eks.amazonaws.com', iss: `${ISSUER}/` })));
    expect(r.error).toBeUndefined();
  });
});

describe('checkToken: malformed tokens give precise verdicts, never a crash', () => {
  const cases: [string, string, RegExp][] = [
    ['empty', '', /the token is empty/],
    ['1 MB', 'a'.repeat(1024 * 1024), /1,048,576 characters; podid accepts at most 16,384/],
    ['two parts', 'abc.def', /3 dot-separated parts; this token has 2/],
    ['four parts', 'a.b.c.d', /this token has 4/],
    ['empty signature', `${base64UrlEncode('{"alg":"RS256"}')}.${base64UrlEncode('{}')}.`, /signature \(part 3\) is empty/],
    ['bad base64 character', `${base64UrlEncode('{"alg":"RS256"}')}.e!30.c2ln`, /payload \(part 2\) is not valid base64url: character '!' at offset 1/],
    ['standard base64', `${base64UrlEncode('{"alg":"RS256"}')}.ab+c.c2ln`, /'\+' \(standard base64, not base64url\)/],
    ['impossible length', `${base64UrlEncode('{"alg":"RS256"}')}.abcde.c2ln`, /length 5 is not a valid base64url length/],
    ['payload not JSON', `${base64UrlEncode('{"alg":"RS256"}')}.${base64UrlEncode('not json')}.c2ln`, /payload \(part 2\) is not JSON/],
    ['header an array', `${base64UrlEncode('[1]')}.${base64UrlEncode('{}')}.c2ln`, /header \(part 1\) is JSON but not an object/],
    ['not UTF-8', `${base64UrlEncode('{"alg":"RS256"}')}._-8.c2ln`, /payload \(part 2\) is not UTF-8 text/],
    ['trailing newline', `${jwt(payload())}\n`, /whitespace \(a trailing newline\?\)/],
  ];
  it.each(cases)('%s', (_name, token, message) => {
    const r = check(token);
    expect(r.error?.code).toBe('InvalidTokenException');
    expect(r.error?.checkId).toBe('token.format');
    expect(r.error?.message).toMatch(message);
    expect(r.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });

  it('MAX_TOKEN_BYTES is 16 KiB', () => expect(MAX_TOKEN_BYTES).toBe(16384));
});

describe('checkToken: each claim check', () => {
  it('rejects alg none, HS256 and a missing alg', () => {
    expect(check(jwt(payload(), { alg: 'none' })).error).toMatchObject({ code: 'InvalidTokenException', checkId: 'token.algorithm', message: expect.stringMatching(/"none": an unsigned token is never valid/) });
    expect(check(jwt(payload(), { alg: 'HS256' })).error?.message).toMatch(/shared-secret algorithm/);
    expect(check(jwt(payload(), { typ: 'JWT' })).error?.message).toMatch(/no "alg"/);
  });

  it('passes the signature verdict through: fail is InvalidTokenException, skip is stated plainly', () => {
    const bad = check(jwt(payload()), { status: 'fail', detail: 'signature does not verify with the state signing key: the signature is wrong' });
    expect(bad.error).toMatchObject({ code: 'InvalidTokenException', checkId: 'token.signature' });
    const skipped = check(jwt(payload()), { status: 'skip', detail: 'unverified: no key available' });
    expect(skipped.error).toBeUndefined();
    expect(statusOf(skipped, 'token.signature')).toEqual({ id: 'token.signature', status: 'skip', detail: 'unverified: no key available' });
  });

  it('expired → ExpiredTokenException; within the 60 s leeway → ok', () => {
    const expired = check(jwt(payload({ exp: T - 61, iat: T - 3600, nbf: T - 3600 })));
    expect(expired.error).toMatchObject({ code: 'ExpiredTokenException', checkId: 'token.expiry' });
    expect(expired.error?.message).toMatch(/expired at 2026-11-26T11:58:59Z \(now is 2026-11-26T12:00:00Z, leeway 60 s\)/);
    expect(check(jwt(payload({ exp: T - 30 }))).error).toBeUndefined();
  });

  it('missing or non-numeric exp is invalid', () => {
    const { exp: _exp, ...noExp } = payload();
    expect(check(jwt(noExp)).error).toMatchObject({ code: 'InvalidTokenException', message: expect.stringMatching(/no "exp"/) });
    expect(check(jwt(payload({ exp: '2026' }))).error?.message).toMatch(/"exp" is not a number/);
  });

  it('not yet valid (nbf) and issued in the future (iat) are InvalidTokenException', () => {
    expect(check(jwt(payload({ nbf: T + 600 }))).error).toMatchObject({ code: 'InvalidTokenException', checkId: 'token.notBefore', message: expect.stringMatching(/not valid yet/) });
    expect(check(jwt(payload({ iat: T + 600, nbf: undefined }))).error).toMatchObject({ checkId: 'token.issuedAt', message: expect.stringMatching(/issued in the future/) });
  });

  it('wrong issuer; unknown cluster issuer is a skip', () => {
    expect(check(jwt(payload({ iss: 'https://kubernetes.default.svc' }))).error).toMatchObject({ code: 'InvalidTokenException', checkId: 'token.issuer', message: expect.stringMatching(/is not cluster demo's OIDC issuer/) });
    const r = checkToken(jwt(payload()), { now: NOW, cluster: { name: 'demo' }, signature: SIG_OK });
    expect(statusOf(r, 'token.issuer')?.status).toBe('skip');
  });

  it('wrong or missing audience', () => {
    expect(check(jwt(payload({ aud: ['sts.amazonaws.com'] }))).error).toMatchObject({ code: 'InvalidTokenException', checkId: 'token.audience', message: expect.stringMatching(/\["sts.amazonaws.com"\] does not include pods.eks.amazonaws.com/) });
    expect(check(jwt(payload({ aud: undefined }))).error?.message).toMatch(/no "aud" claim/);
  });

  it('subject must be a service account and agree with the kubernetes.io claims', () => {
    expect(check(jwt(payload({ sub: 'admin' }))).error?.message).toMatch(/is not system:serviceaccount:NAMESPACE:NAME/);
    expect(check(jwt(payload({ sub: 'system:serviceaccount:other:web' }))).error?.message).toMatch(/namespace "apps" disagrees with sub namespace other/);
    expect(check(jwt(payload({ sub: 'system:serviceaccount:apps:api' }))).error?.message).toMatch(/serviceaccount.name "web" disagrees with sub service account api/);
    expect(check(jwt(payload({ sub: 'system:serviceaccount:Bad_NS:web' }))).error?.message).toMatch(/not a valid Kubernetes namespace/);
    const legacy = { ...payload(), 'kubernetes.io': undefined, 'kubernetes.io/serviceaccount/namespace': 'apps' };
    expect(check(jwt(legacy)).error?.message).toMatch(/legacy Secret-based token/);
    const noUid = payload();
    (noUid['kubernetes.io'] as { serviceaccount: { uid?: string } }).serviceaccount.uid = undefined;
    expect(check(jwt(noUid)).error?.message).toMatch(/serviceaccount.uid is missing/);
  });

  it('a token not bound to a pod is a warning, not an error', () => {
    const p = payload();
    delete (p['kubernetes.io'] as Record<string, unknown>).pod;
    const r = check(jwt(p));
    expect(r.error).toBeUndefined();
    expect(statusOf(r, 'token.subject')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/not bound to a pod/) });
  });
});

describe('checkToken: alg none with an empty signature (an unsecured JWS)', () => {
  it('decodes, so the verdict is the precise alg-none one, not "the signature is empty"', () => {
    const unsigned = `${base64UrlEncode('{"alg":"none"}')}.${base64UrlEncode(JSON.stringify(payload()))}.`;
    const r = check(unsigned);
    expect(r.error).toMatchObject({ code: 'InvalidTokenException', checkId: 'token.algorithm', message: expect.stringMatching(/"none": an unsigned token is never valid/) });
    expect(statusOf(r, 'token.format')?.status).toBe('ok');
    expect(statusOf(r, 'token.algorithm')).toMatchObject({ status: 'fail' });
    expect(check(`${base64UrlEncode('{"alg":"NONE"}')}.${base64UrlEncode('{}')}.`).error?.checkId).toBe('token.algorithm');
  });

  it('any other alg with an empty signature is still a format error', () => {
    expect(check(`${base64UrlEncode('{"alg":"RS256"}')}.${base64UrlEncode('{}')}.`).error).toMatchObject({ checkId: 'token.format', message: expect.stringMatching(/signature \(part 3\) is empty/) });
  });
});

describe('checkToken: token.binding (kubernetes.io uids against the known objects)', () => {
  const known = (over: Partial<BoundObjects> = {}): BoundObjects => ({ source: 'the state', serviceAccount: { uid: 'sa-uid' }, pods: [{ name: 'web-1', uid: 'pod-uid', serviceAccountName: 'web' }], ...over });
  const bind = (objects?: BoundObjects, body = payload()) => checkToken(jwt(body), { now: NOW, cluster: CLUSTER, signature: SIG_OK, objects });

  it('ok when the service account and pod uids match', () => {
    expect(statusOf(bind(known()), 'token.binding')).toMatchObject({ status: 'ok', detail: 'service account uid matches the state; pod web-1 and its uid match the state' });
  });

  it('a service-account uid mismatch (deleted and recreated SA) fails with InvalidTokenException, marked as podid\'s reading', () => {
    const r = bind(known({ serviceAccount: { uid: 'new-sa-uid' } }));
    expect(r.error).toMatchObject({ code: 'InvalidTokenException', checkId: 'token.binding' });
    expect(r.error?.message).toMatch(/kubernetes\.io\.serviceaccount\.uid sa-uid is not the uid of service account apps\/web in the state \(new-sa-uid\)/);
    expect(r.error?.message).toContain("podid's reading");
  });

  it('a pod that is gone, or recreated with another uid, or an SA not found: InvalidTokenException (TokenReview rejects them)', () => {
    const gone = bind(known({ pods: [] }));
    expect(gone.error).toMatchObject({ code: 'InvalidTokenException', checkId: 'token.binding', message: expect.stringMatching(/^pod apps\/web-1 \(uid pod-uid\) is not in the state: the token is bound to a pod that is gone .*; InvalidTokenException \(podid's reading/) });
    const recreated = bind(known({ pods: [{ name: 'web-1', uid: 'other', serviceAccountName: 'web' }] }));
    expect(recreated.error).toMatchObject({ checkId: 'token.binding', message: expect.stringMatching(/^pod apps\/web-1 in the state has uid other, not the token's pod-uid: the pod was deleted and recreated/) });
    const renamed = bind(known({ pods: [{ name: 'web-2', uid: 'pod-uid', serviceAccountName: 'web' }] }));
    expect(renamed.error?.message).toMatch(/is not in the state \(its uid pod-uid belongs to pod web-2\)/);
    const noSa = bind(known({ serviceAccount: null }));
    expect(noSa.error).toMatchObject({ checkId: 'token.binding', message: expect.stringMatching(/^service account apps\/web is not in the state: it was deleted since the token was issued/) });
  });

  it('uids are compared exactly (Kubernetes does): a uid that differs only in case is another uid', () => {
    expect(bind(known({ serviceAccount: { uid: 'SA-UID' } })).error?.checkId).toBe('token.binding');
    expect(bind(known({ pods: [{ name: 'web-1', uid: 'POD-UID', serviceAccountName: 'web' }] })).error?.checkId).toBe('token.binding');
  });

  it('a pod of another service account only warns (TokenReview does not compare it); uids the state lacks are not compared', () => {
    const other = bind(known({ pods: [{ name: 'web-1', uid: 'pod-uid', serviceAccountName: 'db' }] }));
    expect(other.error).toBeUndefined();
    expect(statusOf(other, 'token.binding')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/runs as service account db, not web/) });
    expect(statusOf(bind(known({ serviceAccount: {}, pods: undefined })), 'token.binding')).toMatchObject({ status: 'skip', detail: 'not compared: the state has no uid for service account apps/web; the pods of apps were not listed' });
  });

  it('a malformed or missing kubernetes.io claim: binding says so instead of blaming the state', () => {
    const { 'kubernetes.io': _k8s, ...rest } = payload();
    expect(statusOf(bind(known(), { ...rest, 'kubernetes.io': 'x' }), 'token.binding')).toMatchObject({ status: 'skip', detail: 'not compared: the token\'s "kubernetes.io" claim is malformed (not a JSON object)' });
    expect(statusOf(bind(known(), rest), 'token.binding')).toMatchObject({ status: 'skip', detail: 'not compared: the token has no "kubernetes.io" claim' });
  });

  it('skipped when nothing was looked up or Kubernetes could not be read', () => {
    expect(statusOf(bind(undefined), 'token.binding')?.status).toBe('skip');
    expect(statusOf(bind({ source: 'the cluster', unavailable: 'could not read Kubernetes (no kubeconfig)' }), 'token.binding')).toMatchObject({ status: 'skip', detail: 'not checked: could not read Kubernetes (no kubeconfig)' });
  });
});

describe('token helpers', () => {
  it('base64url round-trips and tolerates padding', () => {
    const text = 'ünïcødé ✓ {"a":1}';
    const encoded = base64UrlEncode(text);
    const decoded = base64UrlDecode(`${encoded}==`.slice(0, encoded.length + ((4 - (encoded.length % 4)) % 4)));
    expect(decoded.ok && new TextDecoder().decode(decoded.bytes)).toBe(text);
  });

  it('decodeJwt reports the signature length', () => {
    const r = decodeJwt(jwt(payload()));
    expect(r.ok && r.jwt.signatureBytes).toBe(9);
  });

  it('projectedTokenPayload has the kubelet shape', () => {
    expect(payload()).toEqual({
      aud: ['pods.eks.amazonaws.com'], exp: T + 3600, iat: T, nbf: T, iss: ISSUER, sub: 'system:serviceaccount:apps:web',
      'kubernetes.io': { namespace: 'apps', node: { name: 'node-1', uid: 'node-uid' }, pod: { name: 'web-1', uid: 'pod-uid' }, serviceaccount: { name: 'web', uid: 'sa-uid' } },
    });
  });

  it('parseDuration', () => {
    expect([parseDuration('24h'), parseDuration('10m'), parseDuration('90s'), parseDuration('1h30m'), parseDuration('600'), parseDuration('1d'), parseDuration('soon'), parseDuration('')]).toEqual([86400, 600, 90, 5400, 600, 86400, undefined, undefined]);
  });

  it('claimsFromPod skips every token check', () => {
    const r = claimsFromPod({ namespace: 'apps', name: 'web-1', uid: 'u', serviceAccount: { name: 'web', uid: 's' }, nodeName: 'n1' });
    expect(r.claims).toMatchObject({ sub: 'system:serviceaccount:apps:web', pod: { name: 'web-1', uid: 'u' }, node: { name: 'n1' } });
    expect(r.checks.every((c) => c.status === 'skip' && /no token; claims taken from pod apps\/web-1/.test(c.detail))).toBe(true);
    expect(r.error).toBeUndefined();
  });
});
