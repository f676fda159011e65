import { createHash } from 'node:crypto';
import type { AssociationSpec, FieldChange, Step } from '../core/associate/index.js';
import { PodidError } from '../core/errors.js';
import type { Association } from '../core/model.js';
import type { EksPort, IamPort, KubePort, UpdateAssociationInput } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';

// Executes plan steps through the ports, in order, stopping at the first failure. Association
// writes carry a clientRequestToken derived from the request, so a retried run is safe.

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

/** Same request → same token (EKS then returns the first result instead of creating twice). */
export function createToken(spec: AssociationSpec): string {
  const { clusterName, namespace, serviceAccount, roleArn, targetRoleArn, disableSessionTags, sessionPolicy, tags } = spec;
  return `podid-${digest(['create', clusterName, namespace, serviceAccount, roleArn, targetRoleArn ?? '', disableSessionTags, sessionPolicy ?? '', Object.entries(tags).sort()])}`;
}

export function updateToken(clusterName: string, associationId: string, changes: FieldChange[]): string {
  return `podid-${digest(['update', clusterName, associationId, changes])}`;
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

async function runStep(step: Step, clusterName: string, deps: ApplyDeps, out: ApplyOutcome): Promise<string | undefined> {
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
    case 'update-trust':
      return void (await deps.iam.updateTrustPolicy(step.roleName, step.trustPolicy));
    case 'attach-policy':
      return void (await deps.iam.attachRolePolicy(step.roleName, step.policyArn));
    case 'put-role-policy':
      return void (await deps.iam.putRolePolicy(step.roleName, step.policyName, step.document));
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
        clientRequestToken: createToken(s),
      });
      return out.association.associationId;
    }
    case 'update-association':
      out.association = await deps.eks.updateAssociation(clusterName, step.associationId, { ...updateInput(step.changes), clientRequestToken: updateToken(clusterName, step.associationId, step.changes) });
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
export async function applySteps(steps: readonly Step[], clusterName: string, deps: ApplyDeps): Promise<ApplyOutcome> {
  const out: ApplyOutcome = { outcomes: [], ok: true };
  for (const step of steps) {
    if (!out.ok) {
      out.outcomes.push({ kind: step.kind, target: step.target, status: 'not-run' });
      continue;
    }
    const task = deps.reporter.task(describeStep(step));
    try {
      const detail = await runStep(step, clusterName, deps, out);
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
