import { parseArn, parseRoleArn, roleArn } from '../core/arn.js';
import { isRemoteError, PodidError, UserError } from '../core/errors.js';
import type { AssociateFacts, AssociationSpec, Decision } from '../core/associate/index.js';
import { POD_IDENTITY_ADDON, POD_IDENTITY_PRINCIPAL, saKey, type Addon, type Association, type CallerIdentity, type Cluster, type Pod, type Role, type ServiceAccount, type Workload } from '../core/model.js';
import type { EksPort, IamPort, KubePort, StsPort } from '../core/ports.js';
import type { Checklist, Reporter } from '../core/reporter.js';
import { readRoles } from './associations.js';

// Reads what the associate preflight and plan need, through the ports only. Failures to read
// become "unknown" facts (the preflight then warns) rather than errors, except an unknown cluster.
// Given a checklist, each read is a row that settles when the read does (the live view of associate).

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
  /** Namespaces declared as objects (`kind: Namespace` in --manifests); undefined = not read. */
  namespaces?: string[];
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

async function readKube(deps: GatherDeps, namespace?: string): Promise<{ serviceAccounts?: ServiceAccount[]; pods?: Pod[]; workloads?: Workload[]; unreadable?: string }> {
  try {
    const [serviceAccounts, pods, workloads] = await Promise.all([deps.kube.listServiceAccounts(namespace), deps.kube.listPods(namespace), deps.kube.listWorkloads(namespace)]);
    return { serviceAccounts, pods, workloads };
  } catch (error) {
    if (!(error instanceof PodidError)) throw error;
    return { unreadable: `cannot read Kubernetes (${error.message}); service account and pod checks are skipped` };
  }
}

type Settled = { status: 'ok' | 'warn'; text: string };

/** One read as a checklist row: settled ok (or warn when its fact stays unknown); a throw fails the row and propagates. */
export async function tracked<T>(list: Checklist | undefined, title: string, read: () => Promise<T>, settle: (value: T) => Settled): Promise<T> {
  const row = list?.start(title);
  try {
    const value = await read();
    if (row) {
      const { status, text } = settle(value);
      if (status === 'warn') row.warn(text);
      else row.succeed(text);
    }
    return value;
  } catch (error) {
    row?.fail(`${title}: ${(error as Error).message}`);
    throw error;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

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

export async function gatherClusterContext(deps: GatherDeps, cluster: Cluster, namespace?: string, progress?: Checklist): Promise<ClusterContext> {
  const addonRow = `add-on ${POD_IDENTITY_ADDON}`;
  const where = namespace ? ` in ${namespace}` : '';
  const [agentAddon, who, kube] = await Promise.all([
    tracked(progress, addonRow, () => readAgent(deps.eks, cluster, deps.reporter), (a) =>
      a === undefined ? { status: 'warn', text: `${addonRow}: could not be read` } : { status: 'ok', text: a === null ? `${addonRow}: not installed` : `${addonRow}: ${a.version}, ${a.status}` },
    ),
    tracked(progress, 'caller identity', async () => {
      const caller = await deps.sts.getCallerIdentity().catch((error: unknown) => {
        if (!isRemoteError(error)) throw error;
        deps.reporter.debug(`cannot read the caller identity: ${error.message}`);
        return undefined;
      });
      return { caller, principal: caller ? await callerPrincipal(deps.iam, caller) : undefined };
    }, ({ caller }) => (caller ? { status: 'ok', text: `caller identity: ${caller.arn}` } : { status: 'warn', text: 'caller identity: could not be read' })),
    tracked(progress, `Kubernetes: service accounts and pods${where}`, () => readKube(deps, namespace), (k) =>
      k.unreadable ? { status: 'warn', text: k.unreadable } : { status: 'ok', text: `Kubernetes: ${plural(k.serviceAccounts?.length ?? 0, 'service account')}, ${plural(k.pods?.length ?? 0, 'pod')}${where}` },
    ),
  ]);
  // Without a checklist the warning is a plain line (apply, associations update).
  if (kube.unreadable && !progress) deps.reporter.warn(kube.unreadable);
  const { unreadable: _unreadable, ...objects } = kube;
  return { cluster, agentAddon, caller: who.caller, callerPrincipal: who.principal, ...objects };
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

export interface FactOptions {
  /** The association of (namespace, SA) when already known (null: none); undefined: look it up. */
  existing?: Association | null;
  /** Roles of the cluster's account as earlier entries of the same run will leave them, by name (apply). */
  planned?: ReadonlyMap<string, Role>;
  progress?: Checklist;
}

/** A role as planned by an earlier entry: by name for a role to create (names are unique per account), else by ARN. */
function plannedRole(planned: ReadonlyMap<string, Role> | undefined, ref: string): Role | undefined {
  if (!planned) return undefined;
  if (!ref.startsWith('arn:')) return planned.get(ref);
  const role = planned.get(parseRoleArn(ref).name);
  return role?.arn === ref ? role : undefined;
}

async function readRole(deps: GatherDeps, ref: string, label: string, opts: FactOptions): Promise<Role | null | undefined> {
  const planned = plannedRole(opts.planned, ref);
  if (planned) return structuredClone(planned);
  const roles = await tracked(opts.progress, `${label} ${ref}`, () => readRoles(deps, [ref]), (r) => {
    const role = r.get(ref);
    return role === undefined ? { status: 'warn', text: `${label} ${ref}: could not be read` } : { status: 'ok', text: `${label} ${ref}: ${role ? 'exists' : 'does not exist'}` };
  });
  return roles.get(ref);
}

export async function gatherAssociateFacts(deps: GatherDeps, ctx: ClusterContext, spec: AssociationSpec, opts: FactOptions = {}): Promise<AssociateFacts> {
  const sa = `${spec.namespace}/${spec.serviceAccount}`;
  const current =
    opts.existing === undefined
      ? await tracked(opts.progress, `association ${sa}`, () => findAssociation(deps.eks, ctx.cluster.name, spec.namespace, spec.serviceAccount), (a) => ({ status: 'ok', text: `association ${sa}: ${a ? a.associationId : 'none yet'}` }))
      : (opts.existing ?? undefined);
  // A role to create is looked up by name: IAM names are unique per account, whatever the path.
  const roleRef = spec.createRole ? spec.createRole.name : spec.roleArn;
  const passTitle = `iam:PassRole of ${spec.roleArn}`;
  const [role, targetRole, pass] = await Promise.all([
    readRole(deps, roleRef, 'role', opts),
    spec.targetRoleArn ? readRole(deps, spec.targetRoleArn, 'target role', opts) : undefined,
    tracked(opts.progress, passTitle, () => passRole(deps, ctx, spec.roleArn), (p) =>
      p.decision === 'unknown'
        ? { status: 'warn', text: `${passTitle}: not simulated${p.detail ? ` (${p.detail})` : ''}` }
        : { status: p.decision === 'allowed' ? 'ok' : 'warn', text: `${passTitle}: ${p.decision} (simulated for ${p.principal})` },
    ),
  ]);
  const key = saKey(spec.namespace, spec.serviceAccount);
  const serviceAccount = ctx.serviceAccounts ? (ctx.serviceAccounts.find((s) => saKey(s.namespace, s.name) === key) ?? null) : undefined;
  return {
    cluster: ctx.cluster,
    agentAddon: ctx.agentAddon,
    existing: current,
    role,
    targetRole,
    serviceAccount,
    pods: ctx.pods?.filter((p) => p.namespace === spec.namespace && p.serviceAccountName === spec.serviceAccount),
    workloads: ctx.workloads?.filter((w) => w.namespace === spec.namespace),
    caller: ctx.caller,
    passRole: pass,
  };
}
