import type { PolicyDocument, Statement } from '../iam/types.js';

// Shapes shared by podid's policy generators and linter (pure data).

export type { PolicyDocument, Statement };

export const POLICY_VERSION = '2012-10-17';
export const TRUST_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'] as const;

/** One Pod Identity workload: a service account in a namespace of a cluster (by ARN). */
export interface Workload {
  clusterArn: string;
  namespace: string;
  serviceAccount: string;
}

/** A workload as typed on the command line: the cluster may still be a name, the SA may be absent (namespace scope). */
export interface WorkloadSpec {
  cluster: string;
  namespace: string;
  serviceAccount?: string;
}

/** How wide a first-hop trust statement reaches. */
export type TrustScope = 'workload' | 'namespace' | 'cluster' | 'account' | 'org';
export const TRUST_SCOPES: readonly TrustScope[] = ['workload', 'namespace', 'cluster', 'account', 'org'];

export type SessionTagsMode = 'on' | 'off';

export type Severity = 'error' | 'warning' | 'info';
