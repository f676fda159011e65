import pLimit from 'p-limit';
import { AGENT_NAME, AGENT_NAMESPACE, isAgentPod, type DoctorFacts, type DoctorScope } from '../core/doctor/index.js';
import { irsaRoleOf } from '../core/doctor/pods.js';
import { isRemoteError, UserError } from '../core/errors.js';
import { parseRoleArn } from '../core/arn.js';
import { IRSA_ROLE_ANNOTATION, saKey, type Addon, type Association, type Cluster, type Pod, type Role } from '../core/model.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import { readRoles } from './associations.js';

// Gathers everything `podid doctor` judges, once: the cluster, the agent add-on, nodes, the agent
// DaemonSet and its pods, service accounts, pods and workloads in scope, associations (list once,
// describe each), the node groups' roles, and every distinct role once, with bounded concurrency.

export interface DoctorFactsDeps {
  eks: EksPort;
  iam: IamPort;
  kube: KubePort;
  reporter: Reporter;
  now: () => Date;
}

const CONCURRENCY = 8;

async function describeClusterOrExplain(eks: EksPort, name: string): Promise<Cluster> {
  try {
    return await eks.describeCluster(name);
  } catch (error) {
    if (!isRemoteError(error, 'not-found')) throw error;
    const known = await eks.listClusters().catch(() => undefined);
    throw new UserError(`cluster ${name} not found`, { hint: known?.length ? `Clusters here: ${known.join(', ')}` : 'Check -c, --region and --profile (or --state).', cause: error });
  }
}

async function readAgentAddon(deps: DoctorFactsDeps, cluster: string): Promise<Addon | null | undefined> {
  try {
    return await deps.eks.describeAddon(cluster, AGENT_NAME);
  } catch (error) {
    if (isRemoteError(error, 'not-found')) return null;
    if (!isRemoteError(error)) throw error;
    deps.reporter.warn(`cannot read the ${AGENT_NAME} add-on (${error.message}); the add-on check is skipped`);
    return undefined;
  }
}

interface KubeFacts {
  nodes?: DoctorFacts['nodes'];
  daemonSets?: DoctorFacts['daemonSets'];
  serviceAccounts?: DoctorFacts['serviceAccounts'];
  pods?: Pod[];
  workloads?: DoctorFacts['workloads'];
}

async function readKube(deps: DoctorFactsDeps, namespace: string | undefined): Promise<KubeFacts> {
  try {
    const agentPods = namespace && namespace !== AGENT_NAMESPACE ? deps.kube.listPods(AGENT_NAMESPACE).then((pods) => pods.filter(isAgentPod)) : Promise.resolve([]);
    const [nodes, daemonSets, serviceAccounts, pods, workloads, agents] = await Promise.all([
      deps.kube.listNodes(),
      deps.kube.listDaemonSets(AGENT_NAMESPACE),
      deps.kube.listServiceAccounts(namespace),
      deps.kube.listPods(namespace),
      deps.kube.listWorkloads(namespace),
      agentPods,
    ]);
    return { nodes, daemonSets, serviceAccounts, pods: agents.length ? [...pods, ...agents] : pods, workloads };
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    deps.reporter.warn(`cannot read Kubernetes (${error.message}); service-account, pod and agent checks are skipped`);
    return {};
  }
}

/** Lists the associations (filtered) and describes each, with bounded concurrency; `known` ones are not described again. */
async function readAssociations(eks: EksPort, cluster: string, filter: { namespace?: string; serviceAccount?: string } = {}, known: Association[] = []): Promise<Association[]> {
  const limit = pLimit(CONCURRENCY);
  const byId = new Map(known.map((a) => [a.associationId, a]));
  const summaries = await eks.listAssociations(cluster, filter);
  return Promise.all(summaries.map((s) => byId.get(s.associationId) ?? limit(() => eks.describeAssociation(cluster, s.associationId))));
}

/** The managed node groups' roles; undefined (the check is skipped) when EKS will not list them. */
async function readNodeRoleArns(deps: DoctorFactsDeps, cluster: string): Promise<string[] | undefined> {
  try {
    return await deps.eks.listNodegroupRoles(cluster);
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    deps.reporter.warn(`cannot read the node groups (${error.message}); the node-role check is skipped`);
    return undefined;
  }
}

function checkScope(scope: DoctorScope, kube: KubeFacts, associations: Association[], cluster: string): Association[] {
  if (scope.pod) {
    const { namespace, name } = scope.pod;
    if (!kube.pods) throw new UserError(`cannot check pod ${namespace}/${name}: Kubernetes could not be read`);
    const pod = kube.pods.find((p) => p.namespace === namespace && p.name === name);
    if (!pod) throw new UserError(`pod ${namespace}/${name} not found in cluster ${cluster}`, { hint: `List pods with: kubectl -n ${namespace} get pods` });
    return associations.filter((a) => a.namespace === namespace && a.serviceAccount === pod.serviceAccountName);
  }
  if (scope.serviceAccount) {
    const { namespace, name } = scope.serviceAccount;
    const exists = kube.serviceAccounts?.some((s) => s.namespace === namespace && s.name === name);
    if (exists === false && !associations.length) {
      throw new UserError(`service account ${namespace}/${name} not found in cluster ${cluster}, and no association names it`, { hint: `List them with: kubectl -n ${namespace} get serviceaccounts` });
    }
  }
  return associations;
}

const isRoleArn = (text: string | undefined): text is string => {
  if (!text) return false;
  try {
    parseRoleArn(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * The IRSA roles of associated service accounts (their annotation) and of their pods (AWS_ROLE_ARN):
 * a pod admitted with IRSA before its association keeps using that role, and pod.injection checks
 * that the role's OIDC trust still admits it. Only associated service accounts: a plain IRSA one
 * is a migration candidate, whose role doctor does not evaluate (no GetRole per IRSA role).
 */
function irsaRoleArns(kube: Pick<KubeFacts, 'serviceAccounts' | 'pods'>, associations: Association[], scope: DoctorScope = {}): string[] {
  const associated = new Set(associations.map((a) => saKey(a.namespace, a.serviceAccount)));
  if (!associated.size) return [];
  const arns = new Set<string>();
  for (const sa of kube.serviceAccounts ?? []) {
    const arn = sa.annotations[IRSA_ROLE_ANNOTATION];
    if (associated.has(saKey(sa.namespace, sa.name)) && isRoleArn(arn)) arns.add(arn);
  }
  const only = scope.pod;
  for (const pod of kube.pods ?? []) {
    if (!associated.has(saKey(pod.namespace, pod.serviceAccountName)) || (only && (pod.namespace !== only.namespace || pod.name !== only.name))) continue;
    const arn = irsaRoleOf(pod);
    if (isRoleArn(arn)) arns.add(arn);
  }
  return [...arns];
}

/** The facts, and every association described on the way (a pod scope keeps only its service account's). */
export interface GatheredDoctorFacts {
  facts: DoctorFacts;
  described: Association[];
}

export async function gatherDoctorFacts(deps: DoctorFactsDeps, clusterName: string, scope: DoctorScope = {}): Promise<GatheredDoctorFacts> {
  const task = deps.reporter.task(`Reading cluster ${clusterName}`);
  try {
    const cluster = await describeClusterOrExplain(deps.eks, clusterName);
    const namespace = scope.pod?.namespace ?? scope.serviceAccount?.namespace ?? scope.namespace;
    const [agentAddon, kube, listed, nodeRoleArns] = await Promise.all([
      readAgentAddon(deps, cluster.name),
      readKube(deps, namespace),
      readAssociations(deps.eks, cluster.name, { namespace, serviceAccount: scope.serviceAccount?.name }),
      readNodeRoleArns(deps, cluster.name),
    ]);
    const associations = checkScope(scope, kube, listed, cluster.name);
    const arns = [...associations.flatMap((a) => [a.roleArn, a.targetRoleArn]), ...(nodeRoleArns ?? []), ...irsaRoleArns(kube, associations, scope)].filter((r): r is string => Boolean(r));
    const roles: Map<string, Role | null> = await readRoles(deps, arns);
    task.succeed(`Read cluster ${cluster.name}: ${associations.length} association(s), ${kube.pods?.length ?? '?'} pod(s), ${roles.size} role(s)`);
    return { facts: { cluster, scope, agentAddon, ...kube, associations, roles, nodeRoleArns, now: deps.now() }, described: listed };
  } catch (error) {
    task.fail(`Reading cluster ${clusterName} failed`);
    throw error;
  }
}

const isScoped = (scope: DoctorScope) => Boolean(scope.namespace || scope.serviceAccount || scope.pod);

/**
 * A scoped run reads only the associations in scope; whether their roles are shared depends on the
 * rest. This lists the cluster's associations once more and describes those outside the scope not
 * `described` already (bounded concurrency), keeping the ones that use a role of the scope.
 * Unreadable: the shared-role check sees only the scope, as before, with a warning.
 */
export async function readRoleUsers(deps: Pick<DoctorFactsDeps, 'eks' | 'reporter'>, { facts, described }: GatheredDoctorFacts): Promise<DoctorFacts['roleUsers']> {
  if (!isScoped(facts.scope) || !facts.associations.length) return undefined;
  const roles = new Set(facts.associations.map((a) => a.roleArn));
  const inScope = new Set(facts.associations.map((a) => a.associationId));
  try {
    const all = await readAssociations(deps.eks, facts.cluster.name, {}, described);
    const users: NonNullable<DoctorFacts['roleUsers']> = new Map();
    for (const a of all) {
      if (inScope.has(a.associationId) || !roles.has(a.roleArn)) continue;
      users.set(a.roleArn, [...(users.get(a.roleArn) ?? []), { associationId: a.associationId, namespace: a.namespace, serviceAccount: a.serviceAccount, roleArn: a.roleArn }]);
    }
    return users;
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    deps.reporter.warn(`cannot read the associations outside the scope (${error.message}); association.shared-role sees only the scope`);
    return undefined;
  }
}
