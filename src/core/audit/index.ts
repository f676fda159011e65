import { associationRows, irsaRows, roleRows } from './inventory.js';
import { auditFindings } from './rules.js';
import type { AuditFacts, AuditReport } from './types.js';

// `podid audit`: inventory + risk findings across clusters. Pure.
export type * from './types.js';
export { AUDIT_RULES } from './rules.js';
export { summarizePermissions } from './permissions.js';
export { associationRows, irsaRows, roleRows } from './inventory.js';

export function buildAudit(facts: AuditFacts): AuditReport {
  const associations = associationRows(facts);
  const irsa = irsaRows(facts);
  const roles = roleRows(facts, associations, irsa);
  const findings = auditFindings(facts, associations, roles);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  return {
    clusters: facts.clusters.map((c) => ({ name: c.cluster.name, arn: c.cluster.arn, ...(c.region ? { region: c.region } : {}) })),
    associations,
    irsa,
    roles,
    findings,
    summary: { clusters: facts.clusters.length, associations: associations.length, irsaServiceAccounts: irsa.length, roles: roles.length, fail: count('fail'), warn: count('warn'), info: count('info') },
  };
}
