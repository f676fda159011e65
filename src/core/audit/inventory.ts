import { addonNameOf } from '../associations/view.js';
import { IRSA_ROLE_ANNOTATION, saKey, type Cluster } from '../model.js';
import { lintPolicy } from '../policy/lint/index.js';
import type { SessionTagsMode } from '../policy/types.js';
import { permissionDocuments, summarizePermissions } from './permissions.js';
import type { AssociationRow, AuditFacts, IrsaRow, RoleRow, RoleUse } from './types.js';

// The inventory half of `podid audit`: every association, every IRSA service account, and every
// role they use with its permission summary and lint findings. One pass per list; roles once.

/** The backend's region (multi-region audits), else the cluster's own (state files, one region). */
const regionOf = (cluster: Cluster, region?: string) => region ?? cluster.region;

export function associationRows(facts: AuditFacts): AssociationRow[] {
  return facts.clusters.flatMap(({ cluster, region, associations, serviceAccounts }) => {
    const sas = serviceAccounts ? new Set(serviceAccounts.map((s) => saKey(s.namespace, s.name))) : undefined;
    return associations.map((a) => {
      const row: AssociationRow = {
        cluster: cluster.name,
        namespace: a.namespace,
        serviceAccount: a.serviceAccount,
        associationId: a.associationId,
        roleArn: a.roleArn,
        sessionTags: a.disableSessionTags ? 'off' : 'on',
        sessionPolicy: Boolean(a.policy),
      };
      const where = regionOf(cluster, region);
      if (where) row.region = where;
      if (a.targetRoleArn) row.targetRoleArn = a.targetRoleArn;
      const owner = addonNameOf(a.ownerArn);
      if (owner) row.ownerAddon = owner;
      if (sas) row.serviceAccountExists = sas.has(saKey(a.namespace, a.serviceAccount));
      return row;
    });
  });
}

export function irsaRows(facts: AuditFacts): IrsaRow[] {
  return facts.clusters.flatMap(({ cluster, region, associations, serviceAccounts }) => {
    const associated = new Set(associations.map((a) => saKey(a.namespace, a.serviceAccount)));
    const where = regionOf(cluster, region);
    return (serviceAccounts ?? [])
      .filter((sa) => sa.annotations[IRSA_ROLE_ANNOTATION])
      .map((sa) => ({
        cluster: cluster.name,
        ...(where ? { region: where } : {}),
        namespace: sa.namespace,
        serviceAccount: sa.name,
        roleArn: sa.annotations[IRSA_ROLE_ANNOTATION],
        hasAssociation: associated.has(saKey(sa.namespace, sa.name)),
      }));
  });
}

function uses(associations: AssociationRow[], irsa: IrsaRow[]): Map<string, RoleUse[]> {
  const byRole = new Map<string, RoleUse[]>();
  const add = (arn: string, use: RoleUse) => byRole.set(arn, [...(byRole.get(arn) ?? []), use]);
  for (const a of associations) {
    add(a.roleArn, { cluster: a.cluster, namespace: a.namespace, serviceAccount: a.serviceAccount, via: 'association' });
    if (a.targetRoleArn) add(a.targetRoleArn, { cluster: a.cluster, namespace: a.namespace, serviceAccount: a.serviceAccount, via: 'target' });
  }
  for (const r of irsa) add(r.roleArn, { cluster: r.cluster, namespace: r.namespace, serviceAccount: r.serviceAccount, via: 'irsa' });
  return byRole;
}

/** The session-tag mode the trust is used with: known only when every association agrees. */
function sessionMode(arn: string, associations: AssociationRow[]): SessionTagsMode | undefined {
  const modes = new Set(associations.filter((a) => a.roleArn === arn).map((a) => a.sessionTags));
  return modes.size === 1 ? [...modes][0] : undefined;
}

export function roleRows(facts: AuditFacts, associations: AssociationRow[], irsa: IrsaRow[]): RoleRow[] {
  const rows: RoleRow[] = [];
  for (const [arn, usedBy] of uses(associations, irsa)) {
    const parts = arn.split(':');
    const role = facts.roles.get(arn);
    const row: RoleRow = { arn, name: arn.split('/').pop() ?? arn, accountId: parts[4] ?? '', usedBy, lint: [] };
    if (role !== undefined) row.exists = role !== null;
    if (role) {
      Object.assign(row, summarizePermissions(role), { name: role.name });
      const firstHop = usedBy.some((u) => u.via === 'association');
      const mode = firstHop ? sessionMode(arn, associations) : undefined;
      row.lint.push(...lintPolicy(role.trustPolicy, { kind: 'trust', sessionTags: mode, roleTags: role.tags }).map((finding) => ({ policy: 'trust', finding })));
      for (const { name, document } of permissionDocuments(role)) {
        if (document) row.lint.push(...lintPolicy(document, { kind: 'permissions', roleTags: role.tags }).map((finding) => ({ policy: name, finding })));
      }
    }
    rows.push(row);
  }
  return rows.sort((a, b) => a.arn.localeCompare(b.arn));
}
