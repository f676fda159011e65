import { roleArn } from '../arn.js';
import type { Cluster } from '../model.js';
import { shortHash } from '../hash.js';

// Bridge roles for cross-account IRSA: Pod Identity needs the association role in the cluster's
// account, so podid creates one there and points the association's targetRoleArn at the original.

export const BRIDGE_TAG = 'podid.io/bridge-for';
export const BRIDGE_POLICY_NAME = 'podid-assume-target';
const MAX_ROLE_NAME = 64;


/** `podid-bridge-<ns>-<sa>`, shortened with a hash suffix to IAM's 64 characters. */
export function bridgeRoleName(namespace: string, serviceAccount: string): string {
  const full = `podid-bridge-${namespace}-${serviceAccount}`;
  if (full.length <= MAX_ROLE_NAME) return full;
  const suffix = `-${shortHash(`${namespace}/${serviceAccount}`)}`;
  return full.slice(0, MAX_ROLE_NAME - suffix.length).replace(/[-.]+$/, '') + suffix;
}

export const bridgeRoleArn = (cluster: Pick<Cluster, 'partition' | 'accountId'>, namespace: string, serviceAccount: string) =>
  roleArn(cluster.partition, cluster.accountId, bridgeRoleName(namespace, serviceAccount));

/** The tag value that marks a bridge role as podid's, for this cluster and SA. */
export const bridgeTagValue = (cluster: Pick<Cluster, 'name'>, namespace: string, serviceAccount: string) => `${cluster.name}/${namespace}/${serviceAccount}`;
