import type { PolicyDocument, Statement } from '../iam/types.js';
import type { Addon, Association, Cluster, Node, Pod, Role, ServiceAccount, Workload } from '../model.js';

// Shapes of the IRSA → Pod Identity migration: facts (gathered), options, the plan (pure data,
// serialisable) and the journal of an applied run.

/** IRSA annotations podid reads from a service account. */
export const IRSA_ANNOTATIONS = {
  roleArn: 'eks.amazonaws.com/role-arn',
  audience: 'eks.amazonaws.com/audience',
  stsRegionalEndpoints: 'eks.amazonaws.com/sts-regional-endpoints',
  tokenExpiration: 'eks.amazonaws.com/token-expiration',
} as const;

export interface AddonFacts {
  addon: Addon;
  /** Service accounts the add-on version can use with Pod Identity (DescribeAddonConfiguration). */
  podIdentityServiceAccounts: string[];
}

export interface MigrationFacts {
  cluster: Cluster;
  /** Annotated service accounts after the filters. */
  serviceAccounts: ServiceAccount[];
  /** Associations of the cluster (described, so roleArn is known), listed once. */
  associations: Association[];
  addons: AddonFacts[];
  /** undefined: add-ons could not be read. */
  agentInstalled: boolean;
  pods: Pod[];
  workloads: Workload[];
  nodes: Node[];
  /** Role by ARN; null = not found; missing = could not be read (e.g. another account on AWS). */
  roles: Map<string, Role | null>;
}

export interface MigrationOptions {
  removeOidcTrust: boolean;
  removeAnnotations: boolean;
  restart: boolean;
  /** false with --no-bridge-roles: cross-account roles are blocked instead of bridged. */
  bridgeRoles: boolean;
  /** Trust policy size quota (minified JSON characters). */
  trustQuota: number;
}

export const DEFAULT_OPTIONS: MigrationOptions = { removeOidcTrust: false, removeAnnotations: false, restart: false, bridgeRoles: true, trustQuota: 2048 };

export interface SaFilter {
  namespaces?: string[];
  /** Label selector on the service account: k=v pairs, all must match. */
  selector?: Record<string, string>;
  /** "ns/sa" keys to leave out. */
  exclude?: string[];
  /** false: leave EKS add-ons out (--manifests without --include-addons). The filters above apply to add-ons too, by their "ns/sa". */
  addons?: boolean;
}

export type RiskLevel = 'info' | 'warn' | 'block' | 'skip';

export type RiskId =
  | 'malformed-arn'
  | 'other-partition'
  | 'role-missing'
  | 'role-unreadable'
  | 'path-role'
  | 'shared-role'
  | 'trust-quota'
  | 'cross-account'
  | 'addon-owned'
  | 'addon-unsupported'
  | 'fargate'
  | 'windows'
  | 'host-network'
  | 'irsa-settings'
  | 'restart-required'
  | 'manual-restart'
  | 'unscoped-trust'
  | 'oidc-wildcard'
  | 'oidc-deferred'
  | 'association-conflict'
  | 'bridge-conflict'
  | 'no-agent';

export interface Risk {
  id: RiskId;
  level: RiskLevel;
  message: string;
  /** What to do about it (blocked and skipped entries always have one). */
  fix?: string;
}

export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

interface StepBase {
  /** Stable id: the same change gets the same id in every plan (journal resume key). */
  id: string;
  /** The entry ("ns/sa" or "addon:<name>") the step belongs to. */
  entry: string;
  /** 1 bridge roles · 2 trust · 3 associations · 4 restarts · 5 annotation and OIDC-trust removal. */
  phase: 1 | 2 | 3 | 4 | 5;
  description: string;
}

export type Step =
  | (StepBase & { kind: 'create-role'; roleName: string; roleArn: string; trustPolicy: PolicyDocument; policyName: string; permissionPolicy: PolicyDocument; tags: Record<string, string> })
  | (StepBase & { kind: 'add-trust'; roleArn: string; statement: Statement; purpose: 'pod-identity' | 'target-trust'; namespace: string; serviceAccount: string })
  | (StepBase & { kind: 'create-association'; namespace: string; serviceAccount: string; roleArn: string; targetRoleArn?: string })
  | (StepBase & { kind: 'update-addon'; addon: string; serviceAccount: string; roleArn: string })
  | (StepBase & { kind: 'restart'; workload: WorkloadRef })
  | (StepBase & { kind: 'remove-oidc-trust'; roleArn: string; providerArn: string; subject: string; namespace: string; serviceAccount: string; verifyRoleArn: string })
  | (StepBase & { kind: 'remove-annotation'; namespace: string; serviceAccount: string; keys: string[]; verifyRoleArn: string });

export type StepKind = Step['kind'];

export type EntryStatus = 'pending' | 'done' | 'blocked' | 'skipped';

export interface IrsaSettings {
  audience?: string;
  stsRegionalEndpoints?: string;
  tokenExpiration?: string;
}

export interface PlanEntry {
  /** "ns/sa" or "addon:<name>". */
  id: string;
  kind: 'service-account' | 'addon';
  namespace: string;
  serviceAccount: string;
  addon?: string;
  /** The IRSA role (annotation or add-on serviceAccountRoleArn). */
  irsaRoleArn: string;
  /** The association to have: role in the cluster account (a bridge for cross-account IRSA) and target. */
  association?: { roleArn: string; targetRoleArn?: string };
  status: EntryStatus;
  /** Why blocked or skipped, with the fix. */
  reason?: string;
  fix?: string;
  /**
   * Removals asked for (--remove-annotations, --remove-oidc-trust) that wait until no pod of the SA
   * runs with IRSA: the entry stays pending (even with no step to apply now) until they are done.
   */
  waiting?: { removals: string[]; reason: string; fix: string };
  risks: Risk[];
  irsa: IrsaSettings;
  pods: number;
  /** Workloads whose pods still run with IRSA credentials. */
  restart: WorkloadRef[];
  /** Step ids of this entry, in execution order. */
  steps: string[];
}

export interface TrustChange {
  roleArn: string;
  /** The role's account differs from the cluster's (target role of a bridge). */
  otherAccount: boolean;
  /** The plan creates the role (a bridge); otherwise it changes an existing role's trust. */
  created: boolean;
  after: PolicyDocument;
  /** The role could not be read (another account, on AWS): `after` holds only the statements the plan adds, not the whole trust. */
  partial?: boolean;
  /** Minified JSON length of `after` at its largest (before removals). */
  peakSize: number;
  entries: string[];
}

export interface MigrationSummary {
  entries: number;
  serviceAccounts: number;
  addons: number;
  pending: number;
  done: number;
  blocked: number;
  skipped: number;
  steps: number;
  /** Restart steps (with --restart). */
  restarts: number;
  /** Without --restart: workloads that keep IRSA credentials until someone restarts them (advice, not steps). */
  restartAdvice?: number;
  /** Pending entries whose requested removals wait for pods still on IRSA (`PlanEntry.waiting`). */
  waiting?: number;
}

export interface MigrationPlan {
  cluster: { name: string; arn: string; accountId: string; partition: string; oidcIssuer?: string };
  options: MigrationOptions;
  entries: PlanEntry[];
  /** Pending steps in execution order (phase, then entry order). */
  steps: Step[];
  trustChanges: TrustChange[];
  warnings: string[];
  summary: MigrationSummary;
}

// ---- journal --------------------------------------------------------------------------------

export const JOURNAL_KIND = 'PodidMigrationJournal';
export const JOURNAL_VERSION = 1;

export type JournalState = 'started' | 'done' | 'failed' | 'skipped' | 'rolled-back';

export interface JournalPrior {
  /** Exact JSON of the role's trust policy before the change. */
  trustPolicyJson?: string;
  /** Annotation values before the change (null: the key was absent). */
  annotations?: Record<string, string | null>;
  /** Whether the role / association already existed before the step. */
  existed?: boolean;
  /** The add-on's Pod Identity associations (ARNs) before UpdateAddon. */
  addonAssociations?: string[];
}

export interface JournalRecord {
  step: Step;
  state: JournalState;
  prior: JournalPrior;
  result?: { associationId?: string; roleArn?: string; note?: string };
  error?: string;
  startedAt: string;
  finishedAt?: string;
}

export interface Journal {
  kind: typeof JOURNAL_KIND;
  version: typeof JOURNAL_VERSION;
  cluster: { name: string; arn: string };
  options: MigrationOptions;
  createdAt: string;
  updatedAt: string;
  status: 'running' | 'failed' | 'done' | 'rolled-back';
  records: JournalRecord[];
  /** Entries ("ns/sa", "addon:<name>") an --interactive run was restricted to; absent: the whole plan. --resume keeps to them. */
  selection?: string[];
  /** -n / --selector / --exclude of the run; absent: the whole cluster. --resume keeps to them. */
  filter?: SaFilter;
}
