// Splitting and decoding a compact JWS (a projected service-account token) without trusting it.
// Pure: every malformed input gives a precise problem, never an exception.

/**
 * podid's size limit for a token. Real projected tokens are about 1 KB; EKS Auth documents no
 * maximum, so this is podid's own guard: anything larger is rejected before decoding.
 */
export const MAX_TOKEN_BYTES = 16 * 1024;

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** Length in bytes of the decoded signature. */
  signatureBytes: number;
}

export type DecodeResult = { ok: true; jwt: DecodedJwt } | { ok: false; problem: string };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Decodes base64url (padding tolerated, as the EKS Auth pattern allows '='). */
export function base64UrlDecode(text: string): { ok: true; bytes: Uint8Array } | { ok: false; problem: string } {
  const body = text.replace(/={1,2}$/, '');
  for (let i = 0; i < body.length; i++) {
    if (!VALUE.has(body[i])) {
      const shown = body[i] === '+' || body[i] === '/' ? `'${body[i]}' (standard base64, not base64url)` : `'${printable(body[i])}'`;
      return { ok: false, problem: `character ${shown} at offset ${i} is not base64url` };
    }
  }
  if (body.length % 4 === 1) return { ok: false, problem: `length ${body.length} is not a valid base64url length` };
  const bytes = new Uint8Array(Math.floor((body.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (const c of body) {
    buffer = ((buffer << 6) | (VALUE.get(c) as number)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  return { ok: true, bytes };
}

export function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let j = 0; j < chars; j++) out += ALPHABET[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

const printable = (c: string) => (/[\x20-\x7e]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function decodeJsonPart(part: string, name: string): { ok: true; value: Record<string, unknown> } | { ok: false; problem: string } {
  const decoded = base64UrlDecode(part);
  if (!decoded.ok) return { ok: false, problem: `${name} is not valid base64url: ${decoded.problem}` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(decoded.bytes);
  } catch {
    return { ok: false, problem: `${name} is not UTF-8 text` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `${name} is not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: `${name} is JSON but not an object` };
  return { ok: true, value: value as Record<string, unknown> };
}

const isNoneAlg = (alg: unknown) => typeof alg === 'string' && alg.toLowerCase() === 'none';

/** Decodes a compact JWS: header.payload.signature. The signature is not verified here. */
export function decodeJwt(raw: string): DecodeResult {
  if (raw.length === 0) return { ok: false, problem: 'the token is empty' };
  if (raw.length > MAX_TOKEN_BYTES) return { ok: false, problem: `the token is ${raw.length.toLocaleString('en-US')} characters; podid accepts at most ${MAX_TOKEN_BYTES.toLocaleString('en-US')} (real projected tokens are about 1 KB)` };
  if (/\s/.test(raw)) return { ok: false, problem: 'the token contains whitespace (a trailing newline?); EKS Auth and the SDKs reject it' };
  const parts = raw.split('.');
  if (parts.length !== 3) return { ok: false, problem: `a JWT has 3 dot-separated parts; this token has ${parts.length}` };
  const names = ['header (part 1)', 'payload (part 2)', 'signature (part 3)'];
  const empty = parts.slice(0, 2).findIndex((p) => p.length === 0);
  if (empty >= 0) return { ok: false, problem: `the ${names[empty]} is empty` };
  const header = decodeJsonPart(parts[0], names[0]);
  if (!header.ok) return header;
  const payload = decodeJsonPart(parts[1], names[1]);
  if (!payload.ok) return payload;
  if (parts[2].length === 0) {
    // An unsecured JWS ("alg": "none", RFC 7515 §A.5) has an empty signature by design: it decodes,
    // so the algorithm check can give the precise verdict. Any other alg needs a signature.
    if (isNoneAlg(header.value.alg)) return { ok: true, jwt: { header: header.value, payload: payload.value, signatureBytes: 0 } };
    return { ok: false, problem: `the ${names[2]} is empty` };
  }
  const signature = base64UrlDecode(parts[2]);
  if (!signature.ok) return { ok: false, problem: `${names[2]} is not valid base64url: ${signature.problem}` };
  return { ok: true, jwt: { header: header.value, payload: payload.value, signatureBytes: signature.bytes.length } };
}
