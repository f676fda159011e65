import type { PolicyDocument } from './iam/types.js';
import type { Addon, Association, CallerIdentity, Cluster, Credentials, DaemonSet, Node, Pod, Role, ServiceAccount, Workload } from './model.js';

// The ports commands see (DESIGN.md §2): only the calls podid makes. Every backend implements them
// and throws RemoteError (core/errors.ts) with kind not-found / access-denied / throttled / conflict.

export interface AssociationSummary {
  associationId: string;
  associationArn: string;
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  ownerArn?: string;
}

export interface CreateAssociationInput {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  targetRoleArn?: string;
  disableSessionTags?: boolean;
  policy?: string;
  tags?: Record<string, string>;
  clientRequestToken?: string;
}

export interface UpdateAssociationInput {
  roleArn?: string;
  /** null clears the target role. */
  targetRoleArn?: string | null;
  disableSessionTags?: boolean;
  /** null clears the session policy. */
  policy?: string | null;
  clientRequestToken?: string;
}

export interface AddonConfiguration {
  addonName: string;
  addonVersion: string;
  /** Service accounts the add-on version can use with Pod Identity (empty: not supported). */
  podIdentityServiceAccounts: string[];
}

export interface EksPort {
  listClusters(): Promise<string[]>;
  describeCluster(name: string): Promise<Cluster>;
  /** Walks every page. */
  listAssociations(clusterName: string, filter?: { namespace?: string; serviceAccount?: string }): Promise<AssociationSummary[]>;
  describeAssociation(clusterName: string, associationId: string): Promise<Association>;
  createAssociation(input: CreateAssociationInput): Promise<Association>;
  updateAssociation(clusterName: string, associationId: string, input: UpdateAssociationInput): Promise<Association>;
  deleteAssociation(clusterName: string, associationId: string): Promise<Association>;
  listAddons(clusterName: string): Promise<string[]>;
  describeAddon(clusterName: string, addonName: string): Promise<Addon>;
  describeAddonConfiguration(addonName: string, addonVersion: string): Promise<AddonConfiguration>;
  updateAddonPodIdentity(clusterName: string, addonName: string, associations: { serviceAccount: string; roleArn: string }[]): Promise<void>;
  /** The node instance roles of the cluster's managed node groups (ListNodegroups + DescribeNodegroup), distinct. */
  listNodegroupRoles(clusterName: string): Promise<string[]>;
}

export interface CreateRoleInput {
  name: string;
  path?: string;
  trustPolicy: PolicyDocument;
  description?: string;
  tags?: Record<string, string>;
  maxSessionDuration?: number;
  permissionsBoundaryArn?: string;
}

export interface UpdateRoleInput {
  maxSessionDuration?: number;
  description?: string;
}

export type SimulationDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface IamPort {
  /** Full role: trust, inline and attached policies with documents, tags, boundary. Accepts a name or an ARN. */
  getRole(roleNameOrArn: string): Promise<Role>;
  listRoles(pathPrefix?: string): Promise<Role[]>;
  createRole(input: CreateRoleInput): Promise<Role>;
  updateTrustPolicy(roleName: string, document: PolicyDocument): Promise<void>;
  putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<void>;
  deleteRolePolicy(roleName: string, policyName: string): Promise<void>;
  attachRolePolicy(roleName: string, policyArn: string): Promise<void>;
  detachRolePolicy(roleName: string, policyArn: string): Promise<void>;
  deleteRole(roleName: string): Promise<void>;
  /** IAM UpdateRole: only the fields given change. */
  updateRole(roleName: string, input: UpdateRoleInput): Promise<void>;
  putRolePermissionsBoundary(roleName: string, policyArn: string): Promise<void>;
  /** IAM TagRole: adds or overwrites these keys; other tags of the role stay. */
  tagRole(roleName: string, tags: Record<string, string>): Promise<void>;
  /** IAM SimulatePrincipalPolicy; undefined when the backend or the caller cannot simulate. */
  simulatePrincipalPolicy(principalArn: string, actions: string[], resourceArns: string[], context?: Record<string, string[]>): Promise<Record<string, SimulationDecision> | undefined>;
}

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  externalId?: string;
  policy?: string;
  durationSeconds?: number;
}

export interface AssumedRole {
  credentials: Credentials;
  assumedRoleArn: string;
  assumedRoleId: string;
  packedPolicySize?: number;
}

export interface StsPort {
  getCallerIdentity(): Promise<CallerIdentity>;
  assumeRole(input: AssumeRoleInput, credentials?: Credentials): Promise<AssumedRole>;
}

/** The EKS Auth response (agent-protocol.md §3.3), camelCase as on the wire; expiration in epoch seconds. */
export interface PodIdentityCredentialsResponse {
  subject: { namespace: string; serviceAccount: string };
  audience: string;
  podIdentityAssociation: { associationArn: string; associationId: string };
  assumedRoleUser: { arn: string; assumeRoleId: string };
  credentials: { sessionToken: string; secretAccessKey: string; accessKeyId: string; expiration: number };
}

export type EksAuthErrorCode =
  | 'InvalidTokenException'
  | 'ExpiredTokenException'
  | 'AccessDeniedException'
  | 'InvalidRequestException'
  | 'InvalidParameterException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'ServiceUnavailableException';

export interface EksAuthPort {
  /** Throws RemoteError whose `code` is an EksAuthErrorCode and `httpStatus` the wire status. */
  assumeRoleForPodIdentity(clusterName: string, token: string): Promise<PodIdentityCredentialsResponse>;
}

export interface KubePort {
  listServiceAccounts(namespace?: string): Promise<ServiceAccount[]>;
  getServiceAccount(namespace: string, name: string): Promise<ServiceAccount | undefined>;
  listPods(namespace?: string): Promise<Pod[]>;
  listNodes(): Promise<Node[]>;
  listDaemonSets(namespace?: string): Promise<DaemonSet[]>;
  /** ReplicaSets, Deployments, StatefulSets, DaemonSets, Jobs, CronJobs (owner chains for restart lists). */
  listWorkloads(namespace?: string): Promise<Workload[]>;
  createServiceAccount(namespace: string, name: string, annotations?: Record<string, string>): Promise<ServiceAccount>;
  /** Sets annotations; a null value removes the key. */
  annotateServiceAccount(namespace: string, name: string, annotations: Record<string, string | null>): Promise<ServiceAccount>;
  /** `kubectl rollout restart` for a Deployment, StatefulSet or DaemonSet. */
  restartWorkload(kind: string, namespace: string, name: string): Promise<void>;
  /** Namespaces declared as objects (`kind: Namespace`), so a namespace with no other object still counts as existing; only the manifests backend offers it. */
  listNamespaces?(): Promise<string[]>;
}

/** The bundle a command works with. Each port is built lazily by src/deps.ts for the chosen backend. */
export interface Ports {
  eks: EksPort;
  iam: IamPort;
  sts: StsPort;
  eksAuth: EksAuthPort;
  kube: KubePort;
}
