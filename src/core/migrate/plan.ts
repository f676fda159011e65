import { parseRoleArn, type RoleArn } from '../arn.js';
import { saKey, type Association, type Role, type ServiceAccount } from '../model.js';
import { bridgeRoleArn } from './bridge.js';
import { planBridge } from './plan-bridge.js';
import { addRemovals, addRestarts, blockEntry, newEntry, planTrust, podsFor, type PlanContext } from './plan-steps.js';
import { indexPods } from './pods.js';
import { ADDON_NAMESPACE, addonServiceAccount } from './scope.js';
import { TrustLedger } from './ledger.js';
import { oidcProviderArn } from './trust.js';
import { IRSA_ANNOTATIONS, type AddonFacts, type MigrationFacts, type MigrationOptions, type MigrationPlan, type PlanEntry, type Step } from './types.js';

// planMigration(facts, options) → MigrationPlan: one entry per IRSA service account (and per add-on
// with an IRSA role), each with ordered steps and risk flags. Pure: the same facts give the same
// plan, and a plan over an already-migrated world has no steps.

export function planMigration(facts: MigrationFacts, options: MigrationOptions): MigrationPlan {
  const ctx = context(facts, options);
  const entries: PlanEntry[] = [];
  const handled = new Set<string>();
  for (const addon of [...facts.addons].sort((a, b) => a.addon.name.localeCompare(b.addon.name))) {
    if (!addon.addon.serviceAccountRoleArn) continue;
    const entry = planAddon(ctx, addon);
    handled.add(saKey(entry.namespace, entry.serviceAccount));
    entries.push(entry);
  }
  const addonRoles = new Set(facts.addons.map((a) => a.addon.serviceAccountRoleArn).filter(Boolean));
  const sas = [...facts.serviceAccounts].sort((a, b) => saKey(a.namespace, a.name).localeCompare(saKey(b.namespace, b.name)));
  for (const sa of sas) {
    const key = saKey(sa.namespace, sa.name);
    const role = sa.annotations[IRSA_ANNOTATIONS.roleArn];
    if (handled.has(key) || (sa.namespace === ADDON_NAMESPACE && addonRoles.has(role))) continue;
    entries.push(planServiceAccount(ctx, sa));
  }
  const order = new Map(entries.map((e, i) => [e.id, i]));
  const steps = ctx.steps.filter((s) => entries[order.get(s.entry)!].status === 'pending').sort((a, b) => a.phase - b.phase || order.get(a.entry)! - order.get(b.entry)!);
  return {
    cluster: { name: facts.cluster.name, arn: facts.cluster.arn, accountId: facts.cluster.accountId, partition: facts.cluster.partition, oidcIssuer: facts.cluster.oidcIssuer },
    options,
    entries,
    steps,
    trustChanges: ctx.ledger.changes(),
    warnings: planWarnings(facts),
    summary: summarise(entries, steps, options),
  };
}

function context(facts: MigrationFacts, options: MigrationOptions): PlanContext {
  const roleUsers = new Map<string, number>();
  for (const sa of facts.serviceAccounts) {
    const arn = sa.annotations[IRSA_ANNOTATIONS.roleArn];
    roleUsers.set(arn, (roleUsers.get(arn) ?? 0) + 1);
  }
  return {
    facts,
    options,
    cluster: facts.cluster,
    providerArn: oidcProviderArn(facts.cluster),
    pods: indexPods(facts.pods, facts.workloads, facts.nodes),
    associations: new Map<string, Association>(facts.associations.map((a) => [saKey(a.namespace, a.serviceAccount), a])),
    ledger: new TrustLedger(options.trustQuota),
    steps: [],
    roleUsers,
    podCache: new Map(),
  };
}

function irsaSettings(sa: ServiceAccount): PlanEntry['irsa'] {
  const a = sa.annotations;
  const out: PlanEntry['irsa'] = {};
  if (a[IRSA_ANNOTATIONS.audience]) out.audience = a[IRSA_ANNOTATIONS.audience];
  if (a[IRSA_ANNOTATIONS.stsRegionalEndpoints]) out.stsRegionalEndpoints = a[IRSA_ANNOTATIONS.stsRegionalEndpoints];
  if (a[IRSA_ANNOTATIONS.tokenExpiration]) out.tokenExpiration = a[IRSA_ANNOTATIONS.tokenExpiration];
  return out;
}

/** Checks shared by service accounts and add-ons: ARN, partition, pods and nodes, agent, role. */
function preflight(ctx: PlanContext, entry: PlanEntry, raw: string): { arn: RoleArn; role: Role | undefined } | undefined {
  let arn: RoleArn;
  try {
    arn = parseRoleArn(raw);
  } catch (error) {
    blockEntry(entry, { id: 'malformed-arn', level: 'block', message: `${IRSA_ANNOTATIONS.roleArn}: ${(error as Error).message}`, fix: `Correct the annotation: kubectl annotate sa -n ${entry.namespace} ${entry.serviceAccount} ${IRSA_ANNOTATIONS.roleArn}=arn:${ctx.cluster.partition}:iam::<account>:role/<name> --overwrite` });
    return undefined;
  }
  if (arn.partition !== ctx.cluster.partition) {
    blockEntry(entry, { id: 'other-partition', level: 'block', message: `role ${arn.arn} is in partition ${arn.partition}, but cluster ${ctx.cluster.name} is in ${ctx.cluster.partition}; Pod Identity cannot cross partitions`, fix: `Create a role in ${ctx.cluster.partition} and annotate the service account with it.` });
    return undefined;
  }
  const pods = podsFor(ctx, entry);
  entry.pods = pods.pods.length;
  if (pods.fargate.length) return skip(entry, 'fargate', `pods on Fargate (${pods.fargate.slice(0, 3).join(', ')}): EKS Pod Identity does not support Fargate`, 'Keep IRSA for this service account, or move its pods to EC2 nodes first.');
  if (pods.windows.length) return skip(entry, 'windows', `pods on Windows nodes (${pods.windows.slice(0, 3).join(', ')}): EKS Pod Identity does not support Windows`, 'Keep IRSA for this service account, or move its pods to Linux nodes first.');
  if (pods.hostNetwork.length) {
    entry.risks.push({ id: 'host-network', level: 'warn', message: `hostNetwork pods (${pods.hostNetwork.slice(0, 3).join(', ')}) share the node's network: any process on the node can reach the agent at 169.254.170.23`, fix: 'Check that nothing else on those nodes should not get these credentials.' });
  }
  if (!ctx.facts.agentInstalled) {
    blockEntry(entry, { id: 'no-agent', level: 'block', message: `the eks-pod-identity-agent add-on is not installed in cluster ${ctx.cluster.name}: pods would lose credentials after a restart`, fix: `aws eks create-addon --cluster-name ${ctx.cluster.name} --addon-name eks-pod-identity-agent` });
    return undefined;
  }
  if (arn.path !== '/') entry.risks.push({ id: 'path-role', level: 'info', message: `role has the IAM path ${arn.path} (supported)` });
  const users = ctx.roleUsers.get(raw) ?? 0;
  if (users > 1) entry.risks.push({ id: 'shared-role', level: 'info', message: `role is shared by ${users} service accounts: one trust statement per service account` });
  const role = ctx.facts.roles.get(arn.arn);
  if (role === null) {
    blockEntry(entry, { id: 'role-missing', level: 'block', message: `role ${arn.arn} does not exist`, fix: 'Create the role, or correct the annotation.' });
    return undefined;
  }
  return { arn, role };
}

function skip(entry: PlanEntry, id: 'fargate' | 'windows', message: string, fix: string): undefined {
  entry.status = 'skipped';
  entry.reason = message;
  entry.fix = fix;
  entry.risks.push({ id, level: 'skip', message, fix });
  return undefined;
}

function planServiceAccount(ctx: PlanContext, sa: ServiceAccount): PlanEntry {
  const raw = sa.annotations[IRSA_ANNOTATIONS.roleArn];
  const entry = newEntry('service-account', sa.namespace, sa.name, raw);
  entry.irsa = irsaSettings(sa);
  if (Object.keys(entry.irsa).length) {
    entry.risks.push({ id: 'irsa-settings', level: 'info', message: `IRSA settings Pod Identity does not use: ${Object.entries(entry.irsa).map(([k, v]) => `${k}=${v}`).join(', ')}`, fix: 'Pod Identity tokens have audience pods.eks.amazonaws.com and 24 h expiry; the SDK uses the agent endpoint.' });
  }
  const checked = preflight(ctx, entry, raw);
  if (!checked) return entry;
  const { arn, role } = checked;
  const cross = arn.accountId !== ctx.cluster.accountId;
  if (cross && !ctx.options.bridgeRoles) {
    return blockEntry(entry, { id: 'cross-account', level: 'block', message: `role ${arn.arn} is in account ${arn.accountId}, not the cluster's account ${ctx.cluster.accountId}; an association role must be in the cluster's account`, fix: 'Drop --no-bridge-roles so podid creates a bridge role with targetRoleArn, or create one yourself.' });
  }
  if (!cross && role === undefined) {
    return blockEntry(entry, { id: 'role-unreadable', level: 'block', message: `cannot read role ${arn.arn}`, fix: 'Allow iam:GetRole for the caller and run again.' });
  }
  entry.association = cross ? { roleArn: bridgeRoleArn(ctx.cluster, entry.namespace, entry.serviceAccount), targetRoleArn: arn.arn } : { roleArn: arn.arn };
  const association = entry.association;
  const existing = ctx.associations.get(entry.id);
  if (existing && !(existing.roleArn === association.roleArn && (existing.targetRoleArn ?? undefined) === association.targetRoleArn)) {
    return blockEntry(entry, { id: 'association-conflict', level: 'block', message: `an association already exists for ${entry.id} with role ${existing.roleArn}${existing.targetRoleArn ? ` (target ${existing.targetRoleArn})` : ''}`, fix: `Check which role is right; change it with podid associations update ${entry.id} (podid will not replace it).` });
  }
  const steps: Step[] = [];
  if (cross ? !planBridge(ctx, entry, arn, role, steps) : !planTrust(ctx, entry, arn.arn, role, steps)) return entry;
  if (!existing) {
    const { roleArn, targetRoleArn } = association;
    steps.push({ id: `association:${entry.id}`, entry: entry.id, phase: 3, kind: 'create-association', namespace: entry.namespace, serviceAccount: entry.serviceAccount, roleArn, targetRoleArn, description: `create association ${entry.id} with role ${roleArn}${targetRoleArn ? ` (target ${targetRoleArn})` : ''}` });
  }
  const keys = Object.values(IRSA_ANNOTATIONS).filter((k) => sa.annotations[k] !== undefined);
  commit(ctx, entry, [...steps, ...addRestarts(ctx, entry), ...addRemovals(ctx, entry, arn.arn, role, cross, keys)]);
  return entry;
}

function planAddon(ctx: PlanContext, facts: AddonFacts): PlanEntry {
  const { addon } = facts;
  const roleArn = addon.serviceAccountRoleArn!;
  const sa = addonServiceAccount(facts, ctx.facts.serviceAccounts, ctx.facts.roles);
  const entry = newEntry('addon', sa?.namespace ?? ADDON_NAMESPACE, sa?.name ?? '?', roleArn, addon.name);
  entry.risks.push({ id: 'addon-owned', level: 'info', message: `IRSA role of the EKS add-on ${addon.name} ${addon.version}: migrated with UpdateAddon (EKS owns the association)` });
  const already = addon.podIdentityAssociations.length > 0;
  if (already && !sa) {
    entry.status = 'done';
    return entry;
  }
  if (!already && !facts.podIdentityServiceAccounts.length) {
    entry.status = 'skipped';
    entry.reason = `add-on ${addon.name} ${addon.version} does not support Pod Identity (DescribeAddonConfiguration lists no service account)`;
    entry.fix = `Upgrade the add-on to a version that supports Pod Identity: aws eks describe-addon-versions --addon-name ${addon.name}`;
    entry.risks.push({ id: 'addon-unsupported', level: 'skip', message: entry.reason, fix: entry.fix });
    return entry;
  }
  if (!sa) {
    entry.status = 'skipped';
    entry.reason = `add-on ${addon.name} declares several service accounts (${facts.podIdentityServiceAccounts.join(', ')}) and its role's trust names none of them`;
    entry.fix = `Migrate it yourself: aws eks update-addon --cluster-name ${ctx.cluster.name} --addon-name ${addon.name} --pod-identity-associations serviceAccount=<sa>,roleArn=${roleArn}`;
    entry.risks.push({ id: 'addon-unsupported', level: 'skip', message: entry.reason, fix: entry.fix });
    return entry;
  }
  const checked = preflight(ctx, entry, roleArn);
  if (!checked) return entry;
  if (checked.arn.accountId !== ctx.cluster.accountId || checked.role === undefined) {
    return blockEntry(entry, { id: 'role-unreadable', level: 'block', message: `add-on role ${roleArn} is not a readable role of the cluster's account`, fix: 'Give the add-on a role in the cluster account.' });
  }
  const steps: Step[] = [];
  entry.association = { roleArn };
  // Already on Pod Identity (e.g. a resumed run): only restarts and removals may be left.
  if (!already && !planTrust(ctx, entry, roleArn, checked.role, steps)) return entry;
  if (!already) steps.push({ id: `addon:${addon.name}`, entry: entry.id, phase: 3, kind: 'update-addon', addon: addon.name, serviceAccount: entry.serviceAccount, roleArn, description: `update add-on ${addon.name}: Pod Identity association ${entry.serviceAccount} with role ${roleArn}` });
  commit(ctx, entry, [...steps, ...addRestarts(ctx, entry), ...addRemovals(ctx, entry, roleArn, checked.role, false, [])]);
  return entry;
}

function commit(ctx: PlanContext, entry: PlanEntry, steps: Step[]) {
  for (const step of steps) {
    ctx.steps.push(step);
    entry.steps.push(step.id);
  }
  entry.status = entry.steps.length || entry.waiting ? 'pending' : 'done';
}

function planWarnings(facts: MigrationFacts): string[] {
  const warnings: string[] = [];
  if (!facts.cluster.oidcIssuer) warnings.push(`cluster ${facts.cluster.name} has no OIDC issuer: IRSA cannot work there, and there is no OIDC trust to remove`);
  if (!facts.agentInstalled) warnings.push(`the eks-pod-identity-agent add-on is not installed (and Auto Mode is off): install it before migrating`);
  return warnings;
}

function summarise(entries: PlanEntry[], steps: Step[], options: MigrationOptions): MigrationPlan['summary'] {
  const count = (status: PlanEntry['status']) => entries.filter((e) => e.status === status).length;
  return {
    entries: entries.length,
    serviceAccounts: entries.filter((e) => e.kind === 'service-account').length,
    addons: entries.filter((e) => e.kind === 'addon').length,
    pending: count('pending'),
    done: count('done'),
    blocked: count('blocked'),
    skipped: count('skipped'),
    steps: steps.length,
    restarts: steps.filter((s) => s.kind === 'restart').length,
    restartAdvice: options.restart ? 0 : entries.reduce((n, e) => n + e.restart.length, 0),
    waiting: entries.filter((e) => e.status === 'pending' && e.waiting).length,
  };
}
