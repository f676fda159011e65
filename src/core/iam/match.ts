// Wildcard matching for IAM strings (Action, Resource, StringLike, ArnLike). Pure code.
//
// A pattern is a list of pieces: literal text, or the wildcards `*` (any run of characters,
// including none) and `?` (exactly one character). Policy variables are resolved into literal
// pieces before matching (see variables.ts), so a resolved `*` from a tag value is literal.

export const STAR = 0 as const;
export const QMARK = 1 as const;
export type Piece = string | typeof STAR | typeof QMARK;

/** Split a plain IAM pattern (no variables) into pieces. */
export function piecesOf(pattern: string, wildcards = true): Piece[] {
  if (!wildcards) return [pattern];
  const out: Piece[] = [];
  let lit = '';
  for (const ch of pattern) {
    if (ch === '*' || ch === '?') {
      if (lit) out.push(lit);
      lit = '';
      out.push(ch === '*' ? STAR : QMARK);
    } else lit += ch;
  }
  if (lit) out.push(lit);
  return out;
}

/**
 * Match pieces against a value with an iterative backtracking matcher (linear-ish, no regex,
 * no catastrophic backtracking). `ignoreCase` compares literals case-insensitively.
 */
export function matchPieces(pieces: readonly Piece[], value: string, ignoreCase = false): boolean {
  const flat = flatten(pieces, ignoreCase);
  const v = ignoreCase ? value.toLowerCase() : value;
  return globMatch(flat, v);
}

/** Plain wildcard match of one IAM pattern string. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return matchPieces(piecesOf(pattern), value, ignoreCase);
}

/** Concatenate pieces back to the literal text they stand for (wildcards as `*`/`?`). */
export function piecesText(pieces: readonly Piece[]): string {
  return pieces.map((p) => (p === STAR ? '*' : p === QMARK ? '?' : p)).join('');
}

export function hasWildcard(pieces: readonly Piece[]): boolean {
  return pieces.some((p) => p === STAR || p === QMARK);
}

// One code per character: -1 = `*`, -2 = `?`, otherwise a literal UTF-16 code unit.
function flatten(pieces: readonly Piece[], ignoreCase: boolean): number[] {
  const out: number[] = [];
  for (const p of pieces) {
    if (p === STAR) {
      if (out[out.length - 1] !== -1) out.push(-1);
    } else if (p === QMARK) out.push(-2);
    else {
      const s = ignoreCase ? p.toLowerCase() : p;
      for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
    }
  }
  return out;
}

function globMatch(p: number[], v: string): boolean {
  let pi = 0;
  let vi = 0;
  let starP = -1;
  let starV = 0;
  while (vi < v.length) {
    const c = p[pi];
    if (pi < p.length && (c === -2 || c === v.charCodeAt(vi))) {
      pi++;
      vi++;
    } else if (pi < p.length && c === -1) {
      starP = pi++;
      starV = vi;
    } else if (starP >= 0) {
      pi = starP + 1;
      vi = ++starV;
    } else return false;
  }
  while (pi < p.length && p[pi] === -1) pi++;
  return pi === p.length;
}

/** Action match: `service:Action` patterns, case-insensitive, `*` matches every action. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern.trim(), action, true);
}

/** Split an ARN into its six colon-separated parts; the resource part keeps later colons. */
export function splitArn(arn: string): string[] | undefined {
  const parts = arn.includes('${') ? splitOutsideVariables(arn) : arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Split on colons that are not inside a `${...}` policy variable (`${aws:PrincipalAccount}`). */
function splitOutsideVariables(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '$' && s[i + 1] === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    if (ch === ':' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
