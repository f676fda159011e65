// A small, generic SARIF 2.1.0 builder (OASIS Static Analysis Results Interchange Format), shared by
// `policy lint`, `doctor` and `audit`: rules + results with file locations, one run per tool.

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/** podid severities → SARIF levels. */
export const sarifLevel = (severity: 'error' | 'warning' | 'info' | 'fail' | 'warn' | 'ok' | 'skip'): SarifLevel =>
  severity === 'error' || severity === 'fail' ? 'error' : severity === 'warning' || severity === 'warn' ? 'warning' : severity === 'info' ? 'note' : 'none';

export interface SarifRuleInput {
  id: string;
  name?: string;
  /** One line. */
  shortDescription: string;
  fullDescription?: string;
  /** Markdown or text shown by viewers (GitHub code scanning shows it as the rule help). */
  help?: string;
  helpUri?: string;
  defaultLevel?: SarifLevel;
  tags?: string[];
}

export interface SarifLocationInput {
  /** File path or URI of the artifact (relative paths stay relative, with forward slashes). */
  uri: string;
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  /** A logical place inside the artifact, e.g. "Statement[2].Condition". */
  logicalName?: string;
  /** With logicalName: its fully qualified name and kind (e.g. a role ARN and "resource"). */
  fullyQualifiedName?: string;
  logicalKind?: string;
}

export interface SarifResultInput {
  ruleId: string;
  level: SarifLevel;
  message: string;
  locations?: SarifLocationInput[];
  properties?: Record<string, unknown>;
}

export interface SarifRunInput {
  tool: { name: string; version?: string; informationUri?: string };
  rules: SarifRuleInput[];
  results: SarifResultInput[];
}

const toUri = (path: string) => {
  const slashed = path.replace(/\\/g, '/');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(slashed)) return slashed;
  const absolute = slashed.startsWith('/') || /^[a-z]:\//i.test(slashed);
  const encoded = slashed.split('/').map(encodeURIComponent).join('/').replace(/^([a-z])%3A/i, '$1:');
  return absolute ? `file://${slashed.startsWith('/') ? '' : '/'}${encoded}` : encoded;
};

function location(l: SarifLocationInput): Record<string, unknown> {
  const region: Record<string, number> = {};
  if (l.startLine) region.startLine = l.startLine;
  if (l.startLine && l.startColumn) region.startColumn = l.startColumn;
  if (l.startLine && l.endLine) region.endLine = l.endLine;
  const physical: Record<string, unknown> = { artifactLocation: { uri: toUri(l.uri) } };
  if (Object.keys(region).length) physical.region = region;
  const out: Record<string, unknown> = { physicalLocation: physical };
  if (l.logicalName) {
    out.logicalLocations = [{ name: l.logicalName, ...(l.fullyQualifiedName ? { fullyQualifiedName: l.fullyQualifiedName } : {}), ...(l.logicalKind ? { kind: l.logicalKind } : {}) }];
  }
  return out;
}

/** Builds a SARIF 2.1.0 log (one run). Results for unknown rule ids are kept (ruleIndex -1 is omitted). */
export function buildSarif(run: SarifRunInput): Record<string, unknown> {
  const index = new Map(run.rules.map((r, i) => [r.id, i]));
  const rules = run.rules.map((r) => {
    const rule: Record<string, unknown> = { id: r.id, shortDescription: { text: r.shortDescription } };
    if (r.name) rule.name = r.name;
    if (r.fullDescription) rule.fullDescription = { text: r.fullDescription };
    if (r.help) rule.help = { text: r.help };
    if (r.helpUri) rule.helpUri = r.helpUri;
    if (r.defaultLevel) rule.defaultConfiguration = { level: r.defaultLevel };
    if (r.tags?.length) rule.properties = { tags: r.tags };
    return rule;
  });
  const results = run.results.map((r) => {
    const result: Record<string, unknown> = { ruleId: r.ruleId, level: r.level, message: { text: r.message } };
    const i = index.get(r.ruleId);
    if (i !== undefined) result.ruleIndex = i;
    if (r.locations?.length) result.locations = r.locations.map(location);
    if (r.properties && Object.keys(r.properties).length) result.properties = r.properties;
    return result;
  });
  const driver: Record<string, unknown> = { name: run.tool.name, rules };
  if (run.tool.version) driver.version = run.tool.version;
  if (run.tool.informationUri) driver.informationUri = run.tool.informationUri;
  return { $schema: SARIF_SCHEMA, version: SARIF_VERSION, runs: [{ tool: { driver }, results }] };
}

export const renderSarif = (run: SarifRunInput): string => JSON.stringify(buildSarif(run), null, 2) + '\n';
