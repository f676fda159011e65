import pLimit from 'p-limit';
import type { ClusterStateDocument, StateDocument } from '../adapters/local/schema.js';
import { IRSA_ROLE_ANNOTATION, type ManagedPolicy, type Role } from '../core/model.js';
import type { Ports } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import { readRoles } from './associations.js';

// Reads one live cluster and the roles it uses into a state document. Read-only: never reads
// Secrets, never stores credentials (the state gets no signing key; `podid local init` makes one).

export async function captureCluster(deps: Ports & { reporter: Reporter }, clusterName: string): Promise<StateDocument> {
  const { reporter } = deps;
  const task = reporter.task(`reading cluster ${clusterName}`);
  const limit = pLimit(8);
  try {
    const cluster = await deps.eks.describeCluster(clusterName);
    const [caller, summaries, addonNames, nodes, serviceAccounts, pods, daemonSets, workloads] = await Promise.all([
      deps.sts.getCallerIdentity(),
      deps.eks.listAssociations(cluster.name),
      deps.eks.listAddons(cluster.name),
      deps.kube.listNodes(),
      deps.kube.listServiceAccounts(),
      deps.kube.listPods(),
      deps.kube.listDaemonSets(),
      deps.kube.listWorkloads(),
    ]);
    const associations = await Promise.all(summaries.map((s) => limit(() => deps.eks.describeAssociation(cluster.name, s.associationId))));
    const addons = await Promise.all(
      addonNames.map((name) =>
        limit(async () => {
          const addon = await deps.eks.describeAddon(cluster.name, name);
          const config = await deps.eks.describeAddonConfiguration(name, addon.version).catch(() => undefined);
          return { ...addon, podIdentityServiceAccounts: config?.podIdentityServiceAccounts ?? [] };
        }),
      ),
    );
    const roleArns = [
      ...associations.flatMap((a) => [a.roleArn, a.targetRoleArn]),
      ...addons.map((a) => a.serviceAccountRoleArn),
      ...serviceAccounts.map((s) => s.annotations[IRSA_ROLE_ANNOTATION]),
    ].filter((arn): arn is string => Boolean(arn));
    const roles = [...(await readRoles(deps, roleArns)).values()].filter((r): r is Role => Boolean(r));
    const clusterState: ClusterStateDocument = { cluster, addons, nodes, serviceAccounts, pods, daemonSets, workloads, associations };
    task.succeed(`read cluster ${cluster.name}: ${serviceAccounts.length} service accounts, ${pods.length} pods, ${associations.length} associations, ${roles.length} roles`);
    return {
      schemaVersion: 1,
      kind: 'PodidState',
      caller: { ...caller, policies: [] },
      clusters: [clusterState],
      ...splitManagedPolicies(roles),
    };
  } catch (error) {
    task.fail(`could not read cluster ${clusterName}`);
    throw error;
  }
}

/** Managed-policy documents are stored once, by ARN, as the state schema expects. */
function splitManagedPolicies(roles: Role[]): Pick<StateDocument, 'roles' | 'managedPolicies'> {
  const managed = new Map<string, ManagedPolicy>();
  const strip = (p: ManagedPolicy): ManagedPolicy => {
    if (p.document) managed.set(p.arn, p);
    return { arn: p.arn, name: p.name };
  };
  const stripped = roles.map((r) => ({
    ...r,
    attachedPolicies: r.attachedPolicies.map(strip),
    permissionsBoundary: r.permissionsBoundary && strip(r.permissionsBoundary),
  }));
  return { roles: stripped, managedPolicies: [...managed.values()] };
}
