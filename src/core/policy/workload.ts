import { requireClusterArn } from './cluster-arn.js';
import { UsageError } from '../errors.js';
import { isDnsLabel, isDnsSubdomain } from '../model.js';
import type { Workload, WorkloadSpec } from './types.js';

// Parsing `-w CLUSTER_ARN_OR_NAME:NAMESPACE[:SERVICE_ACCOUNT]` and checking the Kubernetes names.

const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,99}$/;

/** Splits a workload flag. A cluster ARN keeps its own colons (its first six fields). */
export function parseWorkloadSpec(text: string, flag = '-w, --workload'): WorkloadSpec {
  const parts = text.split(':');
  const clusterFields = text.startsWith('arn:') ? 6 : 1;
  const cluster = parts.slice(0, clusterFields).join(':');
  const rest = parts.slice(clusterFields);
  if (!cluster || rest.length < 1 || rest.length > 2 || rest.some((p) => !p)) {
    throw new UsageError(`option '${flag}' expects CLUSTER:NAMESPACE:SERVICE_ACCOUNT (CLUSTER is a name or an EKS cluster ARN), got '${text}'`);
  }
  return checkWorkloadSpec({ cluster, namespace: rest[0], serviceAccount: rest[1] }, flag);
}

/** Validates the names of a workload (cluster name or ARN, DNS-1123 namespace and SA). */
export function checkWorkloadSpec(spec: WorkloadSpec, flag = '-w, --workload'): WorkloadSpec {
  if (spec.cluster.startsWith('arn:')) {
    try {
      requireClusterArn(spec.cluster);
    } catch (error) {
      throw new UsageError(`option '${flag}': ${(error as Error).message}`, { hint: (error as UsageError).hint });
    }
  } else if (!CLUSTER_NAME.test(spec.cluster)) {
    throw new UsageError(`option '${flag}': '${spec.cluster}' is not a valid EKS cluster name or ARN`);
  }
  if (!isDnsLabel(spec.namespace)) throw new UsageError(`option '${flag}': '${spec.namespace}' is not a valid Kubernetes namespace (a DNS-1123 label)`);
  if (spec.serviceAccount !== undefined && !isDnsSubdomain(spec.serviceAccount)) {
    throw new UsageError(`option '${flag}': '${spec.serviceAccount}' is not a valid service account name (a DNS-1123 subdomain)`);
  }
  return spec;
}

export const isClusterArn = (cluster: string) => cluster.startsWith('arn:');

/** A workload whose cluster is already an ARN. */
export function toWorkload(spec: WorkloadSpec, clusterArn: string): Workload {
  return { clusterArn, namespace: spec.namespace, serviceAccount: spec.serviceAccount ?? '' };
}

/** Short human form: cluster-name/namespace/sa. */
export function workloadLabel(w: { clusterArn: string; namespace: string; serviceAccount?: string }): string {
  const name = w.clusterArn.slice(w.clusterArn.indexOf('cluster/') + 'cluster/'.length);
  return [name, w.namespace, w.serviceAccount].filter(Boolean).join('/');
}
