import { afterEach, describe, expect, it, vi } from 'vitest';
import { baseConfig, endpointFromEnv, makeClients, retryConfig } from '../../../src/adapters/aws/clients.js';
import { kindOfCode, toRemoteError } from '../../../src/adapters/aws/errors.js';
import { awsPorts } from '../../../src/adapters/aws/index.js';
import { RemoteError, UserError } from '../../../src/core/errors.js';
import { silentReporter } from '../../../src/core/reporter.js';

// Error mapping and client configuration, without a server.

afterEach(() => vi.unstubAllEnvs());

/** An SDK error as the SDK builds it: `$response` is a hidden (non-enumerable) field. */
function sdkError(name: string, message: string, extra: Record<string, unknown>, response?: { statusCode: number; headers: Record<string, string> }) {
  const error = Object.assign(name === 'SyntaxError' ? new SyntaxError(message) : Object.assign(new Error(message), { name }), extra);
  if (response) Object.defineProperty(error, '$response', { value: response, enumerable: false });
  return error;
}

describe('toRemoteError', () => {
  it.each([
    ['NoSuchEntity', 'not-found'],
    ['ResourceNotFoundException', 'not-found'],
    ['AccessDenied', 'access-denied'],
    ['AccessDeniedException', 'access-denied'],
    ['Throttling', 'throttled'],
    ['ThrottlingException', 'throttled'],
    ['TooManyRequestsException', 'throttled'],
    ['ResourceInUseException', 'conflict'],
    ['EntityAlreadyExists', 'conflict'],
    ['DeleteConflict', 'conflict'],
    ['InvalidParameterException', 'invalid'],
    ['InvalidParameterValue', 'invalid'],
    ['MalformedPolicyDocument', 'invalid'],
    ['ValidationError', 'invalid'],
    ['ServiceUnavailableException', 'unavailable'],
  ])('%s → %s', (code, kind) => {
    expect(kindOfCode(code)).toBe(kind);
  });

  it('keeps service, operation, wire code (IAM Code over the exception name), request id and status', () => {
    const error = toRemoteError(sdkError('NoSuchEntityException', 'Role x not found', { Code: 'NoSuchEntity', $fault: 'client', $metadata: { httpStatusCode: 404, requestId: 'r-1' } }), 'iam', 'GetRole');
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ kind: 'not-found', service: 'iam', operation: 'GetRole', code: 'NoSuchEntity', requestId: 'r-1', httpStatus: 404, message: 'Role x not found' });
  });

  it("an HTML 404 the SDK could not parse is 'unavailable' with a clear message, never not-found", () => {
    const error = toRemoteError(
      sdkError('SyntaxError', `Unexpected token '<', "<!doctype "... is not valid JSON\n  Deserialization error: ...`, { $metadata: { httpStatusCode: 404 } }, { statusCode: 404, headers: { 'content-type': 'text/html; charset=utf-8' } }),
      'eks',
      'ListPodIdentityAssociations',
    ) as RemoteError;
    expect(error).toMatchObject({ kind: 'unavailable', httpStatus: 404, code: undefined });
    expect(error.message).toBe('the EKS endpoint does not support ListPodIdentityAssociations (HTTP 404 with a non-AWS text/html body)');
  });

  it('an HTML 500 (moto NotImplementedError) is unavailable too', () => {
    const error = toRemoteError(sdkError('Error', '@aws-sdk XML parse error: mismatched tags', { $metadata: { httpStatusCode: 500 } }, { statusCode: 500, headers: { 'content-type': 'text/html; charset=utf-8' } }), 'iam', 'SimulatePrincipalPolicy');
    expect(error).toMatchObject({ kind: 'unavailable', httpStatus: 500 });
  });

  it('status decides when the code is unknown', () => {
    expect(toRemoteError(sdkError('Weird', 'w', { $fault: 'client', $metadata: { httpStatusCode: 403 } }), 'eks', 'X')).toMatchObject({ kind: 'access-denied', code: 'Weird' });
    expect(toRemoteError(sdkError('Weird', 'w', { $fault: 'server', $metadata: { httpStatusCode: 502 } }), 'eks', 'X')).toMatchObject({ kind: 'unavailable' });
  });

  it('no region / no credentials become user errors with a hint; connection failures are unavailable', () => {
    expect(toRemoteError(new Error('Region is missing'), 'eks', 'DescribeCluster')).toBeInstanceOf(UserError);
    const creds = toRemoteError(sdkError('CredentialsProviderError', 'Could not load credentials from any providers', {}), 'sts', 'GetCallerIdentity');
    expect(creds).toBeInstanceOf(UserError);
    expect((creds as UserError).hint).toMatch(/--profile/);
    expect(toRemoteError(sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' }), 'iam', 'GetRole')).toMatchObject({ kind: 'unavailable', code: 'ECONNREFUSED' });
  });
});

describe('client configuration', () => {
  it('adaptive retry with 5 attempts unless the environment says otherwise', () => {
    expect(retryConfig({})).toEqual({ retryMode: 'adaptive', maxAttempts: 5 });
    expect(retryConfig({ AWS_MAX_ATTEMPTS: '2', AWS_RETRY_MODE: 'standard' })).toEqual({ retryMode: 'standard', maxAttempts: 2 });
    expect(retryConfig({ AWS_MAX_ATTEMPTS: 'x' })).toEqual({ retryMode: 'adaptive', maxAttempts: 5 });
  });

  it('region: flag, AWS_REGION, AWS_DEFAULT_REGION; profile beats env keys (as the SDK)', () => {
    expect(baseConfig({ region: 'eu-west-1', env: { AWS_REGION: 'us-east-1' } }).region).toBe('eu-west-1');
    expect(baseConfig({ env: { AWS_DEFAULT_REGION: 'ap-south-1' } }).region).toBe('ap-south-1');
    expect(baseConfig({ env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: 'c' } }).credentials).toEqual({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c' });
    const withProfile = baseConfig({ profile: 'dev', env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } });
    expect(withProfile).toMatchObject({ profile: 'dev' });
    expect(withProfile).not.toHaveProperty('credentials');
    expect(baseConfig({ env: { AWS_PROFILE: 'ops' } })).toMatchObject({ profile: 'ops' });
  });

  it('endpoint overrides per service, the global one, and the opt-out', async () => {
    expect(endpointFromEnv({ AWS_ENDPOINT_URL_EKS: 'http://e', AWS_ENDPOINT_URL: 'http://g' }, 'EKS')).toBe('http://e');
    expect(endpointFromEnv({ AWS_ENDPOINT_URL: 'http://g' }, 'IAM')).toBe('http://g');
    expect(endpointFromEnv({ AWS_ENDPOINT_URL_EKS_AUTH: 'http://a' }, 'EKS Auth')).toBe('http://a');
    expect(endpointFromEnv({ AWS_ENDPOINT_URL_IAM: 'http://i', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'IAM')).toBeUndefined();

    const clients = makeClients({ env: { AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:4566', AWS_REGION: 'eu-west-1' }, reporter: silentReporter });
    expect(await clients.iam.config.endpoint!()).toMatchObject({ hostname: '127.0.0.1', port: 4566, protocol: 'http:' });
    expect(clients.eks.config.endpoint).toBeUndefined();
    expect(await clients.region()).toBe('eu-west-1');
    expect(await clients.eks.config.maxAttempts()).toBe(5);
    expect((await clients.eks.config.retryStrategy()).constructor.name).toBe('AdaptiveRetryStrategy');
  });

  it('the profile option goes to the SDK client', async () => {
    const clients = makeClients({ profile: 'dev', region: 'us-east-1', env: {}, reporter: silentReporter });
    expect(clients.sts.config.profile).toBe('dev');
  });
});

describe('failures before any response', () => {
  const isolated = () => {
    for (const key of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN']) {
      vi.stubEnv(key, undefined);
    }
    vi.stubEnv('AWS_CONFIG_FILE', '/dev/null');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/dev/null');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  };

  it('no region → UserError naming --region', async () => {
    isolated();
    const { sts } = awsPorts({ env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, reporter: silentReporter });
    const error = await sts.getCallerIdentity().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).hint).toMatch(/--region/);
  });

  it('no credentials → UserError', async () => {
    isolated();
    const { sts } = awsPorts({ env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }, reporter: silentReporter });
    const error = await sts.getCallerIdentity().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/no usable AWS credentials/);
  });

  it('connection refused → unavailable RemoteError', async () => {
    const { iam } = awsPorts({ env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' }, reporter: silentReporter });
    const error = await iam.getRole('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ kind: 'unavailable', service: 'iam', operation: 'GetRole' });
  });
});
