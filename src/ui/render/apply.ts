import type { ApplyResult } from '../../commands/apply.js';
import type { RenderContext } from '../output.js';
import { paint, pendingRestartCommands, renderChecks, renderOutcomes, renderSteps, restartView } from './associate.js';

// `podid apply` for people: per association its status, the checks that need attention and its
// steps; then associations the file does not list; then the restart commands.

const STATUS: Record<ApplyResult['entries'][number]['status'], string> = {
  'up-to-date': 'up to date',
  planned: 'will change',
  applied: 'applied',
  blocked: 'BLOCKED',
  failed: 'FAILED',
};

/** The entries, their checks and steps, and the unlisted associations; notes under each entry unless `notes` is false. */
function renderPlan(r: ApplyResult, ctx: RenderContext | undefined, notes: boolean): string {
  const parts = [`podid apply ${r.file}: cluster ${r.cluster}, ${r.entries.length} association${r.entries.length === 1 ? '' : 's'} in the file\n`];
  for (const e of r.entries) {
    parts.push(`\n${e.namespace}/${e.serviceAccount} → ${e.roleArn}: ${STATUS[e.status]}\n`);
    const attention = e.checks.filter((c) => c.status === 'warn' || c.status === 'fail');
    if (attention.length) parts.push(renderChecks(attention, ctx));
    if (e.steps.length) parts.push(renderSteps(e.steps, ctx));
    if (notes) for (const note of e.notes) parts.push(`  note: ${note}\n`);
  }
  if (r.unlisted.length) {
    parts.push(`\nIn the cluster but not in the file${r.prune ? '' : ' (kept; --prune deletes them)'}:\n`);
    for (const u of r.unlisted) {
      const what = u.action === 'delete' ? paint(`- delete association ${u.associationId}`, 'change', ctx) : u.ownerAddon ? `  keep (owned by add-on ${u.ownerAddon})` : '  keep';
      parts.push(`  ${what} ${u.namespace}/${u.serviceAccount} → ${u.roleArn}\n`);
    }
  }
  return parts.join('');
}

/** What ran, restart advice and the closing line; with `notes`, each entry's notes too (the plan was shown without them). */
function renderOutcome(r: ApplyResult, notes: boolean): string {
  const parts: string[] = [];
  if (r.applied?.length) parts.push('\nApplied\n', renderOutcomes(r.applied));
  if (notes) for (const e of r.entries) for (const note of e.notes) parts.push(`\nNote (${e.namespace}/${e.serviceAccount}): ${note}\n`);
  const views = r.entries.filter((e) => e.status !== 'blocked').map((e) => ({ e, view: restartView(e) }));
  const commands = views.flatMap(({ e, view }) => pendingRestartCommands(e.restart, view));
  const rollouts = views.some(({ e, view }) => !view.planned && e.restart.workloads.length);
  if (commands.length) parts.push(`\nPods that started before their association need a restart${rollouts ? ' (or pass --restart for the rollouts)' : ''}:\n${commands.map((c) => `  ${c}`).join('\n')}\n`);
  const jobs = views.flatMap(({ e }) => e.restart.jobs.map((p) => `${e.namespace}/${p}`));
  if (jobs.length) parts.push(`Pods of Jobs and CronJobs get credentials on their next run: ${jobs.join(', ')}\n`);
  const end: Record<ApplyResult['status'], string> = {
    'up-to-date': 'The cluster matches the file; nothing to change.',
    planned: `${r.changes} change${r.changes === 1 ? '' : 's'} planned; nothing was changed. Run again with --approve to apply.`,
    applied: 'Applied.',
    blocked: 'Preflight failed for an association marked BLOCKED: nothing was changed.',
    failed: 'A step failed; the steps before it were applied. Fix the error and run again (the plan converges).',
  };
  parts.push(`\n${end[r.status]}\n`);
  return parts.join('');
}

export function renderApply(r: ApplyResult, ctx?: RenderContext): string {
  return renderPlan(r, ctx, true) + renderOutcome(r, false);
}

/** Before a TTY prompt (on stderr): the plan, no "run again" line. */
export function renderApplyPreview(r: ApplyResult, ctx?: RenderContext): string {
  return renderPlan(r, ctx, false);
}

/** After a yes at the TTY prompt: only what was done, the notes and the restart advice. */
export function renderApplyDone(r: ApplyResult): string {
  return renderOutcome(r, true).replace(/^\n/, '');
}
