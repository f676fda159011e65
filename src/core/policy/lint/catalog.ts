import type { RuleMeta } from './types.js';

// The rule catalog: stable ids (never reused), names, default severities and help text.
// T = trust policies, C = conditions (any policy), A = ABAC, P = permissions, S = size, V = validity.

const both = ['trust', 'permissions'] as const;
const trust = ['trust'] as const;
const permissions = ['permissions'] as const;

export const RULES = {
  unconditionedTrust: {
    id: 'PODID-T001', name: 'unconditioned-trust', severity: 'error', kinds: trust,
    summary: 'pods.eks.amazonaws.com trust without any condition that restricts it',
    help: 'Any Pod Identity association in the account (any cluster, namespace or service account) can use the role. A statement is scoped only by a condition on the source (aws:SourceAccount, aws:SourceOrgID, aws:SourceArn) or on an EKS session tag value (aws:RequestTag/eks-cluster-arn, kubernetes-namespace, kubernetes-service-account, …); conditions on keys that are the same for every association (ForAllValues:StringEquals aws:TagKeys, aws:CurrentTime, aws:SecureTransport) do not scope it. Conditions that scope nothing count as none too: StringLike/ArnLike "*" (or "?*"), Null "false" on a key EKS always sends, negated operators (StringNotEquals aws:SourceAccount "999999999999" admits every other account), and …IfExists or ForAllValues: on a key EKS does not send (StringEqualsIfExists aws:SourceArn: EKS does not document sending aws:SourceArn, so the condition is always true). Replace the statement with a scoped one (podid policy trust -w CLUSTER_ARN:NAMESPACE:SERVICE_ACCOUNT); merging with --merge-into keeps the open statement.',
  },
  missingSourceScope: {
    id: 'PODID-T002', name: 'missing-source-scope', severity: 'warning', kinds: trust,
    summary: 'service-principal trust without aws:SourceAccount or aws:SourceOrgID',
    help: 'Without aws:SourceAccount/aws:SourceOrgID the trust relies on request tags alone (confused deputy). Add "aws:SourceAccount": "<cluster account>".',
  },
  wildcardPrincipal: {
    id: 'PODID-T003', name: 'wildcard-principal', severity: 'error', kinds: trust,
    summary: 'Principal "*" in a trust policy, or an account root without aws:PrincipalArn / sts:ExternalId / aws:RequestTag',
    help: 'Name the source: the service pods.eks.amazonaws.com, or for a target role the cluster account narrowed with ArnEquals aws:PrincipalArn = the Pod Identity role.',
  },
  missingTagSession: {
    id: 'PODID-T004', name: 'missing-tag-session', severity: 'error', kinds: trust,
    summary: 'sts:AssumeRole for pods.eks.amazonaws.com without sts:TagSession',
    help: 'EKS passes session tags when it assumes the role, so the trust must also allow sts:TagSession or credential vending fails.',
  },
  requestTagWithoutSessionTags: {
    id: 'PODID-T005', name: 'request-tag-without-session-tags', severity: 'error', kinds: trust,
    summary: 'aws:RequestTag conditions while the association has session tags disabled',
    help: 'With disableSessionTags (always the case with a session policy) EKS sends no aws:RequestTag/* keys, so the statement never matches. Scope with aws:SourceAccount and use a target role with sts:ExternalId for per-workload scoping.',
  },
  principalTagFirstHop: {
    id: 'PODID-T006', name: 'principal-tag-in-first-hop', severity: 'error', kinds: trust,
    summary: 'aws:PrincipalTag in a pods.eks.amazonaws.com trust condition',
    help: 'The caller is a service principal, which has no principal tags: the condition never matches. Use aws:RequestTag/<key> in the trust policy.',
  },
  crossProduct: {
    id: 'PODID-T007', name: 'cross-product-condition', severity: 'error', kinds: trust,
    summary: 'several condition keys with several values each in one statement',
    help: 'Values of different keys combine as a cross product: namespace [a,b] with service account [x,y] also allows (a,y). Write one statement per (cluster, namespace, service account) tuple.',
  },
  trustDeniesAssociation: {
    id: 'PODID-T008', name: 'trust-denies-association', severity: 'error', kinds: trust,
    summary: 'with --association: the trust policy does not let EKS assume the role for that association',
    help: 'podid evaluates the trust with its IAM evaluator for the request EKS makes for the association (principal pods.eks.amazonaws.com, aws:SourceAccount, the aws:RequestTag/* session tags unless they are disabled) and reports the condition that fails. Regenerate the statement: podid policy trust -w CLUSTER_ARN:NAMESPACE:SERVICE_ACCOUNT --merge-into ROLE_ARN.',
  },
  wildcardWithoutLike: {
    id: 'PODID-C001', name: 'wildcard-without-like', severity: 'warning', kinds: both,
    summary: 'a * or ? under StringEquals (matched literally)',
    help: 'StringEquals compares literally, so "cluster/*" only matches a value that ends in "*". Use StringLike for patterns, or the exact value.',
  },
  forAllValuesWithoutNull: {
    id: 'PODID-C002', name: 'forallvalues-without-null', severity: 'warning', kinds: both,
    summary: 'ForAllValues on an Allow without a Null guard, or on a single-valued key',
    help: 'ForAllValues is true when the key is absent (a DynamoDB Scan has no dynamodb:LeadingKeys; a request without tags has no aws:TagKeys). Add "Null": {"<key>": "false"}. On single-valued keys use the plain operator.',
  },
  invertedInDeny: {
    id: 'PODID-C003', name: 'inverted-operator-in-deny', severity: 'warning', kinds: both,
    summary: 'a negated operator on a principal tag in a Deny statement',
    help: 'StringNotEquals and friends match when the key or variable is missing, so the Deny also hits principals without the tag (e.g. associations with session tags disabled). Make the intent explicit with a Null condition on the key.',
  },
  unknownSessionTag: {
    id: 'PODID-C004', name: 'unknown-session-tag-key', severity: 'error', kinds: both,
    summary: 'a tag key that looks like an EKS session tag but is not one of the six',
    help: 'EKS sets eks-cluster-arn, eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name and kubernetes-pod-uid. A misspelt key never matches (the resource or condition silently grants nothing).',
  },
  unknownOperator: {
    id: 'PODID-C005', name: 'unknown-operator', severity: 'error', kinds: both,
    summary: 'a condition operator IAM does not know',
    help: 'IAM rejects the policy (MalformedPolicyDocument), and offline evaluators fail closed. Check the spelling: StringEquals, StringLike, ArnEquals, Null, …IfExists, ForAnyValue:/ForAllValues:.',
  },
  abacSpoofing: {
    id: 'PODID-A001', name: 'abac-spoofing', severity: 'warning', kinds: both,
    summary: 'a path that lets a workload change the tags ABAC decides on',
    help: 'ABAC is only as strong as the tags: deny iam:TagRole on Pod Identity roles, keep kubernetes-*/eks-* tags off roles, constrain resource tagging with aws:RequestTag/<k> = ${aws:PrincipalTag/<k>}, and do not allow sts:TagSession into chain targets when EKS session tags are off.',
  },
  passRoleStar: {
    id: 'PODID-P001', name: 'passrole-star', severity: 'error', kinds: permissions,
    summary: 'iam:PassRole on "*" without iam:PassedToService',
    help: 'Whoever creates associations can then hand any role (admin roles too) to a pod. Limit Resource to the Pod Identity roles and add "StringEquals": {"iam:PassedToService": "pods.eks.amazonaws.com"}.',
  },
  policySize: {
    id: 'PODID-S001', name: 'policy-size', severity: 'error', kinds: both,
    summary: 'the policy is over an IAM size quota (whitespace not counted)',
    help: 'Trust policies: 2,048 characters by default (Service Quotas L-C07B4B0D, up to 8,192). Managed policies: 6,144. Inline policies of a role together: 10,240.',
  },
  notAPolicy: {
    id: 'PODID-V001', name: 'invalid-policy', severity: 'error', kinds: both,
    summary: 'not JSON, or not an IAM policy document',
    help: 'A policy is a JSON object with "Version": "2012-10-17" and "Statement": one statement or a list, each with Effect, Action/NotAction and (permissions) Resource.',
  },
  version: {
    id: 'PODID-V002', name: 'policy-version', severity: 'warning', kinds: both,
    summary: 'Version missing or not 2012-10-17',
    help: 'Without "Version": "2012-10-17" IAM uses 2008-10-17, where policy variables such as ${aws:PrincipalTag/kubernetes-namespace} are plain text.',
  },
  trustStatementShape: {
    id: 'PODID-V003', name: 'trust-statement-shape', severity: 'error', kinds: trust,
    summary: 'a trust statement with Resource/NotResource, or without Principal/NotPrincipal',
    help: 'IAM rejects such a trust policy (MalformedPolicyDocument): the role is the resource of its trust policy, and every statement names who may assume it. A trust statement has Effect, Principal, Action and optionally Condition.',
  },
  permissionsStatementShape: {
    id: 'PODID-V004', name: 'permissions-statement-shape', severity: 'error', kinds: permissions,
    summary: 'a permissions statement without Resource or NotResource',
    help: 'IAM rejects identity and resource-based permission policies whose statements do not name their resources (MalformedPolicyDocument). Add "Resource" with the ARNs the actions apply to.',
  },
  actionSyntax: {
    id: 'PODID-V005', name: 'action-syntax', severity: 'error', kinds: both,
    summary: 'an Action/NotAction entry that is not service:Action (or *)',
    help: 'IAM actions are written service:Action, e.g. s3:GetObject or sts:AssumeRole; wildcards may appear in the action part (s3:Get*). "s3GetObject" or "GetObject" are rejected (MalformedPolicyDocument).',
  },
} as const satisfies Record<string, RuleMeta>;

export const RULE_LIST: readonly RuleMeta[] = Object.values(RULES);
