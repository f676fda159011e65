import { sortViews, viewAssociation, type AssociationView } from '../core/associations/view.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { gatherAssociations } from '../services/associations.js';

export interface AssociationsListOptions {
  namespace?: string;
  serviceAccount?: string;
}

export interface AssociationsListResult {
  cluster: string;
  /** The -n / -s filter, when one was given. */
  filter?: AssociationsListOptions;
  associations: AssociationView[];
}

export async function associationsList(opts: AssociationsListOptions, deps: Pick<Deps, 'eks' | 'iam' | 'kube' | 'reporter' | 'clusterName'>): Promise<AssociationsListResult> {
  const clusterName = requireCluster(deps);
  const facts = await gatherAssociations(deps, clusterName, { namespace: opts.namespace, serviceAccount: opts.serviceAccount });
  const filter = opts.namespace || opts.serviceAccount ? { ...(opts.namespace ? { namespace: opts.namespace } : {}), ...(opts.serviceAccount ? { serviceAccount: opts.serviceAccount } : {}) } : undefined;
  return { cluster: facts.cluster.name, ...(filter ? { filter } : {}), associations: sortViews(facts.associations.map((a) => viewAssociation(a, facts))) };
}
