import { UsageError } from '../errors.js';

// EKS cluster ARNs for the generators, by the pattern of policies.md §4. Kept apart from
// src/core/arn.ts (which loads @aws-sdk/util-arn-parser) so `podid policy trust` with cluster ARNs
// loads nothing it does not need (DESIGN.md §4 budget: ≤ 2× `node -e 0`).

const CLUSTER_ARN = /^arn:(aws[a-z-]*):eks:([a-z0-9-]+):(\d{12}):cluster\/([a-zA-Z0-9][a-zA-Z0-9_-]{0,99})$/;

export interface ClusterArnParts {
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

export function clusterArnParts(text: string): ClusterArnParts | undefined {
  const m = CLUSTER_ARN.exec(text);
  return m ? { arn: text, partition: m[1], region: m[2], accountId: m[3], name: m[4] } : undefined;
}

/** Parses an EKS cluster ARN or throws a UsageError naming it. */
export function requireClusterArn(text: string, what = 'EKS cluster ARN'): ClusterArnParts {
  const parts = clusterArnParts(text);
  if (!parts) throw new UsageError(`'${text}' is not a valid ${what} (arn:<partition>:eks:<region>:<account>:cluster/<name>)`);
  return parts;
}
