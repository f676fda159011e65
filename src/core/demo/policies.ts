import type { InlinePolicy, ManagedPolicy } from '../model.js';
import type { PolicyDocument, Statement } from '../iam/types.js';
import { DEMO_ACCOUNT, DEMO_CLUSTER_ARN, DEMO_OIDC_HOST, DEMO_OIDC_PROVIDER_ARN } from './ids.js';

// Policy documents of the demo world: the trust shapes of reference/policies.md §1–3, an ABAC
// permission policy, a few managed policies and the caller's identity policies.

const V = '2012-10-17';
export const POD_IDENTITY_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];

export interface SaRef {
  namespace: string;
  serviceAccount: string;
}

const pascal = (text: string) => text.replace(/(^|[-_.])([a-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/** The scoped first-hop statement: one per (cluster ARN, namespace, SA) tuple. */
export function podIdentityStatement(w: SaRef, options: { actions?: string[] } = {}): Statement {
  return {
    Sid: `PodIdentity${pascal('demo')}${pascal(w.namespace)}${pascal(w.serviceAccount)}`,
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: options.actions ?? POD_IDENTITY_ACTIONS,
    Condition: {
      StringEquals: {
        'aws:SourceAccount': DEMO_ACCOUNT,
        'aws:RequestTag/eks-cluster-arn': DEMO_CLUSTER_ARN,
        'aws:RequestTag/kubernetes-namespace': w.namespace,
        'aws:RequestTag/kubernetes-service-account': w.serviceAccount,
      },
    },
  };
}

export const podIdentityTrust = (workloads: SaRef[], options: { actions?: string[] } = {}): PolicyDocument => ({
  Version: V,
  Statement: workloads.map((w) => podIdentityStatement(w, options)),
});

/** IRSA: the cluster's OIDC provider, pinned to one service account and the STS audience. */
export const irsaTrust = (w: SaRef): PolicyDocument => ({
  Version: V,
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: DEMO_OIDC_PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${DEMO_OIDC_HOST}:sub`]: `system:serviceaccount:${w.namespace}:${w.serviceAccount}`,
          [`${DEMO_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
        },
      },
    },
  ],
});

/** Target-role trust with session tags enabled (policies.md §2): the source role of the cluster account. */
export const targetTrust = (sourceRoleArn: string, w: SaRef): PolicyDocument => ({
  Version: V,
  Statement: [
    {
      Sid: `PodIdentityChainFrom${pascal(w.namespace)}${pascal(w.serviceAccount)}`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${DEMO_ACCOUNT}:root` },
      Action: POD_IDENTITY_ACTIONS,
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': sourceRoleArn },
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': DEMO_CLUSTER_ARN,
          'aws:RequestTag/kubernetes-namespace': w.namespace,
          'aws:RequestTag/kubernetes-service-account': w.serviceAccount,
        },
      },
    },
  ],
});

export const allow = (action: string | string[], resource: string | string[], sid?: string): Statement => ({
  ...(sid ? { Sid: sid } : {}),
  Effect: 'Allow',
  Action: action,
  Resource: resource,
});

export const inline = (name: string, ...statements: Statement[]): InlinePolicy => ({ name, document: { Version: V, Statement: statements } });

export const SHARED_BUCKET = `podid-demo-shared-data-${DEMO_ACCOUNT}`;
const NS_PREFIX = '${aws:PrincipalTag/eks-cluster-name}/${aws:PrincipalTag/kubernetes-namespace}';

/** ABAC (policies.md §3.3): each namespace reads and writes only its own prefix of the shared bucket. */
export const ABAC_POLICY: ManagedPolicy = {
  arn: `arn:aws:iam::${DEMO_ACCOUNT}:policy/eks-namespace-s3-prefix`,
  name: 'eks-namespace-s3-prefix',
  document: {
    Version: V,
    Statement: [
      {
        Sid: 'ListOwnNamespacePrefix',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${SHARED_BUCKET}`,
        Condition: { StringLike: { 's3:prefix': [`${NS_PREFIX}/*`] } },
      },
      {
        Sid: 'ReadWriteOwnNamespacePrefix',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `arn:aws:s3:::${SHARED_BUCKET}/${NS_PREFIX}/*`,
        Condition: { StringEquals: { 'aws:PrincipalTag/eks-cluster-arn': DEMO_CLUSTER_ARN } },
      },
    ],
  },
};

export const CLOUDWATCH_AGENT_POLICY: ManagedPolicy = {
  arn: 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
  name: 'CloudWatchAgentServerPolicy',
  document: {
    Version: V,
    Statement: [
      allow(
        ['cloudwatch:PutMetricData', 'ec2:DescribeVolumes', 'ec2:DescribeTags', 'logs:PutLogEvents', 'logs:PutRetentionPolicy', 'logs:DescribeLogStreams', 'logs:DescribeLogGroups', 'logs:CreateLogStream', 'logs:CreateLogGroup', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'],
        '*',
        'CWACloudWatchServerPermissions',
      ),
      allow('ssm:GetParameter', 'arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*', 'CWASSMServerPermissions'),
    ],
  },
};

/** An abridged copy of the AWS-managed EBS CSI driver policy (tag-conditioned volume management). */
export const EBS_CSI_POLICY: ManagedPolicy = {
  arn: 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
  name: 'AmazonEBSCSIDriverPolicy',
  document: {
    Version: V,
    Statement: [
      allow(['ec2:CreateSnapshot', 'ec2:AttachVolume', 'ec2:DetachVolume', 'ec2:ModifyVolume', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInstances', 'ec2:DescribeSnapshots', 'ec2:DescribeTags', 'ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications'], '*'),
      {
        Effect: 'Allow',
        Action: 'ec2:CreateVolume',
        Resource: 'arn:aws:ec2:*:*:volume/*',
        Condition: { StringLike: { 'aws:RequestTag/ebs.csi.aws.com/cluster': 'true' } },
      },
      {
        Effect: 'Allow',
        Action: 'ec2:DeleteVolume',
        Resource: '*',
        Condition: { StringLike: { 'ec2:ResourceTag/ebs.csi.aws.com/cluster': 'true' } },
      },
      {
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: ['arn:aws:ec2:*:*:volume/*', 'arn:aws:ec2:*:*:snapshot/*'],
        Condition: { StringEquals: { 'ec2:CreateAction': ['CreateVolume', 'CreateSnapshot'] } },
      },
    ],
  },
};

/** The AWS-managed node policy (v3): it lets the Pod Identity Agent call EKS Auth with the node role. */
export const WORKER_NODE_POLICY: ManagedPolicy = {
  arn: 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  name: 'AmazonEKSWorkerNodePolicy',
  document: {
    Version: V,
    Statement: [
      allow(
        ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes', 'ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications', 'ec2:DescribeVpcs', 'eks:DescribeCluster', 'eks-auth:AssumeRoleForPodIdentity'],
        '*',
        'WorkerNodePermissions',
      ),
    ],
  },
};

/** EC2 instances (the nodes of a managed node group) may assume the role. */
export const EC2_TRUST: PolicyDocument = { Version: V, Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

export const MANAGED_POLICIES: ManagedPolicy[] = [ABAC_POLICY, CLOUDWATCH_AGENT_POLICY, EBS_CSI_POLICY, WORKER_NODE_POLICY];

/** platform-admin: runs podid; may manage EKS and pass roles only to Pod Identity. */
export const CALLER_POLICIES = (account: string, partition = 'aws'): InlinePolicy[] => [
  inline('eks-full-access', allow('eks:*', '*', 'ManageEks')),
  inline(
    'iam-pod-identity-roles',
    allow(['iam:GetRole', 'iam:ListRoles', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:GetPolicy', 'iam:GetPolicyVersion'], '*', 'ReadIam'),
    allow(['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:TagRole'], `arn:${partition}:iam::${account}:role/*`, 'ManagePodRoles'),
    {
      Sid: 'PassRolesToPodIdentity',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:${partition}:iam::${account}:role/*`,
      Condition: { StringEquals: { 'iam:PassedToService': 'pods.eks.amazonaws.com' } },
    },
  ),
];
