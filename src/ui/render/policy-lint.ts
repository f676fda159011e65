import type { LintedFile, PolicyLintResult } from '../../commands/policy-lint.js';
import { RULE_LIST } from '../../core/policy/lint/catalog.js';
import { renderSarif, sarifLevel } from './sarif.js';

// `podid policy lint` output: findings per file for people, SARIF 2.1.0 for code scanning.

const SEVERITY_WIDTH = 7;

function fileBlock(file: LintedFile): string[] {
  const kind = file.kind ? ` (${file.kind} policy)` : '';
  if (!file.findings.length) return [`${file.path}${kind}: no findings`];
  const lines = [`${file.path}${kind}`];
  for (const f of file.findings) {
    const where = f.line ? `line ${f.line}` : f.path ?? '';
    lines.push(`  ${f.severity.padEnd(SEVERITY_WIDTH)} ${f.ruleId} ${f.rule}${where ? ` [${where}${f.sid ? `, Sid ${f.sid}` : ''}]` : ''}`);
    lines.push(`          ${f.message}`);
    if (f.hint) lines.push(`          hint: ${f.hint}`);
  }
  return lines;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderLintTable(result: PolicyLintResult): string {
  const s = result.summary;
  const blocks = result.files.map((f) => fileBlock(f).join('\n'));
  const summary = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${s.infos ? `, ${s.infos} info` : ''} in ${plural(s.files, 'file')}`;
  return [...blocks, '', summary].join('\n') + '\n';
}

/** SARIF 2.1.0: every rule of the catalog, one result per finding, located at the statement's line. */
export function renderLintSarif(result: PolicyLintResult, tool: { version?: string } = {}): string {
  return renderSarif({
    tool: { name: 'podid', version: tool.version },
    rules: RULE_LIST.map((r) => ({ id: r.id, name: r.name, shortDescription: r.summary, help: r.help, fullDescription: r.help, defaultLevel: sarifLevel(r.severity), tags: ['security', 'iam', ...r.kinds] })),
    results: result.files.flatMap((file) =>
      file.findings.map((f) => ({
        ruleId: f.ruleId,
        level: sarifLevel(f.severity),
        message: f.hint ? `${f.message} (hint: ${f.hint})` : f.message,
        locations: file.path.startsWith('role:') ? [] : [{ uri: file.path, startLine: f.line, startColumn: f.column, logicalName: f.path }],
        properties: f.sid ? { sid: f.sid, kind: file.kind } : { kind: file.kind },
      })),
    ),
  });
}
