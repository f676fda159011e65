import type { PodIdentityCredentialsResponse } from '../../../src/core/ports.js';

// Test tokens and responses for the proxy tests. Tokens are built by hand (no signature needed:
// the agent never verifies one).

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export const NOW_S = 1_795_000_000; // 2026-11-18
export const NOW_MS = NOW_S * 1000;

export function jwt(payload: Record<string, unknown> = {}, header: Record<string, unknown> = { alg: 'RS256', kid: 'k1' }): string {
  const claims = {
    iss: 'https://oidc.eks.us-west-2.amazonaws.com/id/DEMO0123456789',
    sub: 'system:serviceaccount:payments:api',
    aud: ['pods.eks.amazonaws.com'],
    iat: NOW_S - 60,
    nbf: NOW_S - 60,
    exp: NOW_S + 3600,
    'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api', uid: 'sa-uid' }, pod: { name: 'api-1', uid: 'pod-uid' } },
    ...payload,
  };
  return `${b64(header)}.${b64(claims)}.c2lnbmF0dXJl`;
}

export const rawJwt = (header: string, payload: string) => `${b64(header)}.${b64(payload)}.c2ln`;

export function eksAuthResponse(expiresAtS = NOW_S + 6 * 3600, overrides: Partial<PodIdentityCredentialsResponse['credentials']> = {}): PodIdentityCredentialsResponse {
  return {
    subject: { namespace: 'payments', serviceAccount: 'api' },
    audience: 'pods.eks.amazonaws.com',
    podIdentityAssociation: { associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-abc', associationId: 'a-abc' },
    assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/payments-api/eks-demo-api-1-uuid', assumeRoleId: 'AROAEXAMPLE:eks-demo-api-1-uuid' },
    credentials: { accessKeyId: 'ASIAEXAMPLEEXAMPLE01', secretAccessKey: 'c2VjcmV0c2VjcmV0c2VjcmV0', sessionToken: 'SESSIONTOKEN==', expiration: expiresAtS, ...overrides },
  };
}

/** A mutable clock in ms. */
export function fakeClock(start = NOW_MS) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms), set: (ms: number) => void (now = ms) };
}
