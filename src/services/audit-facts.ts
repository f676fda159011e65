import pLimit from 'p-limit';
import type { AuditClusterFacts, AuditFacts } from '../core/audit/index.js';
import { isRemoteError, UserError } from '../core/errors.js';
import { IRSA_ROLE_ANNOTATION, type Role } from '../core/model.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import type { Reporter, Task } from '../core/reporter.js';
import { readRoles } from './associations.js';

// Reads what `podid audit` inventories: for each cluster of each backend (one per region), the
// cluster, its associations (list once, describe each) and, where Kubernetes is reachable, its
// service accounts; then every distinct role once per backend. Clusters of every backend share
// one bounded pool and one reporter task with "N/M clusters" progress (one spinner at a terminal).

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

/** A message about one cluster, said after the progress task settles (a line printed under a live spinner garbles it). */
interface Note {
  level: 'info' | 'warn';
  text: string;
}

async function readCluster(backend: AuditBackend, name: string, notes: Note[]): Promise<AuditClusterFacts> {
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
      notes.push({ level: 'warn', text: `cluster ${cluster.name}: cannot read service accounts (${error.message}); SA existence and IRSA are unknown` });
    }
  } else {
    notes.push({ level: 'info', text: `cluster ${cluster.name}: no Kubernetes access; service-account existence and IRSA are not audited` });
  }
  return { cluster, ...(backend.region ? { region: backend.region } : {}), associations, serviceAccounts };
}

/** The audit's one task (`update` moves its text where the reporter's task supports it: an ora spinner) and its count. */
interface Progress {
  task: Task;
  done: number;
  total: number;
  notes: Note[];
}

/** Reads one cluster under the shared limit; a cluster found by listing (not named) that fails is skipped with a note. */
async function readOne(backend: AuditBackend, name: string, explicit: boolean, progress: Progress): Promise<AuditClusterFacts | undefined> {
  const where = `cluster ${name}${backend.region ? ` (${backend.region})` : ''}`;
  try {
    return await readCluster(backend, name, progress.notes);
  } catch (error) {
    if (explicit && isRemoteError(error, 'not-found')) throw new UserError(`cluster ${name} not found`, { hint: 'Check -c, --region and --profile (or --state).', cause: error });
    if (explicit || !isRemoteError(error)) throw error;
    progress.notes.push({ level: 'warn', text: `${where} skipped: ${error.message}` });
    return undefined;
  } finally {
    progress.done++;
    progress.task.update?.(`Auditing clusters: ${progress.done}/${progress.total}`);
  }
}

export async function gatherAuditFacts(backends: AuditBackend[], selection: ClusterSelection, reporter: Reporter): Promise<AuditFacts> {
  const named = await Promise.all(backends.map(async (backend) => ({ backend, names: await clustersOf(backend, selection) })));
  const total = named.reduce((n, b) => n + b.names.length, 0);
  const progress: Progress = { task: reporter.task(`Auditing ${total} cluster(s)`), done: 0, total, notes: [] };
  const limit = pLimit(CLUSTER_CONCURRENCY);
  const explicit = Boolean(selection.clusters?.length);
  let parts: { clusters: AuditClusterFacts[]; roles: Map<string, Role | null> }[];
  try {
    parts = await Promise.all(
      named.map(async ({ backend, names }) => {
        const read = await Promise.all(names.map((name) => limit(() => readOne(backend, name, explicit, progress))));
        const clusters = read.filter((c): c is AuditClusterFacts => Boolean(c));
        return { clusters, roles: await readRoles({ iam: backend.iam, reporter }, roleArnsOf(clusters)) };
      }),
    );
  } catch (error) {
    progress.task.fail(`Audit stopped after ${progress.done}/${total} cluster(s): ${(error as Error).message}`);
    sayNotes(reporter, progress.notes);
    throw error;
  }
  const clusters = parts.flatMap((p) => p.clusters);
  const summary = `Audited ${clusters.length}/${total} cluster(s): ${clusters.reduce((n, c) => n + c.associations.length, 0)} association(s)`;
  if (clusters.length < total) progress.task.warn(`${summary}; ${total - clusters.length} skipped`);
  else progress.task.succeed(summary);
  sayNotes(reporter, progress.notes);
  const roles = new Map<string, Role | null>();
  for (const part of parts) for (const [arn, role] of part.roles) if (!roles.has(arn) || role) roles.set(arn, role);
  return { clusters, roles };
}

const sayNotes = (reporter: Reporter, notes: Note[]) => notes.forEach((note) => reporter[note.level](note.text));

function roleArnsOf(clusters: AuditClusterFacts[]): string[] {
  return clusters.flatMap((c) => [
    ...c.associations.flatMap((a) => [a.roleArn, a.targetRoleArn].filter((r): r is string => Boolean(r))),
    ...(c.serviceAccounts ?? []).map((s) => s.annotations[IRSA_ROLE_ANNOTATION]).filter((r): r is string => Boolean(r)),
  ]);
}
