import { UsageError } from '../errors.js';

// EKS cluster ARNs for the generators, by the pattern of policies.md §4. Kept apart from
// src/core/arn.ts (which loads @aws-sdk/util-arn-parser) so `podid policy trust` with cluster ARNs
// loads nothing it does not need (DESIGN.md §4 budget: ≤ 2× `node -e 0`).

/** The AWS partitions: the same list as PARTITIONS in src/core/arn.ts (test/core/policy/generate.test.ts keeps them in step). */
export const KNOWN_PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

export const isKnownPartition = (partition: string) => KNOWN_PARTITIONS.includes(partition);

export const partitionHint = () => `Known partitions: ${KNOWN_PARTITIONS.join(', ')}.`;

const CLUSTER_ARN = /^arn:([a-z][a-z0-9-]*):eks:([a-z0-9-]+):(\d{12}):cluster\/([a-zA-Z0-9][a-zA-Z0-9_-]{0,99})$/;

export interface ClusterArnParts {
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

/** The parts of an EKS cluster ARN; undefined when it is not one (an unknown partition included). */
export function clusterArnParts(text: string): ClusterArnParts | undefined {
  const m = CLUSTER_ARN.exec(text);
  return m && isKnownPartition(m[1]) ? { arn: text, partition: m[1], region: m[2], accountId: m[3], name: m[4] } : undefined;
}

/** Parses an EKS cluster ARN or throws a UsageError naming it. */
export function requireClusterArn(text: string, what = 'EKS cluster ARN'): ClusterArnParts {
  const parts = clusterArnParts(text);
  if (parts) return parts;
  const partition = CLUSTER_ARN.exec(text)?.[1];
  if (partition) throw new UsageError(`'${text}' names an unknown AWS partition '${partition}'`, { hint: partitionHint() });
  throw new UsageError(`'${text}' is not a valid ${what} (arn:<partition>:eks:<region>:<account>:cluster/<name>)`);
}
