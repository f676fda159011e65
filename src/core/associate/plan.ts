import { evaluateFirstHop, type HopVerdict } from '../exchange/index.js';
import type { PolicyDocument, Statement } from '../iam/types.js';
import type { Association, Cluster, Role } from '../model.js';
import { mergeTrust, sourceRolePermissionStatement, trustStatementsFor, POLICY_VERSION } from '../policy/index.js';
import { restartInfo } from './restart.js';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type AssociateFacts, type AssociatePlan, type AssociationSpec, type FieldChange, type RoleSpec, type Step } from './types.js';

// The plan of `associate`: what to create or change so the association (and its role, trust,
// service account) match the spec. Pure: (facts, spec) → plan. Re-running on converged facts
// yields no steps.

export const TARGET_POLICY_NAME = 'podid-assume-target';

export const isManagedRole = (role: Pick<Role, 'tags'>) => role.tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE;

/** The six session tags EKS would send for a pod of this service account (pod name and uid are placeholders). */
export function eksSessionTags(cluster: Cluster, namespace: string, serviceAccount: string): Record<string, string> {
  return {
    'eks-cluster-arn': cluster.arn,
    'eks-cluster-name': cluster.name,
    'kubernetes-namespace': namespace,
    'kubernetes-service-account': serviceAccount,
    'kubernetes-pod-name': `${serviceAccount}-podid-preflight`,
    'kubernetes-pod-uid': '00000000-0000-0000-0000-000000000000',
  };
}

export const tagsFor = (cluster: Cluster, spec: Pick<AssociationSpec, 'namespace' | 'serviceAccount' | 'disableSessionTags'>) =>
  spec.disableSessionTags ? {} : eksSessionTags(cluster, spec.namespace, spec.serviceAccount);

/** The trust statements podid writes for the spec (--scope, session tags on/off), with the generator's warnings about weaker scoping. */
export function scopedTrust(cluster: Cluster, spec: Pick<AssociationSpec, 'namespace' | 'serviceAccount' | 'disableSessionTags' | 'trustScope'>): { statements: Statement[]; warnings: string[] } {
  return trustStatementsFor([{ clusterArn: cluster.arn, namespace: spec.namespace, serviceAccount: spec.serviceAccount }], { scope: spec.trustScope, sessionTags: spec.disableSessionTags ? 'off' : 'on' });
}

/** Stands for the organization of the cluster's (= the role's) account when judging a --scope org trust. */
const SAME_ORG = 'o-podidsameorg';

/**
 * Does the role's trust admit the first hop for the spec? With --scope org the trust names
 * `${aws:ResourceOrgId}`, the role account's organization; the role and the cluster share an
 * account (role.account), so the request's aws:SourceOrgId is the same organization — assumed,
 * since podid cannot read AWS Organizations.
 */
export function firstHop(role: Role, cluster: Cluster, spec: Pick<AssociationSpec, 'namespace' | 'serviceAccount' | 'disableSessionTags' | 'trustScope'>): HopVerdict {
  if (spec.trustScope !== 'org') return evaluateFirstHop(role, cluster, tagsFor(cluster, spec));
  const trustPolicy = JSON.parse(JSON.stringify(role.trustPolicy).replace(/\$\{aws:ResourceOrgId\}/gi, SAME_ORG)) as PolicyDocument;
  return evaluateFirstHop({ ...role, trustPolicy }, cluster, tagsFor(cluster, spec), SAME_ORG);
}

const canonicalPolicy = (text?: string) => {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
};

/** Fields of the existing association that differ from the spec. */
export function associationChanges(existing: Association, spec: AssociationSpec): FieldChange[] {
  const changes: FieldChange[] = [];
  if (existing.roleArn !== spec.roleArn) changes.push({ field: 'roleArn', from: existing.roleArn, to: spec.roleArn });
  if ((existing.targetRoleArn ?? undefined) !== spec.targetRoleArn) changes.push({ field: 'targetRoleArn', from: existing.targetRoleArn, to: spec.targetRoleArn });
  if (existing.disableSessionTags !== spec.disableSessionTags) changes.push({ field: 'disableSessionTags', from: existing.disableSessionTags, to: spec.disableSessionTags });
  const from = canonicalPolicy(existing.policy);
  const to = canonicalPolicy(spec.sessionPolicy);
  if (from !== to) changes.push({ field: 'policy', from, to });
  return changes;
}

interface RolePlan {
  steps: Step[];
  effectiveRole?: Role;
}

function syntheticRole(cluster: Cluster, spec: AssociationSpec, trust: PolicyDocument): Role {
  const r = spec.createRole!;
  return {
    arn: spec.roleArn,
    name: r.name,
    path: r.path,
    roleId: 'AROA(planned)',
    accountId: cluster.accountId,
    trustPolicy: trust,
    inlinePolicies: [],
    attachedPolicies: [],
    tags: r.tags,
    maxSessionDuration: r.maxSessionDuration ?? 3600,
  };
}

/** Steps that make an existing role (or the one to create) fit the spec; the role as it will be. */
function planRole(facts: AssociateFacts, spec: AssociationSpec): RolePlan {
  const { cluster } = facts;
  const { statements } = scopedTrust(cluster, spec);
  // Without session tags a trust can only name the account (or the organization).
  const scope = spec.disableSessionTags && spec.trustScope !== 'org' ? 'account' : spec.trustScope;
  const scoped = scope === 'workload' ? 'scoped to it' : `of scope ${scope}`;
  const steps: Step[] = [];
  let role: Role | undefined;
  const create = spec.createRole;
  if (create && facts.role === null) {
    const trustPolicy: PolicyDocument = { Version: POLICY_VERSION, Statement: statements };
    steps.push({ kind: 'create-role', target: spec.roleArn, reason: `role for ${spec.namespace}/${spec.serviceAccount} with trust ${scoped}`, roleName: create.name, path: create.path, trustPolicy, scope, tags: create.tags, permissionsBoundaryArn: create.permissionsBoundaryArn, maxSessionDuration: create.maxSessionDuration });
    role = syntheticRole(cluster, spec, trustPolicy);
  } else if (facts.role) {
    role = structuredClone(facts.role);
    const managed = isManagedRole(role);
    if (create && (!managed || role.arn !== spec.roleArn)) return { steps: [], effectiveRole: role };
    // Only podid's own role (the check above) is converged to the requested settings.
    if (create) role = convergeRole(steps, role, create);
    const admits = firstHop(role, cluster, spec).allowed;
    if (!admits && (managed || spec.fixTrust)) {
      const merged = mergeTrust(role.trustPolicy, statements);
      if (merged.added.length) {
        steps.push({ kind: 'update-trust', target: role.arn, reason: `trust does not admit ${spec.namespace}/${spec.serviceAccount}; add a statement ${scoped}`, roleName: role.name, trustPolicy: merged.policy, statements, added: merged.added.map((s) => s.Sid ?? '(no Sid)') });
        role.trustPolicy = merged.policy;
      }
    }
  } else return { steps };
  if (create) {
    for (const arn of create.policyArns) {
      if (role.attachedPolicies.some((p) => p.arn === arn)) continue;
      steps.push({ kind: 'attach-policy', target: role.arn, reason: 'requested with --policy-arn', roleName: role.name, policyArn: arn });
      role.attachedPolicies.push({ arn, name: arn.slice(arn.lastIndexOf('/') + 1) });
    }
    for (const p of create.inlinePolicies) role = putInline(steps, role, p.name, p.document, p.name === 'podid-inline' ? 'requested with --policy-file' : `ABAC template ${p.name.replace('podid-abac-', '')}`);
  }
  if (spec.targetRoleArn && (create || isManagedRole(role))) {
    const document: PolicyDocument = { Version: POLICY_VERSION, Statement: [sourceRolePermissionStatement(spec.targetRoleArn)] };
    role = putInline(steps, role, TARGET_POLICY_NAME, document, `let the role assume and tag into the target role ${spec.targetRoleArn}`);
  }
  return { steps, effectiveRole: role };
}

/**
 * Steps that converge an existing podid-managed role to the request: the permissions boundary and
 * max session duration when given, and the requested tags (other tags of the role stay). Settings
 * not requested are left as they are. Returns the role as it will be.
 */
export function convergeRole(steps: Step[], role: Role, create: RoleSpec): Role {
  const next = { ...role, tags: { ...role.tags } };
  const base = { target: role.arn, roleName: role.name };
  const boundary = create.permissionsBoundaryArn;
  if (boundary !== undefined && role.permissionsBoundary?.arn !== boundary) {
    steps.push({ kind: 'put-boundary', ...base, reason: 'requested with --permissions-boundary', policyArn: boundary, ...(role.permissionsBoundary ? { from: role.permissionsBoundary.arn } : {}) });
    next.permissionsBoundary = { arn: boundary, name: boundary.slice(boundary.lastIndexOf('/') + 1) };
  }
  const duration = create.maxSessionDuration;
  if (duration !== undefined && role.maxSessionDuration !== duration) {
    steps.push({ kind: 'update-role', ...base, reason: 'requested with --max-session-duration', maxSessionDuration: duration, from: role.maxSessionDuration });
    next.maxSessionDuration = duration;
  }
  const tags = Object.fromEntries(Object.entries(create.tags).filter(([k, v]) => role.tags[k] !== v));
  if (Object.keys(tags).length) {
    const from = Object.fromEntries(Object.keys(tags).filter((k) => k in role.tags).map((k) => [k, role.tags[k]]));
    steps.push({ kind: 'tag-role', ...base, reason: 'requested with --tags', tags, from });
    Object.assign(next.tags, tags);
  }
  return next;
}

function putInline(steps: Step[], role: Role, name: string, document: PolicyDocument, reason: string): Role {
  const current = role.inlinePolicies.find((p) => p.name === name);
  if (current && JSON.stringify(current.document) === JSON.stringify(document)) return role;
  steps.push({ kind: 'put-role-policy', target: role.arn, reason, roleName: role.name, policyName: name, document });
  return { ...role, inlinePolicies: [...role.inlinePolicies.filter((p) => p.name !== name), { name, document }] };
}

export interface PlanOptions {
  /** --restart: restart workloads whose pods predate the association. */
  restart?: boolean;
  now: string;
}

export function planAssociate(facts: AssociateFacts, spec: AssociationSpec, opts: PlanOptions): AssociatePlan {
  const { steps, effectiveRole } = planRole(facts, spec);
  if (facts.serviceAccount === null && spec.createServiceAccount) {
    steps.push({ kind: 'create-service-account', target: `${spec.namespace}/${spec.serviceAccount}`, reason: 'requested with --create-service-account', namespace: spec.namespace, name: spec.serviceAccount });
  }
  const existing = facts.existing;
  let changes: FieldChange[] = [];
  let tagDrift: string[] | undefined;
  const target = `${spec.namespace}/${spec.serviceAccount}`;
  if (!existing) {
    steps.push({ kind: 'create-association', target, reason: `no association for ${target} yet`, spec });
  } else if (!existing.ownerArn) {
    changes = associationChanges(existing, spec);
    if (changes.length) steps.push({ kind: 'update-association', target, reason: `the association differs in ${changes.map((c) => c.field).join(', ')}`, associationId: existing.associationId, changes });
    const drift = Object.entries(spec.tags).filter(([k, v]) => k !== MANAGED_BY_TAG && existing.tags[k] !== v).map(([k]) => k);
    if (drift.length) tagDrift = drift;
  }
  const restart = restartInfo(facts, spec, { createdAt: existing?.createdAt, now: opts.now, update: changes.length > 0 });
  if (opts.restart) {
    for (const workload of restart.workloads) {
      steps.push({ kind: 'restart-workload', target: `${workload.kind.toLowerCase()}/${workload.name}`, reason: 'its pods started without Pod Identity credentials', workload });
    }
  }
  return { steps, existingId: existing?.associationId, changes, effectiveRole, restart, ...(tagDrift ? { tagDrift } : {}) };
}
