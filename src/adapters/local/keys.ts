import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

// The local state's token signing key: an RS256 key pair as JWKs, kid = the RFC 7638 thumbprint.
// `podid token mint` signs projected-SA-shaped tokens with it; the public half verifies them.

export interface SigningKey {
  kid: string;
  alg: 'RS256';
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function generateSigningKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return { kid, alg: 'RS256', privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...publicJwk, ...meta } };
}
