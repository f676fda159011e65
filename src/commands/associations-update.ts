import { addonOf, MANAGED_BY_TAG, resolveSpec, type AssociateInput } from '../core/associate/index.js';
import { UsageError, UserError } from '../core/errors.js';
import { isDnsLabel, isDnsSubdomain, type Association, type Cluster } from '../core/model.js';
import { requireCluster } from '../deps.js';
import { resolveAssociationId } from '../services/associations.js';
import { describeClusterOrFail, gatherClusterContext } from '../services/associate-gather.js';
import { decideAndApply, prepare, type AssociateDeps, type AssociateOptions, type AssociateResult } from './associate.js';

// `podid associations update ID|NS/SA`: change role, target role, session tags or session policy
// of one association, with the associate preflight on the result. Add-on-owned ones are refused.

export interface AssociationsUpdateOptions extends Pick<AssociateOptions, 'approve' | 'check' | 'confirm' | 'fixTrust'> {
  ref: string;
  roleArn?: string;
  /** null: --no-target-role. */
  targetRoleArn?: string | null;
  /** true: --disable-session-tags; false: --enable-session-tags. */
  disableSessionTags?: boolean;
  /** Text of --session-policy; null: --no-session-policy. */
  sessionPolicy?: string | null;
}

/** An association id as EKS issues them (a-…). */
const ASSOCIATION_ID = /^a-[a-z0-9]+$/;

/** `ID` or `NAMESPACE/SERVICE_ACCOUNT`; anything else is a usage error before any call. */
export function checkAssociationRef(ref: string): void {
  const parts = ref.split('/');
  const ok = parts.length === 2 ? isDnsLabel(parts[0]) && isDnsSubdomain(parts[1]) : parts.length === 1 && ASSOCIATION_ID.test(ref);
  if (!ok) throw new UsageError(`'${ref}' is neither an association id (a-…) nor NAMESPACE/SERVICE_ACCOUNT`, { hint: 'List them with: podid associations list' });
}

export function refuseAddonOwned(a: Association, verb: string): void {
  if (!a.ownerArn) return;
  const addon = addonOf(a.ownerArn);
  throw new UserError(`association ${a.associationId} (${a.namespace}/${a.serviceAccount}) is owned by the EKS add-on ${addon}; podid does not ${verb} it`, {
    hint: `Change it through the add-on: aws eks update-addon --cluster-name ${a.clusterName} --addon-name ${addon} --pod-identity-associations …`,
  });
}

function inputFor(existing: Association, opts: AssociationsUpdateOptions): AssociateInput {
  if (opts.roleArn === undefined && opts.targetRoleArn === undefined && opts.disableSessionTags === undefined && opts.sessionPolicy === undefined) {
    throw new UsageError('nothing to update: pass --role-arn, --target-role-arn/--no-target-role, --disable-session-tags/--enable-session-tags or --session-policy/--no-session-policy');
  }
  const disableSessionTags = opts.disableSessionTags ?? existing.disableSessionTags;
  const sessionPolicy = opts.sessionPolicy === null ? undefined : (opts.sessionPolicy ?? existing.policy);
  if (sessionPolicy !== undefined && !disableSessionTags) {
    throw new UsageError(
      opts.disableSessionTags === false && opts.sessionPolicy === undefined
        ? "option '--enable-session-tags': the association has a session policy, which requires session tags off; add --no-session-policy"
        : "option '--session-policy' requires session tags off: add --disable-session-tags",
    );
  }
  const tags = Object.fromEntries(Object.entries(existing.tags).filter(([k]) => k !== MANAGED_BY_TAG));
  return {
    namespace: existing.namespace,
    serviceAccount: existing.serviceAccount,
    roleArn: opts.roleArn ?? existing.roleArn,
    targetRoleArn: opts.targetRoleArn === null ? undefined : (opts.targetRoleArn ?? existing.targetRoleArn),
    disableSessionTags,
    sessionPolicy,
    tags,
    fixTrust: opts.fixTrust,
  };
}

/** The association `ref` names, read in full; refused when an add-on owns it (update and delete). */
export async function changeableAssociation(ref: string, deps: AssociateDeps, verb: 'update' | 'delete'): Promise<{ cluster: Cluster; association: Association }> {
  checkAssociationRef(ref);
  const cluster = await describeClusterOrFail(deps.eks, requireCluster(deps));
  const id = await resolveAssociationId(deps.eks, cluster.name, ref);
  const association = await deps.eks.describeAssociation(cluster.name, id);
  refuseAddonOwned(association, verb);
  return { cluster, association };
}

export async function associationsUpdate(opts: AssociationsUpdateOptions, deps: AssociateDeps): Promise<AssociateResult> {
  const { cluster, association: existing } = await changeableAssociation(opts.ref, deps, 'update');
  const spec = resolveSpec(inputFor(existing, opts), cluster);
  const ctx = await gatherClusterContext(deps, cluster, spec.namespace);
  const prepared = await prepare(deps, ctx, spec, { existing });
  return decideAndApply(prepared, opts, deps);
}
