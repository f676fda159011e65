import type { SessionTagsMode, Severity } from '../types.js';

// Linter shapes. A rule is a pure function of the normalised policy and the options.

export type PolicyKindOption = 'trust' | 'permissions' | 'auto';
export type LintKind = 'trust' | 'permissions';

export interface LintOptions {
  kind?: PolicyKindOption;
  /** The association's session-tag mode when known (--association, --session-tags); undefined = unknown. */
  sessionTags?: SessionTagsMode;
  /** Trust policy quota (default 2,048). */
  quota?: number;
  /** Tags of the role the policy belongs to, when known (ABAC spoofing through role tags). */
  roleTags?: Record<string, string>;
  /** The association the trust policy must admit (--association): enables PODID-T008. */
  association?: LintAssociation;
}

/** An association as the linter needs it: the first hop's request context comes from it (and sessionTags). */
export interface LintAssociation {
  clusterArn: string;
  namespace: string;
  serviceAccount: string;
  /** The role the trust belongs to (the request's resource); a placeholder role when absent. */
  roleArn?: string;
}

export interface Finding {
  ruleId: string;
  rule: string;
  severity: Severity;
  message: string;
  hint?: string;
  /** Index of the statement in Statement (0-based), when the finding is about one statement. */
  statement?: number;
  sid?: string;
  /** Where in the document, e.g. Statement[0].Condition.StringEquals. */
  path?: string;
}

export interface RuleMeta {
  id: string;
  name: string;
  severity: Severity;
  /** One line: what the rule finds. */
  summary: string;
  /** Why it matters and how to fix it. */
  help: string;
  /** Which kinds of policy it applies to. */
  kinds: readonly LintKind[];
}

export interface Condition {
  operator: string;
  key: string;
  values: string[];
}

/** A statement, normalised: lists everywhere, condition entries flattened. */
export interface NormStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: unknown;
  notPrincipal?: unknown;
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  conditions: Condition[];
}

export interface LintContext {
  kind: LintKind;
  options: LintOptions;
  statements: NormStatement[];
  /** The document as parsed (object). */
  document: Record<string, unknown>;
  version?: string;
}

export type Rule = (ctx: LintContext) => Finding[];
