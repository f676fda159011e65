import type { Ports } from '../../core/ports.js';
import { makeClients, type AwsOptions } from './clients.js';
import { awsEks } from './eks.js';
import { awsEksAuth } from './eks-auth.js';
import { awsIam } from './iam.js';
import { awsSts } from './sts.js';

// The AWS backend: EKS, IAM and STS through SDK v3 clients, EKS Auth through a signed fetch.
// Built by src/deps.ts on first use. Construction is synchronous and makes no network call.

export type { AwsOptions } from './clients.js';
export { eksAuthEndpoint } from './eks-auth.js';

export function awsPorts(options: AwsOptions): Omit<Ports, 'kube'> {
  const clients = makeClients(options);
  const sts = awsSts(clients, options.reporter);
  let account: Promise<string> | undefined;
  const callerAccount = () => (account ??= sts.getCallerIdentity().then((identity) => identity.account));
  return {
    eks: awsEks(clients.eks, options.reporter),
    iam: awsIam(clients.iam, options.reporter, { callerAccount }),
    sts,
    eksAuth: awsEksAuth({
      env: options.env,
      reporter: options.reporter,
      region: clients.region,
      // The node role's identity: the same chain (profile, env, SSO, container, IMDS) as the STS client.
      credentials: () => clients.sts.config.credentials(),
    }),
  };
}
