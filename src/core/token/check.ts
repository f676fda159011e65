import type { TokenCheck, TokenClaims } from '../exchange/types.js';
import { isDnsLabel, isDnsSubdomain } from '../model.js';
import { POD_IDENTITY_AUDIENCE, parseSubject, readClaims } from './claims.js';
import { checkBinding, type BoundObjects } from './binding.js';
import { decodeJwt, type DecodedJwt } from './decode.js';

// The checks EKS Auth (as podid reads it) makes on a service-account token before it looks for an
// association. Each check is independent and returns a verdict; nothing here throws on bad input.
// The signature is verified by the caller (an adapter with `jose`) and passed in as a verdict.

/** Kubernetes validates service-account token times with a 60 s leeway. */
export const CLOCK_LEEWAY_SECONDS = 60;

/** Asymmetric algorithms a Kubernetes service-account issuer signs with. */
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$/;

export interface SignatureVerdict {
  status: 'ok' | 'fail' | 'skip';
  detail: string;
}

export interface CheckTokenContext {
  now: Date;
  /** The cluster the token is presented for; its OIDC issuer is the expected `iss`. */
  cluster?: { name: string; oidcIssuer?: string };
  signature: SignatureVerdict;
  leewaySeconds?: number;
  /** The service account and pods the backend knows, to compare the token's kubernetes.io uids with (check token.binding). */
  objects?: BoundObjects;
  /** `now` is a time the user chose (simulate --at), not the clock: details say "at …", not "now is …". */
  atGiven?: boolean;
}

export type TokenErrorCode = 'InvalidTokenException' | 'ExpiredTokenException';

export interface TokenCheckResult {
  claims: TokenClaims;
  checks: TokenCheck[];
  /** Header fields that matter (alg, kid, typ), when the token decoded. */
  header?: { alg?: string; kid?: string; typ?: string };
  /** The EKS Auth error the first failing check gives; undefined when every check passed (or was skipped). */
  error?: { code: TokenErrorCode; message: string; checkId: string };
}

/** Check order: the first failing check decides the error. */
export const TOKEN_CHECK_IDS = ['token.format', 'token.algorithm', 'token.signature', 'token.expiry', 'token.notBefore', 'token.issuedAt', 'token.issuer', 'token.audience', 'token.subject', 'token.binding'] as const;

const EXPIRED = 'the token expired at';
const ok = (id: string, detail: string): TokenCheck => ({ id, status: 'ok', detail });
const fail = (id: string, detail: string): TokenCheck => ({ id, status: 'fail', detail });
const iso = (seconds: number) => (Math.abs(seconds) < 8.64e12 ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : `${seconds} (out of range)`);

export function checkToken(raw: string, ctx: CheckTokenContext): TokenCheckResult {
  const decoded = decodeJwt(raw);
  if (!decoded.ok) {
    const checks = [fail('token.format', decoded.problem), ...TOKEN_CHECK_IDS.slice(1).map((id) => skipped(id, 'not checked: the token could not be decoded'))];
    return withError({ claims: {}, checks });
  }
  const claims = readClaims(decoded.jwt.payload);
  const header = readHeader(decoded.jwt);
  const checks = [
    ok('token.format', `three base64url parts; header and payload are JSON objects; ${raw.length} characters`),
    checkAlgorithm(header.alg),
    { id: 'token.signature', ...ctx.signature },
    ...checkTimes(decoded.jwt.payload, ctx.now, ctx.leewaySeconds ?? CLOCK_LEEWAY_SECONDS, ctx.atGiven),
    checkIssuer(claims.iss, ctx.cluster),
    checkAudience(claims.aud, decoded.jwt.payload.aud),
    checkSubject(claims, decoded.jwt.payload),
    checkBinding(claims, parseSubject(claims.sub), ctx.objects, { kubernetes: decoded.jwt.payload['kubernetes.io'] }),
  ];
  return withError({ claims, checks, header });
}

function skipped(id: string, detail: string): TokenCheck {
  return { id, status: 'skip', detail };
}

function withError(result: TokenCheckResult): TokenCheckResult {
  const first = result.checks.find((c) => c.status === 'fail');
  if (!first) return result;
  const expired = first.id === 'token.expiry' && first.detail.startsWith(EXPIRED);
  const code: TokenErrorCode = expired ? 'ExpiredTokenException' : 'InvalidTokenException';
  return { ...result, error: { code, message: first.detail, checkId: first.id } };
}

function readHeader(jwt: DecodedJwt): { alg?: string; kid?: string; typ?: string } {
  const pick = (k: string) => (typeof jwt.header[k] === 'string' ? (jwt.header[k] as string) : undefined);
  const out: { alg?: string; kid?: string; typ?: string } = {};
  for (const key of ['alg', 'kid', 'typ'] as const) if (pick(key) !== undefined) out[key] = pick(key);
  return out;
}

function checkAlgorithm(alg: string | undefined): TokenCheck {
  const id = 'token.algorithm';
  if (alg === undefined) return fail(id, 'the header has no "alg"');
  if (alg.toLowerCase() === 'none') return fail(id, `header "alg" is ${JSON.stringify(alg)}: an unsigned token is never valid`);
  if (/^HS/.test(alg)) return fail(id, `header "alg" is ${alg}, a shared-secret algorithm; service-account issuers sign with a private key (RS256/ES256)`);
  if (!ASYMMETRIC.test(alg)) return fail(id, `header "alg" ${JSON.stringify(alg)} is not a JWS signature algorithm`);
  return ok(id, `alg ${alg}`);
}

function checkTimes(payload: Record<string, unknown>, now: Date, leeway: number, atGiven = false): TokenCheck[] {
  const t = Math.floor(now.getTime() / 1000);
  const bad = (k: string) => payload[k] !== undefined && (typeof payload[k] !== 'number' || !Number.isFinite(payload[k]));
  const at = `${atGiven ? 'at' : 'now is'} ${iso(t)}, leeway ${leeway} s`;
  const checks: TokenCheck[] = [];
  const exp = payload.exp as number | undefined;
  if (bad('exp')) checks.push(fail('token.expiry', `claim "exp" is not a number of seconds: ${JSON.stringify(payload.exp)}`));
  else if (exp === undefined) checks.push(fail('token.expiry', 'the token has no "exp" claim; projected tokens always expire'));
  else if (exp + leeway <= t) checks.push(fail('token.expiry', `${EXPIRED} ${iso(exp)} (${at})`));
  else checks.push(ok('token.expiry', `valid until ${iso(exp)}`));
  const nbf = payload.nbf as number | undefined;
  if (bad('nbf')) checks.push(fail('token.notBefore', `claim "nbf" is not a number of seconds: ${JSON.stringify(payload.nbf)}`));
  else if (nbf === undefined) checks.push(skipped('token.notBefore', 'no "nbf" claim'));
  else if (nbf - leeway > t) checks.push(fail('token.notBefore', `the token is not valid yet: nbf ${iso(nbf)} (${at})`));
  else checks.push(ok('token.notBefore', `valid since ${iso(nbf)}`));
  const iat = payload.iat as number | undefined;
  if (bad('iat')) checks.push(fail('token.issuedAt', `claim "iat" is not a number of seconds: ${JSON.stringify(payload.iat)}`));
  else if (iat === undefined) checks.push(skipped('token.issuedAt', 'no "iat" claim'));
  else if (iat - leeway > t) checks.push(fail('token.issuedAt', `the token was issued in the future: iat ${iso(iat)} (${at})`));
  else checks.push(ok('token.issuedAt', `issued ${iso(iat)}`));
  return checks;
}

function checkIssuer(iss: string | undefined, cluster: CheckTokenContext['cluster']): TokenCheck {
  const id = 'token.issuer';
  if (iss === undefined) return fail(id, 'the token has no "iss" claim');
  if (!cluster?.oidcIssuer) return skipped(id, `iss ${iss}; the cluster's OIDC issuer is not known, so it was not compared`);
  const norm = (u: string) => u.replace(/\/+$/, '');
  if (norm(iss) !== norm(cluster.oidcIssuer)) return fail(id, `iss ${iss} is not cluster ${cluster.name}'s OIDC issuer ${cluster.oidcIssuer}`);
  return ok(id, `iss is cluster ${cluster.name}'s OIDC issuer`);
}

function checkAudience(aud: string[] | undefined, raw: unknown): TokenCheck {
  const id = 'token.audience';
  if (raw === undefined) return fail(id, `the token has no "aud" claim; it must include ${POD_IDENTITY_AUDIENCE}`);
  if (!aud?.includes(POD_IDENTITY_AUDIENCE)) {
    return fail(id, `aud ${JSON.stringify(raw)} does not include ${POD_IDENTITY_AUDIENCE} (a token for another audience, e.g. the API server or sts.amazonaws.com for IRSA)`);
  }
  return ok(id, `aud includes ${POD_IDENTITY_AUDIENCE}`);
}

function checkSubject(claims: TokenClaims, payload: Record<string, unknown>): TokenCheck {
  const id = 'token.subject';
  const subject = parseSubject(claims.sub);
  if (!subject) return fail(id, `sub ${JSON.stringify(payload.sub)} is not system:serviceaccount:NAMESPACE:NAME`);
  const { namespace, serviceAccount } = subject;
  if (!isDnsLabel(namespace) || !isDnsSubdomain(serviceAccount)) return fail(id, `sub names ${namespace}/${serviceAccount}, which is not a valid Kubernetes namespace/service-account name`);
  const k8s = payload['kubernetes.io'];
  if (k8s === undefined) {
    const legacy = payload['kubernetes.io/serviceaccount/namespace'] !== undefined;
    return fail(id, legacy ? 'a legacy Secret-based token (no "kubernetes.io" claim); Pod Identity needs a projected token' : 'the token has no "kubernetes.io" claim');
  }
  if (!isObject(k8s)) return fail(id, `the "kubernetes.io" claim is malformed: ${shown(k8s)} is not a JSON object`);
  const ns = k8sString(k8s, ['namespace']);
  if (ns.problem) return fail(id, ns.problem);
  if (ns.value !== namespace) return fail(id, `kubernetes.io.namespace ${JSON.stringify(ns.value)} disagrees with sub namespace ${namespace}`);
  const saName = k8sString(k8s, ['serviceaccount', 'name']);
  if (saName.problem) return fail(id, saName.problem);
  if (saName.value !== serviceAccount) return fail(id, `kubernetes.io.serviceaccount.name ${JSON.stringify(saName.value)} disagrees with sub service account ${serviceAccount}`);
  const saUid = k8sString(k8s, ['serviceaccount', 'uid']);
  if (saUid.problem || !saUid.value) return fail(id, saUid.problem ?? 'kubernetes.io.serviceaccount.uid is empty');
  if (k8s.pod !== undefined) {
    if (!isObject(k8s.pod)) return fail(id, `kubernetes.io.pod is malformed: ${shown(k8s.pod)} is not a JSON object`);
    if (k8s.pod.name === undefined || k8s.pod.uid === undefined) return fail(id, 'kubernetes.io.pod needs both name and uid');
    const bad = k8sString(k8s, ['pod', 'name']).problem ?? k8sString(k8s, ['pod', 'uid']).problem;
    if (bad) return fail(id, bad);
    if (!claims.pod?.name || !claims.pod.uid) return fail(id, 'kubernetes.io.pod needs both name and uid');
  }
  if (k8s.node !== undefined) {
    if (!isObject(k8s.node)) return fail(id, `kubernetes.io.node is malformed: ${shown(k8s.node)} is not a JSON object`);
    if (k8s.node.name === undefined) return fail(id, 'kubernetes.io.node has no name');
    const bad = k8sString(k8s, ['node', 'name']).problem;
    if (bad) return fail(id, bad);
  }
  const bound = claims.pod ? `bound to pod ${claims.pod.name}${claims.node?.name ? ` on node ${claims.node.name}` : ''}` : '';
  if (!claims.pod) {
    return { id, status: 'warn', detail: `service account ${namespace}/${serviceAccount}, but the token is not bound to a pod (kubectl create token without --bound-object-kind Pod); EKS names the session after the pod, so this is likely rejected (unconfirmed)` };
  }
  return ok(id, `service account ${namespace}/${serviceAccount}, ${bound}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A claim value for a message: JSON, cut to 60 characters. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A string inside the `kubernetes.io` claim, or why it is not one (missing, not a string, a parent not an object). */
function k8sString(k8s: Record<string, unknown>, path: string[]): { value?: string; problem?: string } {
  let current: unknown = k8s;
  for (let i = 0; i < path.length; i++) {
    const name = `kubernetes.io.${path.slice(0, i + 1).join('.')}`;
    current = (current as Record<string, unknown>)[path[i]];
    if (current === undefined) return { problem: `${name} is missing` };
    if (i < path.length - 1 && !isObject(current)) return { problem: `${name} is malformed: ${shown(current)} is not a JSON object` };
  }
  if (typeof current !== 'string') return { problem: `kubernetes.io.${path.join('.')} is not a string: ${shown(current)}` };
  return { value: current };
}
