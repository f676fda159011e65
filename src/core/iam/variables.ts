// Policy variables (`${aws:PrincipalTag/team}`, `${aws:username, 'default'}`, `${*}`, `${?}`, `${$}`)
// and the case-insensitive view of the request context. AWS doc: "IAM policy elements: Variables and tags".

import { type Piece, STAR, QMARK } from './match.js';

export type ContextValue = string | string[];

/** Case-insensitive lookup of condition keys (key names are case-insensitive in IAM). */
export interface ContextLookup {
  get(key: string): ContextValue | undefined;
}

const cache = new WeakMap<object, ContextLookup>();

export function contextLookup(context: Record<string, ContextValue>): ContextLookup {
  let found = cache.get(context);
  if (found) return found;
  const map = new Map<string, ContextValue>();
  for (const [k, v] of Object.entries(context)) map.set(k.toLowerCase(), v);
  found = { get: (key) => map.get(key.toLowerCase()) };
  cache.set(context, found);
  return found;
}

export interface Resolution {
  pieces: Piece[];
  /** Variables that had no (single) value and no default: the value can never match. */
  unresolved: string[];
  /** The value with variables replaced (wildcards kept), for explanations. */
  text: string;
}

export interface ResolveOptions {
  /** Treat `*` and `?` as wildcards (Like operators, Resource, ArnEquals/ArnLike). */
  wildcards: boolean;
  /** Substitute `${...}` (only for policies with Version 2012-10-17). */
  variables: boolean;
}

const DEFAULT_RE = /^\s*([^,]+?)\s*(?:,\s*'([^']*)'\s*)?$/;

/** Resolve variables and wildcards in one policy string against the request context. */
export function resolveValue(value: string, ctx: ContextLookup, opts: ResolveOptions): Resolution {
  const pieces: Piece[] = [];
  const unresolved: string[] = [];
  let text = '';
  let lit = '';
  const flush = (): void => {
    if (lit) pieces.push(lit);
    lit = '';
  };
  let i = 0;
  while (i < value.length) {
    const ch = value[i];
    if (opts.variables && ch === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end > 0) {
        const inner = value.slice(i + 2, end);
        const literal = resolveVariable(inner, ctx);
        if (literal === undefined) {
          unresolved.push(inner);
          lit += '${' + inner + '}';
          text += '${' + inner + '}';
        } else {
          lit += literal;
          text += literal;
        }
        i = end + 1;
        continue;
      }
    }
    if (opts.wildcards && (ch === '*' || ch === '?')) {
      flush();
      pieces.push(ch === '*' ? STAR : QMARK);
    } else lit += ch;
    text += ch;
    i++;
  }
  flush();
  return { pieces, unresolved, text };
}

/** The literal value of `${inner}`, or undefined when the key is absent/multivalued and has no default. */
export function resolveVariable(inner: string, ctx: ContextLookup): string | undefined {
  if (inner === '*' || inner === '?' || inner === '$') return inner;
  const m = DEFAULT_RE.exec(inner);
  if (!m) return undefined;
  const [, key, def] = m;
  const v = ctx.get(key);
  if (typeof v === 'string') return v;
  return def;
}

/** Does the string contain a `${...}` policy variable? */
export function hasVariable(value: string): boolean {
  return value.includes('${');
}
