import { actionMatches } from '../../iam/index.js';
import { POD_IDENTITY_PRINCIPAL, SESSION_TAG_KEYS } from '../../model.js';
import type { Condition, Finding, NormStatement, RuleMeta } from './types.js';

// Helpers the rules share: principal and action tests on normalised statements, finding builders.

export const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function principalValues(block: unknown, type: string): string[] {
  if (block === '*') return ['*'];
  if (!block || typeof block !== 'object') return [];
  const entry = Object.entries(block as Record<string, unknown>).find(([k]) => k.toLowerCase() === type.toLowerCase());
  return entry ? asList(entry[1]).map(String) : [];
}

export const servicePrincipals = (s: NormStatement) => principalValues(s.principal, 'Service');
export const awsPrincipals = (s: NormStatement) => principalValues(s.principal, 'AWS');
export const isPodsStatement = (s: NormStatement) => servicePrincipals(s).some((p) => p.toLowerCase() === POD_IDENTITY_PRINCIPAL);

/** Does the statement's Action/NotAction cover `action`? */
export function grants(s: NormStatement, action: string): boolean {
  if (s.actions.length) return s.actions.some((p) => actionMatches(p, action));
  if (s.notActions.length) return !s.notActions.some((p) => actionMatches(p, action));
  return false;
}

export const lower = (text: string) => text.toLowerCase();
export const keyIs = (c: Condition, key: string) => lower(c.key) === lower(key);
export const keyStarts = (c: Condition, prefix: string) => lower(c.key).startsWith(lower(prefix));
export const baseOperator = (operator: string) => operator.replace(/^(ForAnyValue|ForAllValues):/i, '').replace(/IfExists$/i, '');

export const SESSION_KEYS: readonly string[] = SESSION_TAG_KEYS;

/** A finding about one statement, with the rule's metadata. */
export function finding(meta: RuleMeta, message: string, s?: NormStatement, extra: Partial<Finding> = {}): Finding {
  const f: Finding = { ruleId: meta.id, rule: meta.name, severity: meta.severity, message };
  if (s) {
    f.statement = s.index;
    if (s.sid) f.sid = s.sid;
    f.path = `Statement[${s.index}]`;
  }
  return { ...f, ...extra };
}

/** Levenshtein distance, for "did you mean" on tag keys. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}
