import pLimit from 'p-limit';
import { isRemoteError, UserError } from '../core/errors.js';
import type { Association, Cluster, Pod, Role, ServiceAccount } from '../core/model.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';

// Reads associations with everything needed to judge them: the full association (the list call
// lacks roleArn), the service accounts and pods of its namespace, and each distinct role once.

export interface AssociationFacts {
  cluster: Cluster;
  associations: Association[];
  /** undefined when Kubernetes could not be read (then SA/pod joins are unknown). */
  serviceAccounts?: ServiceAccount[];
  pods?: Pod[];
  /** Role by ARN; null when the role could not be found; missing when it could not be read. */
  roles: Map<string, Role | null>;
}

const CONCURRENCY = 8;

export async function gatherAssociations(
  deps: { eks: EksPort; iam: IamPort; kube: KubePort; reporter: Reporter },
  clusterName: string,
  filter: { namespace?: string; serviceAccount?: string } = {},
): Promise<AssociationFacts> {
  const cluster = await deps.eks.describeCluster(clusterName);
  const limit = pLimit(CONCURRENCY);
  const summaries = await deps.eks.listAssociations(cluster.name, filter);
  const [associations, kube] = await Promise.all([
    Promise.all(summaries.map((s) => limit(() => deps.eks.describeAssociation(cluster.name, s.associationId)))),
    readKube(deps, filter.namespace),
  ]);
  const roleArns = new Set(associations.flatMap((a) => [a.roleArn, a.targetRoleArn].filter((r): r is string => Boolean(r))));
  const roles = await readRoles(deps, roleArns);
  return { cluster, associations, ...kube, roles };
}

async function readKube(deps: { kube: KubePort; reporter: Reporter }, namespace?: string) {
  try {
    const [serviceAccounts, pods] = await Promise.all([deps.kube.listServiceAccounts(namespace), deps.kube.listPods(namespace)]);
    return { serviceAccounts, pods };
  } catch (error) {
    if (error instanceof UserError && !isRemoteError(error)) throw error;
    deps.reporter.warn(`cannot read Kubernetes (${(error as Error).message}); service-account and pod columns are unknown`);
    return {};
  }
}

/** One GetRole per distinct role, bounded concurrency. Roles that cannot be read (other account, denied) are left out. */
export async function readRoles(deps: { iam: IamPort; reporter: Reporter }, arns: Iterable<string>): Promise<Map<string, Role | null>> {
  const limit = pLimit(CONCURRENCY);
  const roles = new Map<string, Role | null>();
  await Promise.all(
    [...new Set(arns)].map((arn) =>
      limit(async () => {
        try {
          roles.set(arn, await deps.iam.getRole(arn));
        } catch (error) {
          if (isRemoteError(error, 'not-found')) roles.set(arn, null);
          else if (isRemoteError(error)) deps.reporter.debug(`cannot read role ${arn}: ${error.message}`);
          else throw error;
        }
      }),
    ),
  );
  return roles;
}
