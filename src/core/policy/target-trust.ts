import { parseRoleArn } from '../arn.js';
import { clusterArnParts, requireClusterArn } from './cluster-arn.js';
import { UsageError } from '../errors.js';
import { sidFrom } from './sid.js';
import { POLICY_VERSION, TRUST_ACTIONS, type PolicyDocument, type SessionTagsMode, type Statement, type Workload } from './types.js';

// Role chaining with an association's targetRoleArn (policies.md §2): EKS assumes the Pod Identity
// (source) role, then uses it to assume the target role. The target trusts the source role: the
// cluster account as principal narrowed by ArnEquals aws:PrincipalArn, plus the aws:RequestTag/*
// session tags (transitive from the first hop) or, with session tags off, sts:ExternalId.

export interface TargetTrustInput {
  sourceRoleArn: string;
  targetRoleArn: string;
  sessionTags?: SessionTagsMode;
  /** Required with session tags on. */
  workload?: Workload;
  /** Required with session tags off: the association's externalId (read it from the association, do not build it). */
  externalId?: string;
}

export interface TargetTrustGeneration {
  /** Trust policy for the target role. */
  targetTrust: PolicyDocument;
  /** Permission policy for the source (Pod Identity) role: assume and tag into the target only. */
  sourcePermissions: PolicyDocument;
  warnings: string[];
}

const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function targetTrustStatements(input: TargetTrustInput): Statement[] {
  const source = parseRoleArn(input.sourceRoleArn);
  const principal = { AWS: `arn:${source.partition}:iam::${source.accountId}:root` };
  const principalArn = { 'aws:PrincipalArn': source.arn };
  if (input.sessionTags === 'off') {
    if (!input.externalId) throw new UsageError('session tags off needs --external-id (the association\'s externalId) or --association', { hint: 'Read it with: podid associations describe NS/SA' });
    if (!EXTERNAL_ID.test(input.externalId)) throw new UsageError(`'${input.externalId}' is not a valid external id (2–1224 characters of [\\w+=,.@:/-])`);
    return [
      { Sid: sidFrom('PodIdentityChainFrom', source.name), Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', Condition: { ArnEquals: principalArn, StringEquals: { 'sts:ExternalId': input.externalId } } },
      { Sid: sidFrom('PodIdentityChainTagsFrom', source.name), Effect: 'Allow', Principal: principal, Action: 'sts:TagSession', Condition: { ArnEquals: principalArn } },
    ];
  }
  const w = input.workload;
  if (!w?.serviceAccount) throw new UsageError('a target trust with session tags needs the workload: -w CLUSTER_ARN:NAMESPACE:SERVICE_ACCOUNT, -c/-n/-s or --association');
  const cluster = requireClusterArn(w.clusterArn);
  if (cluster.accountId !== source.accountId) {
    throw new UsageError(`source role ${source.arn} is not in the cluster's account ${cluster.accountId}; a Pod Identity role must be in its cluster's account`);
  }
  return [
    {
      Sid: sidFrom('PodIdentityChain', cluster.name, w.namespace, w.serviceAccount),
      Effect: 'Allow',
      Principal: principal,
      Action: [...TRUST_ACTIONS],
      Condition: {
        ArnEquals: principalArn,
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': w.clusterArn,
          'aws:RequestTag/kubernetes-namespace': w.namespace,
          'aws:RequestTag/kubernetes-service-account': w.serviceAccount,
        },
      },
    },
  ];
}

/** The source role's side: sts:AssumeRole + sts:TagSession on the target role only. */
export function sourceRolePermissionStatement(targetRoleArn: string): Statement {
  const target = parseRoleArn(targetRoleArn);
  return { Sid: sidFrom('AssumeTarget', target.name), Effect: 'Allow', Action: [...TRUST_ACTIONS], Resource: target.arn };
}

export function targetTrustPolicyFor(input: TargetTrustInput): TargetTrustGeneration {
  const target = parseRoleArn(input.targetRoleArn);
  const warnings: string[] = [];
  const source = parseRoleArn(input.sourceRoleArn);
  if (target.arn === source.arn) throw new UsageError('the target role is the source role; a targetRoleArn must name another role');
  // A role can only assume roles of its own partition, and session tags from a cluster of another
  // partition can never match a source role session there.
  if (target.partition !== source.partition) {
    throw new UsageError(`target role ${target.arn} is in partition ${target.partition}, source role ${source.arn} in ${source.partition}; role chaining cannot cross partitions`);
  }
  const cluster = input.workload?.clusterArn ? clusterArnParts(input.workload.clusterArn) : undefined;
  if (cluster && cluster.partition !== source.partition) {
    throw new UsageError(`cluster ${cluster.arn} is in partition ${cluster.partition}, source role ${source.arn} in ${source.partition}; a Pod Identity role is in its cluster's partition and account`);
  }
  if (input.sessionTags === 'off') {
    warnings.push('session tags are off: the source role may set its own kubernetes-* session tags when it assumes the target (nothing transitive blocks it), so do not base ABAC on them there.');
  }
  return {
    targetTrust: { Version: POLICY_VERSION, Statement: targetTrustStatements(input) },
    sourcePermissions: { Version: POLICY_VERSION, Statement: [sourceRolePermissionStatement(target.arn)] },
    warnings,
  };
}
