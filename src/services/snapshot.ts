import pLimit from 'p-limit';
import type { ClusterStateDocument, StateDocument } from '../adapters/local/schema.js';
import { isRemoteError } from '../core/errors.js';
import { IRSA_ROLE_ANNOTATION, type Container, type ManagedPolicy, type Pod, type Role } from '../core/model.js';
import type { Ports } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import { readRoles } from './associations.js';

// Reads one live cluster, the roles it uses and its node groups' roles into a state document.
// Read-only: never reads Secrets, never stores credentials: pod env keeps every name but only the
// values of the non-secret settings podid's checks read (the file is meant for bug reports).
// Roles that cannot be read are listed as such, so offline joins say "unknown" as live ones do.

export async function captureCluster(deps: Ports & { reporter: Reporter }, clusterName: string): Promise<StateDocument> {
  const { reporter } = deps;
  const task = reporter.task(`reading cluster ${clusterName}`);
  const limit = pLimit(8);
  try {
    const cluster = await deps.eks.describeCluster(clusterName);
    const [caller, summaries, addonNames, nodeRoleArns, nodes, serviceAccounts, pods, daemonSets, workloads] = await Promise.all([
      deps.sts.getCallerIdentity(),
      deps.eks.listAssociations(cluster.name),
      deps.eks.listAddons(cluster.name),
      readNodeRoleArns(deps, cluster.name),
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
      ...nodeRoleArns,
    ].filter((arn): arn is string => Boolean(arn));
    const read = await readRoles(deps, roleArns);
    const roles = [...read.values()].filter((r): r is Role => Boolean(r));
    const unreadableRoles = [...new Set(roleArns)].filter((arn) => !read.has(arn)).sort();
    if (unreadableRoles.length) reporter.warn(`cannot read ${unreadableRoles.length} role(s) (${unreadableRoles.join(', ')}); offline they show as unknown, as they do live`);
    const clusterState: ClusterStateDocument = { cluster, addons, nodes, serviceAccounts, pods: pods.map(redactPodEnv), daemonSets, workloads, associations, nodeRoleArns };
    task.succeed(`read cluster ${cluster.name}: ${serviceAccounts.length} service accounts, ${pods.length} pods, ${associations.length} associations, ${roles.length} roles`);
    return {
      schemaVersion: 1,
      kind: 'PodidState',
      caller: { ...caller, policies: [] },
      clusters: [clusterState],
      ...splitManagedPolicies(roles),
      ...(unreadableRoles.length ? { unreadableRoles } : {}),
    };
  } catch (error) {
    task.fail(`could not read cluster ${clusterName}`);
    throw error;
  }
}

/** The managed node groups' roles; a snapshot without them (node groups not readable) still works. */
async function readNodeRoleArns(deps: Ports & { reporter: Reporter }, cluster: string): Promise<string[]> {
  try {
    return await deps.eks.listNodegroupRoles(cluster);
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    deps.reporter.warn(`cannot read the node groups (${error.message}); the snapshot has no node roles`);
    return [];
  }
}

const REDACTED = '<redacted>';
/** Env values podid's checks read (doctor's pod.proxy, the webhook's and IRSA's variables, region and endpoint settings). */
const PLAIN_ENV = new Set(['NO_PROXY', 'no_proxy', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_STS_REGIONAL_ENDPOINTS']);
const URL_ENV = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']);

/** A URL without its `user:password@` (up to the last `@`, as URL parsers read it), with or without a scheme. */
const withoutUserinfo = (url: string) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1');

/** Every env name stays (doctor's static-key check needs them); any other value may be a secret. */
function snapshotEnvValue(name: string, value: string): string {
  if (value === '' || PLAIN_ENV.has(name)) return value;
  if (URL_ENV.has(name) || name.startsWith('AWS_ENDPOINT_URL')) return withoutUserinfo(value);
  return REDACTED;
}

function redactPodEnv(pod: Pod): Pod {
  const redact = (c: Container): Container => ({ ...c, env: c.env.map((e) => (e.value === undefined ? e : { ...e, value: snapshotEnvValue(e.name, e.value) })) });
  return { ...pod, containers: pod.containers.map(redact), initContainers: pod.initContainers.map(redact) };
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
