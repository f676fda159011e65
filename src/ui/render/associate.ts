import type { AssociateResult } from '../../commands/associate.js';
import type { AssociationsDeleteResult } from '../../commands/associations-delete.js';
import type { CheckStatus, FieldChange, PreflightCheck, RestartInfo, Step } from '../../core/associate/index.js';
import { restartCommand } from '../../core/associate/restart.js';
import type { StepOutcome } from '../../services/associate-apply.js';
import type { RenderContext } from '../output.js';

// `podid associate` for people: preflight checklist, plan, what ran, pods to restart, next step.
// Plain lines (CI-friendly); colour only when the context allows it.

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export function paint(text: string, status: CheckStatus | 'change', ctx?: RenderContext): string {
  if (!ctx?.color) return text;
  const code = status === 'ok' ? 32 : status === 'fail' ? 31 : status === 'warn' || status === 'change' ? 33 : 90;
  return `\u001b[${code}m${text}\u001b[39m`;
}

export function renderChecks(checks: readonly PreflightCheck[], ctx?: RenderContext): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  return checks
    .map((c) => {
      const line = `  ${paint(MARK[c.status], c.status, ctx)}  ${c.id.padEnd(width)}  ${c.detail}`;
      return c.hint && (c.status === 'fail' || c.status === 'warn') ? `${line}\n  ${' '.repeat(4)}  ${' '.repeat(width)}  fix: ${c.hint}` : line;
    })
    .join('\n') + '\n';
}

const show = (v: string | boolean | undefined) => (v === undefined ? '(none)' : String(v));

export function changeText(c: FieldChange): string {
  return `${c.field}: ${show(c.from)} → ${show(c.to)}`;
}

export function stepText(step: Step): string {
  switch (step.kind) {
    case 'create-role':
      return `+ create role ${step.target} (${step.scope === 'workload' ? 'trust scoped to the workload' : `trust of scope ${step.scope}`}; tags ${Object.entries(step.tags).map(([k, v]) => `${k}=${v}`).join(', ')})`;
    case 'update-trust':
      return `~ update trust of role ${step.target}: add ${step.added.join(', ')}`;
    case 'attach-policy':
      return `+ attach ${step.policyArn} to role ${step.roleName}`;
    case 'put-boundary':
      return `~ set permissions boundary of role ${step.roleName}: ${show(step.from)} → ${step.policyArn}`;
    case 'update-role':
      return `~ update role ${step.roleName}: maxSessionDuration ${step.from} → ${step.maxSessionDuration}`;
    case 'tag-role':
      return `~ tag role ${step.roleName}: ${Object.entries(step.tags).map(([k, v]) => `${k} ${show(step.from[k])} → ${v}`).join(', ')}`;
    case 'put-role-policy':
      return `+ put inline policy ${step.policyName} on role ${step.roleName} (${step.reason})`;
    case 'create-service-account':
      return `+ create service account ${step.target}`;
    case 'create-association': {
      const s = step.spec;
      const extra = [s.targetRoleArn ? `target ${s.targetRoleArn}` : '', s.disableSessionTags ? 'session tags off' : '', s.sessionPolicy ? 'session policy' : ''].filter(Boolean);
      return `+ create association ${step.target} → ${s.roleArn}${extra.length ? ` (${extra.join(', ')})` : ''}`;
    }
    case 'update-association':
      return `~ update association ${step.associationId} (${step.target}): ${step.changes.map(changeText).join('; ')}`;
    case 'delete-association':
      return `- delete association ${step.associationId} (${step.target})`;
    case 'detach-policy':
      return `- detach ${step.policyArn} from role ${step.roleName}`;
    case 'delete-role-policy':
      return `- delete inline policy ${step.policyName} of role ${step.roleName}`;
    case 'delete-role':
      return `- delete role ${step.target}`;
    case 'restart-workload':
      return `~ restart ${step.workload.kind.toLowerCase()}/${step.workload.name} in ${step.workload.namespace}`;
  }
}

export function renderSteps(steps: readonly Step[], ctx?: RenderContext): string {
  return steps.map((s) => `  ${paint(stepText(s), 'change', ctx)}`).join('\n') + '\n';
}

export function renderOutcomes(outcomes: readonly StepOutcome[]): string {
  return outcomes.map((o) => `  ${o.status === 'done' ? 'done   ' : o.status === 'failed' ? 'FAILED ' : 'not run'}  ${o.kind} ${o.target}${o.detail ? `: ${o.detail}` : ''}`).join('\n') + '\n';
}

/** Where the association and its restarts stand, for the restart advice. */
interface RestartView {
  /** The association is still to be created: its pods need a restart after it is. */
  pending: boolean;
  /** The plan has restart-workload steps (--restart): no rollout command to print. */
  planned: boolean;
  /** Restart steps ran. */
  restarted: boolean;
}

export function restartView(r: Pick<AssociateResult, 'steps' | 'applied'>): RestartView {
  const done = (kind: Step['kind']) => Boolean(r.applied?.some((o) => o.kind === kind && o.status === 'done'));
  return { pending: r.steps.some((s) => s.kind === 'create-association') && !done('create-association'), planned: r.steps.some((s) => s.kind === 'restart-workload'), restarted: done('restart-workload') };
}

/** Commands still to run by hand: the rollouts unless the plan runs them, and deletes of bare pods always. */
export function pendingRestartCommands(restart: RestartInfo, view: RestartView): string[] {
  return [...(view.planned ? [] : restart.workloads.map(restartCommand)), ...restart.commands.filter((c) => c.includes(' delete pod '))];
}

export function renderRestart(restart: RestartInfo, view: RestartView): string {
  // Pods of restarted workloads are recreated with credentials; Job pods are listed on their own.
  const pods = restart.pods.filter((p) => !restart.jobs.includes(p) && (!view.restarted || restart.manual.includes(p)));
  const parts: string[] = [];
  const when = restart.update
    ? "keep the old association's credentials until they are recreated (a new pod gets the new role at once)"
    : view.pending
      ? 'started before the association; they need a restart after it is created to get credentials'
      : 'started before the association (or without its injection) and get no credentials until they are recreated';
  if (pods.length) parts.push(`Pods of the service account that ${when}: ${pods.join(', ')}\n`);
  if (view.planned && !view.restarted && restart.workloads.length) parts.push(`The plan restarts ${restart.workloads.map((w) => `${w.kind.toLowerCase()}/${w.name}`).join(', ')}.\n`);
  const commands = pendingRestartCommands(restart, view);
  if (commands.length) {
    const how = view.planned || !restart.workloads.length ? 'Recreate by hand:' : `Restart them with (${restart.manual.length ? '--restart runs the rollouts' : 'or pass --restart'}):`;
    parts.push(`${how}\n${commands.map((c) => `  ${c}`).join('\n')}\n`);
  }
  if (restart.jobs.length) parts.push(`Pods of Jobs and CronJobs of the service account get credentials on their next run: ${restart.jobs.join(', ')}\n`);
  return parts.length ? `\n${parts.join('')}` : '';
}

function footer(r: AssociateResult): string {
  switch (r.status) {
    case 'up-to-date':
      return `\nAssociation ${r.namespace}/${r.serviceAccount} → ${r.roleArn} is already up to date; nothing to change.\n`;
    case 'blocked':
      return `\nPreflight failed: nothing was changed. Fix the checks marked FAIL and run again.\n`;
    case 'planned':
      return `\nNothing was changed. Run again with --approve to apply.\n`;
    case 'applied':
      return `\nApplied. Association ${r.association?.associationId ?? ''} ${r.namespace}/${r.serviceAccount} → ${r.roleArn}.\n`;
    case 'failed':
      return `\nA step failed; the steps before it were applied. Fix the error and run again (the plan converges).\n`;
  }
}

const header = (r: AssociateResult) => `Association ${r.namespace}/${r.serviceAccount} in cluster ${r.cluster} → ${r.roleArn}${r.targetRoleArn ? ` → ${r.targetRoleArn}` : ''}\n`;

/** Before a TTY prompt (on stderr): what would change and the preflight — no "run again" line. */
export function renderAssociatePreview(r: AssociateResult, ctx?: RenderContext): string {
  const parts = [header(r), '\nPreflight\n', renderChecks(r.checks, ctx)];
  if (r.steps.length) parts.push(`\nPlan (${r.steps.length} change${r.steps.length === 1 ? '' : 's'})\n`, renderSteps(r.steps, ctx));
  return parts.join('');
}

/** What ran, the notes and the restart advice, and the closing line (the plan itself is already on screen). */
function renderAssociateOutcome(r: AssociateResult): string {
  const parts: string[] = [];
  if (r.applied) parts.push('\nApplied\n', renderOutcomes(r.applied));
  for (const note of r.notes) parts.push(`\nNote: ${note}\n`);
  if (r.status !== 'blocked') parts.push(renderRestart(r.restart, restartView(r)));
  parts.push(footer(r));
  return parts.join('');
}

export function renderAssociate(r: AssociateResult, ctx?: RenderContext): string {
  return renderAssociatePreview(r, ctx) + renderAssociateOutcome(r);
}

/** After a yes at the TTY prompt: only what was done (the preview showed the preflight and the plan). */
export function renderAssociateDone(r: AssociateResult): string {
  return renderAssociateOutcome(r).replace(/^\n/, '');
}

export function renderAssociationsDeletePreview(r: AssociationsDeleteResult, ctx?: RenderContext): string {
  const a = r.association;
  // Absent: the "nothing to delete" line went to stderr; the result has nothing more to say.
  if (!a || r.status === 'absent') return '';
  const parts = [`Delete association ${a.associationId} (${a.namespace}/${a.serviceAccount} → ${a.roleArn}) in cluster ${r.cluster}\n`];
  if (r.checks.length) parts.push('\nPreflight\n', renderChecks(r.checks, ctx));
  parts.push(`\nPlan (${r.steps.length} change${r.steps.length === 1 ? '' : 's'})\n`, renderSteps(r.steps, ctx));
  return parts.join('');
}

const DELETE_END: Record<Exclude<AssociationsDeleteResult['status'], 'absent'>, string> = {
  blocked: 'Preflight failed: nothing was deleted.',
  planned: 'Nothing was changed. Run again with --approve to delete.',
  applied: 'Deleted. Running pods keep their credentials until they expire or restart.',
  failed: 'A step failed; the steps before it were applied. Fix the error and run again.',
};

function deleteOutcome(r: AssociationsDeleteResult): string {
  if (!r.association || r.status === 'absent') return '';
  return `${r.applied ? `\nApplied\n${renderOutcomes(r.applied)}` : ''}\n${DELETE_END[r.status]}\n`;
}

export function renderAssociationsDelete(r: AssociationsDeleteResult, ctx?: RenderContext): string {
  return renderAssociationsDeletePreview(r, ctx) + deleteOutcome(r);
}

/** After a yes at the TTY prompt: only what was done. */
export function renderAssociationsDeleteDone(r: AssociationsDeleteResult): string {
  return deleteOutcome(r).replace(/^\n/, '');
}
