// Base condition operators (without set prefixes or IfExists). AWS doc: "IAM JSON policy elements:
// Condition operators". Each operator compares one request value with one (resolved) policy value.

import { matchPieces, splitArn } from './match.js';
import { inCidr, parseCidr, parseIp } from './ip.js';
import { type ContextLookup, type Resolution, resolveValue } from './variables.js';

/** match / no match / a value that cannot be compared (bad number, date, IP...) / an unresolvable variable. */
export type Outcome = 'match' | 'nomatch' | 'error' | 'unresolved';

export interface PolicyValue {
  raw: string;
  /** Text after variable substitution (for explanations). */
  text: string;
  /** For ARN operators: one resolution per ARN part; otherwise a single resolution. */
  parts: Resolution[];
  unresolved: string[];
}

export interface BaseOperator {
  name: string;
  /** Inverted operators (StringNotEquals, NotIpAddress, ...): true when the value matches none of the policy values. */
  negated: boolean;
  /** Do policy variables apply (String and ARN operators only, per "Variables and tags"). */
  variables: boolean;
  wildcards: boolean;
  /** Compare with the positive form of the operator. */
  test(requestValue: string, policy: PolicyValue): Outcome;
}

const ok = (b: boolean): Outcome => (b ? 'match' : 'nomatch');

type Flags = Pick<BaseOperator, 'variables' | 'wildcards'>;
/** Numeric, Date, Bool, Binary and IP operators: no policy variables, no wildcards. */
const PLAIN: Flags = { variables: false, wildcards: false };

function operator(name: string, negated: boolean, flags: Flags, test: BaseOperator['test']): BaseOperator {
  return { name, negated, ...flags, test };
}

function stringOp(name: string, negated: boolean, kind: 'eq' | 'ci' | 'like'): BaseOperator {
  return operator(name, negated, { variables: true, wildcards: kind === 'like' }, (v, p) => {
    if (p.unresolved.length) return 'unresolved';
    if (kind === 'eq') return ok(p.text === v);
    if (kind === 'ci') return ok(p.text.toLowerCase() === v.toLowerCase());
    return ok(matchPieces(p.parts[0].pieces, v));
  });
}

const arnOp = (name: string, negated: boolean): BaseOperator =>
  operator(name, negated, { variables: true, wildcards: true }, (v, p) => {
    if (p.unresolved.length) return 'unresolved';
    const req = splitArn(v);
    if (!req || p.parts.length !== 6) return 'error';
    for (let i = 0; i < 6; i++) if (!matchPieces(p.parts[i].pieces, req[i])) return 'nomatch';
    return 'match';
  });

const NUM_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
function parseNumber(s: string): number | undefined {
  const t = s.trim();
  return NUM_RE.test(t) ? Number(t) : undefined;
}

/** Dates: ISO 8601 / W3C date-time, or an integer of epoch seconds. */
export function parseDate(s: string): number | undefined {
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

type Cmp = (req: number, pol: number) => boolean;
const ordered = (name: string, negated: boolean, parse: (s: string) => number | undefined, cmp: Cmp): BaseOperator =>
  operator(name, negated, PLAIN, (v, p) => {
    const a = parse(v);
    const b = parse(p.raw);
    if (a === undefined || b === undefined) return 'error';
    return ok(cmp(a, b));
  });

const eq: Cmp = (a, b) => a === b;
const CMPS: [string, Cmp][] = [
  ['LessThan', (a, b) => a < b],
  ['LessThanEquals', (a, b) => a <= b],
  ['GreaterThan', (a, b) => a > b],
  ['GreaterThanEquals', (a, b) => a >= b],
];

const bool = operator('Bool', false, PLAIN, (v, p) => {
  const a = v.toLowerCase();
  const b = p.raw.toLowerCase();
  if ((a !== 'true' && a !== 'false') || (b !== 'true' && b !== 'false')) return 'error';
  return ok(a === b);
});

const binary = operator('BinaryEquals', false, PLAIN, (v, p) => ok(v === p.raw));

const ipOp = (name: string, negated: boolean): BaseOperator =>
  operator(name, negated, PLAIN, (v, p) => {
    const cidr = parseCidr(p.raw);
    const ip = parseIp(v.trim());
    if (!cidr || !ip) return 'error';
    return ok(inCidr(cidr, ip));
  });

const ALL: BaseOperator[] = [
  stringOp('StringEquals', false, 'eq'),
  stringOp('StringNotEquals', true, 'eq'),
  stringOp('StringEqualsIgnoreCase', false, 'ci'),
  stringOp('StringNotEqualsIgnoreCase', true, 'ci'),
  stringOp('StringLike', false, 'like'),
  stringOp('StringNotLike', true, 'like'),
  arnOp('ArnEquals', false),
  arnOp('ArnLike', false),
  arnOp('ArnNotEquals', true),
  arnOp('ArnNotLike', true),
  ordered('NumericEquals', false, parseNumber, eq),
  ordered('NumericNotEquals', true, parseNumber, eq),
  ordered('DateEquals', false, parseDate, eq),
  ordered('DateNotEquals', true, parseDate, eq),
  ...CMPS.flatMap(([n, c]) => [ordered('Numeric' + n, false, parseNumber, c), ordered('Date' + n, false, parseDate, c)]),
  bool,
  binary,
  ipOp('IpAddress', false),
  ipOp('NotIpAddress', true),
];

export const BASE_OPERATORS: ReadonlyMap<string, BaseOperator> = new Map(ALL.map((o) => [o.name.toLowerCase(), o]));

/** Resolve one policy value for an operator (variables only for String/ARN operators). */
export function resolvePolicyValue(op: BaseOperator, raw: string, ctx: ContextLookup, variables: boolean): PolicyValue {
  const opts = { wildcards: op.wildcards, variables: variables && op.variables };
  if (op.name.startsWith('Arn')) {
    const split = splitArn(raw);
    if (!split) return { raw, text: raw, parts: [], unresolved: [] };
    const parts = split.map((s) => resolveValue(s, ctx, opts));
    return { raw, text: parts.map((r) => r.text).join(':'), parts, unresolved: parts.flatMap((r) => r.unresolved) };
  }
  const r = resolveValue(raw, ctx, opts);
  return { raw, text: r.text, parts: [r], unresolved: r.unresolved };
}

/**
 * Does one request value satisfy the operator against the list of policy values?
 * Positive operators: any policy value matches (values of one key are ORed).
 * Inverted operators: no policy value matches. A value whose variable cannot be resolved is
 * "effectively null": it never matches, so inverted operators treat it as not matched
 * (AWS doc "Variables and tags", section "Policy variables with no value").
 */
export function satisfies(op: BaseOperator, requestValue: string, values: PolicyValue[]): boolean {
  if (op.negated) return values.every((p) => {
    const o = op.test(requestValue, p);
    return o === 'nomatch' || o === 'unresolved';
  });
  return values.some((p) => op.test(requestValue, p) === 'match');
}
