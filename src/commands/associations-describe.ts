import { viewAssociation, type AssociationView } from '../core/associations/view.js';
import type { Role } from '../core/model.js';
import type { Deps } from '../deps.js';
import { gatherAssociations } from '../services/associations.js';
import { lookupAssociation, noAssociation, resolveRef } from './associations-ref.js';

export interface AssociationsDescribeOptions {
  /** Association id, NS/SA or association ARN. */
  ref: string;
}

export interface AssociationsDescribeResult {
  association: AssociationView;
  /** The role's trust policy and permissions as read, when readable. */
  role?: Role;
  targetRole?: Role;
  /** Names of the pods using the service account. */
  pods: string[];
}

export async function associationsDescribe(opts: AssociationsDescribeOptions, deps: Pick<Deps, 'eks' | 'iam' | 'kube' | 'reporter' | 'clusterName'>): Promise<AssociationsDescribeResult> {
  const { ref, clusterName } = resolveRef(opts.ref, deps);
  const association = await lookupAssociation(deps.eks, clusterName, ref);
  if (!association) throw noAssociation(ref, clusterName);
  const facts = await gatherAssociations(deps, clusterName, { namespace: association.namespace, serviceAccount: association.serviceAccount });
  const view = viewAssociation(association, facts);
  return {
    association: view,
    role: facts.roles.get(association.roleArn) ?? undefined,
    targetRole: association.targetRoleArn ? (facts.roles.get(association.targetRoleArn) ?? undefined) : undefined,
    pods: (facts.pods ?? []).filter((p) => p.namespace === association.namespace && p.serviceAccountName === association.serviceAccount).map((p) => p.name),
  };
}
