import { describe, expect, it } from 'vitest';
import { decodeRawUrl, parseUnverified, validateBasicClaims } from '../../../src/core/proxy/jwt.js';
import { formatExpiration, hostOnly } from '../../../src/core/proxy/index.js';
import { jwt, NOW_MS, NOW_S, rawJwt } from './helpers.js';

// golang-jwt v5.2.2 ParseUnverified + Validate, as the agent runs them (texts from its source).

describe('parseUnverified', () => {
  it('parses a projected token without verifying its signature', () => {
    const parsed = parseUnverified(jwt());
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.token).toMatchObject({ exp: NOW_S + 3600, nbf: NOW_S - 60, payload: { sub: 'system:serviceaccount:payments:api' } });
  });

  it.each([
    ['a.b', 'token is malformed: token contains an invalid number of segments'],
    ['a.b.c.d', 'token is malformed: token contains an invalid number of segments'],
    ['   ', 'token is malformed: token contains an invalid number of segments'],
    ['e30=.e30.x', 'token is malformed: could not base64 decode header: illegal base64 data at input byte 3'],
    ['a.e30.x', 'token is malformed: could not base64 decode header: illegal base64 data at input byte 0'],
    [`${Buffer.from('{"alg":"RS256"}').toString('base64url')}.e*30.x`, 'token is malformed: could not base64 decode claim: illegal base64 data at input byte 1'],
    [`${Buffer.from('nope').toString('base64url')}.e30.x`, "token is malformed: could not JSON decode header: invalid character 'n' looking for beginning of value"],
    [rawJwt('[1]', '{}'), 'token is malformed: could not JSON decode header: json: cannot unmarshal array into Go value of type map[string]interface {}'],
    [rawJwt('{"alg":"RS256"}', '"x"'), 'token is malformed: could not JSON decode claim: json: cannot unmarshal string into Go value of type jwt.RegisteredClaims'],
    [rawJwt('{"alg":"RS256"}', '{"exp":true}'), 'token is malformed: could not JSON decode claim: could not parse NumericData: json: cannot unmarshal bool into Go value of type json.Number'],
    [rawJwt('{"alg":"RS256"}', '{"sub":5}'), 'token is malformed: could not JSON decode claim: json: cannot unmarshal number into Go struct field RegisteredClaims.sub of type string'],
    [rawJwt('{"alg":"RS256"}', '{"aud":5}'), 'token is malformed: could not JSON decode claim: json: unsupported type: float64'],
    [rawJwt('{}', '{}'), 'token is unverifiable: signing method (alg) is unspecified'],
    [rawJwt('{"alg":"XS999"}', '{}'), 'token is unverifiable: signing method (alg) is unavailable'],
  ])('%s → %s', (token, error) => {
    expect(parseUnverified(token)).toEqual({ ok: false, error });
  });

  it('accepts alg none, a string aud, string-encoded numbers and case-insensitive claim names (Go json)', () => {
    expect(parseUnverified(rawJwt('{"alg":"none"}', '{}')).ok).toBe(true);
    expect(parseUnverified(rawJwt('{"alg":"RS256"}', '{"aud":"x"}')).ok).toBe(true);
    const parsed = parseUnverified(rawJwt('{"alg":"RS256"}', `{"EXP":"${NOW_S}.9"}`));
    expect(parsed.ok && parsed.token.exp).toBe(NOW_S);
  });

  it('decodes base64url without padding, as RawURLEncoding', () => {
    expect(decodeRawUrl('aGk').ok).toBe(true);
    expect(decodeRawUrl('aGk=')).toEqual({ ok: false, error: 'illegal base64 data at input byte 3' });
    expect(decodeRawUrl('aGkxa')).toEqual({ ok: false, error: 'illegal base64 data at input byte 4' });
  });
});

describe('validateBasicClaims', () => {
  it('zero leeway: exp equal to now is expired; nbf equal to now is valid', () => {
    expect(validateBasicClaims({ exp: NOW_S }, NOW_MS)).toBe('token is expired');
    expect(validateBasicClaims({ exp: NOW_S + 1, nbf: NOW_S }, NOW_MS)).toBeUndefined();
    expect(validateBasicClaims({}, NOW_MS)).toBeUndefined();
  });
});

describe('wire helpers', () => {
  it.each([
    [1_700_000_000, '2023-11-14T22:13:20Z'],
    [1_700_000_000.5, '2023-11-14T22:13:20.5Z'],
    [1_700_000_000.123, '2023-11-14T22:13:20.123Z'],
  ])('formatExpiration(%s) = %s', (epoch, text) => expect(formatExpiration(epoch)).toBe(text));

  it.each([
    ['169.254.170.23:80', '169.254.170.23'],
    ['[fd00:ec2::23]:80', 'fd00:ec2::23'],
    ['[fd00:ec2::23]', 'fd00:ec2::23'],
    ['fd00:ec2::23', 'fd00:ec2::23'],
    ['localhost', 'localhost'],
  ])('hostOnly(%s) = %s', (header, host) => expect(hostOnly(header)).toBe(host));
});
