import { createHash, randomBytes } from 'node:crypto';
import type { AssociationSpec, FieldChange, Step } from '../core/associate/index.js';
import { PodidError } from '../core/errors.js';
import type { Association } from '../core/model.js';
import { mergeTrust } from '../core/policy/index.js';
import type { EksPort, IamPort, KubePort, UpdateAssociationInput } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';

// Executes plan steps through the ports, in order, stopping at the first failure. Association
// writes carry a clientRequestToken derived from the request and a per-run nonce. Trust updates
// re-read the role and merge their statements, so steps of several entries on one role add up.

export interface ApplyDeps {
  eks: EksPort;
  iam: IamPort;
  kube: KubePort;
  reporter: Reporter;
}

export interface StepOutcome {
  kind: Step['kind'];
  target: string;
  status: 'done' | 'failed' | 'not-run';
  detail?: string;
}

export interface ApplyOutcome {
  outcomes: StepOutcome[];
  ok: boolean;
  /** The association after a create or update. */
  association?: Association;
  deleted?: Association[];
}

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

/** A fresh nonce per run: the same request in a later run (role A→B→A) must not get an earlier run's token replayed. */
export const runNonce = () => randomBytes(8).toString('hex');

/** Request + run nonce → token; the SDK resends it on retries of the one call, so a retry never acts twice. */
export function createToken(spec: AssociationSpec, nonce: string): string {
  const { clusterName, namespace, serviceAccount, roleArn, targetRoleArn, disableSessionTags, sessionPolicy, tags } = spec;
  return `podid-${digest(['create', clusterName, namespace, serviceAccount, roleArn, targetRoleArn ?? '', disableSessionTags, sessionPolicy ?? '', Object.entries(tags).sort(), nonce])}`;
}

export function updateToken(clusterName: string, associationId: string, changes: FieldChange[], nonce: string): string {
  return `podid-${digest(['update', clusterName, associationId, changes, nonce])}`;
}

export function updateInput(changes: FieldChange[]): UpdateAssociationInput {
  const input: UpdateAssociationInput = {};
  for (const c of changes) {
    if (c.field === 'roleArn') input.roleArn = c.to as string;
    if (c.field === 'targetRoleArn') input.targetRoleArn = (c.to as string | undefined) ?? null;
    if (c.field === 'disableSessionTags') input.disableSessionTags = Boolean(c.to);
    if (c.field === 'policy') input.policy = (c.to as string | undefined) ?? null;
  }
  return input;
}

async function runStep(step: Step, clusterName: string, deps: ApplyDeps, out: ApplyOutcome, nonce: string): Promise<string | undefined> {
  switch (step.kind) {
    case 'create-role': {
      const role = await deps.iam.createRole({
        name: step.roleName,
        path: step.path,
        trustPolicy: step.trustPolicy,
        tags: step.tags,
        permissionsBoundaryArn: step.permissionsBoundaryArn,
        maxSessionDuration: step.maxSessionDuration,
        description: `EKS Pod Identity role, cluster ${clusterName} (created by podid)`,
      });
      return role.arn;
    }
    case 'update-trust': {
      // The trust as it is now (an earlier step of this run may have changed it), plus the statements.
      const current = await deps.iam.getRole(step.roleName);
      const merged = mergeTrust(current.trustPolicy, step.statements);
      if (!merged.added.length) return 'already in the trust policy';
      await deps.iam.updateTrustPolicy(step.roleName, merged.policy);
      return `added ${merged.added.map((s) => s.Sid ?? '(no Sid)').join(', ')}`;
    }
    case 'attach-policy':
      return void (await deps.iam.attachRolePolicy(step.roleName, step.policyArn));
    case 'put-role-policy':
      return void (await deps.iam.putRolePolicy(step.roleName, step.policyName, step.document));
    case 'update-role':
      return void (await deps.iam.updateRole(step.roleName, { maxSessionDuration: step.maxSessionDuration }));
    case 'put-boundary':
      return void (await deps.iam.putRolePermissionsBoundary(step.roleName, step.policyArn));
    case 'tag-role':
      return void (await deps.iam.tagRole(step.roleName, step.tags));
    case 'create-service-account':
      return void (await deps.kube.createServiceAccount(step.namespace, step.name));
    case 'create-association': {
      const s = step.spec;
      out.association = await deps.eks.createAssociation({
        clusterName,
        namespace: s.namespace,
        serviceAccount: s.serviceAccount,
        roleArn: s.roleArn,
        targetRoleArn: s.targetRoleArn,
        disableSessionTags: s.disableSessionTags,
        policy: s.sessionPolicy,
        tags: s.tags,
        clientRequestToken: createToken(s, nonce),
      });
      return out.association.associationId;
    }
    case 'update-association':
      out.association = await deps.eks.updateAssociation(clusterName, step.associationId, { ...updateInput(step.changes), clientRequestToken: updateToken(clusterName, step.associationId, step.changes, nonce) });
      return undefined;
    case 'delete-association':
      (out.deleted ??= []).push(await deps.eks.deleteAssociation(clusterName, step.associationId));
      return undefined;
    case 'detach-policy':
      return void (await deps.iam.detachRolePolicy(step.roleName, step.policyArn));
    case 'delete-role-policy':
      return void (await deps.iam.deleteRolePolicy(step.roleName, step.policyName));
    case 'delete-role':
      return void (await deps.iam.deleteRole(step.roleName));
    case 'restart-workload':
      return void (await deps.kube.restartWorkload(step.workload.kind, step.workload.namespace, step.workload.name));
  }
}

export function describeStep(step: Step): string {
  return `${step.kind} ${step.target}`;
}

/** Runs the steps in order; a failing step stops the run and the rest are reported as not run. */
export async function applySteps(steps: readonly Step[], clusterName: string, deps: ApplyDeps, nonce = runNonce()): Promise<ApplyOutcome> {
  const out: ApplyOutcome = { outcomes: [], ok: true };
  for (const step of steps) {
    if (!out.ok) {
      out.outcomes.push({ kind: step.kind, target: step.target, status: 'not-run' });
      continue;
    }
    const task = deps.reporter.task(describeStep(step));
    try {
      const detail = await runStep(step, clusterName, deps, out, nonce);
      task.succeed();
      out.outcomes.push({ kind: step.kind, target: step.target, status: 'done', ...(detail ? { detail } : {}) });
    } catch (error) {
      if (!(error instanceof PodidError)) throw error;
      task.fail(`${describeStep(step)}: ${error.message}`);
      out.ok = false;
      out.outcomes.push({ kind: step.kind, target: step.target, status: 'failed', detail: error.message + (error.hint ? ` (${error.hint})` : '') });
    }
  }
  return out;
}
