import type { Addon, Association, Cluster, DaemonSet, Node, Pod, Role, ManagedPolicy, ServiceAccount, Workload, InlinePolicy } from '../model.js';

// The shape of a local state document, in core terms. It mirrors stateSchema in
// src/adapters/local/schema.ts (which core may not import); a value of this type is assignable to
// StateDocument, and the demo-state tests parse it with the schema to prove it.

export interface DemoAddon extends Addon {
  /** Service accounts the add-on version supports for Pod Identity (DescribeAddonConfiguration). */
  podIdentityServiceAccounts: string[];
}

export interface DemoClusterState {
  cluster: Cluster;
  addons: DemoAddon[];
  nodes: Node[];
  serviceAccounts: ServiceAccount[];
  pods: Pod[];
  daemonSets: DaemonSet[];
  workloads: Workload[];
  associations: Association[];
  /** Node instance roles of the managed node groups. */
  nodeRoleArns: string[];
}

export interface DemoCaller {
  arn: string;
  account: string;
  userId: string;
  policies: InlinePolicy[];
}

/** A state document without its signing key (the key is generated outside core). */
export interface DemoState {
  schemaVersion: 1;
  kind: 'PodidState';
  caller: DemoCaller;
  clusters: DemoClusterState[];
  roles: Role[];
  managedPolicies: ManagedPolicy[];
}
