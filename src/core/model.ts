import type { PolicyDocument } from './iam/types.js';

// The world podid reads and changes: one EKS cluster, its Kubernetes objects, its associations,
// and the IAM roles they use. Every backend (AWS + Kubernetes, manifests, local state) produces these.

export type Partition = string;

export interface Cluster {
  name: string;
  arn: string;
  accountId: string;
  region: string;
  partition: Partition;
  version?: string;
  platformVersion?: string;
  status: string;
  /** https://oidc.eks.<region>.amazonaws.com/id/<ID> */
  oidcIssuer?: string;
  /** The Kubernetes API server URL (ties a kubeconfig context to this cluster). */
  endpoint?: string;
  /** EKS Auto Mode clusters run the Pod Identity Agent without the add-on. */
  autoMode: boolean;
}

export interface AddonPodIdentity {
  serviceAccount: string;
  associationArn: string;
}

export interface Addon {
  name: string;
  version: string;
  status: string;
  serviceAccountRoleArn?: string;
  podIdentityAssociations: string[];
}

export type ComputeType = 'ec2' | 'fargate' | 'hybrid' | 'auto';

export interface Node {
  name: string;
  os: 'linux' | 'windows';
  computeType: ComputeType;
  labels: Record<string, string>;
}

export interface ServiceAccount {
  namespace: string;
  name: string;
  uid: string;
  annotations: Record<string, string>;
  labels?: Record<string, string>;
  creationTimestamp: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  /** "secretKeyRef:name/key", "configMapKeyRef:…", "fieldRef:…" — where a value comes from, never the secret itself. */
  valueFrom?: string;
}

export interface Container {
  name: string;
  image: string;
  env: EnvVar[];
  volumeMounts: { name: string; mountPath: string }[];
}

export interface ProjectedTokenSource {
  volume: string;
  audience?: string;
  expirationSeconds?: number;
  path: string;
}

export interface OwnerReference {
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface Pod {
  namespace: string;
  name: string;
  uid: string;
  serviceAccountName: string;
  nodeName?: string;
  hostNetwork: boolean;
  phase: string;
  containers: Container[];
  initContainers: Container[];
  /** Service-account token sources of projected volumes (the Pod Identity and IRSA tokens). */
  projectedTokens: ProjectedTokenSource[];
  ownerReferences: OwnerReference[];
  labels: Record<string, string>;
  creationTimestamp: string;
}

export interface DaemonSet {
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  available: number;
  nodeSelector: Record<string, string>;
}

/** Controllers that own pods (for restart lists): ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob. */
export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
  ownerReferences: OwnerReference[];
}

export interface Association {
  associationId: string;
  associationArn: string;
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  targetRoleArn?: string;
  disableSessionTags: boolean;
  /** Inline session policy (JSON string), only with disableSessionTags. */
  policy?: string;
  externalId?: string;
  /** Set when an EKS add-on owns the association. */
  ownerArn?: string;
  tags: Record<string, string>;
  createdAt: string;
  modifiedAt: string;
}

export interface InlinePolicy {
  name: string;
  document: PolicyDocument;
}

export interface ManagedPolicy {
  arn: string;
  name: string;
  document?: PolicyDocument;
}

export interface Role {
  arn: string;
  name: string;
  path: string;
  roleId: string;
  accountId: string;
  trustPolicy: PolicyDocument;
  inlinePolicies: InlinePolicy[];
  attachedPolicies: ManagedPolicy[];
  tags: Record<string, string>;
  maxSessionDuration: number;
  permissionsBoundary?: ManagedPolicy;
  createdAt?: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  accountId?: string;
}

export const POD_IDENTITY_ADDON = 'eks-pod-identity-agent';
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const SESSION_TAG_KEYS = [
  'eks-cluster-arn',
  'eks-cluster-name',
  'kubernetes-namespace',
  'kubernetes-service-account',
  'kubernetes-pod-name',
  'kubernetes-pod-uid',
] as const;
export type SessionTagKey = (typeof SESSION_TAG_KEYS)[number];

export const saKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** DNS-1123 label (namespaces) and subdomain (service-account names), as Kubernetes validates them. */
export const isDnsLabel = (text: string) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text) && text.length <= 63;
export const isDnsSubdomain = (text: string) =>
  text.length <= 253 && text.split('.').every((part) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(part));
