import { RULES } from './catalog.js';
import { finding, grants, keyStarts, lower, SESSION_KEYS } from './model.js';
import type { Finding, NormStatement, Rule } from './types.js';

// ABAC spoofing paths (policies.md §3.4, §8 item 10) and iam:PassRole on * (§8 item 12).

const allows = (statements: NormStatement[]) => statements.filter((s) => s.effect === 'Allow');

/** Representative tagging actions: if a statement grants any of them, resources can be retagged. */
const TAGGING_ACTIONS = [
  's3:PutObjectTagging', 's3:DeleteObjectTagging', 's3:PutBucketTagging', 'kms:TagResource', 'kms:UntagResource', 'sqs:TagQueue', 'sqs:UntagQueue',
  'secretsmanager:TagResource', 'secretsmanager:UntagResource', 'dynamodb:TagResource', 'dynamodb:UntagResource', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource',
];
const RESOURCE_TAG_PREFIXES = ['aws:ResourceTag/', 's3:ExistingObjectTag/'];

const usesResourceTagAbac = (s: NormStatement) =>
  s.conditions.some((c) => RESOURCE_TAG_PREFIXES.some((p) => keyStarts(c, p)) && SESSION_KEYS.includes(lower(c.key.split('/').pop() ?? '')));
/** Tagging constrained to the caller's own tags: aws:RequestTag/<k> (S3 objects: s3:RequestObjectTag/<k>) = ${aws:PrincipalTag/<k>}. */
const constrainsTags = (s: NormStatement) =>
  s.conditions.some((c) => (keyStarts(c, 'aws:RequestTag/') || keyStarts(c, 's3:RequestObjectTag/')) && c.values.some((v) => lower(v).includes('${aws:principaltag/')));

export const abacSpoofing: Rule = (ctx) => {
  const out: Finding[] = [];
  const off = ctx.options.sessionTags === 'off';
  const statements = allows(ctx.statements);
  for (const s of statements) {
    const action = ['iam:TagRole', 'iam:UntagRole'].find((a) => grants(s, a));
    if (action) {
      out.push(finding(RULES.abacSpoofing, `allows ${action}: a workload with this policy can set kubernetes-*/eks-* tags on roles, which ABAC uses instead of session tags when they are disabled`, s, {
        severity: off ? 'error' : 'warning',
        path: `Statement[${s.index}].Action`,
        hint: 'Remove iam:TagRole/iam:UntagRole, or deny it for aws:TagKeys kubernetes-* and eks-*.',
      }));
    }
    if (off && grants(s, 'sts:TagSession')) {
      out.push(finding(RULES.abacSpoofing, 'allows sts:TagSession while EKS session tags are off: the pod can set its own kubernetes-* session tags when it assumes the chain target', s, { path: `Statement[${s.index}].Action` }));
    }
  }
  if (statements.some(usesResourceTagAbac)) {
    for (const s of statements) {
      const action = TAGGING_ACTIONS.find((a) => grants(s, a));
      if (action && !constrainsTags(s)) {
        out.push(finding(RULES.abacSpoofing, `the policy decides on resource tags but also allows ${action} without aws:RequestTag/<key> = \${aws:PrincipalTag/<key>}: a workload can retag resources to match itself`, s, { path: `Statement[${s.index}].Action` }));
      }
    }
  }
  const tagged = Object.keys(ctx.options.roleTags ?? {}).filter((k) => SESSION_KEYS.includes(lower(k)));
  if (tagged.length) {
    out.push(finding(RULES.abacSpoofing, `the role carries tag${tagged.length > 1 ? 's' : ''} ${tagged.join(', ')}: ${off ? 'with session tags off they are the ABAC input' : 'they become the ABAC input if session tags are ever disabled'}, so whoever can tag the role decides access`, undefined, {
      severity: off ? 'error' : 'warning',
      hint: 'Remove kubernetes-*/eks-* tags from Pod Identity roles.',
    }));
  }
  return out;
};

const broadRoleResource = (r: string) => r === '*' || /^arn:[^:]*:iam::[^:]*:(role\/)?\*$/.test(r) || r === 'arn:*';

export const passRoleStar: Rule = (ctx) =>
  allows(ctx.statements)
    .filter((s) => grants(s, 'iam:PassRole') && (s.resources.some(broadRoleResource) || (s.notResources.length > 0 && !s.resources.length)))
    .filter((s) => !s.conditions.some((c) => lower(c.key) === 'iam:passedtoservice'))
    .map((s) => finding(RULES.passRoleStar, 'allows iam:PassRole on every role without an iam:PassedToService condition: whoever holds it can give any role, admin roles included, to a pod', s, {
      path: `Statement[${s.index}].Resource`,
      hint: 'Resource: the Pod Identity roles (e.g. arn:aws:iam::<account>:role/pod-identity/*); Condition: {"StringEquals": {"iam:PassedToService": "pods.eks.amazonaws.com"}}',
    }));

export const ABAC_RULES: readonly Rule[] = [abacSpoofing, passRoleStar];
