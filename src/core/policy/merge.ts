import { uniqueSid } from './sid.js';
import { POLICY_VERSION, type PolicyDocument, type Statement } from './types.js';

// Adding statements to an existing policy: every existing statement is kept exactly as it was, and
// a statement is added only when no semantically equivalent one exists, so merging is idempotent.

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const sortedStrings = (v: unknown): string[] => [...new Set(list(v as unknown[]).map(String))].sort();

function canonicalPrincipal(p: Statement['Principal']): unknown {
  if (p === undefined) return undefined;
  if (p === '*') return '*';
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(p).sort()) out[key] = sortedStrings((p as Record<string, unknown>)[key]);
  return out;
}

function canonicalCondition(c: Statement['Condition']): unknown {
  if (!c) return undefined;
  const out: Record<string, Record<string, string[]>> = {};
  for (const op of Object.keys(c).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))) {
    const block: Record<string, string[]> = {};
    // Condition key names (tag keys of aws:RequestTag/<key> included) are case-insensitive: compare
    // and order them lower-cased. Values are compared as written.
    const keys = Object.keys(c[op]).map((key) => [key.toLowerCase(), key] as const);
    for (const [canonical, key] of keys.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) block[canonical] = sortedStrings(c[op][key]);
    if (Object.keys(block).length) out[op.toLowerCase()] = block;
  }
  return Object.keys(out).length ? out : undefined;
}

/** A canonical form: Sid ignored, lists sorted and de-duplicated, single values as lists, action and key names lower-cased. */
export function canonicalStatement(s: Statement): string {
  const actions = (v: unknown) => (v === undefined ? undefined : sortedStrings(v).map((a) => a.toLowerCase()));
  return JSON.stringify({
    e: s.Effect,
    p: canonicalPrincipal(s.Principal),
    np: canonicalPrincipal(s.NotPrincipal),
    a: actions(s.Action),
    na: actions(s.NotAction),
    r: s.Resource === undefined ? undefined : sortedStrings(s.Resource),
    nr: s.NotResource === undefined ? undefined : sortedStrings(s.NotResource),
    c: canonicalCondition(s.Condition),
  });
}

/** Same effect, principal, actions, resources and conditions, regardless of order and single-vs-array. */
export const statementsEquivalent = (a: Statement, b: Statement) => canonicalStatement(a) === canonicalStatement(b);

export interface MergeResult {
  /** The merged policy; Statement is always a list. */
  policy: PolicyDocument & { Statement: Statement[] };
  /** Statements that were appended (Sids made unique against the existing ones). */
  added: Statement[];
  /** Statements left out because an equivalent statement was already there. */
  skipped: Statement[];
}

/**
 * Merge `statements` into `existing` (a trust or permissions policy; undefined = none yet). Existing
 * statements stay unchanged and in order; equivalents are not duplicated. merge(merge(x)) = merge(x).
 */
export function mergeTrust(existing: PolicyDocument | undefined, statements: readonly Statement[]): MergeResult {
  const kept = list(existing?.Statement);
  const seen = new Set(kept.map(canonicalStatement));
  const taken = new Set(kept.map((s) => s.Sid).filter((sid): sid is string => Boolean(sid)));
  const added: Statement[] = [];
  const skipped: Statement[] = [];
  for (const s of statements) {
    const key = canonicalStatement(s);
    if (seen.has(key)) {
      skipped.push(s);
      continue;
    }
    seen.add(key);
    added.push(s.Sid ? { ...s, Sid: uniqueSid(s.Sid, taken) } : s);
  }
  const policy: MergeResult['policy'] = { ...(existing ?? {}), Version: existing?.Version ?? POLICY_VERSION, Statement: [...kept, ...added] };
  return { policy, added, skipped };
}
