import { partitionOfRegion } from '../arn.js';
import { isKnownPartition, partitionHint, requireClusterArn, type ClusterArnParts } from './cluster-arn.js';
import { UsageError } from '../errors.js';
import { POLICY_VERSION, type PolicyDocument, type Statement } from './types.js';
import { isAwsRegion } from '../region.js';

// ABAC permission policies keyed on the EKS session tags (policies.md §3): the principal's own
// `${aws:PrincipalTag/<key>}` values pick the resources, so one role can serve many workloads.

export type AbacAccess = 'read' | 'write' | 'read-write';
export type AbacLevel = 'namespace' | 'service-account';

export interface AbacParams {
  access?: AbacAccess;
  /** namespace (default): <cluster-name>/<namespace>; service-account adds /<service-account>. */
  level?: AbacLevel;
  bucket?: string;
  table?: string;
  region?: string;
  account?: string;
  partition?: string;
  /** Pin the policy to one cluster: StringEquals aws:PrincipalTag/eks-cluster-arn. Also supplies region, account, partition defaults. */
  clusterArn?: string;
}

interface Ctx {
  p: Required<Pick<AbacParams, 'access' | 'level'>> & AbacParams;
  partition: string;
  region: string;
  account: string;
}

interface Template {
  name: string;
  summary: string;
  needs: ReadonlyArray<'bucket' | 'table' | 'account'>;
  build(ctx: Ctx): Statement[];
}

const tag = (key: string) => '${aws:PrincipalTag/' + key + '}';
const CLUSTER = tag('eks-cluster-name');
const NS = tag('kubernetes-namespace');
const SA = tag('kubernetes-service-account');
const path = (ctx: Ctx, sep = '/') => [CLUSTER, NS, ...(ctx.p.level === 'service-account' ? [SA] : [])].join(sep);
const wants = (ctx: Ctx, side: 'read' | 'write') => ctx.p.access === 'read-write' || ctx.p.access === side;
const pick = (ctx: Ctx, read: string[], write: string[]) => [...(wants(ctx, 'read') ? read : []), ...(wants(ctx, 'write') ? write : [])];
const one = (actions: string[]) => (actions.length === 1 ? actions[0] : [...new Set(actions)]);

/** `<prefix>:ResourceTag/<k> = ${aws:PrincipalTag/<k>}` for cluster name, namespace (and SA). */
function tagMatch(ctx: Ctx, prefix: string): Record<string, string> {
  const keys = ['eks-cluster-name', 'kubernetes-namespace', ...(ctx.p.level === 'service-account' ? ['kubernetes-service-account'] : [])];
  return Object.fromEntries(keys.map((k) => [`${prefix}/${k}`, tag(k)]));
}

function pin(ctx: Ctx, statement: Statement): Statement {
  if (!ctx.p.clusterArn) return statement;
  const condition = { ...(statement.Condition ?? {}) };
  condition.StringEquals = { ...(condition.StringEquals ?? {}), 'aws:PrincipalTag/eks-cluster-arn': ctx.p.clusterArn };
  return { ...statement, Condition: condition };
}

export const ABAC_TEMPLATES: readonly Template[] = [
  {
    name: 's3-prefix',
    summary: 'S3 objects under <bucket>/<cluster-name>/<namespace>/ (ListBucket limited to that prefix)',
    needs: ['bucket'],
    build: (ctx) => [
      ...(wants(ctx, 'read')
        ? [{ Sid: 'ListOwnPrefix', Effect: 'Allow' as const, Action: 's3:ListBucket', Resource: `arn:${ctx.partition}:s3:::${ctx.p.bucket}`, Condition: { StringLike: { 's3:prefix': `${path(ctx)}/*` } } }]
        : []),
      { Sid: 'ObjectsUnderOwnPrefix', Effect: 'Allow', Action: one(pick(ctx, ['s3:GetObject'], ['s3:PutObject', 's3:DeleteObject'])), Resource: `arn:${ctx.partition}:s3:::${ctx.p.bucket}/${path(ctx)}/*` },
    ],
  },
  {
    name: 's3-object-tag',
    summary: "S3 objects whose object tags eks-cluster-name/kubernetes-namespace equal the caller's session tags (writes only under <bucket>/<cluster-name>/<namespace>/)",
    needs: ['bucket'],
    // Reads follow the object tags. Writes cannot: S3 does not evaluate s3:ExistingObjectTag for
    // PutObject, so an overwrite (which retags) is scoped by key prefix instead, and must tag the
    // object as the caller. Retagging (PutObjectTagging, also what PutObject with tags needs) is
    // limited to the own prefix and to objects not tagged for another workload.
    build: (ctx) => {
      const own = `arn:${ctx.partition}:s3:::${ctx.p.bucket}/${path(ctx)}/*`;
      const requestTags = tagMatch(ctx, 's3:RequestObjectTag');
      const statements: Statement[] = [
        ...(wants(ctx, 'read') ? [{ Sid: 'ReadOwnTaggedObjects', Effect: 'Allow' as const, Action: 's3:GetObject', Resource: `arn:${ctx.partition}:s3:::${ctx.p.bucket}/*`, Condition: { StringEquals: tagMatch(ctx, 's3:ExistingObjectTag') } }] : []),
        ...(wants(ctx, 'write')
          ? [
              { Sid: 'WriteUnderOwnPrefixTaggedAsSelf', Effect: 'Allow' as const, Action: 's3:PutObject', Resource: own, Condition: { StringEquals: requestTags } },
              { Sid: 'TagOwnObjectsAsSelf', Effect: 'Allow' as const, Action: 's3:PutObjectTagging', Resource: own, Condition: { StringEquals: requestTags, StringEqualsIfExists: tagMatch(ctx, 's3:ExistingObjectTag') } },
            ]
          : []),
      ];
      return statements;
    },
  },
  {
    name: 'secretsmanager-path',
    summary: 'Secrets Manager secrets named <cluster-name>/<namespace>/* (the * also covers the random suffix)',
    needs: ['account'],
    build: (ctx) => [
      { Sid: 'SecretsUnderOwnPath', Effect: 'Allow', Action: one(pick(ctx, ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret'])), Resource: `arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:${path(ctx)}/*` },
    ],
  },
  {
    name: 'ssm-parameter-path',
    summary: 'SSM parameters under /<cluster-name>/<namespace>/ (the path itself for GetParametersByPath)',
    needs: ['account'],
    build: (ctx) => {
      const base = `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.account}:parameter/${path(ctx)}`;
      return [{ Sid: 'ParametersUnderOwnPath', Effect: 'Allow', Action: one(pick(ctx, ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'], ['ssm:PutParameter', 'ssm:DeleteParameter'])), Resource: [base, `${base}/*`] }];
    },
  },
  {
    name: 'dynamodb-leading-keys',
    summary: 'DynamoDB items of <table> whose partition key is the namespace (Null guard: Scan is denied)',
    needs: ['table', 'account'],
    build: (ctx) => [
      {
        Sid: 'ItemsWithOwnPartitionKey',
        Effect: 'Allow',
        Action: one(pick(ctx, ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'])),
        Resource: `arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.account}:table/${ctx.p.table}`,
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [ctx.p.level === 'service-account' ? `${NS}/${SA}` : NS] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
      },
    ],
  },
  {
    name: 'kms-tag',
    summary: 'KMS keys tagged eks-cluster-name/kubernetes-namespace like the caller (aws:ResourceTag)',
    needs: ['account'],
    build: (ctx) => [
      { Sid: 'KeysTaggedForSelf', Effect: 'Allow', Action: one(pick(ctx, ['kms:Decrypt', 'kms:DescribeKey'], ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'])), Resource: `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:key/*`, Condition: { StringEquals: tagMatch(ctx, 'aws:ResourceTag') } },
    ],
  },
  {
    name: 'sqs-tag',
    summary: 'SQS queues tagged eks-cluster-name/kubernetes-namespace like the caller (aws:ResourceTag)',
    needs: ['account'],
    build: (ctx) => [
      {
        Sid: 'QueuesTaggedForSelf',
        Effect: 'Allow',
        Action: one(pick(ctx, ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], ['sqs:SendMessage', 'sqs:GetQueueAttributes'])),
        Resource: `arn:${ctx.partition}:sqs:${ctx.region}:${ctx.account}:*`,
        Condition: { StringEquals: tagMatch(ctx, 'aws:ResourceTag') },
      },
    ],
  },
];

export const ABAC_TEMPLATE_NAMES = ABAC_TEMPLATES.map((t) => t.name);

const FLAG: Record<string, string> = { bucket: '--bucket', table: '--table', account: '--account (or --cluster-arn)' };

/** DynamoDB table names: 3–255 characters of letters, digits, _ . - */
const TABLE = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Why `name` is not a valid S3 general purpose bucket name (S3 naming rules), or undefined when it is one. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'it must be 3–63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'only lowercase letters, digits, dots (.) and hyphens (-) are allowed';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'it must start and end with a lowercase letter or a digit';
  if (name.includes('..')) return 'it must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'it must not look like an IP address';
  const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
  if (prefix) return `the prefix '${prefix}' is reserved`;
  const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((x) => name.endsWith(x));
  if (suffix) return `the suffix '${suffix}' is reserved`;
  return undefined;
}

/** Usage errors for values that would make an invalid ARN; each names its flag. */
function checkParams(params: AbacParams, partition: string, region: string, cluster: ClusterArnParts | undefined): void {
  if (params.partition !== undefined && !isKnownPartition(params.partition)) {
    throw new UsageError(`option '--partition': '${params.partition}' is not an AWS partition`, { hint: partitionHint() });
  }
  // The session tags come from that cluster, so the resources are in its partition (and region, by default).
  if (cluster && params.partition !== undefined && params.partition !== cluster.partition) {
    throw new UsageError(`option '--partition': ${params.partition} is not the partition of --cluster-arn (${cluster.partition}); the policy would name resources its pods cannot reach`);
  }
  if (params.region !== undefined) {
    if (!isAwsRegion(params.region)) throw new UsageError(`option '--region': '${params.region}' is not an AWS region (e.g. us-west-2)`);
    if (partitionOfRegion(region) !== partition) throw new UsageError(`option '--region': ${region} is in partition ${partitionOfRegion(region)}, not ${partition}`);
  }
  if (params.bucket !== undefined) {
    const problem = bucketNameProblem(params.bucket);
    if (problem) throw new UsageError(`option '--bucket': '${params.bucket}' is not a valid S3 bucket name: ${problem}`);
  }
  if (params.table !== undefined && !TABLE.test(params.table)) {
    throw new UsageError(`option '--table': '${params.table}' is not a valid DynamoDB table name (3–255 characters of letters, digits, _ . -)`);
  }
}

/** Generates the ABAC permission policy of `template` with `params`. Throws UsageError for a missing or invalid parameter. */
export function abacPolicy(template: string, params: AbacParams = {}): PolicyDocument {
  const t = ABAC_TEMPLATES.find((x) => x.name === template);
  if (!t) throw new UsageError(`unknown ABAC template '${template}' (templates: ${ABAC_TEMPLATE_NAMES.join(', ')})`);
  let cluster: ClusterArnParts | undefined;
  try {
    cluster = params.clusterArn ? requireClusterArn(params.clusterArn) : undefined;
  } catch (error) {
    throw new UsageError(`option '--cluster-arn': ${(error as Error).message}`, { hint: (error as UsageError).hint });
  }
  const ctx: Ctx = {
    p: { ...params, access: params.access ?? 'read', level: params.level ?? 'namespace' },
    // Without --partition or --cluster-arn, the region's partition (cn-north-1 → aws-cn).
    partition: params.partition ?? cluster?.partition ?? (params.region ? partitionOfRegion(params.region) : 'aws'),
    region: params.region ?? cluster?.region ?? '*',
    account: params.account ?? cluster?.accountId ?? '',
  };
  checkParams(params, ctx.partition, ctx.region, cluster);
  for (const need of t.needs) {
    const value = need === 'account' ? ctx.account : params[need];
    if (!value) throw new UsageError(`template ${t.name} needs ${FLAG[need]}`);
  }
  if (ctx.account && !/^\d{12}$/.test(ctx.account)) throw new UsageError(`option '--account': '${ctx.account}' is not a 12-digit AWS account id`);
  return { Version: POLICY_VERSION, Statement: t.build(ctx).map((s) => pin(ctx, s)) };
}
