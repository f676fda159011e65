import type { Association, Cluster, Role } from '../model.js';
import type { TrustLedger } from './ledger.js';
import { podsOf, type PodIndex, type SaPods } from './pods.js';
import { TRUST_QUOTA_CODE, TRUST_QUOTA_MAX } from '../policy/size.js';
import { plural } from './text.js';
import { trustStatementFor } from '../policy/trust.js';
import { hasUnscopedPodIdentityStatement, irsaSubject, removeOidcSubject, trustAcceptsPodIdentity } from './trust.js';
import type { MigrationFacts, MigrationOptions, PlanEntry, Risk, Step } from './types.js';

// Entry helpers of the planner: building and blocking entries, restart steps, and the last steps
// (annotation and OIDC-trust removal), which wait until no pod of the SA still runs with IRSA.

export interface PlanContext {
  facts: MigrationFacts;
  options: MigrationOptions;
  cluster: Cluster;
  providerArn?: string;
  pods: PodIndex;
  associations: Map<string, Association>;
  ledger: TrustLedger;
  steps: Step[];
  roleUsers: Map<string, number>;
  podCache: Map<string, SaPods>;
}

/** Pods of the entry's SA, computed once per plan. */
export function podsFor(ctx: PlanContext, entry: PlanEntry): SaPods {
  const key = `${entry.namespace}/${entry.serviceAccount}`;
  let found = ctx.podCache.get(key);
  if (!found) ctx.podCache.set(key, (found = podsOf(entry.namespace, entry.serviceAccount, ctx.pods)));
  return found;
}

export function newEntry(kind: PlanEntry['kind'], namespace: string, serviceAccount: string, irsaRoleArn: string, addon?: string): PlanEntry {
  const entry: PlanEntry = { id: kind === 'addon' ? `addon:${addon}` : `${namespace}/${serviceAccount}`, kind, namespace, serviceAccount, irsaRoleArn, status: 'pending', risks: [], irsa: {}, pods: 0, restart: [], steps: [] };
  if (addon) entry.addon = addon;
  return entry;
}

export function blockEntry(entry: PlanEntry, risk: Risk): PlanEntry {
  entry.status = 'blocked';
  entry.reason = risk.message;
  entry.fix = risk.fix;
  entry.risks.push(risk);
  return entry;
}

/**
 * Workloads whose pods still have IRSA credentials: restart steps with --restart; without it, advice
 * (a warning with the kubectl command), not a pending step, so an applied plan converges.
 */
export function addRestarts(ctx: PlanContext, entry: PlanEntry): Step[] {
  const pods = podsFor(ctx, entry);
  entry.restart = pods.restart;
  if (pods.restart.length && !ctx.options.restart) {
    const names = pods.restart.map((w) => `${w.kind.toLowerCase()}/${w.name}`);
    entry.risks.push({
      id: 'restart-required',
      level: 'warn',
      message: `${plural(names.length, 'workload keeps', 'workloads keep')} IRSA credentials until restarted (the SDK prefers web identity): ${names.join(', ')}`,
      fix: `Pass --restart, or run kubectl rollout restart -n ${entry.namespace} ${names.join(' ')}`,
    });
  }
  if (pods.runToCompletion.length) {
    const names = pods.runToCompletion.map((w) => `${w.kind.toLowerCase()}/${w.name}`);
    entry.risks.push({ id: 'restart-required', level: 'info', message: `${names.join(', ')}: running pods finish with IRSA; the next run gets Pod Identity` });
  }
  if (pods.manual.length) {
    entry.risks.push({ id: 'manual-restart', level: 'warn', message: `no rollout can recreate: ${pods.manual.join(', ')}`, fix: 'Delete and recreate those pods after the association exists.' });
  }
  if (!ctx.options.restart) return [];
  return pods.restart.map((workload) => ({
    id: `restart:${workload.kind}/${workload.namespace}/${workload.name}`,
    entry: entry.id,
    phase: 4 as const,
    kind: 'restart' as const,
    workload,
    description: `restart ${workload.kind.toLowerCase()}/${workload.name} in ${workload.namespace} so its pods get Pod Identity`,
  }));
}

/**
 * Annotation and OIDC-trust removal: last, and only when no IRSA pod would be left behind. A removal
 * the user asked for that must wait keeps the entry pending (`waiting`), so --check does not pass
 * while the annotations or the OIDC trust are still there.
 */
export function addRemovals(ctx: PlanContext, entry: PlanEntry, irsaRoleArn: string, role: Role | undefined, otherAccount: boolean, annotationKeys: string[]): Step[] {
  const { options } = ctx;
  if (!options.removeOidcTrust && !options.removeAnnotations) return [];
  const pods = podsFor(ctx, entry);
  // What apply's last check (services/migrate-verify.ts) would find: live pods still on IRSA that this run does not recreate.
  const waits = [
    ...(pods.restart.length && !options.restart ? [`restart ${pods.restart.map((w) => `${w.kind.toLowerCase()}/${w.name}`).join(', ')} (or pass --restart)`] : []),
    ...(pods.manual.length ? [`delete and recreate ${pods.manual.join(', ')}`] : []),
    ...(pods.runToCompletion.length ? [`let the running pods of ${pods.runToCompletion.map((w) => `${w.kind.toLowerCase()}/${w.name}`).join(', ')} finish (the next run gets Pod Identity)`] : []),
  ];
  if (waits.length) {
    const wanted = requestedRemovals(ctx, entry, irsaRoleArn, role, annotationKeys);
    if (!wanted.length) return [];
    const fix = `${waits.join('; ')}; then run again.`;
    const message = `${wanted.join(' and ')} ${wanted.length > 1 ? 'wait' : 'waits'}: pods of this service account still run with IRSA credentials`;
    entry.risks.push({ id: 'oidc-deferred', level: 'warn', message, fix: fix[0].toUpperCase() + fix.slice(1) });
    entry.waiting = { removals: wanted, reason: message, fix: fix[0].toUpperCase() + fix.slice(1) };
    return [];
  }
  const verifyRoleArn = entry.association?.roleArn ?? irsaRoleArn;
  const steps: Step[] = [];
  if (options.removeOidcTrust && ctx.providerArn) {
    const current = ctx.ledger.withAdds(irsaRoleArn, role);
    const removal = current ? removeOidcSubject(current, ctx.providerArn, entry.namespace, entry.serviceAccount) : ({ kind: 'removed' } as const);
    if (removal.kind === 'wildcard') {
      entry.risks.push({ id: 'oidc-wildcard', level: 'warn', message: `OIDC trust of ${irsaRoleArn} is not specific to ${entry.id} (${removal.detail}); left in place`, fix: 'Narrow or remove that statement yourself once no service account needs it.' });
    } else if (removal.kind === 'removed') {
      ctx.ledger.remove(irsaRoleArn, role, otherAccount, entry.id, { providerArn: ctx.providerArn, namespace: entry.namespace, serviceAccount: entry.serviceAccount });
      steps.push({
        id: `oidc:${entry.id}`,
        entry: entry.id,
        phase: 5,
        kind: 'remove-oidc-trust',
        roleArn: irsaRoleArn,
        providerArn: ctx.providerArn,
        subject: irsaSubject(entry.namespace, entry.serviceAccount),
        namespace: entry.namespace,
        serviceAccount: entry.serviceAccount,
        verifyRoleArn,
        description: `remove ${irsaSubject(entry.namespace, entry.serviceAccount)} of this cluster's OIDC provider from the trust of ${irsaRoleArn}`,
      });
    }
  }
  if (options.removeAnnotations && annotationKeys.length) {
    steps.push({ id: `annotation:${entry.id}`, entry: entry.id, phase: 5, kind: 'remove-annotation', namespace: entry.namespace, serviceAccount: entry.serviceAccount, keys: annotationKeys, verifyRoleArn, description: `remove ${annotationKeys.join(', ')} from service account ${entry.id}` });
  }
  return steps;
}

/** Same-account role: add the workload-scoped statement unless the trust already accepts the SA. */
export function planTrust(ctx: PlanContext, entry: PlanEntry, roleArn: string, role: Role | undefined, steps: Step[], otherAccount = false): boolean {
  entry.association ??= { roleArn };
  const current = ctx.ledger.withAdds(roleArn, role);
  if (current && trustAcceptsPodIdentity(current, roleArn, ctx.cluster, entry.namespace, entry.serviceAccount)) {
    if (hasUnscopedPodIdentityStatement(current)) {
      entry.risks.push({ id: 'unscoped-trust', level: 'warn', message: `role ${roleArn} trusts pods.eks.amazonaws.com without namespace/service-account conditions: every association in the account can use it`, fix: `Replace that statement with a scoped one: podid policy trust -w ${ctx.cluster.name}:${entry.namespace}:${entry.serviceAccount}` });
    }
    return true;
  }
  const statement = trustStatementFor({ clusterArn: ctx.cluster.arn, namespace: entry.namespace, serviceAccount: entry.serviceAccount });
  const added = ctx.ledger.add(roleArn, role, otherAccount, entry.id, statement);
  if (added.kind === 'over-quota') {
    blockEntry(entry, { id: 'trust-quota', level: 'block', message: `trust policy of ${roleArn} would be ${added.size} characters, over the quota of ${ctx.options.trustQuota}`, fix: trustQuotaFix(roleArn, ctx.options.trustQuota) });
    return false;
  }
  if (added.kind === 'added') {
    steps.push({ id: `trust:${entry.id}`, entry: entry.id, phase: 2, kind: 'add-trust', roleArn, statement: added.statement, purpose: 'pod-identity', namespace: entry.namespace, serviceAccount: entry.serviceAccount, description: `add trust for pods.eks.amazonaws.com scoped to ${entry.id} to ${roleArn}` });
  }
  return true;
}


/** migrate-irsa's way out of the trust quota: a higher quota, or fewer service accounts per role. */
const trustQuotaFix = (roleArn: string, quota: number) =>
  `Request a higher "Role trust policy length" quota (Service Quotas code ${TRUST_QUOTA_CODE}, up to ${TRUST_QUOTA_MAX}): ` +
  `aws service-quotas request-service-quota-increase --service-code iam --quota-code ${TRUST_QUOTA_CODE} --desired-value <N>, ` +
  `then run again with --trust-quota <N> (now ${quota}). Or give some of the service accounts that share ${roleArn} a role of their own.`;

/** The removals the flags ask for that would change something: the annotations, this SA's OIDC trust. */
function requestedRemovals(ctx: PlanContext, entry: PlanEntry, irsaRoleArn: string, role: Role | undefined, annotationKeys: string[]): string[] {
  const out: string[] = [];
  if (ctx.options.removeAnnotations && annotationKeys.length) out.push('annotation removal');
  if (ctx.options.removeOidcTrust && ctx.providerArn) {
    const current = ctx.ledger.withAdds(irsaRoleArn, role);
    if (!current || removeOidcSubject(current, ctx.providerArn, entry.namespace, entry.serviceAccount).kind === 'removed') out.push('OIDC-trust removal');
  }
  return out;
}
