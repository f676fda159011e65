import type { TokenClaims } from '../exchange/types.js';
import { decodeJwt, type DecodedJwt } from './decode.js';

// Reading the claims of a projected service-account token into podid's TokenClaims. Pure; wrong
// types are dropped (the checks then report the claim as missing or malformed).

export const POD_IDENTITY_AUDIENCE = 'pods.eks.amazonaws.com';
const SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function ref(v: unknown): { name?: string; uid?: string } | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out: { name?: string; uid?: string } = {};
  if (str(o.name) !== undefined) out.name = str(o.name);
  if (str(o.uid) !== undefined) out.uid = str(o.uid);
  return out;
}

/** `aud` may be a string or an array of strings (RFC 7519 §4.1.3). */
function audience(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((a): a is string => typeof a === 'string');
  return undefined;
}

export function readClaims(payload: Record<string, unknown>): TokenClaims {
  const k8s = obj(payload['kubernetes.io']);
  const claims: TokenClaims = {};
  const set = <K extends keyof TokenClaims>(key: K, value: TokenClaims[K] | undefined) => {
    if (value !== undefined) claims[key] = value;
  };
  set('iss', str(payload.iss));
  set('sub', str(payload.sub));
  set('aud', audience(payload.aud));
  set('exp', num(payload.exp));
  set('nbf', num(payload.nbf));
  set('iat', num(payload.iat));
  if (k8s) {
    set('namespace', str(k8s.namespace));
    set('serviceAccount', ref(k8s.serviceaccount));
    set('pod', ref(k8s.pod));
    set('node', ref(k8s.node));
  }
  return claims;
}

/** (namespace, service account) named by `sub`, or undefined when it is not a service-account subject. */
export function parseSubject(sub: string | undefined): { namespace: string; serviceAccount: string } | undefined {
  const m = sub === undefined ? null : SUBJECT.exec(sub);
  return m ? { namespace: m[1], serviceAccount: m[2] } : undefined;
}

/** A token decoded once: its claims and the service account its `sub` names (undefined when none), or why it does not decode. */
export type TokenSubject =
  | { ok: true; jwt: DecodedJwt; claims: TokenClaims; subject?: { namespace: string; serviceAccount: string } }
  | { ok: false; problem: string };

export function tokenSubject(token: string): TokenSubject {
  const decoded = decodeJwt(token);
  if (!decoded.ok) return decoded;
  const claims = readClaims(decoded.jwt.payload);
  return { ok: true, jwt: decoded.jwt, claims, subject: parseSubject(claims.sub) };
}

export const subjectOf = (namespace: string, serviceAccount: string) => `system:serviceaccount:${namespace}:${serviceAccount}`;

/** The claims of a projected token as the kubelet requests it (audience pods.eks.amazonaws.com). */
export interface ProjectedTokenInput {
  issuer: string;
  namespace: string;
  serviceAccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  node?: { name: string; uid: string };
  now: Date;
  ttlSeconds: number;
  /** Token id (`jti`, Kubernetes ≥ 1.29). */
  jti?: string;
}

export function projectedTokenPayload(input: ProjectedTokenInput): Record<string, unknown> {
  const iat = Math.floor(input.now.getTime() / 1000);
  const k8s: Record<string, unknown> = { namespace: input.namespace };
  if (input.node) k8s.node = { ...input.node };
  if (input.pod) k8s.pod = { ...input.pod };
  k8s.serviceaccount = { ...input.serviceAccount };
  const payload: Record<string, unknown> = {
    aud: [POD_IDENTITY_AUDIENCE],
    exp: iat + input.ttlSeconds,
    iat,
    iss: input.issuer,
  };
  if (input.jti) payload.jti = input.jti;
  payload['kubernetes.io'] = k8s;
  payload.nbf = iat;
  payload.sub = subjectOf(input.namespace, input.serviceAccount.name);
  return payload;
}

/** Parses a duration such as 90s, 10m, 24h, 1h30m or a number of seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return d * 86400 + h * 3600 + min * 60 + s;
}

/**
 * Lifetimes Kubernetes accepts for a projected / TokenRequest token (expirationSeconds): at least
 * 10 minutes, at most 2^32 seconds (k8s pkg/apis/authentication/validation; the webhook's
 * token-expiration annotation has the same minimum, agent-protocol.md §2.2).
 */
export const MIN_TOKEN_TTL_SECONDS = 600;
export const MAX_TOKEN_TTL_SECONDS = 2 ** 32;

/** Why a token lifetime is not one Kubernetes would issue; undefined when it is. */
export function tokenTtlProblem(seconds: number): string | undefined {
  // Too long first: a huge value (20 digits, Infinity) is not a safe integer, yet it is not too short.
  if (seconds > MAX_TOKEN_TTL_SECONDS) {
    const shown = Number.isSafeInteger(seconds) ? `is ${seconds} s` : 'is more than 2^32 s';
    return `${shown}; Kubernetes issues tokens for at most 2^32 s (${MAX_TOKEN_TTL_SECONDS} s)`;
  }
  if (!Number.isSafeInteger(seconds) || seconds < MIN_TOKEN_TTL_SECONDS) return `is ${seconds} s; a projected token lives at least 10m (600 s), as Kubernetes requires`;
  return undefined;
}
