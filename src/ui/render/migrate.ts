import type { MigrateIrsaResult } from '../../commands/migrate-irsa.js';
import type { MigrateRollbackResult } from '../../commands/migrate-rollback.js';
import { plural } from '../../core/migrate/text.js';
import type { MigrationPlan, PlanEntry, Risk } from '../../core/migrate/types.js';
import { renderTable } from './table.js';

// Renderers of `podid migrate-irsa`: the plan (table), the PR comment (markdown), applied steps,
// exported IaC, and rollback.

const riskIds = (risks: Risk[]) => risks.filter((r) => r.level !== 'block' && r.level !== 'skip').map((r) => r.id).join(', ');
const roleCell = (e: PlanEntry) => (e.association?.targetRoleArn ? `${e.association.roleArn} → ${e.association.targetRoleArn}` : (e.association?.roleArn ?? e.irsaRoleArn));

export function summaryLine(plan: MigrationPlan): string {
  const s = plan.summary;
  const what = `${plural(s.serviceAccounts, 'IRSA service account')}${s.addons ? `, ${plural(s.addons, 'add-on')}` : ''}`;
  const advice = s.restartAdvice ? `, restart advice for ${plural(s.restartAdvice, 'workload')}` : '';
  return `Cluster ${plan.cluster.name}: ${what} — ${s.pending} pending, ${s.done} done, ${s.blocked} blocked, ${s.skipped} skipped (${plural(s.steps, 'step')}, ${plural(s.restarts, 'restart')}${advice})`;
}

function entriesTable(plan: MigrationPlan): string {
  return renderTable(plan.entries, [
    { header: 'entry', value: (e) => e.id },
    { header: 'status', value: (e) => e.status },
    { header: 'role', value: roleCell },
    { header: 'pods', value: (e) => e.pods },
    { header: 'steps', value: (e) => e.steps.length },
    { header: 'risks', value: (e) => riskIds(e.risks) },
  ]);
}

function problems(plan: MigrationPlan): string[] {
  const out: string[] = [];
  const stopped = plan.entries.filter((e) => e.status === 'blocked' || e.status === 'skipped');
  if (stopped.length) {
    out.push('', 'Blocked and skipped:');
    for (const e of stopped) out.push(`  ${e.id} (${e.status}): ${e.reason}`, ...(e.fix ? [`    fix: ${e.fix}`] : []));
  }
  const warnings = plan.entries.flatMap((e) => e.risks.filter((r) => r.level === 'warn').map((r) => `  ${e.id}: ${r.message}${r.fix ? `\n    fix: ${r.fix}` : ''}`));
  if (warnings.length || plan.warnings.length) out.push('', 'Warnings:', ...plan.warnings.map((w) => `  ${w}`), ...warnings);
  return out;
}

function planText(plan: MigrationPlan, listSteps = true, filterWarnings = 0): string[] {
  const lines = [summaryLine(plan), ''];
  if (!plan.entries.length && filterWarnings) return [`Cluster ${plan.cluster.name}: no service account or add-on in scope uses IRSA; check the filters (${plural(filterWarnings, 'warning')} on stderr).`];
  if (!plan.entries.length) return [`Cluster ${plan.cluster.name}: no service account or add-on uses IRSA. Nothing to migrate.`];
  lines.push(entriesTable(plan).trimEnd());
  if (plan.steps.length && listSteps) {
    lines.push('', 'Steps, in order:');
    plan.steps.forEach((s, i) => lines.push(`  ${String(i + 1).padStart(3)}. ${s.description}`));
  }
  lines.push(...problems(plan));
  return lines;
}

export function renderMigrateTable(result: MigrateIrsaResult): string {
  if (result.export?.text !== undefined) return result.export.text;
  const lines = planText(result.plan, !result.apply, result.warnings?.length ?? 0);
  if (result.export?.file) lines.push('', `Wrote ${result.export.format} for ${plural(result.plan.summary.pending + result.plan.summary.done, 'entry', 'entries')} to ${result.export.file}.`);
  else if (result.apply) {
    lines.push('', 'Applied:');
    for (const s of result.apply.steps) lines.push(`  ${s.status.padEnd(9)} ${s.description}${s.note ? ` — ${s.note}` : ''}`);
    if (!result.apply.steps.length) lines.push(`  ${[result.apply.note ?? 'nothing to do', restartAdvice(result.plan)].filter(Boolean).join('. ')}`);
    if (result.apply.journal) lines.push('', `Journal: ${result.apply.journal}  (undo: podid migrate-irsa rollback ${result.apply.journal})`);
    if (result.apply.status === 'incomplete') lines.push('Some steps wait (deferred, manual or blocked): run again after they are resolved.', ...waitingNote(result.plan));
  } else if (result.mode === 'check') {
    const s = result.plan.summary;
    lines.push('', result.pending ? `Pending: ${plural(s.pending, 'entry', 'entries')} to migrate, ${s.blocked} blocked (exit 3).` : ['Nothing pending.', restartAdvice(result.plan)].filter(Boolean).join(' '));
    if (result.pending) lines.push(...waitingNote(result.plan));
  } else if (result.plan.steps.length) {
    lines.push('', `No changes were applied. Run again with --approve to apply${result.plan.summary.restartAdvice ? ' (add --restart to restart the workloads)' : ''}.`, ...waitingNote(result.plan));
  } else if (result.plan.summary.restartAdvice || result.plan.summary.waiting) {
    lines.push('', ['Nothing to apply now.', restartAdvice(result.plan)].filter(Boolean).join(' '), ...waitingNote(result.plan));
  }
  return lines.join('\n') + '\n';
}

/** Removals the flags ask for that wait (the entries stay pending, so --check exits 3): which, and what unblocks them. */
function waitingNote(plan: MigrationPlan): string[] {
  const waiting = plan.entries.filter((e) => e.status === 'pending' && e.waiting);
  if (!waiting.length) return [];
  const lines = [`${plural(waiting.length, 'entry', 'entries')} still ${waiting.length === 1 ? 'waits' : 'wait'} for the removal you asked for (--remove-annotations, --remove-oidc-trust): pods of ${waiting.length === 1 ? 'its service account' : 'their service accounts'} still run with IRSA, so ${waiting.length === 1 ? 'it stays' : 'they stay'} pending (--check exits 3) until then:`];
  for (const e of waiting) lines.push(`  ${e.id}: ${e.waiting!.removals.join(' and ')} — ${e.waiting!.fix}`);
  return lines;
}

/** Restarts without --restart are advice, not pending steps: say so where the verdict is. */
const restartAdvice = (plan: MigrationPlan) =>
  plan.summary.restartAdvice ? `${plural(plan.summary.restartAdvice, 'workload')} still ${plan.summary.restartAdvice === 1 ? 'runs' : 'run'} with IRSA until restarted: see the kubectl commands under Warnings, or run again with --approve --restart.` : '';

const md = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMigrateMarkdown(result: MigrateIrsaResult): string {
  const { plan } = result;
  const s = plan.summary;
  const lines = [
    `### podid migrate-irsa — cluster \`${plan.cluster.name}\``,
    '',
    '| pending | done | blocked | skipped | steps | restarts |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.pending} | ${s.done} | ${s.blocked} | ${s.skipped} | ${s.steps} | ${s.restarts} |`,
    '',
  ];
  if (plan.entries.length) {
    lines.push('| entry | status | role | pods | steps | risks |', '| --- | --- | --- | ---: | ---: | --- |');
    for (const e of plan.entries) lines.push(`| \`${md(e.id)}\` | ${e.status} | \`${md(roleCell(e))}\` | ${e.pods} | ${e.steps.length} | ${md(riskIds(e.risks)) || '—'} |`);
  } else lines.push('No service account or add-on uses IRSA.');
  const stopped = plan.entries.filter((e) => e.status === 'blocked' || e.status === 'skipped');
  if (stopped.length) {
    lines.push('', '#### Blocked and skipped', '');
    for (const e of stopped) lines.push(`- **\`${md(e.id)}\`** (${e.status}): ${md(e.reason ?? '')}${e.fix ? ` — _fix:_ ${md(e.fix)}` : ''}`);
  }
  const waiting = plan.entries.filter((e) => e.status === 'pending' && e.waiting);
  if (waiting.length) {
    lines.push('', '#### Removals waiting (pending until no pod runs with IRSA)', '');
    for (const e of waiting) lines.push(`- \`${md(e.id)}\`: ${md(e.waiting!.reason)} — _fix:_ ${md(e.waiting!.fix)}`);
  }
  if (s.restartAdvice) {
    lines.push('', '#### Restart (advice: not part of the plan without `--restart`)', '');
    for (const e of plan.entries.filter((x) => x.restart.length)) lines.push(`- \`${md(e.id)}\`: \`kubectl rollout restart -n ${e.namespace} ${e.restart.map((w) => `${w.kind.toLowerCase()}/${w.name}`).join(' ')}\``);
  }
  if (plan.steps.length) {
    lines.push('', '<details><summary>Steps, in order</summary>', '');
    plan.steps.forEach((step, i) => lines.push(`${i + 1}. ${md(step.description)}`));
    lines.push('', '</details>');
  }
  return lines.join('\n') + '\n';
}

export function renderRollbackTable(result: MigrateRollbackResult): string {
  const head = `${result.dryRun ? 'Would roll back' : 'Rolled back'} ${result.journal} (cluster ${result.cluster}):`;
  const advice = rollbackAdvice(result);
  if (!result.actions.length) return `${head} nothing to undo.\n${advice}`;
  const refused = result.actions.filter((a) => a.status === 'refused').length;
  const failed = result.dryRun ? result.actions.filter((a) => a.status === 'failed').length : 0;
  const footer = [
    ...(result.dryRun && refused ? [`${plural(refused, 'action')} would be refused (the rollback would end with exit 1): the trust changed after the run in a way the journal cannot undo statement by statement.`] : []),
    ...(failed ? [`${plural(failed, 'action')} could not be checked (the rollback would likely fail, exit 1).`] : []),
  ];
  return `${head}\n\n` + renderTable(result.actions, [
    { header: 'action', value: (a) => a.action },
    { header: 'target', value: (a) => a.target },
    { header: 'status', value: (a) => a.status },
    { header: 'note', value: (a) => a.note },
  ]) + (footer.length ? `\n${footer.join('\n')}\n` : '') + advice;
}

/** Pods left with Pod Identity env and no association: what to restart (without --restart) or recreate. */
function rollbackAdvice(result: MigrateRollbackResult): string {
  if (!result.restartAdvice?.length) return '';
  const deleted = result.dryRun ? 'the rollback would delete' : 'the rollback deleted';
  const lines = ['', `Pods admitted with Pod Identity for a service account whose association ${deleted} get no AWS credentials until recreated${result.restart ? '' : ' (run the rollback with --restart to restart them)'}:`];
  for (const a of result.restartAdvice) {
    if (a.command) lines.push(`  ${a.serviceAccount}: ${a.command}`);
    for (const m of a.manual) lines.push(`  ${a.serviceAccount}: delete and recreate ${m}`);
    if (a.unchecked) lines.push(`  ${a.serviceAccount}: ${a.unchecked}`);
  }
  return lines.join('\n') + '\n';
}
