import type { AssociationsDescribeResult } from '../../commands/associations-describe.js';
import type { AssociationsListResult } from '../../commands/associations-list.js';
import type { AssociationView, RoleSummary } from '../../core/associations/view.js';
import { renderFields, renderTable } from './table.js';

const roleCell = (role?: RoleSummary) => {
  if (!role) return undefined;
  const flags = [role.exists === false ? 'missing' : '', role.sameAccount ? '' : `account ${role.accountId}`].filter(Boolean);
  return flags.length ? `${role.arn} (${flags.join(', ')})` : role.arn;
};

const saCell = (view: AssociationView) => (view.serviceAccountExists === undefined ? '?' : view.serviceAccountExists ? 'yes' : 'MISSING');

export function renderAssociationsTable(result: AssociationsListResult): string {
  if (result.associations.length === 0) {
    const f = result.filter;
    if (!f) return `No Pod Identity associations in cluster ${result.cluster}.\n`;
    const what = [f.namespace ? `namespace ${f.namespace}` : '', f.serviceAccount ? `service account ${f.serviceAccount}` : ''].filter(Boolean).join(', ');
    return `No associations match ${what} in cluster ${result.cluster}.\n`;
  }
  return renderTable(result.associations, [
    { header: 'namespace', value: (v) => v.namespace },
    { header: 'service account', value: (v) => v.serviceAccount },
    { header: 'sa', value: saCell },
    { header: 'pods', value: (v) => (v.pods === undefined ? '?' : v.pods) },
    { header: 'role', value: (v) => roleCell(v.role) },
    { header: 'target role', value: (v) => roleCell(v.targetRole) },
    { header: 'tags', value: (v) => (v.sessionTags === 'enabled' ? 'on' : 'off') },
    { header: 'addon', value: (v) => v.ownerAddon },
    { header: 'id', value: (v) => v.associationId },
  ]);
}

export function renderAssociationDescribe(result: AssociationsDescribeResult): string {
  const v = result.association;
  const fields = renderFields([
    ['Association', v.associationId],
    ['ARN', v.associationArn],
    ['Cluster', v.cluster],
    ['Service account', `${v.namespace}/${v.serviceAccount} (${v.serviceAccountExists === undefined ? 'unknown' : v.serviceAccountExists ? 'exists' : 'does not exist'})`],
    ['Pods', result.pods.length ? result.pods.join(', ') : 'none'],
    ['Role', roleCell(v.role)],
    ['Target role', roleCell(v.targetRole)],
    ['External id', v.externalId],
    ['Session tags', v.sessionTags],
    ['Session policy', v.sessionPolicy],
    ['Owner add-on', v.ownerAddon],
    ['Created', v.createdAt],
    ['Modified', v.modifiedAt],
    ['Tags', Object.entries(v.tags).map(([k, val]) => `${k}=${val}`).join(', ')],
  ]);
  const trust = result.role ? `\nRole trust policy (${result.role.arn}):\n${JSON.stringify(result.role.trustPolicy, null, 2)}\n` : '';
  return fields + trust;
}
