import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { partitionOfRegion } from '../../core/arn.js';
import { PodidError, RemoteError } from '../../core/errors.js';
import type { EksAuthErrorCode, EksAuthPort, PodIdentityCredentialsResponse } from '../../core/ports.js';
import type { Reporter } from '../../core/reporter.js';
import { endpointFromEnv, type Env } from './clients.js';
import { toRemoteError } from './errors.js';

interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

// EKS Auth AssumeRoleForPodIdentity (agent-protocol.md §3) as one SigV4-signed fetch: there is no
// @aws-sdk/client-eks-auth on this project's registry. restJson1, signing name `eks-auth`.
// The service account token is sensitive: it goes in the body and nowhere else (no logs, no errors).

const SERVICE = 'eks-auth';
const OPERATION = 'AssumeRoleForPodIdentity';
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
const JWT = /^[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+$/;

export const EKS_AUTH_ERROR_CODES: readonly EksAuthErrorCode[] = [
  'InvalidTokenException',
  'ExpiredTokenException',
  'AccessDeniedException',
  'InvalidRequestException',
  'InvalidParameterException',
  'ResourceNotFoundException',
  'ThrottlingException',
  'InternalServerException',
  'ServiceUnavailableException',
];

const KIND: Record<EksAuthErrorCode, RemoteError['kind']> = {
  InvalidTokenException: 'access-denied',
  ExpiredTokenException: 'access-denied',
  AccessDeniedException: 'access-denied',
  InvalidRequestException: 'invalid',
  InvalidParameterException: 'invalid',
  ResourceNotFoundException: 'not-found',
  ThrottlingException: 'throttled',
  InternalServerException: 'unavailable',
  ServiceUnavailableException: 'unavailable',
};

const RETRYABLE = new Set<EksAuthErrorCode>(['ThrottlingException', 'InternalServerException', 'ServiceUnavailableException']);

/** Partition DNS suffixes (the SDK's partitions.json): EKS Auth uses the dual-stack one where the partition has it. */
const PARTITION_DNS: Record<string, { dnsSuffix: string; dualStackDnsSuffix?: string }> = {
  aws: { dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws' },
  'aws-cn': { dnsSuffix: 'amazonaws.com.cn', dualStackDnsSuffix: 'api.amazonwebservices.com.cn' },
  'aws-us-gov': { dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws' },
  'aws-iso': { dnsSuffix: 'c2s.ic.gov', dualStackDnsSuffix: 'api.aws.ic.gov' },
  'aws-iso-b': { dnsSuffix: 'sc2s.sgov.gov', dualStackDnsSuffix: 'api.aws.scloud' },
  'aws-iso-e': { dnsSuffix: 'cloud.adc-e.uk', dualStackDnsSuffix: 'api.cloud-aws.adc-e.uk' },
  'aws-iso-f': { dnsSuffix: 'csp.hci.ic.gov', dualStackDnsSuffix: 'api.aws.hci.ic.gov' },
  'aws-eusc': { dnsSuffix: 'amazonaws.eu', dualStackDnsSuffix: 'api.amazonwebservices.eu' },
};

/** The EKS Auth endpoint: AWS_ENDPOINT_URL_EKS_AUTH / AWS_ENDPOINT_URL, else the rule set's host. */
export function eksAuthEndpoint(region: string, env: Env = {}): string {
  const override = endpointFromEnv(env, 'EKS Auth');
  if (override) return override;
  const dns = PARTITION_DNS[partitionOfRegion(region)] ?? PARTITION_DNS.aws;
  const fips = env.AWS_USE_FIPS_ENDPOINT?.toLowerCase() === 'true';
  return `https://${fips ? 'eks-auth-fips' : 'eks-auth'}.${region}.${dns.dualStackDnsSuffix ?? dns.dnsSuffix}`;
}

/** restJson1 error code: X-Amzn-Errortype, else body `code` / `__type`; text before the first ':' and after the first '#'. */
export function sanitizeErrorCode(raw: string): string {
  let code = raw;
  if (code.includes(':')) code = code.slice(0, code.indexOf(':'));
  if (code.includes('#')) code = code.slice(code.indexOf('#') + 1);
  return code.trim();
}

/** Any wire code as one of the EKS Auth error codes (unmodeled ones by family or HTTP status). */
export function toEksAuthCode(code: string | undefined, status: number): EksAuthErrorCode {
  if (code && (EKS_AUTH_ERROR_CODES as string[]).includes(code)) return code as EksAuthErrorCode;
  if (code && /^(UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|IncompleteSignature|MissingAuthenticationToken|InvalidClientTokenId|AccessDenied|Forbidden)/.test(code)) return 'AccessDeniedException';
  if (status === 429 || (code && /^(Throttl|TooManyRequests)/.test(code))) return 'ThrottlingException';
  if (status === 401 || status === 403) return 'AccessDeniedException';
  if (status === 404) return 'ResourceNotFoundException';
  if (status === 503) return 'ServiceUnavailableException';
  if (status >= 500) return 'InternalServerException';
  return 'InvalidRequestException';
}

export interface EksAuthOptions {
  env: Env;
  reporter: Reporter;
  region: () => Promise<string>;
  /** The caller's (node role's) credentials, e.g. an SDK client's `config.credentials`. */
  credentials: () => Promise<AwsCredentialIdentity>;
  /** Attempts for throttling, 5xx and network errors (default AWS_MAX_ATTEMPTS or 3, as the agent). */
  maxAttempts?: number;
  /** Per-attempt timeout (default 5 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const invalid = (message: string, httpStatus = 400) =>
  new RemoteError(message, { kind: 'invalid', service: SERVICE, operation: OPERATION, code: 'InvalidParameterException', httpStatus });

export function awsEksAuth(options: EksAuthOptions): EksAuthPort {
  const doFetch = options.fetch ?? globalThis.fetch;
  const maxAttempts = Math.max(1, options.maxAttempts ?? (Number(options.env.AWS_MAX_ATTEMPTS) || 3));
  const timeoutMs = options.timeoutMs ?? 5000;

  const once = async (clusterName: string, token: string): Promise<PodIdentityCredentialsResponse> => {
    let region: string;
    let credentials: AwsCredentialIdentity;
    try {
      region = await options.region();
      credentials = await options.credentials();
    } catch (error) {
      throw toRemoteError(error, SERVICE, OPERATION);
    }
    const url = new URL(eksAuthEndpoint(region, options.env));
    const basePath = url.pathname.replace(/\/+$/, '');
    const body = JSON.stringify({ token });
    const request = new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: `${basePath}/clusters/${encodeURIComponent(clusterName)}/assume-role-for-pod-identity`,
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    });
    const signer = new SignatureV4({ service: SERVICE, region, credentials, sha256: Sha256 });
    const signed = await signer.sign(request);
    const { host: _host, ...headers } = signed.headers;
    const target = `${url.protocol}//${url.host}${signed.path}`;
    let response: Response;
    try {
      response = await doFetch(target, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new RemoteError(`could not reach the EKS Auth endpoint ${url.host}: ${(error as Error).message}`, {
        kind: 'unavailable', service: SERVICE, operation: OPERATION, code: 'ServiceUnavailableException', hint: 'Check the network, the region and AWS_ENDPOINT_URL_EKS_AUTH.', cause: error,
      });
    }
    const requestId = response.headers.get('x-amzn-requestid') ?? undefined;
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    options.reporter.debug(`aws eks-auth ${OPERATION} cluster=${clusterName} → HTTP ${response.status}${requestId ? ` request id ${requestId}` : ''}`);
    if (response.ok && json) return toResponse(json, requestId);
    if (response.ok) throw new RemoteError('EKS Auth returned a response that is not JSON', { kind: 'unknown', service: SERVICE, operation: OPERATION, requestId, httpStatus: response.status });

    const rawCode = response.headers.get('x-amzn-errortype') ?? str(json?.code) ?? str(json?.__type) ?? str(json?.Code);
    if (!rawCode && !json) {
      // Not an AWS API answer at all (an HTML 404 from an emulator or a proxy).
      throw new RemoteError(`the EKS Auth endpoint ${url.host} does not support ${OPERATION} (HTTP ${response.status}, ${response.headers.get('content-type') ?? 'no content type'})`, {
        kind: 'unavailable', service: SERVICE, operation: OPERATION, code: response.status >= 500 ? toEksAuthCode(undefined, response.status) : 'ServiceUnavailableException',
        requestId, httpStatus: response.status,
      });
    }
    const wireCode = rawCode ? sanitizeErrorCode(rawCode) : undefined;
    const code = toEksAuthCode(wireCode, response.status);
    const message = str(json?.message) ?? str(json?.Message) ?? `EKS Auth ${OPERATION} failed with HTTP ${response.status}`;
    throw new RemoteError(wireCode && wireCode !== code ? `${message} (${wireCode})` : message, { kind: KIND[code], service: SERVICE, operation: OPERATION, code, requestId, httpStatus: response.status });
  };

  return {
    async assumeRoleForPodIdentity(clusterName, token) {
      if (typeof clusterName !== 'string' || clusterName.length < 1 || clusterName.length > 100 || !CLUSTER_NAME.test(clusterName)) {
        throw invalid(`invalid cluster name '${String(clusterName).slice(0, 100)}': 1-100 characters matching ${CLUSTER_NAME.source}`);
      }
      if (typeof token !== 'string' || !JWT.test(token)) throw invalid('invalid service account token: expected a JWT (three base64url parts separated by dots)');
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(clusterName, token);
        } catch (error) {
          // Throttling, 5xx and network failures; never a 4xx (an HTML 404 means the operation is missing).
          const status = error instanceof RemoteError ? error.httpStatus : undefined;
          const retryable = error instanceof RemoteError && RETRYABLE.has(error.code as EksAuthErrorCode) && (status === undefined || status === 429 || status >= 500);
          if (!retryable || attempt >= maxAttempts) throw error instanceof PodidError ? error : toRemoteError(error, SERVICE, OPERATION);
          await new Promise((resolve) => setTimeout(resolve, Math.min(20_000, 100 * 2 ** (attempt - 1) * (0.5 + Math.random()))));
        }
      }
    },
  };
}

const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

function toResponse(json: Record<string, unknown>, requestId: string | undefined): PodIdentityCredentialsResponse {
  const o = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
  const subject = o(json.subject);
  const association = o(json.podIdentityAssociation);
  const user = o(json.assumedRoleUser);
  const creds = o(json.credentials);
  const expiration = typeof creds.expiration === 'number' ? creds.expiration : typeof creds.expiration === 'string' ? Date.parse(creds.expiration) / 1000 : NaN;
  if (!str(creds.accessKeyId) || !str(creds.secretAccessKey) || !str(creds.sessionToken) || !Number.isFinite(expiration)) {
    throw new RemoteError('EKS Auth returned a response without complete credentials', { kind: 'unknown', service: SERVICE, operation: OPERATION, requestId, httpStatus: 200 });
  }
  return {
    subject: { namespace: str(subject.namespace) ?? '', serviceAccount: str(subject.serviceAccount) ?? '' },
    audience: str(json.audience) ?? '',
    podIdentityAssociation: { associationArn: str(association.associationArn) ?? '', associationId: str(association.associationId) ?? '' },
    assumedRoleUser: { arn: str(user.arn) ?? '', assumeRoleId: str(user.assumeRoleId) ?? '' },
    credentials: { sessionToken: creds.sessionToken as string, secretAccessKey: creds.secretAccessKey as string, accessKeyId: creds.accessKeyId as string, expiration },
  };
}
