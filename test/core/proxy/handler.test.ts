import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../../src/core/errors.js';
import { createProxyCore } from '../../../src/core/proxy/create.js';
import { CredentialSourceError, type CredentialSource, type ProxyRequest } from '../../../src/core/proxy/types.js';
import { eksAuthResponse, fakeClock, jwt, NOW_S } from './helpers.js';

// The conformance table: one test per row of agent-protocol.md §1.4 (+ success, §1.3), asserting
// status, headers and the exact body bytes of the pure handler.

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
const request = (headers: ProxyRequest['headers'], path = '/v1/credentials', method = 'GET'): ProxyRequest => ({ method, path, headers });
const ok = (token = jwt()) => request({ host: '169.254.170.23', authorization: token });

function core(source: CredentialSource = async () => eksAuthResponse(), options: { strict?: boolean } = {}) {
  const clock = fakeClock();
  return { clock, proxy: createProxyCore({ source, clock: clock.now, hostMode: options.strict ? 'strict' : 'loopback' }) };
}

const remote = (code: string, httpStatus: number, message: string, requestId = 'req-123') =>
  new RemoteError(message, { kind: 'invalid', service: 'eks-auth', operation: 'AssumeRoleForPodIdentity', code, httpStatus, requestId });

describe('proxy handler: the agent response table', () => {
  it('200: compact JSON in the agent field order, Expiration RFC 3339 UTC, no trailing newline', async () => {
    const { proxy } = core();
    const res = await proxy.handle(ok());
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(res.body)) });
    expect(res.body).toBe('{"AccessKeyId":"ASIAEXAMPLEEXAMPLE01","SecretAccessKey":"c2VjcmV0c2VjcmV0c2VjcmV0","Token":"SESSIONTOKEN==","AccountId":"111122223333","Expiration":"2026-11-18T17:06:40Z"}');
  });

  it('200: fractional expirations keep only significant digits (RFC3339Nano)', async () => {
    const { proxy } = core(async () => eksAuthResponse(NOW_S + 3600.12));
    expect(JSON.parse((await proxy.handle(ok())).body).Expiration).toBe('2026-11-18T12:06:40.12Z');
  });

  it('any method is served on /v1/credentials', async () => {
    const { proxy } = core();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) expect((await proxy.handle({ ...ok(), method })).status).toBe(200);
  });

  it('429 Too Many Requests past the 1000/s limiter (burst 500)', async () => {
    const { proxy } = core();
    const results = await Promise.all(Array.from({ length: 501 }, () => proxy.handle(ok())));
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ headers: TEXT, body: 'Too Many Requests\n' });
  });

  it('403 for a Host that is not an agent address (--strict-host)', async () => {
    const { proxy } = core(undefined, { strict: true });
    const res = await proxy.handle(request({ host: '127.0.0.1:8080', authorization: jwt() }));
    expect(res).toMatchObject({ status: 403, headers: TEXT, body: 'Access Denied. Called agent through invalid address, please use either [169.254.170.23 fd00:ec2::23] address not 127.0.0.1\n' });
  });

  it('403 strict mode accepts [fd00:ec2::23]:80 and 169.254.170.23:80', async () => {
    const { proxy } = core(undefined, { strict: true });
    expect((await proxy.handle(request({ host: '[fd00:ec2::23]:80', authorization: jwt() }))).status).toBe(200);
    expect((await proxy.handle(request({ host: '169.254.170.23:80', authorization: jwt() }))).status).toBe(200);
  });

  it('default host check also accepts loopback names, and lists them when refusing', async () => {
    const { proxy } = core();
    for (const host of ['127.0.0.1:1234', 'localhost:1', '[::1]:9', '127.1.2.3']) expect((await proxy.handle(request({ host, authorization: jwt() }))).status).toBe(200);
    const res = await proxy.handle(request({ host: 'podid.test', authorization: jwt() }));
    expect(res.body).toBe('Access Denied. Called agent through invalid address, please use either [169.254.170.23 fd00:ec2::23 127.0.0.0/8 ::1 localhost] address not podid.test\n');
  });

  it('400 for a missing or empty Authorization header', async () => {
    const { proxy } = core();
    for (const authorization of [undefined, '']) {
      expect(await proxy.handle(request({ host: '169.254.170.23', authorization }))).toMatchObject({ status: 400, headers: TEXT, body: 'Service account token cannot be empty\n' });
    }
  });

  it('400 for a token that is not a JWT', async () => {
    const { proxy } = core();
    const res = await proxy.handle(request({ host: '169.254.170.23', authorization: 'not-a-jwt' }));
    expect(res).toMatchObject({ status: 400, headers: TEXT, body: 'Service account token cannot be parsed: token is malformed: token contains an invalid number of segments\n' });
  });

  it('400 for an expired token', async () => {
    const { proxy } = core();
    const res = await proxy.handle(ok(jwt({ exp: NOW_S - 1 })));
    expect(res).toMatchObject({ status: 400, headers: TEXT, body: 'Service account token failed basic claim validations: token is expired\n' });
  });

  it('400 for a token not valid yet; both failures joined with ", "', async () => {
    const { proxy } = core();
    expect((await proxy.handle(ok(jwt({ nbf: NOW_S + 60 })))).body).toBe('Service account token failed basic claim validations: token is not valid yet\n');
    expect((await proxy.handle(ok(jwt({ nbf: NOW_S + 60, exp: NOW_S })))).body).toBe('Service account token failed basic claim validations: token is expired, token is not valid yet\n');
  });

  it.each([
    ['InvalidTokenException', 400, 'The specified Kubernetes service account token is invalid.', 'client'],
    ['AccessDeniedException', 400, 'Not authorized to perform sts:AssumeRole', 'client'],
    ['ResourceNotFoundException', 404, 'No Pod Identity Association found', 'client'],
    ['ThrottlingException', 429, 'Rate exceeded', 'client'],
    ['InternalServerException', 500, 'server-side issue', 'server'],
    ['ServiceUnavailableException', 503, 'Back off and retry.', 'server'],
  ])('EKS Auth %s passes through as %i in the agent format', async (code, status, message, fault) => {
    const { proxy } = core(async () => Promise.reject(remote(code, status, message)));
    const res = await proxy.handle(ok());
    expect(res).toMatchObject({ status, headers: TEXT, body: `[req-123]: (${code}): ${message}, fault: ${fault}\n` });
  });

  it('500 "[]" when EKS Auth is unreachable (no HTTP status)', async () => {
    const unreachable = new RemoteError('connect ECONNREFUSED', { kind: 'unavailable', service: 'eks-auth', operation: 'AssumeRoleForPodIdentity' });
    const { proxy } = core(async () => Promise.reject(unreachable));
    expect(await proxy.handle(ok())).toMatchObject({ status: 500, headers: TEXT, body: '[]\n' });
  });

  it('a source can put an exact failure on the wire', async () => {
    const { proxy } = core(async () => Promise.reject(new CredentialSourceError({ status: 400, requestId: '', code: 'InvalidTokenException', message: 'bad', fault: 'client' })));
    expect((await proxy.handle(ok())).body).toBe('[]: (InvalidTokenException): bad, fault: client\n');
  });

  it('500 when fetched credentials expire within 15 s', async () => {
    const { proxy } = core(async () => eksAuthResponse(NOW_S + 10));
    expect(await proxy.handle(ok())).toMatchObject({ status: 500, headers: TEXT, body: 'error getting credentials to cache: fetched credentials are expired or will expire within the next 10.00 seconds\n' });
  });

  it('500 when EKS Auth answers 200 without credentials or assumed role', async () => {
    const { proxy } = core(async () => ({ ...eksAuthResponse(), credentials: undefined as never }));
    const res = await proxy.handle(ok());
    expect(res).toMatchObject({ status: 500, headers: TEXT });
    expect(res.body).toContain('invalid response from server: credentials or assumed role empty');
  });

  it('404 page not found for any other path (not rate limited, not counted)', async () => {
    const { proxy } = core();
    for (const path of ['/', '/v1/credentials/', '/v1/credential', '/latest/meta-data']) {
      expect(await proxy.handle(request({ host: '169.254.170.23' }, path))).toEqual({ status: 404, headers: TEXT, body: '404 page not found\n' });
    }
    expect(proxy.metrics.render()).not.toContain('code="404"');
  });

  it('301 to the cleaned path, as Go ServeMux does for //v1/credentials', async () => {
    const { proxy } = core();
    expect(await proxy.handle({ method: 'GET', path: '//v1/./credentials', query: 'a=1', headers: {} })).toEqual({
      status: 301,
      headers: { 'Content-Type': 'text/html; charset=utf-8', Location: '/v1/credentials?a=1' },
      body: '<a href="/v1/credentials?a=1">Moved Permanently</a>.\n\n',
    });
  });

  it('checks run in the agent order: host before token before JWT', async () => {
    const { proxy } = core(undefined, { strict: true });
    expect((await proxy.handle(request({ host: 'x', authorization: '' }))).status).toBe(403);
    const { proxy: loose } = core();
    expect((await loose.handle(request({ host: 'localhost', authorization: '' }))).body).toContain('cannot be empty');
  });

  it('alg none parses (as in golang-jwt) and reaches the source, which decides', async () => {
    let calls = 0;
    const { proxy } = core(async () => {
      calls++;
      throw remote('InvalidTokenException', 400, 'The specified Kubernetes service account token is invalid.');
    });
    const res = await proxy.handle(ok(jwt({}, { alg: 'none' })));
    expect(calls).toBe(1);
    expect(res.status).toBe(400);
  });

  it('counts responses per code for /metrics', async () => {
    const { proxy } = core();
    await proxy.handle(ok());
    await proxy.handle(request({ host: '169.254.170.23' }));
    const text = proxy.metrics.render();
    expect(text).toContain('pod_identity_http_response{code="200"} 1');
    expect(text).toContain('pod_identity_http_response{code="400"} 1');
    expect(text).toContain('pod_identity_cache_state{state="miss"} 1');
    expect(text).toContain('# TYPE pod_identity_http_response counter');
  });
});
