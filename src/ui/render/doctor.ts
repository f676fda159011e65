import type { DoctorResult } from '../../commands/doctor.js';
import { CHECKS, MIGRATION_CANDIDATE, STATUS_ORDER, type CheckResult, type CheckStatus, type DoctorScope } from '../../core/doctor/index.js';
import type { RenderContext } from '../output.js';
import { renderSarif, sarifLevel } from './sarif.js';

// `podid doctor` output. Table (default): findings grouped by status, fails and warnings in full
// with their fix, ok lines collapsed per check; markdown for PRs/issues; SARIF for code scanning.

const HEADING: Record<CheckStatus, string> = { fail: 'FAIL', warn: 'WARN', skip: 'SKIPPED', ok: 'OK' };
const MARK: Record<CheckStatus, string> = { fail: '✗', warn: '!', skip: '-', ok: '✓' };
const COLOR: Record<CheckStatus, number> = { fail: 31, warn: 33, skip: 90, ok: 32 };

const paint = (text: string, status: CheckStatus, ctx?: RenderContext) => (ctx?.color ? `\u001b[${COLOR[status]}m${text}\u001b[39m` : text);

export function scopeText(scope: DoctorScope): string {
  if (scope.pod) return `pod ${scope.pod.namespace}/${scope.pod.name}`;
  if (scope.serviceAccount) return `service account ${scope.serviceAccount.namespace}/${scope.serviceAccount.name}`;
  if (scope.namespace) return `namespace ${scope.namespace}`;
  return 'all namespaces';
}

const UNIT: Record<string, string> = { cluster: 'subjects', agent: 'subjects', association: 'associations', pod: 'service accounts with pods', irsa: 'service accounts' };

const isCandidate = (c: CheckResult) => c.id === MIGRATION_CANDIDATE;

function okLines(checks: CheckResult[], ctx?: RenderContext): string[] {
  const byId = new Map<string, CheckResult[]>();
  for (const c of checks) byId.set(c.id, [...(byId.get(c.id) ?? []), c]);
  return [...byId].map(([id, list]) => {
    const group = CHECKS.find((c) => c.id === id)?.group;
    const text = isCandidate(list[0])
      ? `IRSA migration candidates: ${list.length} service account${list.length === 1 ? '' : 's'} (listed below)`
      : list.length === 1 ? `${list[0].subject}: ${list[0].detail}` : `${list[0].title}: ${list.length} ${UNIT[group ?? 'cluster']}`;
    return `  ${paint(MARK.ok, 'ok', ctx)} ${id.padEnd(28)} ${text}`;
  });
}

function fullLines(c: CheckResult, ctx?: RenderContext): string[] {
  const lines = [`  ${paint(MARK[c.status], c.status, ctx)} ${c.id.padEnd(28)} ${c.subject}`, `      ${c.detail}`];
  if (c.fix) lines.push(`      fix: ${c.fix}`);
  return lines;
}

export function summaryLine(r: DoctorResult): string {
  const s = r.summary;
  const verdict = r.passed ? 'passed' : `failed${r.strict && !s.fail ? ' (--strict: warnings fail)' : ''}`;
  return `${s.fail} failed, ${s.warn} warning${s.warn === 1 ? '' : 's'}, ${s.skip} skipped, ${s.ok} ok — doctor ${verdict}`;
}

export function renderDoctorTable(r: DoctorResult, ctx?: RenderContext): string {
  const out = [`podid doctor: cluster ${r.cluster}, ${scopeText(r.scope)}`, ''];
  const candidates = r.checks.filter(isCandidate);
  // Every result counts under its status heading, as in the summary line and the JSON summary; the
  // migration candidates (ok) are one collapsed line there and listed in their own section below.
  for (const status of STATUS_ORDER) {
    const list = r.checks.filter((c) => c.status === status);
    if (!list.length) continue;
    out.push(paint(`${HEADING[status]} (${list.length})`, status, ctx));
    out.push(...(status === 'ok' ? okLines(list, ctx) : list.flatMap((c) => (status === 'skip' ? [`  ${MARK.skip} ${c.id.padEnd(28)} ${c.subject}: ${c.detail}`] : fullLines(c, ctx)))));
    out.push('');
  }
  if (candidates.length) {
    out.push(`IRSA MIGRATION CANDIDATES (${candidates.length})`);
    for (const c of candidates) out.push(`  ${c.subject.replace(/^service account /, '').padEnd(40)} ${c.refs?.roleArn ?? ''}`);
    const commands = [...new Set(candidates.map((c) => c.fix).filter(Boolean))];
    out.push(`  migrate with: ${commands.join('; ')}`, '');
  }
  if (!r.checks.length) out.push('No checks ran.', '');
  out.push(summaryLine(r));
  return out.join('\n') + '\n';
}

const md = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderDoctorMarkdown(r: DoctorResult): string {
  const out = [`# podid doctor: cluster \`${r.cluster}\``, '', `Scope: ${scopeText(r.scope)}. ${summaryLine(r)}.`, ''];
  const problems = r.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  if (problems.length) {
    out.push('| status | check | subject | problem | fix |', '| --- | --- | --- | --- | --- |');
    for (const c of problems) out.push(`| ${HEADING[c.status]} | \`${c.id}\` | ${md(c.subject)} | ${md(c.detail)} | ${c.fix ? md(c.fix) : ''} |`);
    out.push('');
  } else out.push('No failures or warnings.', '');
  const skipped = r.checks.filter((c) => c.status === 'skip');
  if (skipped.length) out.push('## Skipped', '', ...skipped.map((c) => `- \`${c.id}\` ${md(c.subject)}: ${md(c.detail)}`), '');
  const candidates = r.checks.filter(isCandidate);
  if (candidates.length) out.push('## IRSA migration candidates', '', ...candidates.map((c) => `- ${md(c.subject)} (${c.refs?.roleArn}): \`${c.fix}\``), '');
  return out.join('\n');
}

/** SARIF: one rule per check, one result per fail/warn finding (ok and skip are left out). */
export function renderDoctorSarif(r: DoctorResult, tool: { version?: string } = {}): string {
  return renderSarif({
    tool: { name: 'podid-doctor', version: tool.version, informationUri: 'https://github.com/podid/podid#podid-doctor' },
    rules: CHECKS.map((c) => ({ id: c.id, name: c.title, shortDescription: c.summary, help: c.summary, tags: ['eks', 'pod-identity', c.group] })),
    results: r.checks
      .filter((c) => c.status === 'fail' || c.status === 'warn')
      .map((c) => ({
        ruleId: c.id,
        level: sarifLevel(c.status),
        message: c.fix ? `${c.subject}: ${c.detail}. Fix: ${c.fix}` : `${c.subject}: ${c.detail}`,
        locations: [{ uri: `eks://${r.cluster}/${sarifPath(c)}`, logicalName: c.subject }],
        properties: { subject: c.subject, ...(c.fix ? { fix: c.fix } : {}), ...(c.refs ?? {}) },
      })),
  });
}

function sarifPath(c: CheckResult): string {
  const ref = c.refs;
  if (ref?.namespace && ref.serviceAccount) return `namespaces/${ref.namespace}/serviceaccounts/${ref.serviceAccount}`;
  if (ref?.roleArn) return `roles/${encodeURIComponent(ref.roleArn)}`;
  if (ref?.node) return `nodes/${ref.node}`;
  return 'cluster';
}
