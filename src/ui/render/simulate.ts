import type { SimulateResult } from '../../commands/simulate.js';
import type { CheckStatus } from '../../core/exchange/types.js';
import type { RenderContext } from '../output.js';
import { renderTable } from './table.js';

// `podid simulate` for people: token checks, exchange steps, the result, why, and action verdicts.
// Credentials are never shown (they are redacted in the result already).

const MARK: Record<CheckStatus, string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

function paint(text: string, status: CheckStatus, ctx?: RenderContext): string {
  if (!ctx?.color) return text;
  const code = status === 'ok' ? 32 : status === 'fail' ? 31 : status === 'warn' ? 33 : 90;
  return `\u001b[${code}m${text}\u001b[39m`;
}

function header(r: SimulateResult): string {
  const what = r.input.kind === 'pod' ? `pod ${r.input.pod}` : `token ${r.input.token}`;
  return `Simulated AssumeRoleForPodIdentity on cluster ${r.cluster} for ${what}${r.input.subject ? ` (${r.input.subject})` : ''} at ${r.at}\n`;
}

function podLines(r: SimulateResult): string {
  return (r.podProblems ?? []).map((p) => `Pod:         no credentials for this pod: ${p.message}\n`).join('');
}

function verdict(r: SimulateResult): string {
  if (!r.response) return `${podLines(r)}Result:      ${r.error?.code} (HTTP ${r.error?.httpStatus}): ${r.error?.message}\n`;
  const expires = new Date(r.response.credentials.expiration * 1000).toISOString();
  const fresh = r.podProblems?.length ? ' (what the exchange returns; this pod gets none, see Pod)' : '';
  const lines = [
    `Result:      credentials for ${r.response.assumedRoleUser.arn}${fresh}`,
    `Association: ${r.response.podIdentityAssociation.associationId} (${r.response.podIdentityAssociation.associationArn})`,
    `Role id:     ${r.response.assumedRoleUser.assumeRoleId}`,
    `Expires:     ${expires} (${Math.round((r.lifetimeSeconds ?? 0) / 60)} min); keys <redacted>`,
    `Tags:        ${Object.keys(r.sessionTags ?? {}).length ? Object.entries(r.sessionTags ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') : 'none (session tags disabled)'}`,
  ];
  for (const w of r.warnings ?? []) lines.push(`Warning:     ${w}`);
  return podLines(r) + lines.join('\n') + '\n';
}

function live(r: SimulateResult): string {
  if (!r.live) return '';
  const answer = r.live.ok ? `credentials for ${r.live.response?.assumedRoleUser.arn}` : `${r.live.error?.code}${r.live.error?.httpStatus ? ` (HTTP ${r.live.error.httpStatus})` : ''}: ${r.live.error?.message}`;
  return `\nLive EKS Auth: ${answer}\n${r.live.agrees ? 'Prediction and live answer agree.' : `DISAGREEMENT: ${r.live.difference}`}\n`;
}

export function renderSimulate(r: SimulateResult, ctx?: RenderContext): string {
  const parts = [header(r), '\nToken checks\n'];
  parts.push(renderTable(r.tokenChecks, [
    { header: 'status', value: (c) => paint(MARK[c.status], c.status, ctx) },
    { header: 'check', value: (c) => c.id },
    { header: 'detail', value: (c) => c.detail },
  ]));
  parts.push('\nExchange\n');
  parts.push(renderTable(r.steps, [
    { header: 'status', value: (s) => paint(MARK[s.status], s.status, ctx) },
    { header: 'step', value: (s) => s.id },
    { header: 'detail', value: (s) => s.detail + (s.decidedBy ? ` [${s.decidedBy}]` : '') },
  ]));
  parts.push('\n', verdict(r), `Why:         ${r.explanation}\n`);
  if (r.actions.length) {
    parts.push('\nActions\n');
    parts.push(renderTable(r.actions, [
      { header: 'decision', value: (a) => paint(a.decision === 'allowed' ? 'allowed' : a.denial === 'explicit' ? 'DENIED (explicit)' : 'denied', a.decision === 'allowed' ? 'ok' : 'fail', ctx) },
      { header: 'action', value: (a) => a.action },
      { header: 'resource', value: (a) => a.resource },
      { header: 'decided by', value: (a) => a.decidedBy },
    ]));
    for (const a of r.actions) if (a.decision === 'denied') parts.push(`  ${a.action}: ${a.explanation}\n`);
  }
  parts.push(live(r));
  return parts.join('');
}
