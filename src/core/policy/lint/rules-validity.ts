import { RULES } from './catalog.js';
import { finding } from './model.js';
import type { Finding, NormStatement, Rule } from './types.js';

// Structure IAM itself rejects (MalformedPolicyDocument), beyond the JSON shape of PODID-V001:
// which elements a statement of each policy kind must or must not have, and the action syntax.

const hasResource = (s: NormStatement) => s.resources.length > 0 || s.notResources.length > 0;
const hasPrincipal = (s: NormStatement) => s.principal !== undefined || s.notPrincipal !== undefined;

/** PODID-V003: a role trust policy names who may assume the role, and never a Resource (the role is the resource). */
export const trustStatementShape: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    const problems: string[] = [];
    if (s.resources.length) problems.push('has Resource (a trust policy is attached to the role, which is its resource)');
    if (s.notResources.length) problems.push('has NotResource');
    if (!hasPrincipal(s)) problems.push('has no Principal (or NotPrincipal): a trust statement must say who may assume the role');
    if (problems.length) {
      out.push(finding(RULES.trustStatementShape, `trust statement ${problems.join('; ')}: IAM rejects the policy (MalformedPolicyDocument)`, s, {
        hint: 'A trust statement has Effect, Principal, Action (sts:AssumeRole, sts:TagSession, …) and optionally Condition. Is this a permissions policy? Lint it with --kind permissions.',
      }));
    }
  }
  return out;
};

/** PODID-V004: a permissions statement must say which resources it covers. */
export const permissionsStatementShape: Rule = (ctx) =>
  ctx.statements
    .filter((s) => !hasResource(s))
    .map((s) =>
      finding(RULES.permissionsStatementShape, 'permissions statement has no Resource or NotResource: IAM rejects the policy (MalformedPolicyDocument)', s, {
        hint: 'Add "Resource": the ARNs the actions apply to ("*" only when the actions support no narrower resource). Is this a trust policy? Lint it with --kind trust.',
      }),
    );

/** `service:Action`, the action part possibly with * and ? wildcards; or `*` alone. */
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
const isAction = (a: string) => a === '*' || ACTION.test(a);

/** PODID-V005: every Action/NotAction entry is `service:Action` (or `*`). */
export const actionSyntax: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    for (const [element, actions] of [['Action', s.actions], ['NotAction', s.notActions]] as const) {
      const bad = actions.filter((a) => !isAction(a));
      if (!bad.length) continue;
      out.push(finding(RULES.actionSyntax, `${element} ${bad.map((a) => JSON.stringify(a)).join(', ')} ${bad.length > 1 ? 'are not actions' : 'is not an action'}: IAM actions are service:Action (e.g. s3:GetObject), and IAM rejects the policy`, s, {
        path: `Statement[${s.index}].${element}`,
      }));
    }
  }
  return out;
};

export const TRUST_VALIDITY_RULES: readonly Rule[] = [trustStatementShape, actionSyntax];
export const PERMISSIONS_VALIDITY_RULES: readonly Rule[] = [permissionsStatementShape, actionSyntax];
