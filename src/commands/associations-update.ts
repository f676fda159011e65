import { addonOf, resolveSpec, type AssociateInput } from '../core/associate/index.js';
import type { AssociationRef } from '../core/associate/ref.js';
import { UsageError, UserError } from '../core/errors.js';
import type { Association, Cluster } from '../core/model.js';
import { describeClusterOrFail, gatherClusterContext } from '../services/associate-gather.js';
import { decideAndApply, prepare, type AssociateDeps, type AssociateOptions, type AssociateResult } from './associate.js';
import { lookupAssociation, noAssociation, resolveRef } from './associations-ref.js';

// `podid associations update ID|NS/SA`: change role, target role, session tags or session policy
// of one association, with the associate preflight on the result. Add-on-owned ones are refused.

export interface AssociationsUpdateOptions extends Pick<AssociateOptions, 'approve' | 'check' | 'confirm' | 'fixTrust' | 'statePath' | 'restart'> {
  ref: string;
  roleArn?: string;
  /** null: --no-target-role. */
  targetRoleArn?: string | null;
  /** true: --disable-session-tags; false: --enable-session-tags. */
  disableSessionTags?: boolean;
  /** Text of --session-policy; null: --no-session-policy. */
  sessionPolicy?: string | null;
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
  // podid: keys are podid's own (resolveSpec adds podid:managed-by); the rest are kept as they are.
  const tags = Object.fromEntries(Object.entries(existing.tags).filter(([k]) => !k.startsWith('podid:')));
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

/** The association `text` names, read in full (undefined when there is none); refused when an add-on owns it (update and delete). */
export async function changeableAssociation(text: string, deps: AssociateDeps, verb: 'update' | 'delete'): Promise<{ cluster: Cluster; ref: AssociationRef; association?: Association }> {
  const { ref, clusterName } = resolveRef(text, deps);
  const cluster = await describeClusterOrFail(deps.eks, clusterName);
  const association = await lookupAssociation(deps.eks, cluster.name, ref, cluster);
  if (association) refuseAddonOwned(association, verb);
  return { cluster, ref, association };
}

export async function associationsUpdate(opts: AssociationsUpdateOptions, deps: AssociateDeps): Promise<AssociateResult> {
  const { cluster, ref, association: existing } = await changeableAssociation(opts.ref, deps, 'update');
  if (!existing) throw noAssociation(ref, cluster.name);
  const spec = resolveSpec(inputFor(existing, opts), cluster);
  const ctx = await gatherClusterContext(deps, cluster, spec.namespace);
  const prepared = await prepare(deps, ctx, spec, { existing, statePath: opts.statePath, restart: opts.restart });
  return decideAndApply(prepared, opts, deps);
}
