// The agent's token checks 4 and 5 (agent-protocol.md §1.2): golang-jwt v5 `ParseUnverified` into
// RegisteredClaims, then `Validator.Validate` with zero leeway. The signature is never verified
// here (the agent does not either; EKS Auth does). Error texts follow golang-jwt v5.2.2 and Go's
// encoding/json; the JSON syntax messages are close approximations (see tests).

const ALGORITHMS = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'none']);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Map([...ALPHABET].map((c, i) => [c, i]));

export interface ParsedToken {
  header: Record<string, unknown>;
  /** The whole payload object (registered claims plus `kubernetes.io`). */
  payload: Record<string, unknown>;
  /** Registered time claims in seconds, truncated as golang-jwt's NumericDate. */
  exp?: number;
  nbf?: number;
}

export type ParseResult = { ok: true; token: ParsedToken } | { ok: false; error: string };

/** Go's base64.RawURLEncoding.DecodeString, with its "illegal base64 data at input byte N" errors. */
export function decodeRawUrl(text: string): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  const values: number[] = [];
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' || c === '\n') continue; // Go skips newlines
    const v = DECODE.get(c);
    if (v === undefined) return { ok: false, error: `illegal base64 data at input byte ${i}` };
    values.push(v);
    positions.push(i);
  }
  if (values.length % 4 === 1) return { ok: false, error: `illegal base64 data at input byte ${positions[positions.length - 1]}` };
  const bytes = new Uint8Array(Math.floor((values.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (const v of values) {
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = (buffer >> bits) & 0xff;
    }
  }
  return { ok: true, bytes };
}

const goType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value);

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = new TextDecoder().decode(bytes);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const first = text.trimStart()[0];
    if (first === undefined || /Unexpected end|Unterminated/.test((error as Error).message)) return { ok: false, error: 'unexpected end of JSON input' };
    return { ok: false, error: `invalid character '${first}' looking for beginning of value` };
  }
}

/** Go decodes struct fields case-insensitively; the last matching key wins. */
function field(payload: Record<string, unknown>, name: string): unknown {
  let found: unknown;
  for (const key of Object.keys(payload)) if (key.toLowerCase() === name) found = payload[key];
  return found;
}

function numericDate(value: unknown): { ok: true; value?: number } | { ok: false; error: string } {
  if (value === undefined || value === null) return { ok: true };
  if (typeof value === 'number') return { ok: true, value: Math.trunc(value) };
  if (typeof value === 'string' && /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return { ok: true, value: Math.trunc(Number(value)) };
  const detail = typeof value === 'string' ? `json: invalid number literal, trying to unmarshal "\\"${value}\\"" into Number` : `json: cannot unmarshal ${goType(value)} into Go value of type json.Number`;
  return { ok: false, error: `could not parse NumericData: ${detail}` };
}

function checkClaims(payload: Record<string, unknown>): string | undefined {
  for (const name of ['iss', 'sub', 'jti']) {
    const value = field(payload, name);
    if (value !== undefined && value !== null && typeof value !== 'string') return `json: cannot unmarshal ${goType(value)} into Go struct field RegisteredClaims.${name} of type string`;
  }
  const aud = field(payload, 'aud');
  if (aud !== undefined && aud !== null && typeof aud !== 'string') {
    if (!Array.isArray(aud)) return `json: unsupported type: ${typeof aud === 'number' ? 'float64' : goType(aud)}`;
    const bad = aud.find((v) => typeof v !== 'string');
    if (bad !== undefined) return `json: unsupported type: ${typeof bad === 'number' ? 'float64' : goType(bad)}`;
  }
  return undefined;
}

/** `jwt.NewParser().ParseUnverified(token, &jwt.RegisteredClaims{})`; errors as `err.Error()`. */
export function parseUnverified(token: string): ParseResult {
  const malformed = (message: string) => ({ ok: false as const, error: `token is malformed: ${message}` });
  const parts = token.split('.');
  if (parts.length !== 3) return malformed('token contains an invalid number of segments');
  const headerBytes = decodeRawUrl(parts[0]);
  if (!headerBytes.ok) return malformed(`could not base64 decode header: ${headerBytes.error}`);
  const header = parseJson(headerBytes.bytes);
  if (!header.ok) return malformed(`could not JSON decode header: ${header.error}`);
  if (header.value !== null && goType(header.value) !== 'object') {
    return malformed(`could not JSON decode header: json: cannot unmarshal ${goType(header.value)} into Go value of type map[string]interface {}`);
  }
  const claimBytes = decodeRawUrl(parts[1]);
  if (!claimBytes.ok) return malformed(`could not base64 decode claim: ${claimBytes.error}`);
  const claims = parseJson(claimBytes.bytes);
  if (!claims.ok) return malformed(`could not JSON decode claim: ${claims.error}`);
  if (claims.value !== null && goType(claims.value) !== 'object') {
    return malformed(`could not JSON decode claim: json: cannot unmarshal ${goType(claims.value)} into Go value of type jwt.RegisteredClaims`);
  }
  const payload = (claims.value ?? {}) as Record<string, unknown>;
  const typeError = checkClaims(payload);
  if (typeError) return malformed(`could not JSON decode claim: ${typeError}`);
  const exp = numericDate(field(payload, 'exp'));
  if (!exp.ok) return malformed(`could not JSON decode claim: ${exp.error}`);
  const nbf = numericDate(field(payload, 'nbf'));
  if (!nbf.ok) return malformed(`could not JSON decode claim: ${nbf.error}`);
  const iat = numericDate(field(payload, 'iat'));
  if (!iat.ok) return malformed(`could not JSON decode claim: ${iat.error}`);
  const headerObject = (header.value ?? {}) as Record<string, unknown>;
  const alg = headerObject.alg;
  if (typeof alg !== 'string') return { ok: false, error: 'token is unverifiable: signing method (alg) is unspecified' };
  if (!ALGORITHMS.has(alg)) return { ok: false, error: 'token is unverifiable: signing method (alg) is unavailable' };
  return { ok: true, token: { header: headerObject, payload, exp: exp.value, nbf: nbf.value } };
}

/** `jwt.NewValidator().Validate(claims)`: exp must be after now, nbf not after now; joined with ", ". */
export function validateBasicClaims(token: Pick<ParsedToken, 'exp' | 'nbf'>, nowMs: number): string | undefined {
  // Allocation-free when valid: this runs on every request, cached or not.
  const expired = token.exp !== undefined && !(nowMs < token.exp * 1000);
  const early = token.nbf !== undefined && nowMs < token.nbf * 1000;
  if (!expired && !early) return undefined;
  return expired && early ? 'token is expired, token is not valid yet' : expired ? 'token is expired' : 'token is not valid yet';
}
