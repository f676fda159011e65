import { clusterArn, roleArn } from '../arn.js';

// Fixed identities of the demo world. Everything here is a constant or a pure function of its
// arguments, so the demo state is byte-for-byte reproducible.

export const DEMO_ACCOUNT = '111122223333';
export const DEMO_REGION = 'us-west-2';
export const DEMO_PARTITION = 'aws';
export const DEMO_CLUSTER = 'demo';
export const DEMO_CLUSTER_ARN = clusterArn(DEMO_PARTITION, DEMO_REGION, DEMO_ACCOUNT, DEMO_CLUSTER);
export const DEMO_OIDC_ID = 'EXAMPLED539D4633E53DE1B71EXAMPLE';
export const DEMO_OIDC_HOST = `oidc.eks.${DEMO_REGION}.amazonaws.com/id/${DEMO_OIDC_ID}`;
export const DEMO_OIDC_ISSUER = `https://${DEMO_OIDC_HOST}`;
export const DEMO_OIDC_PROVIDER_ARN = `arn:aws:iam::${DEMO_ACCOUNT}:oidc-provider/${DEMO_OIDC_HOST}`;
/** The account of the deliberately misplaced role (seeded problem b). */
export const FOREIGN_ACCOUNT = '222233334444';
/** The account of the correct cross-account target role. */
export const TARGET_ACCOUNT = '444455556666';
export const CALLER_ARN = `arn:aws:iam::${DEMO_ACCOUNT}:role/platform-admin`;

export const demoRoleArn = (name: string, path = '/', account = DEMO_ACCOUNT) => roleArn(DEMO_PARTITION, account, name, path);

/** Kubernetes-style uid: 00000000-0000-4000-8000-0000000000NN. */
export const uid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A counter per kind of object, so uids are dense and deterministic within one build. */
export function uidSequence(start: number) {
  let next = start;
  return () => uid(next++);
}

// FNV-1a over the text: a stable stand-in for the random parts of generated Kubernetes names.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Kubernetes' safe-encoding alphabet (no vowels, no confusable characters). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A deterministic name suffix of `length` characters, as ReplicaSets and generateName produce. */
export function suffix(seed: string, length = 5): string {
  let out = '';
  let hash = fnv1a(seed);
  for (let i = 0; i < length; i++) {
    if (i > 0 && i % 6 === 0) hash = fnv1a(`${seed}#${i}`);
    out += ALPHABET[hash % ALPHABET.length];
    hash = Math.floor(hash / ALPHABET.length);
  }
  return out;
}

export const stableIndex = (seed: string, modulo: number) => fnv1a(seed) % modulo;

/** `base` plus `minutes`, as an ISO timestamp without milliseconds. */
export function plusMinutes(base: string, minutes: number): string {
  return new Date(Date.parse(base) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

/** `length` upper-case hex digits derived from `seed` (OIDC provider ids of generated clusters). */
export function hexId(seed: string, length = 32): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += fnv1a(`${seed}#${i}`).toString(16).toUpperCase().padStart(8, '0');
  return out.slice(0, length);
}
