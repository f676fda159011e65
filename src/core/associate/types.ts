import type { PolicyDocument, Statement } from '../iam/types.js';
import type { Addon, Association, CallerIdentity, Cluster, Node, Pod, Role, ServiceAccount, Workload } from '../model.js';
import type { TrustScope } from '../policy/types.js';

// Shapes of `podid associate`, `associations update|delete` and `apply`: the desired association
// (validated input), the facts gathered for it, the preflight checks and the plan. Pure data.

export const MANAGED_BY_TAG = 'podid:managed-by';
export const MANAGED_BY_VALUE = 'podid';

/** A role podid creates (or converges, when it already exists with podid's tag). */
export interface RoleSpec {
  name: string;
  /** "/" or "/a/b/". */
  path: string;
  policyArns: string[];
  /** Inline policies: --policy-file (podid-inline) and one per --abac-template (podid-abac-<template>). */
  inlinePolicies: { name: string; document: PolicyDocument }[];
  permissionsBoundaryArn?: string;
  maxSessionDuration?: number;
  /** Includes podid:managed-by=podid. */
  tags: Record<string, string>;
}

/** What the user wants for one (namespace, service account). */
export interface AssociationSpec {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  /** The role to use: given (--role-arn) or the ARN the created role will have. */
  roleArn: string;
  /** Set with --create-role. */
  createRole?: RoleSpec;
  targetRoleArn?: string;
  disableSessionTags: boolean;
  /** Minified JSON of the session policy (requires disableSessionTags). */
  sessionPolicy?: string;
  /** Association tags (podid:managed-by=podid included). */
  tags: Record<string, string>;
  fixTrust: boolean;
  /** How far the trust statement podid adds (--create-role, --fix-trust) reaches; default 'workload'. */
  trustScope: TrustScope;
  createServiceAccount: boolean;
}

export type Decision = 'allowed' | 'denied' | 'unknown';

/** Everything the preflight and the plan look at, gathered once through the ports. */
export interface AssociateFacts {
  cluster: Cluster;
  /** The Pod Identity Agent add-on; null = not installed; undefined = could not be read. */
  agentAddon?: Addon | null;
  /** The existing association of the (namespace, SA), described. */
  existing?: Association;
  /** The role named by roleArn; null = does not exist; undefined = could not be read. */
  role?: Role | null;
  targetRole?: Role | null;
  /** undefined = Kubernetes could not be read. */
  serviceAccount?: ServiceAccount | null;
  pods?: Pod[];
  workloads?: Workload[];
  /** Nodes the SA's pods run on (compute type, OS); undefined = not read. */
  nodes?: Node[];
  /** Does the namespace exist? undefined = cannot tell (Kubernetes unreadable, or partial manifests). */
  namespaceExists?: boolean;
  caller?: CallerIdentity;
  /** iam:PassRole of the caller on roleArn (SimulatePrincipalPolicy), with who was simulated. */
  passRole: { decision: Decision; principal?: string; detail?: string };
}

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface PreflightCheck {
  /** Stable id, e.g. "role.trust". */
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** How to fix it (warn and fail). */
  hint?: string;
}

export interface FieldChange {
  field: 'roleArn' | 'targetRoleArn' | 'disableSessionTags' | 'policy';
  from?: string | boolean;
  to?: string | boolean;
}

export type Step =
  | { kind: 'create-role'; target: string; reason: string; roleName: string; path: string; trustPolicy: PolicyDocument; scope: TrustScope; tags: Record<string, string>; permissionsBoundaryArn?: string; maxSessionDuration?: number }
  /** `statements` are merged (mergeTrust) into the trust as read when the step runs; `trustPolicy` is the document as planned. */
  | { kind: 'update-trust'; target: string; reason: string; roleName: string; trustPolicy: PolicyDocument; statements: Statement[]; added: string[] }
  | { kind: 'attach-policy'; target: string; reason: string; roleName: string; policyArn: string }
  /** Converging a podid-managed role to the requested settings; `from` is the value as read. */
  | { kind: 'update-role'; target: string; reason: string; roleName: string; maxSessionDuration: number; from: number }
  | { kind: 'put-boundary'; target: string; reason: string; roleName: string; policyArn: string; from?: string }
  /** Adds or overwrites `tags` (other tags of the role stay); `from` holds the current values of keys that exist. */
  | { kind: 'tag-role'; target: string; reason: string; roleName: string; tags: Record<string, string>; from: Record<string, string> }
  | { kind: 'put-role-policy'; target: string; reason: string; roleName: string; policyName: string; document: PolicyDocument }
  | { kind: 'create-service-account'; target: string; reason: string; namespace: string; name: string }
  | { kind: 'create-association'; target: string; reason: string; spec: AssociationSpec }
  | { kind: 'update-association'; target: string; reason: string; associationId: string; changes: FieldChange[] }
  | { kind: 'delete-association'; target: string; reason: string; associationId: string }
  | { kind: 'detach-policy'; target: string; reason: string; roleName: string; policyArn: string }
  | { kind: 'delete-role-policy'; target: string; reason: string; roleName: string; policyName: string }
  | { kind: 'delete-role'; target: string; reason: string; roleName: string }
  | { kind: 'restart-workload'; target: string; reason: string; workload: WorkloadRef };

export type StepKind = Step['kind'];

export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

/** Pods that started before the association (or lack the injection): they get no credentials until recreated. */
export interface RestartInfo {
  /** Every such pod (pods on Fargate or Windows nodes excluded: a restart cannot help them). */
  pods: string[];
  workloads: WorkloadRef[];
  /** `kubectl -n NS rollout restart deployment/NAME` for each workload, `kubectl delete pod` for bare pods. */
  commands: string[];
  /** Pods no rollout recreates (bare pods, orphan ReplicaSets). */
  manual: string[];
  /** Pods of Jobs and CronJobs: the next run gets credentials; no command restarts them. */
  jobs: string[];
  /** The existing association changes: every live pod is listed, as it keeps the old credentials until recreated. */
  update?: boolean;
}

/** A live pod of the service account on compute where Pod Identity does not work (no agent). */
export interface UnsupportedPod {
  pod: string;
  node: string;
  compute: 'Fargate' | 'Windows';
}

export interface AssociatePlan {
  steps: Step[];
  /** The existing association, when one matches the (namespace, SA). */
  existingId?: string;
  /** Changes to the existing association (empty when up to date or when creating). */
  changes: FieldChange[];
  /** The role as it will be after the plan (for the preflight); undefined when unknown. */
  effectiveRole?: Role;
  /** Association tags that differ from the existing association (UpdatePodIdentityAssociation cannot change tags). */
  tagDrift?: string[];
  /** Pods of the service account that need a restart to get (new) credentials. */
  restart: RestartInfo;
}
