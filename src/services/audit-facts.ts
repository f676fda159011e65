import pLimit from 'p-limit';
import type { AuditClusterFacts, AuditFacts } from '../core/audit/index.js';
import { isRemoteError, UserError } from '../core/errors.js';
import { IRSA_ROLE_ANNOTATION, type Role } from '../core/model.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import { readRoles } from './associations.js';

// Reads what `podid audit` inventories: for each cluster of each backend (one per region), the
// cluster, its associations (list once, describe each) and, where Kubernetes is reachable, its
// service accounts; then every distinct role once per backend. Clusters run with bounded
// concurrency, each as a reporter task.

export interface AuditBackend {
  region?: string;
  eks: EksPort;
  iam: IamPort;
  /** The Kubernetes port for a cluster, when one is reachable (the kubeconfig's, or the state file's). */
  kubeFor: (cluster: string) => Promise<KubePort | undefined>;
  /** The cluster to audit when none is named: -c, or the only cluster of the state file. */
  defaultCluster?: string;
  /** The state backend: no cluster named means every cluster of the file. */
  local?: boolean;
}

export interface ClusterSelection {
  clusters?: string[];
  allClusters?: boolean;
}

const CLUSTER_CONCURRENCY = 4;
const DESCRIBE_CONCURRENCY = 8;

async function clustersOf(backend: AuditBackend, selection: ClusterSelection): Promise<string[]> {
  if (selection.clusters?.length) return selection.clusters;
  if (selection.allClusters || (backend.local && !backend.defaultCluster)) return backend.eks.listClusters();
  if (backend.defaultCluster) return [backend.defaultCluster];
  throw new UserError('no cluster given', { hint: 'Pass -c CLUSTER (repeatable) or --all-clusters.' });
}

async function readCluster(backend: AuditBackend, name: string, reporter: Reporter): Promise<AuditClusterFacts> {
  const cluster = await backend.eks.describeCluster(name);
  const limit = pLimit(DESCRIBE_CONCURRENCY);
  const summaries = await backend.eks.listAssociations(cluster.name);
  const associations = await Promise.all(summaries.map((s) => limit(() => backend.eks.describeAssociation(cluster.name, s.associationId))));
  let serviceAccounts: AuditClusterFacts['serviceAccounts'];
  const kube = await backend.kubeFor(cluster.name);
  if (kube) {
    try {
      serviceAccounts = await kube.listServiceAccounts();
    } catch (error) {
      if (!isRemoteError(error)) throw error;
      reporter.warn(`cluster ${cluster.name}: cannot read service accounts (${error.message}); SA existence and IRSA are unknown`);
    }
  } else {
    reporter.info(`cluster ${cluster.name}: no Kubernetes access; service-account existence and IRSA are not audited`);
  }
  return { cluster, ...(backend.region ? { region: backend.region } : {}), associations, serviceAccounts };
}

async function auditBackend(backend: AuditBackend, selection: ClusterSelection, reporter: Reporter): Promise<{ clusters: AuditClusterFacts[]; roles: Map<string, Role | null> }> {
  const names = await clustersOf(backend, selection);
  const limit = pLimit(CLUSTER_CONCURRENCY);
  const explicit = Boolean(selection.clusters?.length);
  const read = await Promise.all(
    names.map((name) =>
      limit(async () => {
        const task = reporter.task(`Auditing cluster ${name}${backend.region ? ` (${backend.region})` : ''}`);
        try {
          const facts = await readCluster(backend, name, reporter);
          task.succeed(`Audited cluster ${name}: ${facts.associations.length} association(s)`);
          return facts;
        } catch (error) {
          task.fail(`Cluster ${name}: ${(error as Error).message}`);
          if (explicit && isRemoteError(error, 'not-found')) throw new UserError(`cluster ${name} not found`, { hint: 'Check -c, --region and --profile (or --state).', cause: error });
          if (explicit || !isRemoteError(error)) throw error;
          return undefined;
        }
      }),
    ),
  );
  const clusters = read.filter((c): c is AuditClusterFacts => Boolean(c));
  const arns = clusters.flatMap((c) => [
    ...c.associations.flatMap((a) => [a.roleArn, a.targetRoleArn].filter((r): r is string => Boolean(r))),
    ...(c.serviceAccounts ?? []).map((s) => s.annotations[IRSA_ROLE_ANNOTATION]).filter((r): r is string => Boolean(r)),
  ]);
  const roles = await readRoles({ iam: backend.iam, reporter }, arns);
  return { clusters, roles };
}

export async function gatherAuditFacts(backends: AuditBackend[], selection: ClusterSelection, reporter: Reporter): Promise<AuditFacts> {
  const parts = await Promise.all(backends.map((b) => auditBackend(b, selection, reporter)));
  const roles = new Map<string, Role | null>();
  for (const part of parts) for (const [arn, role] of part.roles) if (!roles.has(arn) || role) roles.set(arn, role);
  return { clusters: parts.flatMap((p) => p.clusters), roles };
}
