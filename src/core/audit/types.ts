import type { Association, Cluster, Role, ServiceAccount } from '../model.js';
import type { Finding } from '../policy/lint/index.js';

// Shapes of `podid audit`: what the service gathers per cluster, and the inventory + findings it
// returns. Pure data.

export interface AuditClusterFacts {
  cluster: Cluster;
  /** The region of the backend that read it (multi-region audits). */
  region?: string;
  associations: Association[];
  /** undefined when Kubernetes could not be read for this cluster. */
  serviceAccounts?: ServiceAccount[];
}

export interface AuditFacts {
  clusters: AuditClusterFacts[];
  /** Role by ARN, read once across clusters; null = does not exist; missing = could not be read. */
  roles: Map<string, Role | null>;
  /** The --state file audit read: every podid command of a fix repeats it, so it acts on the same world. */
  statePath?: string;
}

export interface AssociationRow {
  cluster: string;
  region?: string;
  namespace: string;
  serviceAccount: string;
  associationId: string;
  roleArn: string;
  targetRoleArn?: string;
  sessionTags: 'on' | 'off';
  sessionPolicy: boolean;
  ownerAddon?: string;
  /** undefined = unknown (Kubernetes not read). */
  serviceAccountExists?: boolean;
}

export interface IrsaRow {
  cluster: string;
  region?: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  /** The service account also has a Pod Identity association (migration half done). */
  hasAssociation: boolean;
}

export interface RoleUse {
  cluster: string;
  namespace: string;
  serviceAccount: string;
  via: 'association' | 'target' | 'irsa';
}

export interface RolePermissions {
  managedPolicies: string[];
  inlinePolicies: string[];
  /** Allow of "*" (or iam:* / sts:*-style admin) on "*". */
  admin: boolean;
  /** Allowed actions with a wildcard: "*", "s3:*", "ec2:Describe*". */
  wildcardActions: string[];
  /** Some Allow statement has Resource "*". */
  wildcardResources: boolean;
  /** Uses tags for access decisions (aws:PrincipalTag / aws:ResourceTag / aws:RequestTag, or ${aws:PrincipalTag/…}). */
  abac: boolean;
  /** Managed policies whose document could not be read. */
  unreadable: string[];
}

export interface RoleRow extends Partial<RolePermissions> {
  arn: string;
  name: string;
  accountId: string;
  /** true = read; false = does not exist; undefined = could not be read. */
  exists?: boolean;
  usedBy: RoleUse[];
  /** Lint findings of the trust and permission policies (policy, finding). */
  lint: { policy: string; finding: Finding }[];
}

export type AuditSeverity = 'fail' | 'warn' | 'info';

export interface AuditFinding {
  /** Rule id: PODID-AUDnnn for audit rules, PODID-Xnnn for lint rules. */
  ruleId: string;
  rule: string;
  severity: AuditSeverity;
  subject: string;
  message: string;
  fix?: string;
  cluster?: string;
  namespace?: string;
  serviceAccount?: string;
  roleArn?: string;
}

export interface AuditSummary {
  clusters: number;
  associations: number;
  irsaServiceAccounts: number;
  roles: number;
  fail: number;
  warn: number;
  info: number;
}

export interface AuditReport {
  clusters: { name: string; region?: string; arn: string }[];
  associations: AssociationRow[];
  irsa: IrsaRow[];
  roles: RoleRow[];
  findings: AuditFinding[];
  summary: AuditSummary;
}
