import pLimit from 'p-limit';
import { isManagedRole, MANAGED_BY_TAG, MANAGED_BY_VALUE, type CheckStatus, type PreflightCheck, type Step } from '../core/associate/index.js';
import { EXIT, isRemoteError } from '../core/errors.js';
import type { Association, Role } from '../core/model.js';
import type { EksPort } from '../core/ports.js';
import { applySteps, type StepOutcome } from '../services/associate-apply.js';
import type { AssociateDeps, AssociateStatus } from './associate.js';
import { refText } from '../core/associate/ref.js';
import { changeableAssociation } from './associations-update.js';

// `podid associations delete ID|NS/SA [--delete-role]`: the association, and with --delete-role
// its role too — only a role podid created (tag podid:managed-by=podid) that no other association uses.

export interface AssociationsDeleteOptions {
  ref: string;
  deleteRole?: boolean;
  approve?: boolean;
  check?: boolean;
  confirm?: (preview: AssociationsDeleteResult) => Promise<boolean>;
}

export interface AssociationsDeleteResult {
  cluster: string;
  /** The reference as given. */
  ref: string;
  /** Absent when there is no such association (status 'absent'). */
  association?: Association;
  /** absent: nothing to delete (like kubectl delete --ignore-not-found), exit 0. */
  status: Exclude<AssociateStatus, 'up-to-date'> | 'absent';
  checks: PreflightCheck[];
  steps: Step[];
  applied?: StepOutcome[];
}

/** Associations (any cluster the caller can list) other than `except` whose role or target role is `roleArn`. */
export async function associationsUsingRole(eks: EksPort, roleArn: string, except: string): Promise<string[]> {
  const limit = pLimit(8);
  const clusters = await eks.listClusters();
  const found = await Promise.all(
    clusters.map(async (cluster) => {
      const summaries = await eks.listAssociations(cluster);
      const described = await Promise.all(summaries.filter((s) => s.associationId !== except).map((s) => limit(() => eks.describeAssociation(cluster, s.associationId))));
      return described.filter((a) => a.roleArn === roleArn || a.targetRoleArn === roleArn).map((a) => `${cluster}:${a.namespace}/${a.serviceAccount} (${a.associationId})`);
    }),
  );
  return found.flat();
}

const check = (id: string, title: string, status: CheckStatus, detail: string, hint?: string): PreflightCheck => ({ id, title, status, detail, ...(hint ? { hint } : {}) });

function roleSteps(role: Role): Step[] {
  return [
    ...role.attachedPolicies.map((p): Step => ({ kind: 'detach-policy', target: role.arn, reason: 'a role must have no policies before it is deleted', roleName: role.name, policyArn: p.arn })),
    ...role.inlinePolicies.map((p): Step => ({ kind: 'delete-role-policy', target: role.arn, reason: 'a role must have no policies before it is deleted', roleName: role.name, policyName: p.name })),
    { kind: 'delete-role', target: role.arn, reason: 'requested with --delete-role', roleName: role.name },
  ];
}

async function roleChecks(deps: AssociateDeps, association: Association): Promise<{ checks: PreflightCheck[]; steps: Step[] }> {
  let role: Role | null;
  try {
    role = await deps.iam.getRole(association.roleArn);
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    if (error.kind !== 'not-found') return { checks: [check('role.readable', 'role can be read', 'fail', `cannot read role ${association.roleArn}: ${error.message}`)], steps: [] };
    role = null;
  }
  if (!role) return { checks: [check('role.exists', 'role exists', 'warn', `role ${association.roleArn} does not exist; nothing to delete`)], steps: [] };
  const checks: PreflightCheck[] = [];
  if (isManagedRole(role)) checks.push(check('role.managed', 'role was created by podid', 'ok', `role ${role.arn} is tagged ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE}`));
  else checks.push(check('role.managed', 'role was created by podid', 'fail', `role ${role.arn} is not tagged ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE}; podid deletes only roles it created`, 'Delete the association without --delete-role, and the role by hand if it is really unused.'));
  const users = await associationsUsingRole(deps.eks, role.arn, association.associationId);
  if (users.length) checks.push(check('role.unused', 'no other association uses the role', 'fail', `role ${role.name} is also used by ${users.join(', ')}`, 'Keep the role (delete without --delete-role), or move those associations first.'));
  else checks.push(check('role.unused', 'no other association uses the role', 'ok', 'no other association in the clusters podid can list uses the role'));
  return { checks, steps: roleSteps(role) };
}

export async function associationsDelete(opts: AssociationsDeleteOptions, deps: AssociateDeps): Promise<AssociationsDeleteResult> {
  const { cluster, ref, association } = await changeableAssociation(opts.ref, deps, 'delete');
  if (!association) {
    deps.reporter.info(`no association ${refText(ref)} in cluster ${cluster.name}; nothing to delete`);
    return { cluster: cluster.name, ref: opts.ref, status: 'absent', checks: [], steps: [] };
  }
  const target = `${association.namespace}/${association.serviceAccount}`;
  const steps: Step[] = [{ kind: 'delete-association', target, reason: 'requested', associationId: association.associationId }];
  const checks: PreflightCheck[] = [];
  if (opts.deleteRole) {
    const role = await roleChecks(deps, association);
    checks.push(...role.checks);
    steps.push(...role.steps);
  }
  const blocked = checks.some((c) => c.status === 'fail');
  const result: AssociationsDeleteResult = { cluster: cluster.name, ref: opts.ref, association, status: blocked ? 'blocked' : 'planned', checks, steps };
  if (blocked || opts.check) return result;
  if (!(opts.approve || (opts.confirm ? await opts.confirm(result) : false))) return result;
  const outcome = await applySteps(steps, cluster.name, deps);
  return { ...result, status: outcome.ok ? 'applied' : 'failed', applied: outcome.outcomes };
}

export function deleteExitCode(result: Pick<AssociationsDeleteResult, 'status'>, check?: boolean): number {
  if (result.status === 'blocked' || result.status === 'failed') return EXIT.failure;
  return check && result.status === 'planned' ? EXIT.pending : EXIT.ok;
}
