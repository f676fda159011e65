import type { PolicyDocument, Statement } from '../iam/types.js';
import type { Role } from '../model.js';
import type { RolePermissions } from './types.js';

// A role's permission summary: which policies it has, admin or wildcard actions, wildcard
// resources, and whether it decides on tags (ABAC). Pure.

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statements = (doc: PolicyDocument | undefined): Statement[] => (doc ? list(doc.Statement).filter((s): s is Statement => typeof s === 'object' && s !== null) : []);
const ADMIN_ACTIONS = new Set(['*', '*:*', 'iam:*']);
const TAG_KEY = /aws:(principaltag|resourcetag|requesttag)\//i;

export function permissionDocuments(role: Role): { name: string; document?: PolicyDocument }[] {
  return [
    ...role.inlinePolicies.map((p) => ({ name: `inline:${p.name}`, document: p.document })),
    ...role.attachedPolicies.map((p) => ({ name: p.arn, document: p.document })),
  ];
}

export function summarizePermissions(role: Role): RolePermissions {
  const wildcardActions = new Set<string>();
  let admin = false;
  let wildcardResources = false;
  let abac = false;
  const docs = permissionDocuments(role);
  for (const { document } of docs) {
    for (const s of statements(document)) {
      if (TAG_KEY.test(JSON.stringify(s.Condition ?? {})) || list(s.Resource).some((r) => TAG_KEY.test(r))) abac = true;
      if (s.Effect !== 'Allow') continue;
      const resources = list(s.Resource);
      const starResource = resources.includes('*');
      if (starResource) wildcardResources = true;
      if (s.NotAction !== undefined && starResource) admin = true;
      for (const action of list(s.Action)) {
        if (!action.includes('*') && !action.includes('?')) continue;
        wildcardActions.add(action);
        if (ADMIN_ACTIONS.has(action.toLowerCase()) && starResource) admin = true;
      }
    }
  }
  return {
    managedPolicies: role.attachedPolicies.map((p) => p.name),
    inlinePolicies: role.inlinePolicies.map((p) => p.name),
    admin,
    wildcardActions: [...wildcardActions].sort(),
    wildcardResources,
    abac,
    unreadable: role.attachedPolicies.filter((p) => !p.document).map((p) => p.arn),
  };
}
