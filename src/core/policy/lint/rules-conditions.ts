import { parseOperator } from '../../iam/index.js';
import { RULES } from './catalog.js';
import { baseOperator, distance, finding, keyIs, keyStarts, lower, SESSION_KEYS } from './model.js';
import type { Finding, NormStatement, Rule } from './types.js';

// Condition rules for any policy (policies.md §3.2, §8 items 6–9, and unknown operators).

const path = (s: NormStatement, operator: string) => `Statement[${s.index}].Condition.${operator}`;
/** The text outside ${…} policy variables (a * inside ${*} is an escaped literal). */
const outsideVariables = (v: string) => v.replace(/\$\{[^}]*\}/g, '');

export const wildcardWithoutLike: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    for (const c of s.conditions) {
      if (!/^String(Not)?Equals(IgnoreCase)?$/i.test(baseOperator(c.operator))) continue;
      const v = c.values.find((x) => /[*?]/.test(outsideVariables(x)));
      if (v !== undefined) {
        out.push(finding(RULES.wildcardWithoutLike, `${c.operator} ${c.key} = "${v}": the wildcard is compared literally, so this never matches a real value; use ${c.operator.replace(/Equals/i, 'Like').replace(/IgnoreCase/i, '')}`, s, { path: path(s, c.operator) }));
      }
    }
  }
  return out;
};

const SINGLE_VALUED_PREFIXES = ['aws:requesttag/', 'aws:principaltag/', 'aws:resourcetag/', 's3:existingobjecttag/', 's3:requestobjecttag/'];
const SINGLE_VALUED = new Set(
  ['aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:PrincipalOrgID', 'aws:SourceIp', 'aws:SecureTransport', 'aws:username', 'aws:userid', 'aws:CurrentTime', 'aws:RequestedRegion', 'sts:ExternalId', 's3:prefix', 'iam:PassedToService'].map(lower),
);
const isSingleValued = (key: string) => SINGLE_VALUED.has(lower(key)) || SINGLE_VALUED_PREFIXES.some((p) => lower(key).startsWith(p));

/** A request that carries no value for a multivalued key, in words for that key. */
function absentExample(key: string): string {
  const k = lower(key);
  if (k === 'dynamodb:leadingkeys') return 'e.g. a DynamoDB Scan';
  if (k === 'aws:tagkeys' || k === 's3:requestobjecttagkeys') return 'e.g. a request that passes no tags';
  return 'a request without the key';
}

export const forAllValuesWithoutNull: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of ctx.statements.filter((x) => x.effect === 'Allow')) {
    for (const c of s.conditions) {
      if (parseOperator(c.operator)?.set !== 'ForAllValues') continue;
      if (isSingleValued(c.key)) {
        out.push(finding(RULES.forAllValuesWithoutNull, `${c.operator} on ${c.key}, a single-valued key: it is also true when the key is absent; use ${c.operator.replace(/^ForAllValues:/i, '')}`, s, { path: path(s, c.operator) }));
        continue;
      }
      const guarded = s.conditions.some((g) => /^Null$/i.test(g.operator) && keyIs(g, c.key) && g.values.some((v) => lower(v) === 'false'));
      if (!guarded) {
        out.push(finding(RULES.forAllValuesWithoutNull, `${c.operator} ${c.key} is true when the request has no ${c.key} at all (${absentExample(c.key)}), so the Allow reaches further than it reads`, s, { path: path(s, c.operator), hint: `add "Null": {"${c.key}": "false"}` }));
      }
    }
  }
  return out;
};

const PRINCIPAL_TAG = 'aws:PrincipalTag/';
const hasPrincipalTagVariable = (values: string[]) => values.some((v) => lower(v).includes('${aws:principaltag/'));

export const invertedInDeny: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of ctx.statements.filter((x) => x.effect === 'Deny')) {
    for (const c of s.conditions) {
      const op = parseOperator(c.operator);
      if (!op?.base?.negated) continue;
      if (!keyStarts(c, PRINCIPAL_TAG) && !hasPrincipalTagVariable(c.values)) continue;
      const nullGuard = s.conditions.some((g) => /^Null$/i.test(g.operator) && (keyIs(g, c.key) || (hasPrincipalTagVariable(c.values) && keyStarts(g, PRINCIPAL_TAG))));
      if (nullGuard) continue;
      out.push(
        finding(RULES.invertedInDeny, `${c.operator} ${c.key} matches when the principal tag is missing, so this Deny also applies to principals without it (e.g. associations with session tags disabled)`, s, {
          path: path(s, c.operator),
          hint: 'State the intent with a Null condition on the tag key ("true" to target untagged principals, "false" to exempt them).',
        }),
      );
    }
  }
  return out;
};

const TAG_REF = /(?:aws:(?:PrincipalTag|RequestTag|ResourceTag)|s3:(?:ExistingObjectTag|RequestObjectTag))\/([^\s},'"]+)/gi;

/** A key that was probably meant to be one of the six EKS session tags. */
export function suspiciousTagKey(key: string): string | undefined {
  const k = lower(key);
  if (SESSION_KEYS.includes(k)) return undefined;
  const closest = [...SESSION_KEYS].sort((a, b) => distance(k, a) - distance(k, b))[0];
  if (k.startsWith('eks-') || k.startsWith('kubernetes-') || distance(k, closest) <= 2) return closest;
  return undefined;
}

export const unknownSessionTag: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    const places: [string, string][] = [
      ...s.resources.map((r) => [r, `Statement[${s.index}].Resource`] as [string, string]),
      ...s.notResources.map((r) => [r, `Statement[${s.index}].NotResource`] as [string, string]),
      ...s.conditions.flatMap((c) => [c.key, ...c.values].map((t) => [t, path(s, c.operator)] as [string, string])),
    ];
    const seen = new Set<string>();
    for (const [text, where] of places) {
      for (const m of text.matchAll(TAG_REF)) {
        const key = m[1];
        const meant = suspiciousTagKey(key);
        if (!meant || seen.has(lower(key))) continue;
        seen.add(lower(key));
        out.push(finding(RULES.unknownSessionTag, `'${key}' is not an EKS session tag key (did you mean '${meant}'?): it is never set, so this never matches`, s, { path: where }));
      }
    }
  }
  return out;
};

export const unknownOperator: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    for (const operator of new Set(s.conditions.map((c) => c.operator))) {
      if (!parseOperator(operator)) out.push(finding(RULES.unknownOperator, `unknown condition operator '${operator}': IAM rejects the policy`, s, { path: path(s, operator) }));
    }
  }
  return out;
};

export const CONDITION_RULES: readonly Rule[] = [wildcardWithoutLike, forAllValuesWithoutNull, invertedInDeny, unknownSessionTag, unknownOperator];
