// Public shapes of podid's IAM policy evaluator (src/core/iam). Pure data, no I/O.

export type OneOrMany<T> = T | T[];

export type PrincipalBlock = '*' | { AWS?: OneOrMany<string>; Service?: OneOrMany<string>; Federated?: OneOrMany<string>; CanonicalUser?: OneOrMany<string> };

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PrincipalBlock;
  NotPrincipal?: PrincipalBlock;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  /** operator (e.g. "ForAnyValue:StringLikeIfExists") → condition key → value(s) */
  Condition?: Record<string, Record<string, OneOrMany<string | number | boolean>>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: OneOrMany<Statement>;
}

/** Who is asking. A service principal (pods.eks.amazonaws.com) or an AWS principal ARN (role, assumed-role session, user, account root). */
export type Principal = { type: 'service'; service: string } | { type: 'aws'; arn: string; accountId: string };

export interface Request {
  principal: Principal;
  action: string;
  /** ARN of the resource; for trust policies the role ARN being assumed. */
  resource: string;
  /** Condition context: key (case-insensitive) → value; multivalued keys as arrays. */
  context: Record<string, string | string[]>;
}

export type Decision = 'allow' | 'deny' | 'implicit-deny';

export interface ConditionOutcome {
  operator: string;
  key: string;
  /** Values written in the policy (after variable substitution). */
  expected: string[];
  /** What the request context held for the key (undefined when absent). */
  actual?: string | string[];
  matched: boolean;
  /** Why it did not match, in words: "missing from the request", "value team-b is not team-a", "unknown operator". */
  reason?: string;
}

export interface StatementOutcome {
  /** Which policy (name given by the caller) and which statement (index, Sid). */
  policy: string;
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Did the statement apply to this request (principal, action, resource and all conditions matched)? */
  applies: boolean;
  principalMatched: boolean;
  actionMatched: boolean;
  resourceMatched: boolean;
  conditions: ConditionOutcome[];
  /** How the Principal element matched (resource/trust policies): exact, role-session, account or none. */
  principalMatch?: 'exact' | 'role-session' | 'account' | 'none';
  /** Why the principal, action or resource did not match, in words. */
  notes?: string[];
}

export interface PolicyEvaluation {
  decision: Decision;
  /** The statement that decided: the first matching Deny, else the first matching Allow. */
  decidingStatement?: StatementOutcome;
  statements: StatementOutcome[];
  /** One-paragraph explanation: which statement decided, or which condition failed and why. */
  explanation: string;
  /** How the policy was evaluated (identity, resource, trust, boundary, session). */
  kind?: PolicyKind;
}

export type PolicyKind = 'identity' | 'resource' | 'trust' | 'boundary' | 'session';

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

/** Inputs of a full decision for one request (identity + optional resource/trust, boundary, session policies). */
export interface AuthorizationInput {
  request: Request;
  identityPolicies?: NamedPolicy[];
  /** Trust policy of a role (for sts:AssumeRole/TagSession) or any resource-based policy. */
  resourcePolicy?: NamedPolicy;
  /** Account that owns the resource; decides same- vs cross-account rules. */
  resourceAccountId?: string;
  permissionsBoundary?: NamedPolicy;
  sessionPolicies?: NamedPolicy[];
}

export interface AuthorizationResult {
  decision: Decision;
  /** Per policy type, the evaluation that was run. */
  identity?: PolicyEvaluation;
  resource?: PolicyEvaluation;
  boundary?: PolicyEvaluation;
  session?: PolicyEvaluation;
  decidingStatement?: StatementOutcome;
  explanation: string;
}
