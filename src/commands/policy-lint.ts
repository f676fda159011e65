import { UsageError, UserError } from '../core/errors.js';
import {
  hasErrors,
  invalidJsonFinding,
  lintReport,
  locateStatements,
  parsePolicyText,
  TRUST_QUOTA_DEFAULT,
  type Finding,
  type LintAssociation,
  type LintKind,
  type PolicyKindOption,
  type SessionTagsMode,
} from '../core/policy/index.js';
import { loadAssociation, MAX_POLICY_FILE, type PolicyDeps } from './policy-io.js';

export interface PolicyLintOptions {
  files: string[];
  kind?: PolicyKindOption;
  sessionTags?: SessionTagsMode;
  /** Association ID or NS/SA: its session-tag mode and its role's tags; with no files, lint its role's trust policy. */
  association?: string;
  quota?: number;
}

export interface LocatedFinding extends Finding {
  /** 1-based line of the statement (or of the JSON error) in the file, when known. */
  line?: number;
  column?: number;
}

export interface LintedFile {
  /** The path as given (or role:<arn> for a role's trust policy). */
  path: string;
  kind?: LintKind;
  findings: LocatedFinding[];
}

export interface PolicyLintResult {
  files: LintedFile[];
  summary: { files: number; errors: number; warnings: number; infos: number };
  sessionTags?: SessionTagsMode;
}

/** Lints one policy text; never throws on bad content. */
export function lintText(
  path: string,
  text: string,
  options: { kind?: PolicyKindOption; sessionTags?: SessionTagsMode; quota: number; roleTags?: Record<string, string>; association?: LintAssociation },
): LintedFile {
  const parsed = parsePolicyText(text);
  if (parsed.error) return { path, findings: [{ ...invalidJsonFinding(parsed.error.message), line: parsed.error.line, column: parsed.error.column }] };
  const report = lintReport(parsed.document, options);
  const lines = locateStatements(text);
  const findings = report.findings.map((f): LocatedFinding => (f.statement !== undefined && lines[f.statement] ? { ...f, line: lines[f.statement] } : { ...f }));
  return { path, kind: report.kind, findings };
}

/** `podid policy lint`: lint policy files (or an association's role trust) with podid's rules. */
export async function policyLint(opts: PolicyLintOptions, deps: PolicyDeps): Promise<PolicyLintResult> {
  if (!opts.files.length && !opts.association) throw new UsageError('give at least one policy FILE (or --association to lint its role trust policy)');
  const quota = opts.quota ?? TRUST_QUOTA_DEFAULT;
  let sessionTags = opts.sessionTags;
  let roleTags: Record<string, string> | undefined;
  let target: LintAssociation | undefined;
  const inputs: { path: string; text: string; kind?: PolicyKindOption }[] = [];
  if (opts.association) {
    const { association, clusterArn } = await loadAssociation(opts.association, deps);
    sessionTags ??= association.disableSessionTags ? 'off' : 'on';
    // PODID-T008: the trust must admit this association's first hop (to its roleArn, not the target).
    target = { clusterArn, namespace: association.namespace, serviceAccount: association.serviceAccount, roleArn: association.roleArn };
    const role = deps.iam ? await deps.iam.getRole(association.roleArn).catch(() => undefined) : undefined;
    if (role) {
      roleTags = role.tags;
      if (!opts.files.length) inputs.push({ path: `role:${role.arn}`, text: JSON.stringify(role.trustPolicy, null, 2), kind: 'trust' });
    } else if (!opts.files.length) throw new UserError(`cannot read role ${association.roleArn} of association ${association.associationId}`);
  }
  for (const path of opts.files) {
    const text = await deps.readText(path);
    if (text.length > MAX_POLICY_FILE) throw new UserError(`${path} is ${text.length} bytes: too large to be an IAM policy (the largest quota is 10,240 characters)`);
    inputs.push({ path, text });
  }
  const files = inputs.map((i) => lintText(i.path, i.text, { kind: i.kind ?? opts.kind, sessionTags, quota, roleTags, association: target }));
  const all = files.flatMap((f) => f.findings);
  const count = (s: string) => all.filter((f) => f.severity === s).length;
  const result: PolicyLintResult = { files, summary: { files: files.length, errors: count('error'), warnings: count('warning'), infos: count('info') } };
  if (sessionTags) result.sessionTags = sessionTags;
  return result;
}

export const lintFailed = (result: PolicyLintResult) => hasErrors(result.files.flatMap((f) => f.findings));
