import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { Credentials } from '../../core/model.js';
import type { Reporter } from '../../core/reporter.js';

// Client construction for the AWS backend. The SDK's default chain does the work (profiles, SSO,
// config files, `services` sections); what comes from the environment is read from the `env` the
// CLI was given (process.env in production, a record in tests), with the SDK's own precedence:
//   region:      --region, AWS_REGION, AWS_DEFAULT_REGION, then the profile's region
//   endpoint:    AWS_ENDPOINT_URL_<SERVICE_ID>, AWS_ENDPOINT_URL (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true)
//   credentials: --profile / AWS_PROFILE, else AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, else the default chain

export type Env = Record<string, string | undefined>;

export interface AwsOptions {
  region?: string;
  profile?: string;
  reporter: Reporter;
  env: Env;
}

/** Retry policy for every client: the SDK's adaptive mode (client-side rate limiting on throttling), 5 attempts; AWS_RETRY_MODE / AWS_MAX_ATTEMPTS override. */
export function retryConfig(env: Env): { retryMode: string; maxAttempts: number } {
  const attempts = Number(env.AWS_MAX_ATTEMPTS);
  return { retryMode: nonEmpty(env.AWS_RETRY_MODE) ?? 'adaptive', maxAttempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 5 };
}

/** `AWS_ENDPOINT_URL_<SERVICE>` as the SDK spells it: the service id upper-cased, spaces to underscores. */
export function endpointFromEnv(env: Env, serviceId: string): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  const key = `AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/[\s-]+/g, '_')}`;
  return nonEmpty(env[key]) ?? nonEmpty(env.AWS_ENDPOINT_URL);
}

const nonEmpty = (value: string | undefined) => (value && value.trim() ? value.trim() : undefined);

export function regionFromEnv(options: Pick<AwsOptions, 'region' | 'env'>): string | undefined {
  return nonEmpty(options.region) ?? nonEmpty(options.env.AWS_REGION) ?? nonEmpty(options.env.AWS_DEFAULT_REGION);
}

/** The shared part of every client's configuration (without the endpoint). */
export function baseConfig(options: Pick<AwsOptions, 'region' | 'profile' | 'env'>) {
  const profile = nonEmpty(options.profile) ?? nonEmpty(options.env.AWS_PROFILE);
  const region = regionFromEnv(options);
  const keyId = nonEmpty(options.env.AWS_ACCESS_KEY_ID);
  const secret = nonEmpty(options.env.AWS_SECRET_ACCESS_KEY);
  // As the SDK's fromEnv: static keys from the environment, unless a profile was chosen.
  const credentials = !profile && keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret, sessionToken: nonEmpty(options.env.AWS_SESSION_TOKEN) } : undefined;
  return {
    ...retryConfig(options.env),
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

export interface AwsClients {
  eks: EKSClient;
  iam: IAMClient;
  sts: STSClient;
  /** An STS client that signs with the given credentials (role chaining). Destroy it after use. */
  stsWith(credentials: Credentials): STSClient;
  /** The resolved region (throws the SDK's "Region is missing" error when there is none). */
  region(): Promise<string>;
}

export function makeClients(options: AwsOptions): AwsClients {
  const base = baseConfig(options);
  const withEndpoint = (serviceId: string) => {
    const endpoint = endpointFromEnv(options.env, serviceId);
    return endpoint ? { ...base, endpoint } : base;
  };
  const sts = new STSClient(withEndpoint('STS'));
  return {
    eks: new EKSClient(withEndpoint('EKS')),
    iam: new IAMClient(withEndpoint('IAM')),
    sts,
    stsWith: (credentials) => {
      const { accessKeyId, secretAccessKey, sessionToken } = credentials;
      const { profile: _profile, ...rest } = withEndpoint('STS') as ReturnType<typeof baseConfig> & { profile?: string };
      return new STSClient({ ...rest, region: sts.config.region, credentials: { accessKeyId, secretAccessKey, sessionToken } });
    },
    region: () => sts.config.region(),
  };
}
