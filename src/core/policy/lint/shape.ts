import { RULES } from './catalog.js';
import { asList, finding } from './model.js';
import type { Condition, Finding, NormStatement } from './types.js';

// Structural validation (PODID-V001/V002) and normalisation of statements for the other rules.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

export interface Shape {
  statements: NormStatement[];
  findings: Finding[];
  /** The document cannot be linted further (not an object, no Statement). */
  fatal: boolean;
  version?: string;
}

const invalid = (message: string, extra: Partial<Finding> = {}) => finding(RULES.notAPolicy, message, undefined, extra);

function strings(v: unknown): string[] | undefined {
  const items = asList(v);
  return items.every((x) => typeof x === 'string') ? (items as string[]) : undefined;
}

function statementProblems(raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const unknown = Object.keys(raw).filter((k) => !STATEMENT_KEYS.has(k));
  if (unknown.length) problems.push(`unknown element${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') problems.push(`Effect must be "Allow" or "Deny", got ${JSON.stringify(raw.Effect)}`);
  if ((raw.Action === undefined) === (raw.NotAction === undefined)) problems.push('exactly one of Action or NotAction is required');
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (raw[key] !== undefined && !strings(raw[key])) problems.push(`${key} must be a string or a list of strings`);
  }
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') problems.push('Sid must be a string');
  for (const key of ['Principal', 'NotPrincipal']) {
    const p = raw[key];
    if (p !== undefined && p !== '*' && !(isObject(p) && Object.values(p).every((v) => strings(v)))) problems.push(`${key} must be "*" or an object of strings or lists`);
  }
  const c = raw.Condition;
  if (c !== undefined && !(isObject(c) && Object.values(c).every((block) => isObject(block) && Object.values(block).every((v) => asList(v).every(isScalar))))) {
    problems.push('Condition must be {"Operator": {"key": value or [values]}}');
  }
  return problems;
}

function normalise(raw: Record<string, unknown>, index: number): NormStatement {
  const conditions: Condition[] = [];
  for (const [operator, block] of Object.entries((raw.Condition as Record<string, Record<string, unknown>>) ?? {})) {
    for (const [key, value] of Object.entries(block)) conditions.push({ operator, key, values: asList(value).map(String) });
  }
  const s: NormStatement = {
    index,
    effect: raw.Effect as 'Allow' | 'Deny',
    principal: raw.Principal,
    notPrincipal: raw.NotPrincipal,
    actions: strings(raw.Action) ?? [],
    notActions: strings(raw.NotAction) ?? [],
    resources: strings(raw.Resource) ?? [],
    notResources: strings(raw.NotResource) ?? [],
    conditions,
  };
  if (typeof raw.Sid === 'string') s.sid = raw.Sid;
  return s;
}

/** Checks the document's shape and returns the statements that are well-formed enough to lint. */
export function shapeOf(doc: unknown): Shape {
  if (!isObject(doc)) return { statements: [], findings: [invalid(`the document is ${Array.isArray(doc) ? 'an array' : typeof doc}, not a policy object`)], fatal: true };
  if (doc.Statement === undefined) {
    const what = isObject(doc.AssumeRolePolicyDocument) || isObject(doc.PolicyDocument) ? ' (it looks like an API response: lint the policy document inside it)' : '';
    return { statements: [], findings: [invalid(`no Statement element${what}`)], fatal: true };
  }
  if (doc.Statement === null || typeof doc.Statement !== 'object') {
    return { statements: [], findings: [invalid(`Statement must be a statement object or a list of them, got ${doc.Statement === null ? 'null' : `a ${typeof doc.Statement}`}`, { path: 'Statement' })], fatal: true };
  }
  const findings: Finding[] = [];
  const usesVariables = JSON.stringify(doc.Statement).includes('${');
  const noVars = usesVariables ? { severity: 'error' as const } : {};
  const version = typeof doc.Version === 'string' ? doc.Version : undefined;
  if (doc.Version === undefined) {
    findings.push(finding(RULES.version, `Version is missing, so IAM uses 2008-10-17: policy variables are not substituted${usesVariables ? ' (and this policy uses them)' : ''}`, undefined, { path: 'Version', ...noVars }));
  } else if (version !== '2012-10-17' && version !== '2008-10-17') {
    findings.push(finding(RULES.version, `unknown Version ${JSON.stringify(doc.Version)} (IAM accepts 2012-10-17 and 2008-10-17)`, undefined, { severity: 'error', path: 'Version' }));
  } else if (version === '2008-10-17') {
    findings.push(finding(RULES.version, 'Version 2008-10-17 does not substitute policy variables; use 2012-10-17', undefined, { path: 'Version', ...noVars }));
  }
  const raws = asList(doc.Statement);
  if (!raws.length) findings.push(invalid('Statement is empty', { path: 'Statement', severity: 'warning' }));
  const statements: NormStatement[] = [];
  raws.forEach((raw, index) => {
    const path = `Statement[${index}]`;
    if (!isObject(raw)) {
      findings.push(invalid(`statement #${index} is not an object`, { statement: index, path }));
      return;
    }
    const problems = statementProblems(raw);
    if (problems.length) findings.push(invalid(`statement #${index}: ${problems.join('; ')}`, { statement: index, path, ...(typeof raw.Sid === 'string' ? { sid: raw.Sid } : {}) }));
    else statements.push(normalise(raw, index));
  });
  return { statements, findings, fatal: false, version };
}
