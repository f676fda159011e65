import type { AuditResult } from '../../commands/audit.js';
import { AUDIT_RULES, type AuditFinding, type RoleRow } from '../../core/audit/index.js';
import { RULE_LIST } from '../../core/policy/lint/catalog.js';
import type { RenderContext } from '../output.js';
import { renderSarif, sarifLevel } from './sarif.js';
import { renderTable } from './table.js';

// `podid audit` output: inventory tables + findings (table, markdown), one CSV row per service
// account (association or IRSA), and SARIF for code scanning.

const yesNo = (v?: boolean) => (v === undefined ? '?' : v ? 'yes' : 'NO');

function permissionText(r: RoleRow): string {
  if (r.exists === false) return 'MISSING';
  if (r.exists === undefined) return 'not readable';
  const flags = [r.admin ? 'ADMIN' : '', r.wildcardActions?.length ? `wildcard actions: ${r.wildcardActions.join(' ')}` : '', r.wildcardResources ? 'Resource *' : '', r.abac ? 'ABAC' : ''].filter(Boolean);
  return flags.join('; ') || 'scoped';
}

const policiesText = (r: RoleRow) => [...(r.managedPolicies ?? []), ...(r.inlinePolicies ?? []).map((p) => `${p} (inline)`)].join(', ');
const usedByText = (r: RoleRow) => r.usedBy.map((u) => `${u.cluster}:${u.namespace}/${u.serviceAccount}${u.via === 'association' ? '' : ` (${u.via})`}`).join(', ');

function findingLines(findings: AuditFinding[]): string[] {
  return findings.flatMap((f) => [`  ${f.severity.toUpperCase().padEnd(4)} ${f.ruleId} ${f.rule}  ${f.subject}`, `       ${f.message}`, ...(f.fix ? [`       fix: ${f.fix}`] : [])]);
}

export function renderAuditTable(r: AuditResult, _ctx?: RenderContext): string {
  const s = r.summary;
  const out = [`podid audit: ${s.clusters} cluster(s) (${r.clusters.map((c) => (c.region ? `${c.name}@${c.region}` : c.name)).join(', ')})`, ''];
  out.push(`ASSOCIATIONS (${s.associations})`);
  out.push(
    s.associations
      ? renderTable(r.associations, [
          { header: 'cluster', value: (a) => a.cluster },
          { header: 'namespace/sa', value: (a) => `${a.namespace}/${a.serviceAccount}` },
          { header: 'sa', value: (a) => yesNo(a.serviceAccountExists) },
          { header: 'role', value: (a) => a.roleArn },
          { header: 'target role', value: (a) => a.targetRoleArn },
          { header: 'tags', value: (a) => a.sessionTags },
          { header: 'addon', value: (a) => a.ownerAddon },
        ]).trimEnd()
      : '  none',
    '',
  );
  out.push(`IRSA SERVICE ACCOUNTS (${s.irsaServiceAccounts})`);
  out.push(
    s.irsaServiceAccounts
      ? renderTable(r.irsa, [
          { header: 'cluster', value: (i) => i.cluster },
          { header: 'namespace/sa', value: (i) => `${i.namespace}/${i.serviceAccount}` },
          { header: 'role', value: (i) => i.roleArn },
          { header: 'association', value: (i) => i.hasAssociation },
        ]).trimEnd()
      : '  none',
    '',
  );
  out.push(`ROLES (${s.roles})`);
  out.push(
    s.roles
      ? renderTable(r.roles, [
          { header: 'role', value: (x) => x.arn },
          { header: 'policies', value: policiesText },
          { header: 'permissions', value: permissionText },
          { header: 'lint', value: (x) => x.lint.length || '' },
          { header: 'used by', value: usedByText },
        ]).trimEnd()
      : '  none',
    '',
  );
  const problems = r.findings.filter((f) => f.severity !== 'info');
  out.push(`FINDINGS (${s.fail} fail, ${s.warn} warn, ${s.info} info)`);
  out.push(...(r.findings.length ? findingLines([...problems, ...r.findings.filter((f) => f.severity === 'info')]) : ['  none']), '');
  out.push(`${s.fail} fail, ${s.warn} warn — audit ${r.passed ? 'passed' : 'failed'}`);
  return out.join('\n') + '\n';
}

const csvCell = (v: unknown) => {
  const text = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row per service account with an association or an IRSA annotation; findings joined by rule id. */
export function renderAuditCsv(r: AuditResult): string {
  const header = ['kind', 'cluster', 'region', 'namespace', 'service_account', 'role_arn', 'target_role_arn', 'session_tags', 'session_policy', 'owner_addon', 'service_account_exists', 'findings'];
  const findingsFor = (cluster: string, ns: string, sa: string, role: string) =>
    r.findings.filter((f) => f.severity !== 'info' && ((f.cluster === cluster && f.namespace === ns && f.serviceAccount === sa) || (!f.namespace && f.roleArn === role))).map((f) => f.ruleId);
  const rows = [
    ...r.associations.map((a) => ['association', a.cluster, a.region, a.namespace, a.serviceAccount, a.roleArn, a.targetRoleArn, a.sessionTags, a.sessionPolicy, a.ownerAddon, a.serviceAccountExists, findingsFor(a.cluster, a.namespace, a.serviceAccount, a.roleArn).join(' ')]),
    ...r.irsa.map((i) => ['irsa', i.cluster, i.region, i.namespace, i.serviceAccount, i.roleArn, '', '', '', '', true, findingsFor(i.cluster, i.namespace, i.serviceAccount, i.roleArn).join(' ')]),
  ];
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

const md = (t: string) => t.replace(/\|/g, '\\|');

export function renderAuditMarkdown(r: AuditResult): string {
  const s = r.summary;
  const out = [`# podid audit`, '', `${s.clusters} cluster(s), ${s.associations} association(s), ${s.irsaServiceAccounts} IRSA service account(s), ${s.roles} role(s). **${s.fail} fail, ${s.warn} warn.**`, ''];
  out.push('## Findings', '');
  if (r.findings.length) {
    out.push('| severity | rule | subject | finding | fix |', '| --- | --- | --- | --- | --- |');
    for (const f of r.findings) out.push(`| ${f.severity} | ${f.ruleId} ${f.rule} | ${md(f.subject)} | ${md(f.message)} | ${md(f.fix ?? '')} |`);
  } else out.push('None.');
  out.push('', '## Associations', '', '| cluster | namespace/sa | sa exists | role | target role | session tags | add-on |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const a of r.associations) out.push(`| ${a.cluster} | ${a.namespace}/${a.serviceAccount} | ${yesNo(a.serviceAccountExists)} | ${a.roleArn} | ${a.targetRoleArn ?? ''} | ${a.sessionTags} | ${a.ownerAddon ?? ''} |`);
  out.push('', '## IRSA service accounts', '', '| cluster | namespace/sa | role | association |', '| --- | --- | --- | --- |');
  for (const i of r.irsa) out.push(`| ${i.cluster} | ${i.namespace}/${i.serviceAccount} | ${i.roleArn} | ${i.hasAssociation ? 'yes' : 'no'} |`);
  out.push('', '## Roles', '', '| role | policies | permissions | used by |', '| --- | --- | --- | --- |');
  for (const x of r.roles) out.push(`| ${x.arn} | ${md(policiesText(x))} | ${md(permissionText(x))} | ${md(usedByText(x))} |`);
  return out.join('\n') + '\n';
}

export function renderAuditSarif(r: AuditResult, tool: { version?: string } = {}): string {
  const rules = [
    ...Object.values(AUDIT_RULES).map((x) => ({ id: x.id, name: x.name, shortDescription: x.summary, tags: ['eks', 'pod-identity', 'audit'] })),
    ...RULE_LIST.map((x) => ({ id: x.id, name: x.name, shortDescription: x.summary, help: x.help, defaultLevel: sarifLevel(x.severity), tags: ['iam', ...x.kinds] })),
  ];
  return renderSarif({
    tool: { name: 'podid-audit', version: tool.version },
    rules,
    results: r.findings.map((f) => ({
      ruleId: f.ruleId,
      level: sarifLevel(f.severity),
      message: f.fix ? `${f.subject}: ${f.message}. Fix: ${f.fix}` : `${f.subject}: ${f.message}`,
      locations: [{ uri: f.namespace ? `eks://${f.cluster}/namespaces/${f.namespace}/serviceaccounts/${f.serviceAccount}` : `iam://${encodeURIComponent(f.roleArn ?? 'unknown')}`, logicalName: f.subject }],
      properties: { subject: f.subject, ...(f.roleArn ? { roleArn: f.roleArn } : {}), ...(f.cluster ? { cluster: f.cluster } : {}) },
    })),
  });
}
