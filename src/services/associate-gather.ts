import { parseArn, roleArn } from '../core/arn.js';
import { isRemoteError, PodidError, UserError } from '../core/errors.js';
import type { AssociateFacts, AssociationSpec, Decision } from '../core/associate/index.js';
import { POD_IDENTITY_ADDON, POD_IDENTITY_PRINCIPAL, saKey, type Addon, type Association, type CallerIdentity, type Cluster, type Pod, type ServiceAccount, type Workload } from '../core/model.js';
import type { EksPort, IamPort, KubePort, StsPort } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import { readRoles } from './associations.js';

// Reads what the associate preflight and plan need, through the ports only. Failures to read
// become "unknown" facts (the preflight then warns) rather than errors, except an unknown cluster.

export interface GatherDeps {
  eks: EksPort;
  iam: IamPort;
  sts: StsPort;
  kube: KubePort;
  reporter: Reporter;
}

/** What is read once per cluster (shared by the entries of `podid apply`). */
export interface ClusterContext {
  cluster: Cluster;
  agentAddon?: Addon | null;
  caller?: CallerIdentity;
  /** Role ARN the caller's permissions are simulated for (the role behind an assumed-role session). */
  callerPrincipal?: string;
  /** undefined = Kubernetes could not be read. */
  serviceAccounts?: ServiceAccount[];
  pods?: Pod[];
  workloads?: Workload[];
}

/** DescribeCluster, with a clear error for an unknown cluster. */
export async function describeClusterOrFail(eks: EksPort, name: string): Promise<Cluster> {
  try {
    return await eks.describeCluster(name);
  } catch (error) {
    if (isRemoteError(error, 'not-found')) {
      throw new UserError(`cluster '${name}' not found`, { hint: 'Check -c and --region (or the clusters in --state); list clusters with: aws eks list-clusters', cause: error });
    }
    throw error;
  }
}

async function readAgent(eks: EksPort, cluster: Cluster, reporter: Reporter): Promise<Addon | null | undefined> {
  try {
    return await eks.describeAddon(cluster.name, POD_IDENTITY_ADDON);
  } catch (error) {
    if (isRemoteError(error, 'not-found')) return null;
    if (!isRemoteError(error)) throw error;
    reporter.debug(`cannot read add-on ${POD_IDENTITY_ADDON}: ${error.message}`);
    return undefined;
  }
}

async function readKube(deps: GatherDeps, namespace?: string) {
  try {
    const [serviceAccounts, pods, workloads] = await Promise.all([deps.kube.listServiceAccounts(namespace), deps.kube.listPods(namespace), deps.kube.listWorkloads(namespace)]);
    return { serviceAccounts, pods, workloads };
  } catch (error) {
    if (!(error instanceof PodidError)) throw error;
    deps.reporter.warn(`cannot read Kubernetes (${error.message}); service account and pod checks are skipped`);
    return {};
  }
}

/** The IAM principal whose policies decide the caller's permissions: for an assumed-role session, its role. */
async function callerPrincipal(iam: IamPort, caller: CallerIdentity): Promise<string> {
  const arn = parseArn(caller.arn, 'caller ARN');
  if (arn.service !== 'sts' || !arn.resource.startsWith('assumed-role/')) return caller.arn;
  const name = arn.resource.split('/')[1];
  try {
    return (await iam.getRole(name)).arn;
  } catch {
    return roleArn(arn.partition, arn.accountId, name);
  }
}

export async function gatherClusterContext(deps: GatherDeps, cluster: Cluster, namespace?: string): Promise<ClusterContext> {
  const [agentAddon, caller, kube] = await Promise.all([
    readAgent(deps.eks, cluster, deps.reporter),
    deps.sts.getCallerIdentity().catch((error: unknown) => {
      if (!isRemoteError(error)) throw error;
      deps.reporter.debug(`cannot read the caller identity: ${error.message}`);
      return undefined;
    }),
    readKube(deps, namespace),
  ]);
  const principal = caller ? await callerPrincipal(deps.iam, caller) : undefined;
  return { cluster, agentAddon, caller, callerPrincipal: principal, ...kube };
}

async function passRole(deps: GatherDeps, ctx: ClusterContext, role: string): Promise<AssociateFacts['passRole']> {
  const principal = ctx.callerPrincipal;
  if (!principal) return { decision: 'unknown', detail: 'the caller identity could not be read' };
  try {
    const result = await deps.iam.simulatePrincipalPolicy(principal, ['iam:PassRole'], [role], { 'iam:PassedToService': [POD_IDENTITY_PRINCIPAL] });
    if (!result) return { decision: 'unknown', principal, detail: 'iam:SimulatePrincipalPolicy is not available' };
    const d = result['iam:PassRole'];
    const decision: Decision = d === 'allowed' ? 'allowed' : d ? 'denied' : 'unknown';
    return { decision, principal, detail: d === 'explicitDeny' ? 'explicitly denied' : d === 'implicitDeny' ? 'no policy allows it' : undefined };
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    return { decision: 'unknown', principal, detail: `SimulatePrincipalPolicy failed: ${error.message}` };
  }
}

/** The existing association of (namespace, SA), described; undefined when there is none. */
export async function findAssociation(eks: EksPort, clusterName: string, namespace: string, serviceAccount: string): Promise<Association | undefined> {
  const [found] = await eks.listAssociations(clusterName, { namespace, serviceAccount });
  return found ? eks.describeAssociation(clusterName, found.associationId) : undefined;
}

export async function gatherAssociateFacts(deps: GatherDeps, ctx: ClusterContext, spec: AssociationSpec, existing?: Association | null): Promise<AssociateFacts> {
  const current = existing === undefined ? await findAssociation(deps.eks, ctx.cluster.name, spec.namespace, spec.serviceAccount) : (existing ?? undefined);
  // A role to create is looked up by name: IAM names are unique per account, whatever the path.
  const roleRef = spec.createRole ? spec.createRole.name : spec.roleArn;
  const [roles, pass] = await Promise.all([readRoles(deps, [roleRef, ...(spec.targetRoleArn ? [spec.targetRoleArn] : [])]), passRole(deps, ctx, spec.roleArn)]);
  const key = saKey(spec.namespace, spec.serviceAccount);
  const serviceAccount = ctx.serviceAccounts ? (ctx.serviceAccounts.find((s) => saKey(s.namespace, s.name) === key) ?? null) : undefined;
  return {
    cluster: ctx.cluster,
    agentAddon: ctx.agentAddon,
    existing: current,
    role: roles.get(roleRef),
    targetRole: spec.targetRoleArn ? roles.get(spec.targetRoleArn) : undefined,
    serviceAccount,
    pods: ctx.pods?.filter((p) => p.namespace === spec.namespace && p.serviceAccountName === spec.serviceAccount),
    workloads: ctx.workloads?.filter((w) => w.namespace === spec.namespace),
    caller: ctx.caller,
    passRole: pass,
  };
}
