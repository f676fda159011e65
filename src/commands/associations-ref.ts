import { isArn, parseArn, parseClusterArn } from '../core/arn.js';
import { parseAssociationRef, refText, type AssociationRef } from '../core/associate/ref.js';
import { isRemoteError, UsageError, UserError } from '../core/errors.js';
import type { Association, Cluster } from '../core/model.js';
import type { EksPort } from '../core/ports.js';
import { requireCluster, type Deps } from '../deps.js';
import { findAssociation } from '../services/associate-gather.js';

// The one reference resolver of `associations describe|update|delete`: parse strictly (exit 2),
// pick the cluster, look the association up (undefined when there is none).

/** The parsed reference and its cluster: -c (or the state's only cluster), or the one an association ARN names. */
export function resolveRef(text: string, deps: Pick<Deps, 'clusterName'>): { ref: AssociationRef; clusterName: string } {
  const ref = parseAssociationRef(text);
  if (ref.kind !== 'arn') return { ref, clusterName: requireCluster(deps) };
  const given = deps.clusterName;
  if (given && (isArn(given) ? parseClusterArn(given).name : given) !== ref.clusterName) {
    throw new UsageError(`the association ARN ${ref.arn} is in cluster ${ref.clusterName}, but the cluster in use (-c or the state file) is ${given}`);
  }
  return { ref, clusterName: ref.clusterName };
}

/**
 * An association ARN names its cluster's partition, region and account: one of another than the
 * cluster in use (same name, other region or account) is a usage error, like an ARN of another cluster.
 */
function checkRefCluster(ref: AssociationRef, cluster: Pick<Cluster, 'name' | 'arn'>): void {
  if (ref.kind !== 'arn') return;
  const [refArn, clusterArn] = [parseArn(ref.arn), parseArn(cluster.arn)];
  const differs = (['partition', 'region', 'accountId'] as const).filter((k) => refArn[k] !== clusterArn[k]);
  if (!differs.length) return;
  const label = { partition: 'partition', region: 'region', accountId: 'account' } as const;
  throw new UsageError(
    `the association ARN ${ref.arn} is in ${differs.map((k) => `${label[k]} ${refArn[k]}`).join(', ')}, but the cluster in use, ${cluster.name} (${cluster.arn}), is in ${differs.map((k) => `${label[k]} ${clusterArn[k]}`).join(', ')}`,
    { hint: 'Pass the ARN of an association of this cluster, or select the cluster it belongs to (--region, --profile, -c ARN).' },
  );
}

/**
 * The association the reference names, read in full; undefined when there is none. An ARN is first
 * checked against the cluster (`cluster` when already described, else DescribeCluster).
 */
export async function lookupAssociation(eks: EksPort, clusterName: string, ref: AssociationRef, cluster?: Cluster): Promise<Association | undefined> {
  if (ref.kind === 'sa') return findAssociation(eks, clusterName, ref.namespace, ref.serviceAccount);
  if (ref.kind === 'arn') checkRefCluster(ref, cluster ?? (await eks.describeCluster(clusterName)));
  try {
    const found = await eks.describeAssociation(clusterName, ref.id);
    // An ARN of another account or region names another association, even with the same id.
    return ref.kind === 'arn' && found.associationArn && found.associationArn !== ref.arn ? undefined : found;
  } catch (error) {
    if (isRemoteError(error, 'not-found')) return undefined;
    throw error;
  }
}

export function noAssociation(ref: AssociationRef, clusterName: string): UserError {
  return new UserError(`no association ${refText(ref)} in cluster ${clusterName}`, { hint: `List them with: podid associations list -c ${clusterName}` });
}
