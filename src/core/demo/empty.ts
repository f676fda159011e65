import { clusterArn, partitionOfRegion } from '../arn.js';
import { POD_IDENTITY_ADDON } from '../model.js';
import { CALLER_POLICIES } from './policies.js';
import { hexId } from './ids.js';
import type { DemoAddon, DemoState } from './types.js';

// An empty local state: one cluster with the Pod Identity Agent add-on, a caller, and nothing else.

export interface EmptyStateOptions {
  cluster: string;
  region: string;
  account: string;
}

/** The partition a region belongs to. */
export const partitionOf = (region: string): string => partitionOfRegion(region);

const DNS_SUFFIX: Record<string, string> = { 'aws-cn': 'amazonaws.com.cn' };

export function oidcIssuer(region: string, id: string): string {
  return `https://oidc.eks.${region}.${DNS_SUFFIX[partitionOf(region)] ?? 'amazonaws.com'}/id/${id}`;
}

export const agentAddon = (): DemoAddon => ({
  name: POD_IDENTITY_ADDON,
  version: 'v1.3.4-eksbuild.1',
  status: 'ACTIVE',
  podIdentityAssociations: [],
  podIdentityServiceAccounts: [],
});

export function platformAdmin(account: string, partition = 'aws') {
  return {
    arn: `arn:${partition}:iam::${account}:role/platform-admin`,
    account,
    userId: 'AROADEMOPLATFORMADMIN',
    policies: CALLER_POLICIES(account, partition),
  };
}

export function buildEmptyState(options: EmptyStateOptions): DemoState {
  const partition = partitionOf(options.region);
  return {
    schemaVersion: 1,
    kind: 'PodidState',
    caller: platformAdmin(options.account, partition),
    clusters: [
      {
        cluster: {
          name: options.cluster,
          arn: clusterArn(partition, options.region, options.account, options.cluster),
          accountId: options.account,
          region: options.region,
          partition,
          version: '1.31',
          status: 'ACTIVE',
          oidcIssuer: oidcIssuer(options.region, hexId(`${options.account}/${options.region}/${options.cluster}`)),
          autoMode: false,
        },
        addons: [agentAddon()],
        nodes: [],
        serviceAccounts: [],
        pods: [],
        daemonSets: [],
        workloads: [],
        associations: [],
        nodeRoleArns: [],
      },
    ],
    roles: [],
    managedPolicies: [],
  };
}
