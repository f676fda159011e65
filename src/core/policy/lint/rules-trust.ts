import { parseOperator } from '../../iam/index.js';
import { RULES } from './catalog.js';
import { awsPrincipals, baseOperator, finding, grants, isPodsStatement, keyIs, keyStarts, lower, SESSION_KEYS } from './model.js';
import type { SessionTagsMode } from '../types.js';
import type { Condition, Finding, LintContext, NormStatement, Rule } from './types.js';

// Trust-policy rules (policies.md §1, §2, §8 items 1–5).

const allows = (ctx: LintContext) => ctx.statements.filter((s) => s.effect === 'Allow');
const SOURCE_KEYS = ['aws:SourceAccount', 'aws:SourceOrgID', 'aws:SourceOrgPaths', 'aws:SourceArn'];

/** Keys EKS sends with every first hop (the tag keys when session tags are on): a Null "false" on them asks only that they are there. */
const ALWAYS_SENT = new Set(['aws:sourceaccount', 'aws:tagkeys', ...SESSION_KEYS.map((k) => `aws:requesttag/${k}`)]);
/**
 * Keys that may be in a first-hop request (policies.md §1.3, plus global keys every request has). A
 * key outside this list (aws:SourceArn, which EKS does not document sending; aws:PrincipalTag/*;
 * sts:ExternalId; any other) is absent, so an …IfExists or ForAllValues: condition on it is true.
 */
const MAYBE_SENT = new Set([...ALWAYS_SENT, 'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:currenttime', 'aws:epochtime', 'aws:securetransport', 'aws:principalservicename', 'aws:principalisawsservice', 'aws:requestedregion']);
/** Only * and ?, with at least one *: matches every value EKS sends (the ? only set a minimum length). */
const matchesAnything = (pattern: string) => /^[*?]*\*[*?]*$/.test(pattern);
const sentFor = (key: string, sessionTags: SessionTagsMode | undefined) =>
  MAYBE_SENT.has(lower(key)) && !(sessionTags === 'off' && lower(key).startsWith('aws:requesttag/'));

/**
 * A condition that does not narrow who assumes the role, because every first-hop request of EKS
 * (or all but a few listed values) satisfies it:
 * - StringLike/ArnLike with a "*" (or "?*") value; Null "false" on a key EKS always sends;
 * - a negated operator (StringNotEquals, ArnNotLike, …): it excludes the listed values and admits
 *   everything else (every other account, cluster, namespace) — unless its pattern matches every
 *   value, which blocks instead;
 * - …IfExists or ForAllValues: on a key EKS does not send (e.g. StringEqualsIfExists aws:SourceArn):
 *   the key is absent, so the condition is true.
 */
export function cannotRestrict(c: Condition, sessionTags?: SessionTagsMode): boolean {
  const op = parseOperator(c.operator);
  if (!op) return false;
  if (op.null) return ALWAYS_SENT.has(lower(c.key)) && c.values.length > 0 && c.values.every((v) => lower(v) === 'false');
  if ((op.ifExists || op.set === 'ForAllValues') && !sentFor(c.key, sessionTags)) return true;
  const like = /^(String|Arn)(Not)?Like$/i.test(baseOperator(c.operator));
  if (op.base?.negated) return !(like && c.values.some(matchesAnything));
  // Values of one key are ORed: one match-anything value makes the whole condition match anything.
  return /^(StringLike|ArnLike)$/i.test(baseOperator(c.operator)) && c.values.some(matchesAnything);
}

/**
 * Keys whose value says which association is asking: the source (account, organization, ARN) and
 * the session tags EKS sets per association and pod. Anything else (aws:TagKeys, aws:CurrentTime,
 * aws:SecureTransport, aws:RequestedRegion, …) holds the same for every association in the account.
 */
const PINNING = new Set([...SOURCE_KEYS, ...SESSION_KEYS.map((k) => `aws:RequestTag/${k}`)].map(lower));

/**
 * Does the condition narrow which association may assume the role? It must be able to restrict
 * (cannotRestrict), and either compare the value of a pinning key (a Null test only asks that a
 * key is there), or require a key EKS never sends in a first hop (aws:PrincipalTag/*, sts:ExternalId,
 * …), which no request satisfies. `ForAllValues:StringEquals aws:TagKeys [the six keys]` does
 * neither: it limits which tag keys are passed, and every association passes those.
 */
function narrowsAssociation(c: Condition, sessionTags?: SessionTagsMode): boolean {
  if (cannotRestrict(c, sessionTags)) return false;
  const op = parseOperator(c.operator);
  if (!op) return true; // unknown operator: IAM rejects the policy (PODID-C005); no second finding here
  if (!op.null && PINNING.has(lower(c.key))) return true;
  return !sentFor(c.key, sessionTags) && requiresKey(c.operator, c.values);
}

/** The conditions of a statement that narrow which association assumes the role. */
const restricting = (s: NormStatement, sessionTags?: SessionTagsMode) => s.conditions.filter((c) => narrowsAssociation(c, sessionTags));
const conditionList = (cs: Condition[]) => cs.map((c) => `${c.operator} ${c.key} = ${c.values.map((v) => JSON.stringify(v)).join(', ')}`).join('; ');

/** Replace, do not merge: --merge-into keeps every existing statement, this open one included. */
const REPLACE_OPEN_HINT =
  'replace this statement, do not merge (--merge-into keeps it, and with it the open access): ' +
  'podid policy trust -w CLUSTER_ARN:NAMESPACE:SERVICE_ACCOUNT > trust.json, then ' +
  'aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json ' +
  '(keep any other statements the role needs by adding them to trust.json)';

export const unconditionedTrust: Rule = (ctx) =>
  allows(ctx)
    .filter((s) => isPodsStatement(s) && restricting(s, ctx.options.sessionTags).length === 0)
    .map((s) =>
      finding(
        RULES.unconditionedTrust,
        s.conditions.length
          ? `pods.eks.amazonaws.com may assume this role under conditions that scope nothing (${conditionList(s.conditions)}): any Pod Identity association in the account can use it`
          : 'pods.eks.amazonaws.com may assume this role with no condition: any Pod Identity association in the account can use it',
        s,
        { hint: REPLACE_OPEN_HINT, ...(s.conditions.length ? { path: `Statement[${s.index}].Condition` } : {}) },
      ),
    );

export const missingSourceScope: Rule = (ctx) =>
  allows(ctx)
    .filter((s) => isPodsStatement(s) && restricting(s, ctx.options.sessionTags).length > 0 && !restricting(s, ctx.options.sessionTags).some((c) => SOURCE_KEYS.some((k) => keyIs(c, k))))
    .map((s) => finding(RULES.missingSourceScope, 'no aws:SourceAccount or aws:SourceOrgID condition (confused-deputy protection)', s, { path: `Statement[${s.index}].Condition` }));

const isAccountRoot = (p: string) => /^\d{12}$/.test(p) || /^arn:[^:]+:iam::\d{12}:root$/.test(p);
const NARROWING = ['aws:PrincipalArn', 'sts:ExternalId', 'aws:SourceArn', 'aws:SourceIdentity'];

export const wildcardPrincipal: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of allows(ctx)) {
    const aws = awsPrincipals(s);
    const path = `Statement[${s.index}].Principal`;
    if (s.principal === '*' || aws.some((p) => p.includes('*'))) {
      out.push(finding(RULES.wildcardPrincipal, 'Principal "*": anyone may try to assume this role (IAM rejects wildcard principals in trust policies)', s, { path }));
      continue;
    }
    if (s.notPrincipal !== undefined) {
      out.push(finding(RULES.wildcardPrincipal, 'NotPrincipal with Allow trusts everyone except the listed principals', s, { path: `Statement[${s.index}].NotPrincipal` }));
      continue;
    }
    const root = aws.find(isAccountRoot);
    const narrowed = s.conditions.some((c) => NARROWING.some((k) => keyIs(c, k)) || keyStarts(c, 'aws:RequestTag/'));
    if (root && !narrowed) {
      out.push(finding(RULES.wildcardPrincipal, `Principal ${root} trusts every role and user of that account; narrow it with ArnEquals aws:PrincipalArn (the Pod Identity role), sts:ExternalId or aws:RequestTag conditions`, s, { severity: 'warning', path }));
    }
  }
  return out;
};

export const missingTagSession: Rule = (ctx) => {
  if (ctx.options.sessionTags === 'off') return [];
  const pods = allows(ctx).filter(isPodsStatement);
  if (pods.some((s) => grants(s, 'sts:TagSession'))) return [];
  return pods
    .filter((s) => grants(s, 'sts:AssumeRole'))
    .map((s) => finding(RULES.missingTagSession, 'allows sts:AssumeRole for pods.eks.amazonaws.com but no statement allows sts:TagSession: EKS passes session tags, so credential vending fails', s, { path: `Statement[${s.index}].Action`, hint: 'Action: ["sts:AssumeRole", "sts:TagSession"]' }));
};

/** A condition that needs the key to be present (positive operator, no IfExists, or Null false). */
function requiresKey(operator: string, values: string[]): boolean {
  const op = parseOperator(operator);
  if (!op) return false;
  if (op.null) return values.some((v) => lower(v) === 'false');
  return !op.ifExists && !op.base?.negated && op.set !== 'ForAllValues';
}

export const requestTagWithoutSessionTags: Rule = (ctx) => {
  if (ctx.options.sessionTags !== 'off') return [];
  const out: Finding[] = [];
  for (const s of allows(ctx)) {
    const c = s.conditions.find((x) => keyStarts(x, 'aws:RequestTag/') && SESSION_KEYS.includes(lower(x.key.slice('aws:RequestTag/'.length))) && requiresKey(x.operator, x.values));
    if (c) {
      out.push(finding(RULES.requestTagWithoutSessionTags, `requires ${c.key}, but the association has session tags disabled, so EKS sends no request tags and this statement never matches`, s, { path: `Statement[${s.index}].Condition.${c.operator}` }));
    }
  }
  return out;
};

export const principalTagFirstHop: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of allows(ctx).filter(isPodsStatement)) {
    const c = s.conditions.find((x) => keyStarts(x, 'aws:PrincipalTag/') || x.values.some((v) => lower(v).includes('${aws:principaltag/')));
    if (c) {
      const key = keyStarts(c, 'aws:PrincipalTag/') ? c.key : c.values.find((v) => lower(v).includes('${aws:principaltag/'));
      out.push(finding(RULES.principalTagFirstHop, `${key} never matches in a pods.eks.amazonaws.com trust: a service principal has no principal tags; use aws:RequestTag/${key?.split('/').pop()?.replace(/}$/, '')}`, s, { path: `Statement[${s.index}].Condition.${c.operator}` }));
    }
  }
  return out;
};

export const crossProduct: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of allows(ctx)) {
    const multi = multiValuedKeys(s);
    if (multi.length < 2) continue;
    const workloadKeys = multi.filter((k) => lower(k).startsWith('aws:requesttag/'));
    out.push(
      finding(RULES.crossProduct, `${multi.join(' and ')} each have several values; they combine as a cross product, so pairs you did not list are allowed too`, s, {
        severity: workloadKeys.length >= 2 ? 'error' : 'warning',
        path: `Statement[${s.index}].Condition`,
        hint: 'Write one statement per (cluster, namespace, service account): podid policy trust -w … -w …',
      }),
    );
  }
  return out;
};

/** Keys (as first written) with more than one value, ignoring set operators (multivalued keys) and Null. */
export function multiValuedKeys(s: NormStatement): string[] {
  const keys = new Map<string, string>();
  for (const c of s.conditions) {
    const op = parseOperator(c.operator);
    if (op?.set || op?.null) continue;
    if (new Set(c.values).size > 1 && !keys.has(lower(c.key))) keys.set(lower(c.key), c.key);
  }
  return [...keys.values()];
}

export const TRUST_RULES: readonly Rule[] = [unconditionedTrust, missingSourceScope, wildcardPrincipal, missingTagSession, requestTagWithoutSessionTags, principalTagFirstHop, crossProduct];
