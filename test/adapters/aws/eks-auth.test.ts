import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eksAuthEndpoint, sanitizeErrorCode } from '../../../src/adapters/aws/eks-auth.js';
import { awsPorts } from '../../../src/adapters/aws/index.js';
import { RemoteError } from '../../../src/core/errors.js';
import type { EksAuthErrorCode } from '../../../src/core/ports.js';
import type { Reporter } from '../../../src/core/reporter.js';

// EKS Auth AssumeRoleForPodIdentity against a local node:http server standing in for AWS.

interface Seen { method: string; url: string; headers: IncomingHttpHeaders; body: string }
type Reply = { status: number; headers?: Record<string, string>; body: string };

let server: Server;
let endpoint: string;
let seen: Seen[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const reply = replies.length > 1 ? replies.shift()! : replies[0];
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  replies = [];
});

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ.c2lnbmF0dXJl';
const CREDS = { AWS_ACCESS_KEY_ID: 'AKIDNODEROLE', AWS_SECRET_ACCESS_KEY: 'node-secret', AWS_SESSION_TOKEN: 'node-session' };
const SUCCESS = {
  subject: { namespace: 'default', serviceAccount: 'app' },
  audience: 'pods.eks.amazonaws.com',
  podIdentityAssociation: { associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-abcdefghijklmnopq', associationId: 'a-abcdefghijklmnopq' },
  assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/app/eks-demo-app-1', assumeRoleId: 'AROAEXAMPLE:eks-demo-app-1' },
  credentials: { sessionToken: 'pod-session', secretAccessKey: 'pod-secret', accessKeyId: 'ASIAPOD', expiration: 1893456000 },
};

function recorder(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), debug: (m) => lines.push(m), task: () => ({ succeed: () => {}, warn: () => {}, fail: () => {} }) };
}

const port = (extra: Record<string, string> = {}, reporter: Reporter = recorder()) =>
  awsPorts({ env: { AWS_ENDPOINT_URL_EKS_AUTH: endpoint, AWS_REGION: 'us-west-2', AWS_MAX_ATTEMPTS: '1', ...CREDS, ...extra }, reporter }).eksAuth;

async function remoteError(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RemoteError);
  return error as RemoteError;
}

describe('AssumeRoleForPodIdentity request', () => {
  it('POSTs the token as JSON, SigV4-signed for eks-auth, and returns the camelCase response', async () => {
    replies = [{ status: 200, headers: { 'x-amzn-RequestId': 'req-ok' }, body: JSON.stringify(SUCCESS) }];
    const reporter = recorder();
    const result = await port({}, reporter).assumeRoleForPodIdentity('demo-cluster_1', TOKEN);
    expect(result).toEqual(SUCCESS);

    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/clusters/demo-cluster_1/assume-role-for-pod-identity');
    expect(JSON.parse(req.body)).toEqual({ token: TOKEN });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-amz-security-token']).toBe('node-session');
    const auth = req.headers.authorization!;
    expect(auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDNODEROLE\/\d{8}\/us-west-2\/eks-auth\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);

    // Re-sign what arrived with the same date: the signature must match exactly.
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1].split(';');
    const amzDate = req.headers['x-amz-date'] as string;
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const url = new URL(endpoint);
    const headers = Object.fromEntries(signedHeaders.filter((h) => h !== 'authorization').map((h) => [h, String(req.headers[h])]));
    const expected = await new SignatureV4({ service: 'eks-auth', region: 'us-west-2', sha256: Sha256, credentials: { accessKeyId: 'AKIDNODEROLE', secretAccessKey: 'node-secret', sessionToken: 'node-session' } }).sign(
      new HttpRequest({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: req.url, headers, body: req.body }),
      { signingDate },
    );
    expect(auth).toBe(expected.headers.authorization);

    // The token never reaches the logs.
    expect(reporter.lines.join('\n')).not.toContain(TOKEN);
    expect(reporter.lines.join('\n')).toContain('req-ok');
  });

  it('validates cluster name and token before sending anything', async () => {
    for (const [cluster, token] of [['-bad', TOKEN], ['a'.repeat(101), TOKEN], ['ok', 'not-a-jwt'], ['ok', 'a.b'], ['ok', 'a.b.c d']]) {
      const error = await remoteError(port().assumeRoleForPodIdentity(cluster, token));
      expect(error).toMatchObject({ kind: 'invalid', code: 'InvalidParameterException', service: 'eks-auth', operation: 'AssumeRoleForPodIdentity' });
      expect(error.message).not.toContain('not-a-jwt');
    }
    expect(seen).toHaveLength(0);
  });
});

describe('AssumeRoleForPodIdentity errors (agent-protocol.md §3.4)', () => {
  const table: [EksAuthErrorCode, number, RemoteError['kind']][] = [
    ['InvalidTokenException', 400, 'access-denied'],
    ['ExpiredTokenException', 400, 'access-denied'],
    ['AccessDeniedException', 400, 'access-denied'],
    ['InvalidRequestException', 400, 'invalid'],
    ['InvalidParameterException', 400, 'invalid'],
    ['ResourceNotFoundException', 404, 'not-found'],
    ['ThrottlingException', 429, 'throttled'],
    ['InternalServerException', 500, 'unavailable'],
    ['ServiceUnavailableException', 503, 'unavailable'],
  ];
  const variants: [string, (code: string) => Reply['headers'], (code: string) => string][] = [
    ['X-Amzn-Errortype header with a URL suffix', (code) => ({ 'X-Amzn-Errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.eksauth/` }), () => JSON.stringify({ message: 'boom' })],
    ['body __type with a namespace', () => ({}), (code) => JSON.stringify({ __type: `com.amazonaws.eksauth#${code}`, message: 'boom' })],
    ['body code', () => ({}), (code) => JSON.stringify({ code, message: 'boom' })],
  ];
  for (const [code, status, kind] of table) {
    for (const [variant, headers, body] of variants) {
      it(`${code} (${status}) via ${variant}`, async () => {
        replies = [{ status, headers: { 'x-amzn-RequestId': `req-${code}`, ...headers(code) }, body: body(code) }];
        const error = await remoteError(port().assumeRoleForPodIdentity('demo', TOKEN));
        expect(error).toMatchObject({ code, kind, httpStatus: status, requestId: `req-${code}`, message: 'boom', service: 'eks-auth' });
        expect(seen).toHaveLength(1);
      });
    }
  }

  it('the header wins over the body', async () => {
    replies = [{ status: 400, headers: { 'x-amzn-errortype': 'ExpiredTokenException' }, body: JSON.stringify({ __type: 'InvalidTokenException', message: 'm' }) }];
    expect(await remoteError(port().assumeRoleForPodIdentity('demo', TOKEN))).toMatchObject({ code: 'ExpiredTokenException' });
  });

  it('unmodeled codes map to the nearest EKS Auth code, keeping the wire code in the message', async () => {
    replies = [{ status: 403, headers: { 'x-amzn-errortype': 'UnrecognizedClientException' }, body: JSON.stringify({ message: 'The security token included in the request is invalid.' }) }];
    const error = await remoteError(port().assumeRoleForPodIdentity('demo', TOKEN));
    expect(error).toMatchObject({ code: 'AccessDeniedException', kind: 'access-denied', httpStatus: 403 });
    expect(error.message).toContain('UnrecognizedClientException');
  });

  it("an HTML 404 (an endpoint without the operation) is 'unavailable', not not-found, and is not retried", async () => {
    replies = [{ status: 404, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>404 Not Found</title>' }];
    const error = await remoteError(port({ AWS_MAX_ATTEMPTS: '3' }).assumeRoleForPodIdentity('demo', TOKEN));
    expect(error).toMatchObject({ kind: 'unavailable', httpStatus: 404 });
    expect(error.message).toMatch(/does not support AssumeRoleForPodIdentity/);
    expect(seen).toHaveLength(1);
  });

  it('retries throttling and 5xx up to AWS_MAX_ATTEMPTS, then succeeds', async () => {
    replies = [
      { status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: '{"message":"slow down"}' },
      { status: 503, headers: { 'x-amzn-errortype': 'ServiceUnavailableException' }, body: '{"message":"later"}' },
      { status: 200, body: JSON.stringify(SUCCESS) },
    ];
    expect((await port({ AWS_MAX_ATTEMPTS: '3' }).assumeRoleForPodIdentity('demo', TOKEN)).credentials.accessKeyId).toBe('ASIAPOD');
    expect(seen).toHaveLength(3);
  });

  it('does not retry client errors', async () => {
    replies = [{ status: 400, headers: { 'x-amzn-errortype': 'InvalidTokenException' }, body: '{"message":"bad"}' }];
    await remoteError(port({ AWS_MAX_ATTEMPTS: '3' }).assumeRoleForPodIdentity('demo', TOKEN));
    expect(seen).toHaveLength(1);
  });

  it('a refused connection is unavailable', async () => {
    const error = await remoteError(port({ AWS_ENDPOINT_URL_EKS_AUTH: 'http://127.0.0.1:9' }).assumeRoleForPodIdentity('demo', TOKEN));
    expect(error).toMatchObject({ kind: 'unavailable', code: 'ServiceUnavailableException', httpStatus: undefined });
  });
});

describe('endpoint and error code helpers', () => {
  it('uses the dual-stack host of the partition, FIPS on request, and the override', () => {
    expect(eksAuthEndpoint('us-west-2')).toBe('https://eks-auth.us-west-2.api.aws');
    expect(eksAuthEndpoint('us-gov-west-1')).toBe('https://eks-auth.us-gov-west-1.api.aws');
    expect(eksAuthEndpoint('cn-north-1')).toBe('https://eks-auth.cn-north-1.api.amazonwebservices.com.cn');
    expect(eksAuthEndpoint('us-west-2', { AWS_USE_FIPS_ENDPOINT: 'true' })).toBe('https://eks-auth-fips.us-west-2.api.aws');
    expect(eksAuthEndpoint('us-west-2', { AWS_ENDPOINT_URL_EKS_AUTH: 'http://127.0.0.1:1' })).toBe('http://127.0.0.1:1');
    expect(eksAuthEndpoint('us-west-2', { AWS_ENDPOINT_URL: 'http://127.0.0.1:2' })).toBe('http://127.0.0.1:2');
    expect(eksAuthEndpoint('us-west-2', { AWS_ENDPOINT_URL_EKS_AUTH: 'http://127.0.0.1:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBe('https://eks-auth.us-west-2.api.aws');
  });

  it('sanitizes codes as restJson1 clients do', () => {
    expect(sanitizeErrorCode('ThrottlingException')).toBe('ThrottlingException');
    expect(sanitizeErrorCode('ThrottlingException:http://internal.amazon.com/')).toBe('ThrottlingException');
    expect(sanitizeErrorCode('com.amazonaws.eksauth#InvalidTokenException')).toBe('InvalidTokenException');
    expect(sanitizeErrorCode('aws.protocoltests#FooError:http://x')).toBe('FooError');
  });
});
