import { z } from 'zod';
import { parseClusterArn, parseRoleArn } from '../../core/arn.js';
import type { PolicyDocument } from '../../core/iam/types.js';

// The local state file (--state): one versioned JSON document holding what a cluster and its
// account would. Validated on load so a bad file fails with the path of the bad field.

export const STATE_SCHEMA_VERSION = 1;

const record = z.record(z.string(), z.string());
// Statement grammar is checked by the policy linter, not here; the schema only fixes the shape.
const policyDocument = z
  .object({ Version: z.string().optional(), Id: z.string().optional(), Statement: z.union([z.array(z.any()), z.record(z.string(), z.any())]) })
  .passthrough() as unknown as z.ZodType<PolicyDocument>;
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 timestamp');
/** A string that `parse` accepts (known partition, right service and shape); the issue carries parse's message. */
const arnOf = (parse: (text: string) => unknown) =>
  z.string().superRefine((text, ctx) => {
    try {
      parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
const roleArn = arnOf(parseRoleArn);

const cluster = z.object({
  name: z.string().min(1),
  arn: arnOf(parseClusterArn),
  accountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
  region: z.string().min(1),
  partition: z.string().min(1),
  version: z.string().optional(),
  platformVersion: z.string().optional(),
  status: z.string().default('ACTIVE'),
  oidcIssuer: z.string().url().optional(),
  endpoint: z.string().url().optional(),
  autoMode: z.boolean().default(false),
});

const addon = z.object({
  name: z.string(),
  version: z.string(),
  status: z.string(),
  serviceAccountRoleArn: z.string().optional(),
  podIdentityAssociations: z.array(z.string()).default([]),
  /** Service accounts this add-on version supports for Pod Identity (DescribeAddonConfiguration). */
  podIdentityServiceAccounts: z.array(z.string()).default([]),
});

const node = z.object({
  name: z.string(),
  os: z.enum(['linux', 'windows']).default('linux'),
  computeType: z.enum(['ec2', 'fargate', 'hybrid', 'auto']).default('ec2'),
  labels: record.default({}),
});

const serviceAccount = z.object({
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  annotations: record.default({}),
  labels: record.optional(),
  creationTimestamp: timestamp,
});

const container = z.object({
  name: z.string(),
  image: z.string(),
  env: z.array(z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.string().optional() })).default([]),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).default([]),
});

const ownerReference = z.object({ kind: z.string(), name: z.string(), uid: z.string().optional(), controller: z.boolean().optional() });

const pod = z.object({
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  serviceAccountName: z.string().default('default'),
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().default(false),
  phase: z.string().default('Running'),
  containers: z.array(container).default([]),
  initContainers: z.array(container).default([]),
  projectedTokens: z.array(z.object({ volume: z.string(), audience: z.string().optional(), expirationSeconds: z.number().optional(), path: z.string() })).default([]),
  ownerReferences: z.array(ownerReference).default([]),
  labels: record.default({}),
  creationTimestamp: timestamp,
});

const daemonSet = z.object({
  namespace: z.string(),
  name: z.string(),
  desired: z.number().int(),
  ready: z.number().int(),
  available: z.number().int(),
  nodeSelector: record.default({}),
});

const workload = z.object({ kind: z.string(), namespace: z.string(), name: z.string(), uid: z.string().optional(), ownerReferences: z.array(ownerReference).default([]) });

const association = z.object({
  associationId: z.string(),
  associationArn: z.string(),
  clusterName: z.string(),
  namespace: z.string(),
  serviceAccount: z.string(),
  roleArn,
  targetRoleArn: roleArn.optional(),
  disableSessionTags: z.boolean().default(false),
  policy: z.string().optional(),
  externalId: z.string().optional(),
  ownerArn: z.string().optional(),
  tags: record.default({}),
  createdAt: timestamp,
  modifiedAt: timestamp,
});

const managedPolicy = z.object({ arn: z.string(), name: z.string(), document: policyDocument.optional() });

const role = z.object({
  arn: roleArn,
  name: z.string(),
  path: z.string().default('/'),
  roleId: z.string(),
  accountId: z.string().regex(/^\d{12}$/),
  trustPolicy: policyDocument,
  inlinePolicies: z.array(z.object({ name: z.string(), document: policyDocument })).default([]),
  attachedPolicies: z.array(managedPolicy).default([]),
  tags: record.default({}),
  maxSessionDuration: z.number().int().default(3600),
  permissionsBoundary: managedPolicy.optional(),
  createdAt: timestamp.optional(),
});

export const clusterState = z.object({
  cluster,
  addons: z.array(addon).default([]),
  nodes: z.array(node).default([]),
  serviceAccounts: z.array(serviceAccount).default([]),
  pods: z.array(pod).default([]),
  daemonSets: z.array(daemonSet).default([]),
  workloads: z.array(workload).default([]),
  associations: z.array(association).default([]),
  /** Node instance roles of the managed node groups (EKS DescribeNodegroup nodeRole). */
  nodeRoleArns: z.array(z.string().startsWith('arn:')).default([]),
});

export const stateSchema = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION, { error: `unsupported schemaVersion; this podid reads version ${STATE_SCHEMA_VERSION}` }),
  kind: z.literal('PodidState').default('PodidState'),
  caller: z.object({
    arn: z.string(),
    account: z.string(),
    userId: z.string(),
    /** Identity policies of the caller, for iam:PassRole checks offline. */
    policies: z.array(z.object({ name: z.string(), document: policyDocument })).default([]),
  }),
  clusters: z.array(clusterState).default([]),
  roles: z.array(role).default([]),
  /** Managed policies by ARN (documents), for attachments that roles reference. */
  managedPolicies: z.array(managedPolicy).default([]),
  /** Roles the snapshot could not read (another account, access denied): GetRole on them is denied, not "not found". */
  unreadableRoles: z.array(z.string().startsWith('arn:')).optional(),
  signingKey: z
    .object({ kid: z.string(), alg: z.string(), privateJwk: z.record(z.string(), z.any()), publicJwk: z.record(z.string(), z.any()) })
    .optional(),
});

export type StateDocument = z.infer<typeof stateSchema>;
export type ClusterStateDocument = z.infer<typeof clusterState>;

/** Validates a parsed JSON value; throws with the path of the first bad field. */
export function parseState(value: unknown): { ok: true; state: StateDocument } | { ok: false; problems: string[] } {
  const result = stateSchema.safeParse(value);
  if (result.success) return { ok: true, state: result.data };
  const problems = result.error.issues.slice(0, 5).map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  return { ok: false, problems };
}
