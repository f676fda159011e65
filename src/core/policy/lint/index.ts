import { RULES } from './catalog.js';
import { ABAC_RULES } from './rules-abac.js';
import { trustDeniesAssociation } from './rules-association.js';
import { CONDITION_RULES } from './rules-conditions.js';
import { policySizeRule } from './rules-size.js';
import { TRUST_RULES } from './rules-trust.js';
import { PERMISSIONS_VALIDITY_RULES, TRUST_VALIDITY_RULES } from './rules-validity.js';
import { grants } from './model.js';
import { shapeOf } from './shape.js';
import type { Finding, LintContext, LintKind, LintOptions, NormStatement, Rule } from './types.js';

// podid's policy linter: a pure function of a parsed document, reusable by doctor and audit.

export type * from './types.js';
export { RULES, RULE_LIST } from './catalog.js';
export { parsePolicyText, locateStatements, lineColumn } from './parse.js';
export { suspiciousTagKey } from './rules-conditions.js';
export { multiValuedKeys } from './rules-trust.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Trust = some statement names a Principal and allows an sts:AssumeRole* action. */
export function detectKind(statements: readonly NormStatement[]): LintKind {
  const trust = statements.some(
    (s) => (s.principal !== undefined || s.notPrincipal !== undefined) && ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'].some((a) => grants(s, a)),
  );
  return trust ? 'trust' : 'permissions';
}

const RULES_BY_KIND: Record<LintKind, readonly Rule[]> = {
  trust: [...TRUST_VALIDITY_RULES, ...TRUST_RULES, trustDeniesAssociation, ...CONDITION_RULES, policySizeRule],
  permissions: [...PERMISSIONS_VALIDITY_RULES, ...CONDITION_RULES, ...ABAC_RULES, policySizeRule],
};

export interface LintReport {
  kind: LintKind;
  findings: Finding[];
}

/** Lint one policy document (already parsed from JSON). Never throws on bad input: problems are findings. */
export function lintReport(document: unknown, options: LintOptions = {}): LintReport {
  const shape = shapeOf(document);
  const kind: LintKind = options.kind && options.kind !== 'auto' ? options.kind : detectKind(shape.statements);
  if (shape.fatal) return { kind, findings: shape.findings };
  const ctx: LintContext = { kind, options, statements: shape.statements, document: document as Record<string, unknown>, version: shape.version };
  const findings = [...shape.findings, ...RULES_BY_KIND[kind].flatMap((rule) => rule(ctx))];
  return { kind, findings: sortFindings(findings) };
}

/** The findings of lintReport: `lintPolicy(document, { kind, sessionTags, quota }) → Finding[]`. */
export function lintPolicy(document: unknown, options: LintOptions = {}): Finding[] {
  return lintReport(document, options).findings;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => (a.statement ?? -1) - (b.statement ?? -1) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.ruleId.localeCompare(b.ruleId),
  );
}

/** A finding for text that is not JSON at all (the caller parsed it). */
export function invalidJsonFinding(message: string): Finding {
  return { ruleId: RULES.notAPolicy.id, rule: RULES.notAPolicy.name, severity: 'error', message };
}
