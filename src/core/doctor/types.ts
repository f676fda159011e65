import type { Addon, Association, Cluster, DaemonSet, Node, Pod, Role, ServiceAccount, Workload } from '../model.js';

// Shapes of `podid doctor`: the facts gathered once (src/services/doctor-facts.ts), the indexes the
// checks share, and what each check returns. Pure data.

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type CheckGroup = 'cluster' | 'agent' | 'association' | 'pod' | 'irsa';

/** What doctor looks at: the whole cluster, one namespace, one service account or one pod. */
export interface DoctorScope {
  namespace?: string;
  serviceAccount?: { namespace: string; name: string };
  pod?: { namespace: string; name: string };
}

export interface DoctorFacts {
  cluster: Cluster;
  scope: DoctorScope;
  /** The eks-pod-identity-agent add-on; null = not installed; undefined = could not be read. */
  agentAddon?: Addon | null;
  /** Kubernetes objects; undefined when Kubernetes could not be read. */
  nodes?: Node[];
  daemonSets?: DaemonSet[];
  serviceAccounts?: ServiceAccount[];
  /** Pods in scope plus the agent's own pods (kube-system). */
  pods?: Pod[];
  workloads?: Workload[];
  /** Described associations in scope (listed once). */
  associations: Association[];
  /**
   * With a scope: the cluster's associations outside it, by role ARN, for the roles the scoped
   * associations use (who else shares the role). undefined = unscoped run, or not read.
   */
  roleUsers?: Map<string, Pick<Association, 'associationId' | 'namespace' | 'serviceAccount' | 'roleArn'>[]>;
  /** Role by ARN; null = does not exist; missing = could not be read. */
  roles: Map<string, Role | null>;
  /**
   * Instance roles of the managed node groups (their roles are in `roles`). undefined = the node
   * groups could not be read: the node-role check is skipped.
   */
  nodeRoleArns?: string[];
  /** The cluster account's AWS Organizations id, when known. */
  organizationId?: string;
  /** When the facts were read (for the exchange's expiry). */
  now: Date;
  /** The --state file doctor read: every podid command of a fix repeats it, so it acts on the same world. */
  statePath?: string;
}

/** Facts plus the lookups every check shares (built once, O(n)). */
export interface DoctorIndex {
  saByKey: Map<string, ServiceAccount>;
  /** Running/pending pods (not agent pods) by "ns/sa". */
  podsBySa: Map<string, Pod[]>;
  /** Service accounts with finished pods (Succeeded/Failed, e.g. CronJob runs). */
  finishedPodSas: Set<string>;
  associationsBySa: Map<string, Association[]>;
  associationsByRole: Map<string, Association[]>;
  nodesByName: Map<string, Node>;
  workloadsByKey: Map<string, Workload>;
  /** Ready-looking agent pods by node name. */
  agentPodsByNode: Map<string, Pod[]>;
}

export interface IndexedFacts extends DoctorFacts {
  index: DoctorIndex;
}

export interface CheckRefs {
  namespace?: string;
  serviceAccount?: string;
  pods?: string[];
  node?: string;
  roleArn?: string;
  associationId?: string;
}

export interface CheckResult {
  /** Stable check id, e.g. "association.trust". */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was checked: "cluster demo", "association inventory/inventory-sync", "pod orders/x", "node y". */
  subject: string;
  detail: string;
  /** A concrete fix: the podid, kubectl or aws command, or the policy change. */
  fix?: string;
  refs?: CheckRefs;
}

export interface CheckDefinition {
  id: string;
  group: CheckGroup;
  title: string;
  /** One line for `--help` and docs. */
  summary: string;
  run: (facts: IndexedFacts) => CheckResult[];
}

export type StatusCounts = Record<CheckStatus, number>;
