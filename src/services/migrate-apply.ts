import { parseRoleArn } from '../core/arn.js';
import { shortHash } from '../core/hash.js';
import { doneSteps } from '../core/migrate/journal.js';
import { removeOidcSubject, trustAcceptsPodIdentity } from '../core/migrate/trust.js';
import type { JournalPrior, JournalRecord, MigrationPlan, Step } from '../core/migrate/types.js';
import type { Cluster } from '../core/model.js';
import { mergeTrust } from '../core/policy/merge.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import { findAssociation } from './associate-gather.js';
import type { JournalWriter } from './migrate-journal.js';
import { getRoleOrNull, verifier, type Verdict } from './migrate-verify.js';

// Executes a migration plan through the ports in its safe order (bridge roles → trust →
// associations → restarts → annotation / OIDC-trust removal). Every mutation is journalled with
// the prior state before it happens and marked done after. Each step re-reads the world first, so
// a resumed run converges instead of repeating work.

export interface ApplyDeps {
  eks: EksPort;
  iam: IamPort;
  kube: KubePort;
  reporter: Reporter;
  backend: 'local' | 'aws';
}

export type AppliedStatus = 'done' | 'unchanged' | 'skipped' | 'deferred' | 'manual' | 'failed';

export interface AppliedStep {
  id: string;
  entry: string;
  kind: Step['kind'];
  description: string;
  status: AppliedStatus;
  note?: string;
}

export interface ApplyOutcome {
  steps: AppliedStep[];
  failed?: AppliedStep;
}

type Handler = (step: Step) => Promise<{ status: AppliedStatus; note?: string }>;

export async function applyPlan(plan: MigrationPlan, cluster: Cluster, deps: ApplyDeps, journal: JournalWriter, opts: { restart: boolean }): Promise<ApplyOutcome> {
  const done = doneSteps(journal.journal);
  /** Entries whose later steps wait: from which phase on, and why. */
  const held = new Map<string, { from: number; note: string }>();
  const steps: AppliedStep[] = [];
  const run = handlers(cluster, deps, journal);
  for (const step of plan.steps) {
    const base = { id: step.id, entry: step.entry, kind: step.kind, description: step.description };
    if (done.has(step.id)) {
      steps.push({ ...base, status: 'skipped', note: 'done in an earlier run (journal)' });
      continue;
    }
    const hold = held.get(step.entry);
    if (hold && step.phase >= hold.from) {
      steps.push({ ...base, status: 'deferred', note: hold.note });
      continue;
    }
    if (step.kind === 'restart' && !opts.restart) {
      steps.push({ ...base, status: 'deferred', note: 'pass --restart, or restart it yourself' });
      held.set(step.entry, { from: 5, note: 'waits for the restart of its workloads' });
      continue;
    }
    const task = deps.reporter.task(step.description);
    try {
      const outcome = await run(step);
      steps.push({ ...base, ...outcome });
      // A manual target-trust step lets the association be created (pods keep IRSA until restarted), but holds restarts and removals.
      if (outcome.status === 'manual') held.set(step.entry, { from: 4, note: `waits for: ${step.description}` });
      if (outcome.status === 'deferred') held.set(step.entry, { from: step.phase, note: `waits for: ${step.description}` });
      if (outcome.status === 'deferred' || outcome.status === 'manual') task.warn(`${step.description}: ${outcome.note}`);
      else task.succeed(outcome.status === 'unchanged' ? `${step.description} (already so)` : step.description);
    } catch (error) {
      const failed: AppliedStep = { ...base, status: 'failed', note: (error as Error).message };
      task.fail(`${step.description}: ${failed.note}`);
      steps.push(failed);
      journal.journal.status = 'failed';
      await journal.save();
      return { steps, failed };
    }
  }
  journal.journal.status = 'done';
  await journal.save();
  return { steps };
}

function handlers(cluster: Cluster, deps: ApplyDeps, journal: JournalWriter): Handler {
  const otherAccount = (arn: string) => parseRoleArn(arn).accountId !== cluster.accountId;
  let verify: ReturnType<typeof verifier> | undefined;
  /** Journal the prior state, mutate, mark done; a throw marks the record failed and propagates. */
  const mutate = async (step: Step, prior: JournalPrior, change: () => Promise<JournalRecord['result'] | void>) => {
    const record = await journal.start({ step, prior });
    try {
      const result = await change();
      await journal.finish(record, 'done', { result: result ?? undefined });
    } catch (error) {
      await journal.finish(record, 'failed', { error: (error as Error).message });
      throw error;
    }
    return { status: 'done' as const };
  };
  const gate = async (step: Step & { namespace: string; serviceAccount: string; verifyRoleArn: string }): Promise<Verdict> => {
    verify ??= verifier(deps, cluster, deps.backend === 'local');
    return verify(step.namespace, step.serviceAccount, step.verifyRoleArn);
  };

  return async (step) => {
    switch (step.kind) {
      case 'create-role': {
        const existing = await getRoleOrNull(deps.iam, step.roleArn);
        return mutate(step, { existed: Boolean(existing) }, async () => {
          if (!existing) await deps.iam.createRole({ name: step.roleName, trustPolicy: step.trustPolicy, tags: step.tags, description: `podid bridge for ${step.entry} (cluster ${cluster.name})` });
          await deps.iam.putRolePolicy(step.roleName, step.policyName, step.permissionPolicy);
          return { roleArn: step.roleArn };
        });
      }
      case 'add-trust': {
        if (otherAccount(step.roleArn) && deps.backend !== 'local') {
          return { status: 'manual', note: `apply in account ${parseRoleArn(step.roleArn).accountId}: add ${JSON.stringify(step.statement)} to the trust of ${step.roleArn}` };
        }
        const role = await deps.iam.getRole(step.roleArn);
        const merged = mergeTrust(role.trustPolicy, [step.statement]);
        const accepted = step.purpose === 'pod-identity' && trustAcceptsPodIdentity(role.trustPolicy, step.roleArn, cluster, step.namespace, step.serviceAccount);
        if (merged.added.length === 0 || accepted) return { status: 'unchanged' };
        return mutate(step, { trustPolicyJson: JSON.stringify(role.trustPolicy) }, () => deps.iam.updateTrustPolicy(step.roleArn, merged.policy));
      }
      case 'create-association': {
        const found = await findAssociation(deps.eks, cluster.name, step.namespace, step.serviceAccount);
        if (found) {
          if (found.roleArn === step.roleArn && (found.targetRoleArn ?? undefined) === step.targetRoleArn) return { status: 'unchanged' };
          throw new Error(`an association for ${step.namespace}/${step.serviceAccount} exists with role ${found.roleArn}`);
        }
        const token = `podid-${shortHash(`${journal.journal.createdAt}|${step.id}`)}-${shortHash(step.id)}`;
        return mutate(step, { existed: false }, async () => {
          const created = await deps.eks.createAssociation({ clusterName: cluster.name, namespace: step.namespace, serviceAccount: step.serviceAccount, roleArn: step.roleArn, targetRoleArn: step.targetRoleArn, clientRequestToken: token });
          return { associationId: created.associationId };
        });
      }
      case 'update-addon': {
        const addon = await deps.eks.describeAddon(cluster.name, step.addon);
        if (addon.podIdentityAssociations.length) return { status: 'unchanged' };
        return mutate(step, { addonAssociations: addon.podIdentityAssociations }, () => deps.eks.updateAddonPodIdentity(cluster.name, step.addon, [{ serviceAccount: step.serviceAccount, roleArn: step.roleArn }]));
      }
      case 'restart':
        return mutate(step, {}, () => deps.kube.restartWorkload(step.workload.kind, step.workload.namespace, step.workload.name));
      case 'remove-oidc-trust': {
        const verdict = await gate(step);
        if (!verdict.ok) return refuse(verdict);
        if (otherAccount(step.roleArn) && deps.backend !== 'local') return { status: 'manual', note: `remove ${step.subject} (${step.providerArn}) from the trust of ${step.roleArn} in its account` };
        const role = await deps.iam.getRole(step.roleArn);
        const removal = removeOidcSubject(role.trustPolicy, step.providerArn, step.namespace, step.serviceAccount);
        if (removal.kind !== 'removed') return { status: 'unchanged', note: removal.kind === 'wildcard' ? `left in place: ${removal.detail}` : undefined };
        return mutate(step, { trustPolicyJson: JSON.stringify(role.trustPolicy) }, () => deps.iam.updateTrustPolicy(step.roleArn, removal.policy));
      }
      case 'remove-annotation': {
        const verdict = await gate(step);
        if (!verdict.ok) return refuse(verdict);
        const sa = await deps.kube.getServiceAccount(step.namespace, step.serviceAccount);
        if (!sa) throw new Error(`service account ${step.namespace}/${step.serviceAccount} no longer exists`);
        const present = step.keys.filter((k) => sa.annotations[k] !== undefined);
        if (!present.length) return { status: 'unchanged' };
        const prior = Object.fromEntries(present.map((k) => [k, sa.annotations[k]]));
        return mutate(step, { annotations: prior }, async () => {
          await deps.kube.annotateServiceAccount(step.namespace, step.serviceAccount, Object.fromEntries(present.map((k) => [k, null])));
        });
      }
    }
  };
}

function refuse(verdict: Verdict & { ok: false }): { status: AppliedStatus; note?: string } {
  if (verdict.wait) return { status: 'deferred', note: `${verdict.reason}; run again later` };
  throw new Error(`refusing to remove IRSA: ${verdict.reason}`);
}
