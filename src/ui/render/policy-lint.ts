import type { LintedFile, PolicyLintResult } from '../../commands/policy-lint.js';
import { plural } from '../../core/migrate/text.js';
import { RULE_LIST } from '../../core/policy/lint/catalog.js';
import { buildSarif, sarifLevel, type SarifLocationInput } from './sarif.js';

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

export function renderLintTable(result: PolicyLintResult): string {
  const s = result.summary;
  const blocks = result.files.map((f) => fileBlock(f).join('\n'));
  const summary = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${s.infos ? `, ${s.infos} info` : ''} in ${plural(s.files, 'file')}`;
  return [...blocks, '', summary].join('\n') + '\n';
}

/** The finding's line in the artifact: its own line, or (a document inside a larger file) its statement's line there; else the document's. */
function lineOf(file: LintedFile, f: LintedFile['findings'][number]): number {
  const { statementLines, line } = file.artifact;
  if (statementLines) return (f.statement !== undefined ? statementLines[f.statement] : undefined) ?? line ?? 1;
  return f.line ?? line ?? 1;
}

/**
 * SARIF 2.1.0: every rule of the catalog, one result per finding. Every result has a physical
 * location with a region (GitHub code scanning drops results without one): the file and the
 * statement's line (line 1 for findings about the whole document); for an association's role trust
 * the --state file or a stable relative path naming the role, plus a logical location (the role ARN).
 */
export function renderLintSarif(result: PolicyLintResult, tool: { version?: string } = {}): string {
  const findings = result.files.flatMap((file) => file.findings.map((f) => ({ file, f })));
  const log = buildSarif({
    tool: { name: 'podid', version: tool.version },
    rules: RULE_LIST.map((r) => ({ id: r.id, name: r.name, shortDescription: r.summary, help: r.help, fullDescription: r.help, defaultLevel: sarifLevel(r.severity), tags: ['security', 'iam', ...r.kinds] })),
    results: findings.map(({ file, f }) => ({
      ruleId: f.ruleId,
      level: sarifLevel(f.severity),
      message: f.hint ? `${f.message} (hint: ${f.hint})` : f.message,
      locations: [{ uri: file.artifact.uri, startLine: lineOf(file, f), startColumn: file.artifact.statementLines ? undefined : f.column, ...logicalPlace(file.artifact.roleArn, f.path) }],
      properties: f.sid ? { sid: f.sid, kind: file.kind } : { kind: file.kind },
    })),
  });
  return JSON.stringify(log, null, 2) + '\n';
}

/** Where in the policy: its path, and for a role's trust also the role ARN (a resource). */
function logicalPlace(roleArn: string | undefined, path: string | undefined): Pick<SarifLocationInput, 'logicalName' | 'fullyQualifiedName' | 'logicalKind'> {
  if (!roleArn) return { logicalName: path };
  const where = path ?? 'trust policy';
  return { logicalName: where, fullyQualifiedName: `${roleArn} ${where}`, logicalKind: 'resource' };
}
