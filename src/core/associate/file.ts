import { z } from 'zod';
import { isArn, parseClusterArn } from '../arn.js';
import type { PolicyDocument } from '../iam/types.js';
import { saKey } from '../model.js';
import type { AssociateInput } from './validate.js';

// The declarative file of `podid apply` (podid.yaml). validateApplyFile returns errors instead of
// throwing (rule 5); the command decides how to report them.

const policy = z.object({ Version: z.string().optional(), Statement: z.union([z.array(z.any()), z.record(z.string(), z.any())]) }).passthrough();

const role = z
  .object({
    name: z.string().min(1).optional(),
    path: z.string().optional(),
    policyArns: z.array(z.string()).default([]),
    abacTemplates: z.array(z.string()).default([]),
    inlinePolicy: policy.optional(),
    permissionsBoundary: z.string().optional(),
    maxSessionDuration: z.number().int().optional(),
  })
  .strict();

const entry = z
  .object({
    namespace: z.string().min(1),
    serviceAccount: z.string().min(1),
    roleArn: z.string().optional(),
    role: role.optional(),
    targetRoleArn: z.string().optional(),
    sessionTags: z.boolean().default(true),
    sessionPolicy: z.union([policy, z.string()]).optional(),
    tags: z.record(z.string(), z.string()).default({}),
    createServiceAccount: z.boolean().default(false),
    fixTrust: z.boolean().default(false),
  })
  .strict()
  .refine((e) => Boolean(e.roleArn) !== Boolean(e.role), { message: 'give exactly one of roleArn and role' });

export const applyFileSchema = z
  .object({
    apiVersion: z.literal('podid/v1'),
    kind: z.literal('Associations'),
    cluster: z.string().min(1),
    associations: z.array(entry).default([]),
  })
  .strict();

export type ApplyFile = z.infer<typeof applyFileSchema>;
export type ApplyEntry = ApplyFile['associations'][number];

export function validateApplyFile(raw: unknown): { file?: ApplyFile; errors: string[] } {
  const parsed = applyFileSchema.safeParse(raw);
  if (!parsed.success) {
    return { errors: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`) };
  }
  const seen = new Map<string, number>();
  const errors: string[] = [];
  parsed.data.associations.forEach((e, i) => {
    const key = saKey(e.namespace, e.serviceAccount);
    if (seen.has(key)) errors.push(`associations.${i}: ${key} is already listed at associations.${seen.get(key)} (one association per service account)`);
    else seen.set(key, i);
  });
  return errors.length ? { errors } : { file: parsed.data, errors };
}

/** One entry as the input `associate` takes. */
export function entryInput(e: ApplyEntry): AssociateInput {
  const sessionPolicy = e.sessionPolicy === undefined ? undefined : typeof e.sessionPolicy === 'string' ? e.sessionPolicy : JSON.stringify(e.sessionPolicy);
  return {
    namespace: e.namespace,
    serviceAccount: e.serviceAccount,
    roleArn: e.roleArn,
    createRole: Boolean(e.role),
    roleName: e.role?.name,
    rolePath: e.role?.path,
    policyArns: e.role?.policyArns,
    abacTemplates: e.role?.abacTemplates,
    policyDocument: e.role?.inlinePolicy as PolicyDocument | undefined,
    permissionsBoundary: e.role?.permissionsBoundary,
    maxSessionDuration: e.role?.maxSessionDuration,
    targetRoleArn: e.targetRoleArn,
    disableSessionTags: !e.sessionTags,
    sessionPolicy,
    tags: e.tags,
    createServiceAccount: e.createServiceAccount,
    fixTrust: e.fixTrust,
  };
}

interface EntryKey {
  /** The `associate` flag, without the dashes. */
  flag: string;
  /** The entry's key that stands for it. */
  key: string;
  /** How a preflight hint names the key, when not as `key`. */
  shown?: string;
}

/** Each `associate` input: its flag and the podid.yaml entry key that stands for it (apply's messages name keys, not flags). */
export const ENTRY_KEYS = {
  namespace: { flag: 'namespace', key: 'namespace' },
  serviceAccount: { flag: 'service-account', key: 'serviceAccount' },
  roleArn: { flag: 'role-arn', key: 'roleArn', shown: 'roleArn:' },
  createRole: { flag: 'create-role', key: 'role', shown: 'role: {…}' },
  roleName: { flag: 'role-name', key: 'role.name' },
  rolePath: { flag: 'role-path', key: 'role.path' },
  policyArns: { flag: 'policy-arn', key: 'role.policyArns' },
  policyFile: { flag: 'policy-file', key: 'role.inlinePolicy' },
  abacTemplates: { flag: 'abac-template', key: 'role.abacTemplates' },
  permissionsBoundary: { flag: 'permissions-boundary', key: 'role.permissionsBoundary' },
  maxSessionDuration: { flag: 'max-session-duration', key: 'role.maxSessionDuration' },
  targetRoleArn: { flag: 'target-role-arn', key: 'targetRoleArn', shown: 'targetRoleArn:' },
  disableSessionTags: { flag: 'disable-session-tags', key: 'sessionTags: false' },
  sessionPolicy: { flag: 'session-policy', key: 'sessionPolicy' },
  tags: { flag: 'tags', key: 'tags' },
  createServiceAccount: { flag: 'create-service-account', key: 'createServiceAccount', shown: 'createServiceAccount: true' },
  fixTrust: { flag: 'fix-trust', key: 'fixTrust', shown: 'fixTrust: true' },
} satisfies Record<string, EntryKey>;

export type EntryInput = keyof typeof ENTRY_KEYS;

/** The entry key of an input, as hints show it. */
export const shownKey = (input: EntryInput): string => {
  const entry: EntryKey = ENTRY_KEYS[input];
  return entry.shown ?? entry.key;
};

const KEY_OF_FLAG = new Map(Object.values(ENTRY_KEYS).map((e): [string, string] => [e.flag, e.key]));

/** An `associate` message in the words of a podid.yaml entry: "option '-n, --namespace': …" / "requires --disable-session-tags" → the entry's keys. */
export const entryWording = (message: string): string =>
  message
    .replace(/option '(?:-\w, )?--([\w-]+)'/g, (m, flag: string) => (KEY_OF_FLAG.has(flag) ? `'${KEY_OF_FLAG.get(flag)}'` : m))
    .replace(/--([a-z][\w-]+)/g, (m, flag: string) => KEY_OF_FLAG.get(flag) ?? m);

/**
 * Do two cluster references (a name or an EKS cluster ARN, as -c takes) name the same cluster?
 * Two ARNs must be equal; otherwise the names are compared (the account and region of an ARN are
 * checked against the cluster once it is read).
 */
export function sameClusterRef(a: string, b: string): boolean {
  if (isArn(a) && isArn(b)) return a === b;
  const name = (ref: string) => (isArn(ref) ? parseClusterArn(ref).name : ref);
  return name(a) === name(b);
}
