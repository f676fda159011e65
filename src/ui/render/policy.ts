import type { PolicyAbacResult } from '../../commands/policy-abac.js';
import type { ExplainedStatement, PolicyExplainResult } from '../../commands/policy-explain.js';
import type { PolicyTargetTrustResult } from '../../commands/policy-target-trust.js';
import type { PolicyTrustResult } from '../../commands/policy-trust.js';

// Renderers of the generated policies: the table format is the pretty policy JSON itself, so
// `podid policy trust … > trust.json` is ready for `aws iam update-assume-role-policy`.

const pretty = (doc: unknown) => JSON.stringify(doc, null, 2) + '\n';

export const renderTrustPolicy = (result: PolicyTrustResult): string => pretty(result.policy);

export const renderAbacPolicy = (result: PolicyAbacResult): string => pretty(result.policy);

export function renderTargetTrust(result: PolicyTargetTrustResult): string {
  return [
    `// Trust policy of the target role ${result.targetRoleArn}`,
    `// (session tags ${result.sessionTags}; ${result.size}/${result.quota} characters)`,
    pretty(result.targetTrustPolicy),
    `// Permission policy for the source (Pod Identity) role ${result.sourceRoleArn}`,
    pretty(result.sourcePermissionPolicy),
  ].join('\n');
}

const label = (s: ExplainedStatement) => `statement #${s.index}${s.sid ? ` (${s.sid})` : ''}`;

export function renderExplain(result: PolicyExplainResult): string {
  const verdict = result.decision === 'allow' ? 'ALLOWED' : result.decision === 'deny' ? 'DENIED (explicit deny)' : 'DENIED (implicit deny)';
  const lines = [
    `${verdict}: ${result.request.principal} → ${result.request.action} on ${result.request.resource}`,
    `Policy: ${result.file} (${result.kind})`,
  ];
  if (result.decidingStatement) lines.push(`Decided by: ${label(result.decidingStatement)}, ${result.decidingStatement.effect}`);
  if (result.closestStatement) {
    lines.push(`Closest: ${label(result.closestStatement)}`);
    for (const r of result.closestStatement.reasons) lines.push(`  ✖ ${r}`);
  }
  lines.push('', result.explanation, '', 'Statements:');
  for (const s of result.statements) {
    lines.push(`  ${s.applies ? '✔' : '·'} ${label(s)} ${s.effect}${s.applies ? ' applies' : ''}`);
    if (!s.applies && s !== result.closestStatement) for (const r of s.reasons) lines.push(`      ${r}`);
  }
  const keys = Object.keys(result.request.context);
  if (keys.length) lines.push('', `Context: ${keys.map((k) => `${k}=${[result.request.context[k]].flat().join(',')}`).join(' ')}`);
  return lines.join('\n') + '\n';
}
