import { AssumeRoleCommand, GetCallerIdentityCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import { RemoteError } from '../../core/errors.js';
import type { AssumedRole, StsPort } from '../../core/ports.js';
import type { Reporter } from '../../core/reporter.js';
import type { AwsClients } from './clients.js';
import { call } from './errors.js';

// StsPort over @aws-sdk/client-sts. assumeRole with explicit credentials (role chaining) signs with
// a short-lived second client built from them.

export function toAssumedRole(out: AssumeRoleCommandOutput): AssumedRole {
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new RemoteError('STS AssumeRole returned no credentials', { kind: 'unknown', service: 'sts', operation: 'AssumeRole', requestId: out.$metadata?.requestId });
  }
  const assumedRoleArn = out.AssumedRoleUser?.Arn ?? '';
  const accountId = /^arn:[^:]+:sts::(\d{12}):/.exec(assumedRoleArn)?.[1];
  return {
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: new Date(c.Expiration).toISOString(),
      ...(accountId ? { accountId } : {}),
    },
    assumedRoleArn,
    assumedRoleId: out.AssumedRoleUser?.AssumedRoleId ?? '',
    ...(out.PackedPolicySize !== undefined ? { packedPolicySize: out.PackedPolicySize } : {}),
  };
}

export function awsSts(clients: Pick<AwsClients, 'sts' | 'stsWith'>, reporter: Reporter): StsPort {
  const send = <T>(operation: string, run: () => Promise<T>) => call(reporter, 'sts', operation, run);
  return {
    async getCallerIdentity() {
      const out = await send('GetCallerIdentity', () => clients.sts.send(new GetCallerIdentityCommand({})));
      return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
    },
    async assumeRole(input, credentials) {
      const command = new AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName,
        Tags: input.tags && Object.keys(input.tags).length ? Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
        TransitiveTagKeys: input.transitiveTagKeys?.length ? input.transitiveTagKeys : undefined,
        ExternalId: input.externalId,
        Policy: input.policy,
        DurationSeconds: input.durationSeconds,
      });
      const client: STSClient = credentials ? clients.stsWith(credentials) : clients.sts;
      try {
        return toAssumedRole(await send('AssumeRole', () => client.send(command)));
      } finally {
        if (client !== clients.sts) client.destroy();
      }
    },
  };
}
