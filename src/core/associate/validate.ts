import { normalizePath, parseArn, parseRoleArn, roleArn } from '../arn.js';
import { UsageError, UserError } from '../errors.js';
import type { PolicyDocument } from '../iam/types.js';
import { isDnsLabel, isDnsSubdomain, type Cluster } from '../model.js';
import { abacPolicy, findingLines, identityPolicyErrors, TRUST_SCOPES, type AbacParams, type TrustScope } from '../policy/index.js';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type AssociationSpec, type RoleSpec } from './types.js';
import { shortHash } from '../hash.js';

// Input of `associate` / `apply` / `associations update`, checked before any call is made: flag
// syntax first (UsageError, exit 2), then what depends on the cluster (UserError, exit 1).

export interface AssociateInput {
  namespace: string;
  serviceAccount: string;
  roleArn?: string;
  createRole?: boolean;
  roleName?: string;
  rolePath?: string;
  policyArns?: string[];
  /** Parsed --policy-file. */
  policyDocument?: PolicyDocument;
  /** TEMPLATE[:key=value,…], e.g. s3-prefix:bucket=my-bucket,access=read-write. */
  abacTemplates?: string[];
  permissionsBoundary?: string;
  maxSessionDuration?: number;
  targetRoleArn?: string;
  disableSessionTags?: boolean;
  /** Text of --session-policy (JSON). */
  sessionPolicy?: string;
  tags?: Record<string, string>;
  createServiceAccount?: boolean;
  fixTrust?: boolean;
  /** --scope of the trust statement podid writes (--create-role, --fix-trust); default workload. */
  trustScope?: TrustScope;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH = /^\/([\u0021-\u007e]*\/)?$/;
const CREATE_ONLY = ['roleName', 'rolePath', 'policyArns', 'policyDocument', 'abacTemplates', 'permissionsBoundary', 'maxSessionDuration'] as const;
const CREATE_FLAG: Record<(typeof CREATE_ONLY)[number], string> = {
  roleName: '--role-name',
  rolePath: '--role-path',
  policyArns: '--policy-arn',
  policyDocument: '--policy-file',
  abacTemplates: '--abac-template',
  permissionsBoundary: '--permissions-boundary',
  maxSessionDuration: '--max-session-duration',
};

const usage = (flag: string, fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    throw new UsageError(`option '${flag}': ${(error as Error).message}`);
  }
};

/** Flag-level checks: names, ARN syntax, combinations. Throws UsageError. */
export function checkAssociateInput(input: AssociateInput): void {
  if (!isDnsLabel(input.namespace)) throw new UsageError(`option '-n, --namespace': '${input.namespace}' is not a valid Kubernetes namespace (a DNS-1123 label: lower-case letters, digits and '-', at most 63)`);
  if (!isDnsSubdomain(input.serviceAccount)) throw new UsageError(`option '-s, --service-account': '${input.serviceAccount}' is not a valid service account name (a DNS-1123 subdomain)`);
  if (Boolean(input.roleArn) === Boolean(input.createRole)) throw new UsageError('pass exactly one of --role-arn ARN and --create-role');
  if (input.roleArn) usage('--role-arn', () => parseRoleArn(input.roleArn!));
  if (input.targetRoleArn) usage('--target-role-arn', () => parseRoleArn(input.targetRoleArn!));
  if (!input.createRole) {
    for (const key of CREATE_ONLY) {
      const value = input[key];
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) throw new UsageError(`option '${CREATE_FLAG[key]}' only works with --create-role`);
    }
  }
  if (input.roleName !== undefined && !ROLE_NAME.test(input.roleName)) throw new UsageError(`option '--role-name': '${input.roleName}' is not a valid IAM role name (1–64 of [A-Za-z0-9+=,.@_-])`);
  if (input.rolePath !== undefined && (!ROLE_PATH.test(normalizePath(input.rolePath)) || normalizePath(input.rolePath).length > 512)) {
    throw new UsageError(`option '--role-path': '${input.rolePath}' is not a valid IAM path`);
  }
  for (const arn of input.policyArns ?? []) usage('--policy-arn', () => parsePolicyArn(arn));
  if (input.permissionsBoundary) usage('--permissions-boundary', () => parsePolicyArn(input.permissionsBoundary!));
  const d = input.maxSessionDuration;
  if (d !== undefined && (!Number.isInteger(d) || d < 3600 || d > 43200)) throw new UsageError(`option '--max-session-duration' expects whole seconds from 3600 to 43200, got '${d}'`);
  if (input.sessionPolicy !== undefined) {
    if (!input.disableSessionTags) {
      throw new UsageError("option '--session-policy' requires --disable-session-tags: EKS accepts a session policy only when session tags are off");
    }
    parseSessionPolicyText(input.sessionPolicy);
  }
  if (input.createRole && input.policyDocument !== undefined) assertIdentityPolicy(input.policyDocument, "option '--policy-file'");
  if (input.trustScope !== undefined) {
    if (!TRUST_SCOPES.includes(input.trustScope)) throw new UsageError(`option '--scope' expects one of ${TRUST_SCOPES.join(', ')}, got '${input.trustScope}'`);
    if (!input.createRole && !input.fixTrust) throw new UsageError("option '--scope' only works with --create-role or --fix-trust (it scopes the trust statement podid writes)");
  }
  checkTags(input.tags ?? {});
}

function parsePolicyArn(text: string) {
  const arn = parseArn(text, 'IAM policy ARN');
  if (arn.service !== 'iam' || !arn.resource.startsWith('policy/')) throw new Error(`'${text}' is not an IAM policy ARN (arn:<partition>:iam::<account|aws>:policy/[path/]name)`);
  return arn;
}

/** Minified session policy text; UserError (exit 1, like an unreadable file) when it is not a JSON policy document. */
export function parseSessionPolicyText(text: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new UserError(`option '--session-policy': the file is not JSON (${(error as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || (doc as PolicyDocument).Statement === undefined) {
    throw new UserError("option '--session-policy': the file is not an IAM policy document (no Statement)");
  }
  assertIdentityPolicy(doc, "option '--session-policy'");
  return JSON.stringify(doc);
}

/**
 * UserError (exit 1) when IAM would reject `document` as an inline or session policy (podid's lint
 * validity rules, PODID-V001–V005, plus no Principal): checked before anything is applied, so a
 * bad policy cannot fail half-way (role created, PutRolePolicy rejected).
 */
export function assertIdentityPolicy(document: unknown, what: string): void {
  const errors = identityPolicyErrors(document);
  if (!errors.length) return;
  const lines = findingLines(errors);
  throw new UserError(`${what}: IAM would reject this policy:${lines.length === 1 ? ` ${lines[0]}` : `\n  ${lines.join('\n  ')}`}`, {
    hint: 'Fix it and check it with: podid policy lint --kind permissions FILE',
  });
}

/** AWS tag keys and values: letters, digits, spaces (Unicode) and _ . : / = + - @ (EKS and IAM TagResource). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function checkTags(tags: Record<string, string>): void {
  const entries = Object.entries(tags);
  if (entries.length > 49) throw new UsageError(`option '--tags': at most 49 tags (podid adds ${MANAGED_BY_TAG}), got ${entries.length}`);
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128 || v.length > 256) throw new UsageError(`option '--tags': '${k}' — keys are 1–128 and values at most 256 characters`);
    for (const [what, text] of [['key', k], ['value', v]] as const) {
      if (!TAG_TEXT.test(text)) {
        throw new UsageError(`option '--tags': the tag ${what} '${text}' has characters AWS does not accept in tags; use letters, digits, spaces and _ . : / = + - @`);
      }
    }
    if (/^aws:/i.test(k)) throw new UsageError(`option '--tags': keys may not start with 'aws:' ('${k}')`);
    if (/^podid:/i.test(k)) throw new UsageError(`option '--tags': keys starting with 'podid:' are reserved for podid ('${k}'); podid sets ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} itself`);
  }
}


/** podid-<cluster>-<ns>-<sa>, cut to 64 characters with a hash suffix when longer. */
export function defaultRoleName(clusterName: string, namespace: string, serviceAccount: string): string {
  const full = `podid-${clusterName}-${namespace}-${serviceAccount}`.replace(/[^\w+=,.@-]/g, '-');
  return full.length <= 64 ? full : `${full.slice(0, 55)}-${shortHash(full)}`;
}

const ABAC_CHOICES: Record<string, string[]> = { access: ['read', 'write', 'read-write'], level: ['namespace', 'service-account'] };

function abacInline(spec: string, cluster: Cluster): { name: string; document: PolicyDocument } {
  const [name, rest] = spec.split(/:(.*)/s, 2);
  const params: Record<string, string> = {};
  for (const item of (rest ?? '').split(',').filter(Boolean)) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`option '--abac-template' expects TEMPLATE[:key=value,…], got '${spec}'`);
    params[item.slice(0, at)] = item.slice(at + 1);
  }
  const known = ['bucket', 'table', 'access', 'level', 'region', 'account'];
  const unknown = Object.keys(params).filter((k) => !known.includes(k));
  if (unknown.length) throw new UsageError(`option '--abac-template': unknown parameter ${unknown.join(', ')} (known: ${known.join(', ')})`);
  for (const [key, values] of Object.entries(ABAC_CHOICES)) {
    if (params[key] !== undefined && !values.includes(params[key])) throw new UsageError(`option '--abac-template': in '${spec}', ${key}= must be one of ${values.join(', ')}, got '${params[key]}'`);
  }
  try {
    return { name: `podid-abac-${name}`, document: abacPolicy(name, { ...(params as AbacParams), clusterArn: cluster.arn }) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // abacPolicy names the flags of `podid policy abac` (--bucket); here they are template parameters (bucket=).
    const message = error.message.replace(/^option '--(\w+)': /, (_m, key: string) => `in '${spec}', ${key}=`).replace(/needs --(\w+)( \(or --cluster-arn\))?/, (_m, key: string) => `needs the parameter ${key}= (${name}:${key}=…)`);
    throw new UsageError(`option '--abac-template': ${message}`, { hint: error.hint });
  }
}

/** The desired association for the cluster. Throws UserError when the role cannot work with this cluster. */
export function resolveSpec(input: AssociateInput, cluster: Cluster): AssociationSpec {
  checkAssociateInput(input);
  const tags = { ...(input.tags ?? {}), [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
  let createRole: RoleSpec | undefined;
  let arn: string;
  if (input.createRole) {
    const name = input.roleName ?? defaultRoleName(cluster.name, input.namespace, input.serviceAccount);
    const path = normalizePath(input.rolePath ?? '/');
    const inline = [...(input.policyDocument ? [{ name: 'podid-inline', document: input.policyDocument }] : []), ...(input.abacTemplates ?? []).map((t) => abacInline(t, cluster))];
    createRole = {
      name,
      path,
      policyArns: [...new Set(input.policyArns ?? [])],
      inlinePolicies: inline,
      permissionsBoundaryArn: input.permissionsBoundary,
      maxSessionDuration: input.maxSessionDuration,
      tags,
    };
    arn = roleArn(cluster.partition, cluster.accountId, name, path);
  } else arn = input.roleArn!;
  for (const [flag, value] of [['--role-arn', arn], ['--target-role-arn', input.targetRoleArn]] as const) {
    if (!value) continue;
    const role = parseRoleArn(value);
    if (role.partition !== cluster.partition) {
      throw new UserError(`${flag} ${value} is in partition ${role.partition}, but cluster ${cluster.name} is in ${cluster.partition}`, { hint: 'Pod Identity roles (and target roles) must be in the cluster\'s partition.' });
    }
  }
  for (const policy of [...(input.policyArns ?? []), ...(input.permissionsBoundary ? [input.permissionsBoundary] : [])]) {
    const p = parseArn(policy, 'IAM policy ARN');
    if (p.partition !== cluster.partition) throw new UserError(`policy ${policy} is in partition ${p.partition}, but cluster ${cluster.name} is in ${cluster.partition}`);
  }
  if (input.targetRoleArn && parseRoleArn(input.targetRoleArn).arn === arn) throw new UsageError("option '--target-role-arn' names the association's own role; a target role must be another role");
  return {
    clusterName: cluster.name,
    namespace: input.namespace,
    serviceAccount: input.serviceAccount,
    roleArn: arn,
    createRole,
    targetRoleArn: input.targetRoleArn,
    disableSessionTags: Boolean(input.disableSessionTags),
    sessionPolicy: input.sessionPolicy === undefined ? undefined : parseSessionPolicyText(input.sessionPolicy),
    tags,
    fixTrust: Boolean(input.fixTrust),
    trustScope: input.trustScope ?? 'workload',
    createServiceAccount: Boolean(input.createServiceAccount),
  };
}
