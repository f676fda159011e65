import { UsageError, UserError } from '../core/errors.js';
import {
  invalidJsonFinding,
  lineColumn,
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
  /** The --state file, when the role came from one: the SARIF artifact of an association's role trust. */
  stateFile?: string;
}

export interface LocatedFinding extends Finding {
  /** 1-based line of the statement (or of the JSON error) in the file, when known. */
  line?: number;
  column?: number;
}

/** Where a linted document lives, for SARIF: a file path (relative as given), never empty. */
export interface LintArtifact {
  uri: string;
  /** The line every finding without its own line points at (1 when unknown). */
  line?: number;
  /** When the document sits inside a larger file (a role's trust in a --state file): the line of each statement there. */
  statementLines?: number[];
  /** The IAM role whose trust policy this is (--association). */
  roleArn?: string;
}

export interface LintedFile {
  /** The path as given (or role:<arn> for a role's trust policy). */
  path: string;
  kind?: LintKind;
  findings: LocatedFinding[];
  artifact: LintArtifact;
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
  const artifact = artifactOf(path);
  const parsed = parsePolicyText(text);
  if (parsed.error) return { path, findings: [{ ...invalidJsonFinding(parsed.error.message), line: parsed.error.line, column: parsed.error.column }], artifact };
  const report = lintReport(parsed.document, options);
  const lines = locateStatements(text);
  const findings = report.findings.map((f): LocatedFinding => (f.statement !== undefined && lines[f.statement] ? { ...f, line: lines[f.statement] } : { ...f }));
  return { path, kind: report.kind, findings, artifact };
}

/** stdin ('-') has no path: SARIF needs a non-empty artifact uri, so it is "stdin". */
const artifactOf = (path: string): LintArtifact => ({ uri: path === '-' ? 'stdin' : path });

/** A file that cannot be read (or is far too large) is a finding, so the other files' results, and valid SARIF, are still produced. */
function unreadable(path: string, message: string): LintedFile {
  return { path, findings: [{ ...invalidJsonFinding(message), line: 1 }], artifact: artifactOf(path) };
}

/**
 * Where an association's role trust lives: the --state file (at the role's trustPolicy when found),
 * else a stable relative path naming the role (GitHub code scanning takes only relative or file: URIs).
 */
async function roleArtifact(roleArn: string, stateFile: string | undefined, deps: PolicyDeps): Promise<LintArtifact> {
  if (stateFile) {
    const text = await deps.readText(stateFile).catch(() => '');
    // The role entry ("arn": "<role>"), then its trust policy object.
    const at = text.search(new RegExp(`"arn"\\s*:\\s*${JSON.stringify(roleArn).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    const next = at < 0 ? -1 : text.indexOf('"arn"', at + 1);
    const found = at < 0 ? -1 : text.indexOf('"trustPolicy"', at);
    // Only this role's own trustPolicy (before the next entry's "arn").
    const trust = next >= 0 && found > next ? -1 : found;
    const brace = trust < 0 ? -1 : text.indexOf('{', trust);
    if (brace < 0) return { uri: stateFile, line: at < 0 ? 1 : lineColumn(text, at).line, roleArn };
    const line = lineColumn(text, brace).line;
    return { uri: stateFile, line, statementLines: locateStatements(text.slice(brace)).map((l) => l + line - 1), roleArn };
  }
  const resource = roleArn.slice(roleArn.indexOf(':role/') + 1);
  return { uri: `aws-iam/${resource}/trust-policy.json`, roleArn };
}

/** `podid policy lint`: lint policy files (or an association's role trust) with podid's rules. */
export async function policyLint(opts: PolicyLintOptions, deps: PolicyDeps): Promise<PolicyLintResult> {
  if (!opts.files.length && !opts.association) throw new UsageError('give at least one policy FILE (or --association to lint its role trust policy)');
  const quota = opts.quota ?? TRUST_QUOTA_DEFAULT;
  let sessionTags = opts.sessionTags;
  let roleTags: Record<string, string> | undefined;
  let target: LintAssociation | undefined;
  const inputs: { path: string; text: string; kind?: PolicyKindOption; artifact?: LintArtifact }[] = [];
  if (opts.association) {
    const { association, clusterArn } = await loadAssociation(opts.association, deps);
    sessionTags ??= association.disableSessionTags ? 'off' : 'on';
    // PODID-T008: the trust must admit this association's first hop (to its roleArn, not the target).
    target = { clusterArn, namespace: association.namespace, serviceAccount: association.serviceAccount, roleArn: association.roleArn };
    const role = deps.iam ? await deps.iam.getRole(association.roleArn).catch(() => undefined) : undefined;
    if (role) {
      roleTags = role.tags;
      if (!opts.files.length) inputs.push({ path: `role:${role.arn}`, text: JSON.stringify(role.trustPolicy, null, 2), kind: 'trust', artifact: await roleArtifact(role.arn, opts.stateFile, deps) });
    } else if (!opts.files.length) throw new UserError(`cannot read role ${association.roleArn} of association ${association.associationId}`);
  }
  const files: LintedFile[] = [];
  for (const i of inputs) {
    const file = lintText(i.path, i.text, { kind: i.kind ?? opts.kind, sessionTags, quota, roleTags, association: target });
    files.push(i.artifact ? { ...file, artifact: i.artifact } : file);
  }
  for (const path of opts.files) {
    let text: string;
    try {
      text = await deps.readText(path);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      files.push(unreadable(path, error.message));
      continue;
    }
    if (text.length > MAX_POLICY_FILE) files.push(unreadable(path, `${path} is ${text.length} bytes: too large to be an IAM policy (the largest quota is 10,240 characters)`));
    else files.push(lintText(path, text, { kind: opts.kind, sessionTags, quota, roleTags, association: target }));
  }
  const all = files.flatMap((f) => f.findings);
  const count = (s: string) => all.filter((f) => f.severity === s).length;
  const result: PolicyLintResult = { files, summary: { files: files.length, errors: count('error'), warnings: count('warning'), infos: count('info') } };
  if (sessionTags) result.sessionTags = sessionTags;
  return result;
}

/** Exit 1 when any finding is an error (the summary has counted them). */
export const lintFailed = (result: PolicyLintResult) => result.summary.errors > 0;
