// The Condition element: set operators (ForAnyValue/ForAllValues), ...IfExists, Null, and the
// AND/OR rules. AWS docs: "IAM JSON policy elements: Condition operators", "Single-valued vs.
// multivalued context keys", "IAM JSON policy elements: Condition" (multiple keys/operators are
// ANDed, multiple values of one key are ORed).

import type { ConditionOutcome, Statement } from './types.js';
import { BASE_OPERATORS, type BaseOperator, type PolicyValue, resolvePolicyValue, satisfies } from './operators.js';
import type { ContextLookup, ContextValue } from './variables.js';

export interface ParsedOperator {
  set?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
  null: boolean;
  base?: BaseOperator;
}

const OP_RE = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/i;
const parsedCache = new Map<string, ParsedOperator | undefined>();

/** Parse "ForAnyValue:StringLikeIfExists" into its parts; undefined for an unknown operator. */
export function parseOperator(operator: string): ParsedOperator | undefined {
  if (parsedCache.has(operator)) return parsedCache.get(operator);
  let parsed: ParsedOperator | undefined;
  const m = OP_RE.exec(operator.trim());
  if (m) {
    const set = m[1] ? (m[1].toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues') : undefined;
    const baseName = m[2].toLowerCase();
    const ifExists = Boolean(m[3]);
    if (baseName === 'null' && !ifExists) parsed = { set, ifExists, null: true };
    else {
      const base = BASE_OPERATORS.get(baseName);
      if (base) parsed = { set, ifExists, null: false, base };
    }
  }
  parsedCache.set(operator, parsed);
  return parsed;
}

const asList = (v: ContextValue): string[] => (Array.isArray(v) ? v : [v]);
const show = (v: ContextValue | undefined): string => (v === undefined ? '(absent)' : Array.isArray(v) ? `[${v.join(', ')}]` : v);
const orList = (xs: string[]): string => (xs.length === 1 ? xs[0] : `one of ${xs.join(', ')}`);

/** Evaluate one operator/key pair of a Condition block. */
export function evaluateCondition(
  operator: string,
  key: string,
  rawValues: ReadonlyArray<string | number | boolean>,
  ctx: ContextLookup,
  variables: boolean,
): ConditionOutcome {
  const raw = rawValues.map((v) => String(v));
  const actual = ctx.get(key);
  const out = (matched: boolean, expected: string[], reason?: string): ConditionOutcome =>
    matched ? { operator, key, expected, actual, matched } : { operator, key, expected, actual, matched, reason };
  const op = parseOperator(operator);
  if (!op) return out(false, raw, `unknown operator ${operator}`);
  if (op.null) {
    const goal = actual === undefined ? 'true' : 'false';
    const matched = raw.some((v) => v.toLowerCase() === goal);
    return out(matched, raw, actual === undefined ? 'the key is absent from the request (Null is true)' : `the key is present in the request with ${show(actual)} (Null is false)`);
  }
  const base = op.base as BaseOperator;
  const values = raw.map((v) => resolvePolicyValue(base, v, ctx, variables));
  const expected = values.map((v) => v.text);
  const unresolvedNote = unresolvedReason(values);
  if (op.set === 'ForAllValues') {
    if (actual === undefined) return out(true, expected);
    const bad = asList(actual).filter((v) => !satisfies(base, v, values));
    return out(bad.length === 0, expected, `request value(s) ${bad.join(', ')} ${base.negated ? 'match' : 'do not match'} ${orList(expected)}${unresolvedNote}`);
  }
  if (op.set === 'ForAnyValue') {
    if (actual === undefined) return out(op.ifExists, expected, 'missing from the request');
    const list = asList(actual);
    const matched = list.some((v) => satisfies(base, v, values));
    return out(matched, expected, list.length === 0 ? 'the request has an empty list' : `expected ${base.negated ? 'a value other than ' : ''}${orList(expected)}, request has ${show(actual)}${unresolvedNote}`);
  }
  if (actual === undefined) return out(op.ifExists || base.negated, expected, 'missing from the request');
  if (Array.isArray(actual)) {
    return out(false, expected, `request has multiple values ${show(actual)}; a multivalued key needs ForAnyValue: or ForAllValues:`);
  }
  const matched = satisfies(base, actual, values);
  const reason = base.negated
    ? `expected anything but ${orList(expected)}, request has ${actual}`
    : `expected ${orList(expected)}, request has ${actual}${unresolvedNote}`;
  return out(matched, expected, reason);
}

function unresolvedReason(values: PolicyValue[]): string {
  const names = [...new Set(values.flatMap((v) => v.unresolved))];
  if (!names.length) return '';
  return ` (variable ${names.map((n) => '${' + n + '}').join(', ')} is not in the request and has no default, so that value never matches)`;
}

/** Evaluate a whole Condition block: every operator and key must match (AND). */
export function evaluateConditions(block: Statement['Condition'], ctx: ContextLookup, variables: boolean): ConditionOutcome[] {
  const outcomes: ConditionOutcome[] = [];
  if (!block) return outcomes;
  for (const [operator, keys] of Object.entries(block)) {
    for (const [key, value] of Object.entries(keys ?? {})) {
      const list = Array.isArray(value) ? value : [value];
      outcomes.push(evaluateCondition(operator, key, list, ctx, variables));
    }
  }
  return outcomes;
}
