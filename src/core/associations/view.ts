import { parseRoleArn } from '../arn.js';
import type { Association, Cluster, Pod, Role, ServiceAccount } from '../model.js';

// One association joined with what it touches: its service account, the pods using it, its role
// and target role, session-tag mode and owning add-on. Pure.

export interface RoleSummary {
  arn: string;
  accountId: string;
  /** Same account as the cluster (required for roleArn; targetRoleArn may be anywhere). */
  sameAccount: boolean;
  /** true/false when the role was read; undefined when it could not be read. */
  exists?: boolean;
}

export interface AssociationView {
  associationId: string;
  associationArn: string;
  cluster: string;
  namespace: string;
  serviceAccount: string;
  role: RoleSummary;
  targetRole?: RoleSummary;
  sessionTags: 'enabled' | 'disabled';
  sessionPolicy: boolean;
  externalId?: string;
  /** Add-on name when an EKS add-on owns the association. */
  ownerAddon?: string;
  /** undefined when Kubernetes could not be read. */
  serviceAccountExists?: boolean;
  pods?: number;
  createdAt: string;
  modifiedAt: string;
  tags: Record<string, string>;
}

export interface JoinInput {
  cluster: Cluster;
  serviceAccounts?: ServiceAccount[];
  pods?: Pod[];
  roles: Map<string, Role | null>;
}

/** `arn:aws:eks:region:acct:addon/<cluster>/<addon>/<id>` → addon name. */
export function addonNameOf(ownerArn?: string): string | undefined {
  const match = ownerArn?.match(/:addon\/[^/]+\/([^/]+)/);
  return match?.[1] ?? (ownerArn ? ownerArn : undefined);
}

function roleSummary(arn: string, cluster: Cluster, roles: JoinInput['roles']): RoleSummary {
  let accountId = '';
  try {
    accountId = parseRoleArn(arn).accountId;
  } catch {
    accountId = 'invalid';
  }
  const read = roles.get(arn);
  return { arn, accountId, sameAccount: accountId === cluster.accountId, exists: read === undefined ? undefined : read !== null };
}

export function viewAssociation(association: Association, input: JoinInput): AssociationView {
  const { cluster, serviceAccounts, pods } = input;
  return {
    associationId: association.associationId,
    associationArn: association.associationArn,
    cluster: association.clusterName,
    namespace: association.namespace,
    serviceAccount: association.serviceAccount,
    role: roleSummary(association.roleArn, cluster, input.roles),
    targetRole: association.targetRoleArn ? roleSummary(association.targetRoleArn, cluster, input.roles) : undefined,
    sessionTags: association.disableSessionTags ? 'disabled' : 'enabled',
    sessionPolicy: Boolean(association.policy),
    externalId: association.externalId,
    ownerAddon: addonNameOf(association.ownerArn),
    serviceAccountExists: serviceAccounts?.some((s) => s.namespace === association.namespace && s.name === association.serviceAccount),
    pods: pods?.filter((p) => p.namespace === association.namespace && p.serviceAccountName === association.serviceAccount).length,
    createdAt: association.createdAt,
    modifiedAt: association.modifiedAt,
    tags: association.tags,
  };
}

export const sortViews = (views: AssociationView[]) =>
  [...views].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.serviceAccount.localeCompare(b.serviceAccount));
