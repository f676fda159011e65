import { crossAccountFix } from '../doctor/associations.js';
import { deleteAssociationFix, podid } from '../doctor/fixes.js';
import { diagnoseTrust } from '../doctor/trust.js';
import { evaluateFirstHop, sessionTags } from '../exchange/index.js';
import type { Association, Cluster } from '../model.js';
import type { AssociationRow, AuditFacts, AuditFinding, AuditSeverity, RoleRow } from './types.js';

// The risk half of `podid audit`: rules over the inventory. Lint findings of each role become
// findings too (error → fail, warning → warn, info → info).

export const AUDIT_RULES = {
  sharedRole: { id: 'PODID-AUD001', name: 'role-shared', summary: 'one role serves associations in several namespaces or clusters' },
  missingServiceAccount: { id: 'PODID-AUD002', name: 'association-without-service-account', summary: 'an association names a service account that does not exist' },
  otherAccount: { id: 'PODID-AUD003', name: 'association-role-other-account', summary: "an association's role is not in the cluster's account" },
  missingRole: { id: 'PODID-AUD004', name: 'association-role-missing', summary: "an association's role (or target role) does not exist" },
  trustDenied: { id: 'PODID-AUD005', name: 'trust-denies-association', summary: "the role's trust does not allow the association's service account" },
  admin: { id: 'PODID-AUD006', name: 'admin-permissions', summary: 'a workload role allows "*" (or iam:*) on every resource' },
} as const;

const LINT_SEVERITY: Record<string, AuditSeverity> = { error: 'fail', warning: 'warn', info: 'info' };
const TRUST_EXPLAINED = new Set(['PODID-T004', 'PODID-T005', 'PODID-T006']);

function shared(roles: RoleRow[]): AuditFinding[] {
  return roles.flatMap((r) => {
    const first = r.usedBy.filter((u) => u.via === 'association');
    const namespaces = new Set(first.map((u) => `${u.cluster}/${u.namespace}`));
    const clusters = new Set(first.map((u) => u.cluster));
    if (namespaces.size < 2) return [];
    const where = clusters.size > 1 ? `${clusters.size} clusters` : `${namespaces.size} namespaces`;
    return [{
      ruleId: AUDIT_RULES.sharedRole.id,
      rule: AUDIT_RULES.sharedRole.name,
      severity: 'warn' as const,
      subject: `role ${r.arn}`,
      message: `role shared across ${clusters.size > 1 ? 'clusters' : 'namespaces'} (${where}): ${first.map((u) => `${u.cluster}:${u.namespace}/${u.serviceAccount}`).join(', ')}; a change for one team changes the other's permissions`,
      fix: 'Give each workload its own role, or rely on the attached ABAC policy and document the sharing',
      roleArn: r.arn,
    }];
  });
}

function associationFindings(facts: AuditFacts, rows: AssociationRow[], roles: Map<string, RoleRow>): AuditFinding[] {
  const out: AuditFinding[] = [];
  const byId = new Map(facts.clusters.flatMap((c) => c.associations.map((a) => [`${c.cluster.name}/${a.associationId}`, { a, cluster: c.cluster }] as const)));
  for (const row of rows) {
    const where = { cluster: row.cluster, namespace: row.namespace, serviceAccount: row.serviceAccount, roleArn: row.roleArn };
    const subject = `association ${row.cluster}:${row.namespace}/${row.serviceAccount}`;
    const add = (rule: { id: string; name: string }, severity: AuditSeverity, message: string, fix?: string) => out.push({ ruleId: rule.id, rule: rule.name, severity, subject, message, ...(fix ? { fix } : {}), ...where });
    if (row.serviceAccountExists === false) {
      add(AUDIT_RULES.missingServiceAccount, 'fail', `service account not found: ${row.namespace}/${row.serviceAccount} does not exist in cluster ${row.cluster}`, `Create the service account (kubectl -n ${row.namespace} create serviceaccount ${row.serviceAccount}), or delete the association: ${deleteAssociationFix(facts, row.cluster, row, row.region)}`);
    }
    const joined = byId.get(`${row.cluster}/${row.associationId}`);
    if (!joined) continue;
    const account = row.roleArn.split(':')[4];
    if (account !== joined.cluster.accountId) {
      add(AUDIT_RULES.otherAccount, 'fail', `role is in another account: ${row.roleArn} (${account}), cluster account ${joined.cluster.accountId}${row.targetRoleArn ? '' : ', no targetRoleArn'}`, crossAccountFix({ cluster: joined.cluster, statePath: facts.statePath }, joined.a, account));
      continue;
    }
    for (const arn of [row.roleArn, row.targetRoleArn]) {
      if (arn && facts.roles.get(arn) === null) add(AUDIT_RULES.missingRole, 'fail', `role ${arn} does not exist`, `Create it, or point the association at an existing role`);
    }
    const trust = trustFinding(facts, joined.cluster, joined.a, roles.get(row.roleArn));
    if (trust) add(AUDIT_RULES.trustDenied, 'fail', trust, podid(facts, `policy trust -w ${row.cluster}:${row.namespace}:${row.serviceAccount}`));
  }
  return out;
}

/** A denied first hop, unless a lint finding on the same trust already explains it. */
function trustFinding(facts: AuditFacts, cluster: Cluster, a: Association, row: RoleRow | undefined): string | undefined {
  const role = facts.roles.get(a.roleArn);
  if (!role) return undefined;
  if (row?.lint.some((l) => l.policy === 'trust' && TRUST_EXPLAINED.has(l.finding.ruleId))) return undefined;
  const tags = sessionTags(cluster, a, { pod: { name: `${a.serviceAccount}-pod`, uid: '00000000-0000-0000-0000-000000000000' } });
  const verdict = evaluateFirstHop(role, cluster, tags);
  return verdict.allowed ? undefined : diagnoseTrust(role, a, verdict).detail;
}

function roleFindings(roles: RoleRow[]): AuditFinding[] {
  const out: AuditFinding[] = [];
  for (const r of roles) {
    if (r.admin && r.usedBy.length) {
      out.push({ ruleId: AUDIT_RULES.admin.id, rule: AUDIT_RULES.admin.name, severity: 'warn', subject: `role ${r.arn}`, message: `workload role with admin permissions (${r.wildcardActions?.join(', ')} on *)`, fix: 'Scope the actions and resources to what the workload calls (podid policy abac for per-namespace access)', roleArn: r.arn });
    }
    for (const { policy, finding } of r.lint) {
      out.push({
        ruleId: finding.ruleId,
        rule: finding.rule,
        severity: LINT_SEVERITY[finding.severity] ?? 'info',
        subject: `role ${r.arn} (${policy === 'trust' ? 'trust policy' : policy})`,
        message: finding.message,
        ...(finding.hint ? { fix: finding.hint } : {}),
        roleArn: r.arn,
      });
    }
  }
  return out;
}

const SEVERITY_ORDER: Record<AuditSeverity, number> = { fail: 0, warn: 1, info: 2 };

export function auditFindings(facts: AuditFacts, associations: AssociationRow[], roles: RoleRow[]): AuditFinding[] {
  const byArn = new Map(roles.map((r) => [r.arn, r]));
  const all = [...associationFindings(facts, associations, byArn), ...shared(roles), ...roleFindings(roles)];
  return all.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.subject.localeCompare(b.subject) || a.ruleId.localeCompare(b.ruleId));
}
