import { randomBytes } from 'node:crypto';
import { normalizePath, roleArn } from '../../core/arn.js';
import { authorize } from '../../core/iam/index.js';
import type { Role } from '../../core/model.js';
import type { IamPort } from '../../core/ports.js';
import { localError, type LocalStore } from './store.js';

// IamPort over the state file. Managed-policy documents are joined in from `managedPolicies`.
// Roles a snapshot could not read (`unreadableRoles`) are denied, as they were live, not missing.

export function localIam(store: LocalStore): IamPort {
  const account = () => store.doc.caller.account;
  const partition = () => store.doc.clusters[0]?.cluster.partition ?? 'aws';
  const unreadable = (nameOrArn: string) =>
    (store.doc.unreadableRoles ?? []).find((arn) =>
      nameOrArn.startsWith('arn:') ? arn === nameOrArn : arn.split(':')[4] === account() && arn.split('/').pop() === nameOrArn,
    );
  // Roles by ARN, rebuilt when the list is replaced or grows (5,000 roles × one lookup each was a scan each).
  let index: { roles: Role[]; size: number; byArn: Map<string, Role> } | undefined;
  const byArn = (arn: string) => {
    const roles = store.doc.roles;
    if (!index || index.roles !== roles || index.size !== roles.length) index = { roles, size: roles.length, byArn: new Map(roles.map((r) => [r.arn, r])) };
    return index.byArn.get(arn);
  };
  const find = (nameOrArn: string, operation: string) => {
    const role = nameOrArn.startsWith('arn:')
      ? byArn(nameOrArn)
      : store.doc.roles.find((r) => r.name === nameOrArn && r.accountId === account());
    if (role) return role;
    const denied = unreadable(nameOrArn);
    if (denied) throw localError('access-denied', 'iam', operation, 'AccessDenied', `Not authorized to perform iam:${operation} on ${denied}: the role could not be read when this state was captured.`);
    throw localError('not-found', 'iam', operation, 'NoSuchEntity', `The role with name ${nameOrArn.split('/').pop()} cannot be found.`);
  };
  const withDocuments = (role: Role): Role => ({
    ...structuredClone(role),
    attachedPolicies: role.attachedPolicies.map((p) => ({ ...p, document: p.document ?? store.doc.managedPolicies.find((m) => m.arn === p.arn)?.document })),
  });
  const mutate = (name: string, operation: string, change: (role: Role) => void) => {
    const role = find(name, operation);
    return store.update(() => change(role));
  };

  return {
    async getRole(nameOrArn) {
      return withDocuments(find(nameOrArn, 'GetRole'));
    },
    async listRoles(pathPrefix = '/') {
      return store.doc.roles.filter((r) => r.accountId === account() && r.path.startsWith(pathPrefix)).map(withDocuments);
    },
    async createRole(input) {
      if (store.doc.roles.some((r) => r.name === input.name && r.accountId === account())) {
        throw localError('conflict', 'iam', 'CreateRole', 'EntityAlreadyExists', `Role with name ${input.name} already exists.`);
      }
      const path = normalizePath(input.path ?? '/');
      const role: Role = {
        arn: roleArn(partition(), account(), input.name, path),
        name: input.name,
        path,
        roleId: 'AROA' + randomBytes(8).toString('hex').toUpperCase().slice(0, 17),
        accountId: account(),
        trustPolicy: structuredClone(input.trustPolicy),
        inlinePolicies: [],
        attachedPolicies: [],
        tags: input.tags ?? {},
        maxSessionDuration: input.maxSessionDuration ?? 3600,
        permissionsBoundary: input.permissionsBoundaryArn ? { arn: input.permissionsBoundaryArn, name: input.permissionsBoundaryArn.split('/').pop()! } : undefined,
        createdAt: store.timestamp(),
      };
      await store.update((doc) => doc.roles.push(role));
      return withDocuments(role);
    },
    async updateTrustPolicy(name, document) {
      await mutate(name, 'UpdateAssumeRolePolicy', (role) => (role.trustPolicy = structuredClone(document)));
    },
    async putRolePolicy(name, policyName, document) {
      await mutate(name, 'PutRolePolicy', (role) => {
        role.inlinePolicies = [...role.inlinePolicies.filter((p) => p.name !== policyName), { name: policyName, document: structuredClone(document) }];
      });
    },
    async deleteRolePolicy(name, policyName) {
      await mutate(name, 'DeleteRolePolicy', (role) => (role.inlinePolicies = role.inlinePolicies.filter((p) => p.name !== policyName)));
    },
    async attachRolePolicy(name, policyArn) {
      await mutate(name, 'AttachRolePolicy', (role) => {
        if (!role.attachedPolicies.some((p) => p.arn === policyArn)) role.attachedPolicies.push({ arn: policyArn, name: policyArn.split('/').pop()! });
      });
    },
    async detachRolePolicy(name, policyArn) {
      await mutate(name, 'DetachRolePolicy', (role) => (role.attachedPolicies = role.attachedPolicies.filter((p) => p.arn !== policyArn)));
    },
    async deleteRole(name) {
      const role = find(name, 'DeleteRole');
      if (role.inlinePolicies.length || role.attachedPolicies.length) {
        throw localError('conflict', 'iam', 'DeleteRole', 'DeleteConflict', 'Cannot delete entity, must remove policies first.');
      }
      await store.update((doc) => (doc.roles = doc.roles.filter((r) => r !== role)));
    },
    async updateRole(name, input) {
      // The state keeps no role description: only the max session duration changes here.
      await mutate(name, 'UpdateRole', (role) => {
        if (input.maxSessionDuration !== undefined) role.maxSessionDuration = input.maxSessionDuration;
      });
    },
    async putRolePermissionsBoundary(name, policyArn) {
      await mutate(name, 'PutRolePermissionsBoundary', (role) => (role.permissionsBoundary = { arn: policyArn, name: policyArn.split('/').pop()! }));
    },
    async tagRole(name, tags) {
      await mutate(name, 'TagRole', (role) => (role.tags = { ...role.tags, ...tags }));
    },
    async simulatePrincipalPolicy(principalArn, actions, resourceArns, context = {}) {
      const caller = store.doc.caller;
      if (principalArn !== caller.arn || caller.policies.length === 0) return undefined;
      // As IAM's simulator (and the AWS adapter): a one-value key is a single-valued string key.
      const request = Object.fromEntries(Object.entries(context).map(([key, values]) => [key, values.length === 1 && key.toLowerCase() !== 'aws:tagkeys' ? values[0] : values]));
      const decisions: Record<string, 'allowed' | 'explicitDeny' | 'implicitDeny'> = {};
      for (const action of actions) {
        const verdicts = resourceArns.map((resource) =>
          authorize({
            request: { principal: { type: 'aws', arn: principalArn, accountId: caller.account }, action, resource, context: request },
            identityPolicies: caller.policies,
          }).decision,
        );
        decisions[action] = verdicts.includes('deny') ? 'explicitDeny' : verdicts.every((v) => v === 'allow') ? 'allowed' : 'implicitDeny';
      }
      return decisions;
    },
  };
}

