import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  type ContextEntry,
  type IAMClient,
  type Role as SdkRole,
} from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import { isArn, normalizePath, parseRoleArn } from '../../core/arn.js';
import { RemoteError, isRemoteError } from '../../core/errors.js';
import type { PolicyDocument } from '../../core/iam/types.js';
import type { ManagedPolicy, Role } from '../../core/model.js';
import type { IamPort, SimulationDecision } from '../../core/ports.js';
import type { Reporter } from '../../core/reporter.js';
import { call } from './errors.js';
import { iso } from './eks.js';

// IamPort over @aws-sdk/client-iam. getRole assembles the whole role (trust, inline and attached
// policies with documents, tags, boundary) with bounded concurrency; managed-policy documents are
// cached by ARN for the life of the port, so each distinct policy costs one GetPolicy + one
// GetPolicyVersion however many roles attach it.

/** Documents come back URL-encoded (RFC 3986) from IAM; decode, then parse. */
export function decodePolicy(text: string | undefined, what: string): PolicyDocument {
  if (!text) return { Version: '2012-10-17', Statement: [] };
  const trimmed = text.trim();
  const json = trimmed.startsWith('{') ? trimmed : decodeURIComponent(trimmed);
  try {
    return JSON.parse(json) as PolicyDocument;
  } catch (error) {
    throw new RemoteError(`IAM returned a ${what} that is not valid JSON`, { kind: 'unknown', service: 'iam', operation: 'GetRole', cause: error });
  }
}

/** The role name of a name or ARN (roles with paths: the last segment). */
export const roleNameOf = (nameOrArn: string) => (isArn(nameOrArn) ? parseRoleArn(nameOrArn).name : nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1));

const tagsOf = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

export interface IamOptions {
  /** Parallel IAM requests at most (default 8). */
  concurrency?: number;
  /** The caller's account (memoised GetCallerIdentity): IAM only reaches roles of this account. */
  callerAccount?: () => Promise<string>;
}

export function awsIam(client: IAMClient, reporter: Reporter, options: IamOptions = {}): IamPort {
  const limit = pLimit(options.concurrency ?? 8);
  // Only leaf SDK calls take a slot, so composite reads never wait on themselves.
  const send = <T>(operation: string, run: () => Promise<T>) => limit(() => call(reporter, 'iam', operation, run));
  const managed = new Map<string, Promise<PolicyDocument | undefined>>();

  const managedDocument = (arn: string) => {
    let cached = managed.get(arn);
    if (!cached) {
      cached = (async () => {
        const policy = await send('GetPolicy', () => client.send(new GetPolicyCommand({ PolicyArn: arn })));
        const versionId = policy.Policy?.DefaultVersionId;
        if (!versionId) return undefined;
        const version = await send('GetPolicyVersion', () => client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })));
        return decodePolicy(version.PolicyVersion?.Document, `policy document of ${arn}`);
      })();
      // A failed read is not cached: the next role that needs it tries again.
      cached.catch(() => managed.delete(arn));
      managed.set(arn, cached);
    }
    return cached;
  };

  const inlinePolicies = async (roleName: string) => {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await send('ListRolePolicies', () => client.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker })));
      names.push(...(page.PolicyNames ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return Promise.all(
      names.map(async (name) => {
        const out = await send('GetRolePolicy', () => client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })));
        return { name, document: decodePolicy(out.PolicyDocument, `inline policy ${name}`) };
      }),
    );
  };

  const attachedPolicies = async (roleName: string): Promise<ManagedPolicy[]> => {
    const attached: { arn: string; name: string }[] = [];
    let marker: string | undefined;
    do {
      const page = await send('ListAttachedRolePolicies', () => client.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker })));
      for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) attached.push({ arn: p.PolicyArn, name: p.PolicyName ?? p.PolicyArn.split('/').pop()! });
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return Promise.all(attached.map(async (p) => ({ ...p, document: await managedDocument(p.arn) })));
  };

  const boundaryOf = async (role: SdkRole): Promise<ManagedPolicy | undefined> => {
    const arn = role.PermissionsBoundary?.PermissionsBoundaryArn;
    if (!arn) return undefined;
    return { arn, name: arn.split('/').pop()!, document: await managedDocument(arn) };
  };

  /** The model role from an SDK role, with its policies read. */
  const assemble = async (role: SdkRole, read: { policies: boolean }): Promise<Role> => {
    const name = role.RoleName!;
    const [inline, attached, permissionsBoundary] = await Promise.all([
      read.policies ? inlinePolicies(name) : [],
      read.policies ? attachedPolicies(name) : [],
      boundaryOf(role),
    ]);
    const arn = parseRoleArn(role.Arn!);
    return {
      arn: role.Arn!,
      name,
      path: role.Path ?? arn.path,
      roleId: role.RoleId ?? '',
      accountId: arn.accountId,
      trustPolicy: decodePolicy(role.AssumeRolePolicyDocument, `trust policy of ${name}`),
      inlinePolicies: inline,
      attachedPolicies: attached,
      tags: tagsOf(role.Tags),
      maxSessionDuration: role.MaxSessionDuration ?? 3600,
      ...(permissionsBoundary ? { permissionsBoundary } : {}),
      ...(role.CreateDate ? { createdAt: iso(role.CreateDate) } : {}),
    };
  };

  // IAM addresses roles by name within the caller's account. An ARN of another account must not
  // silently become the same-named role here (eksctl's bug): refuse it instead.
  const roleName = async (nameOrArn: string, operation: string) => {
    if (!isArn(nameOrArn) || !options.callerAccount) return roleNameOf(nameOrArn);
    const { accountId, name } = parseRoleArn(nameOrArn);
    const caller = await options.callerAccount();
    if (accountId !== caller) {
      throw new RemoteError(`role ${nameOrArn} is in account ${accountId}, but podid's credentials are for account ${caller}`, {
        kind: 'access-denied', service: 'iam', operation, code: 'CrossAccountRole',
        hint: 'IAM reads and changes roles only in the caller\'s account: run with credentials for that account (--profile).',
      });
    }
    return name;
  };

  const getRole = async (nameOrArn: string) => {
    const name = await roleName(nameOrArn, 'GetRole');
    const out = await send('GetRole', () => client.send(new GetRoleCommand({ RoleName: name })));
    if (isArn(nameOrArn) && out.Role?.Arn && out.Role.Arn !== nameOrArn) {
      // Same name, other path: the ARN asked for does not exist.
      throw new RemoteError(`The role with ARN ${nameOrArn} cannot be found (${out.Role.Arn} has that name).`, { kind: 'not-found', service: 'iam', operation: 'GetRole', code: 'NoSuchEntity' });
    }
    return assemble(out.Role!, { policies: true });
  };

  return {
    getRole,
    async listRoles(pathPrefix) {
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const page = await send('ListRoles', () => client.send(new ListRolesCommand({ PathPrefix: pathPrefix, Marker: marker, MaxItems: 1000 })));
        names.push(...(page.Roles ?? []).map((r) => r.RoleName!));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      // ListRoles omits tags and the boundary: one GetRole per role gives the full picture.
      return Promise.all(names.map(getRole));
    },
    async createRole(input) {
      const out = await send('CreateRole', () =>
        client.send(
          new CreateRoleCommand({
            RoleName: input.name,
            Path: input.path ? normalizePath(input.path) : undefined,
            AssumeRolePolicyDocument: JSON.stringify(input.trustPolicy),
            Description: input.description,
            MaxSessionDuration: input.maxSessionDuration,
            PermissionsBoundary: input.permissionsBoundaryArn,
            Tags: input.tags && Object.keys(input.tags).length ? Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
          }),
        ),
      );
      return assemble(out.Role!, { policies: false });
    },
    async updateTrustPolicy(target, document) {
      const name = await roleName(target, 'UpdateAssumeRolePolicy');
      await send('UpdateAssumeRolePolicy', () => client.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(document) })));
    },
    async putRolePolicy(target, policyName, document) {
      const name = await roleName(target, 'PutRolePolicy');
      await send('PutRolePolicy', () => client.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: policyName, PolicyDocument: JSON.stringify(document) })));
    },
    async deleteRolePolicy(target, policyName) {
      const name = await roleName(target, 'DeleteRolePolicy');
      await send('DeleteRolePolicy', () => client.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })));
    },
    async attachRolePolicy(target, policyArn) {
      const name = await roleName(target, 'AttachRolePolicy');
      await send('AttachRolePolicy', () => client.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn })));
    },
    async detachRolePolicy(target, policyArn) {
      const name = await roleName(target, 'DetachRolePolicy');
      await send('DetachRolePolicy', () => client.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn })));
    },
    async deleteRole(target) {
      const name = await roleName(target, 'DeleteRole');
      await send('DeleteRole', () => client.send(new DeleteRoleCommand({ RoleName: name })));
    },
    async updateRole(target, input) {
      const name = await roleName(target, 'UpdateRole');
      await send('UpdateRole', () => client.send(new UpdateRoleCommand({ RoleName: name, MaxSessionDuration: input.maxSessionDuration, Description: input.description })));
    },
    async putRolePermissionsBoundary(target, policyArn) {
      const name = await roleName(target, 'PutRolePermissionsBoundary');
      await send('PutRolePermissionsBoundary', () => client.send(new PutRolePermissionsBoundaryCommand({ RoleName: name, PermissionsBoundary: policyArn })));
    },
    async tagRole(target, tags) {
      const name = await roleName(target, 'TagRole');
      await send('TagRole', () => client.send(new TagRoleCommand({ RoleName: name, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })));
    },
    async simulatePrincipalPolicy(principalArn, actions, resourceArns, context = {}) {
      const ContextEntries: ContextEntry[] = Object.entries(context).map(([key, values]) => ({
        ContextKeyName: key,
        ContextKeyValues: values,
        ContextKeyType: values.length === 1 && key.toLowerCase() !== 'aws:tagkeys' ? 'string' : 'stringList',
      }));
      const results: { action: string; decision: string }[] = [];
      let marker: string | undefined;
      try {
        do {
          const page = await send('SimulatePrincipalPolicy', () =>
            client.send(
              new SimulatePrincipalPolicyCommand({
                PolicySourceArn: principalArn,
                ActionNames: actions,
                ResourceArns: resourceArns.length ? resourceArns : undefined,
                ContextEntries: ContextEntries.length ? ContextEntries : undefined,
                Marker: marker,
              }),
            ),
          );
          for (const r of page.EvaluationResults ?? []) results.push({ action: r.EvalActionName ?? '', decision: r.EvalDecision ?? 'implicitDeny' });
          marker = page.IsTruncated ? page.Marker : undefined;
        } while (marker);
      } catch (error) {
        // Not permitted to simulate, or the endpoint cannot (moto: HTTP 500 HTML): no answer.
        if (isRemoteError(error, 'access-denied') || isRemoteError(error, 'unavailable')) {
          reporter.debug(`iam SimulatePrincipalPolicy unavailable: ${(error as Error).message}`);
          return undefined;
        }
        throw error;
      }
      return combineDecisions(actions, results);
    },
  };
}

/** One decision per action over all its resources: any explicit deny wins, then all-allowed, else implicit deny. */
export function combineDecisions(actions: string[], results: { action: string; decision: string }[]): Record<string, SimulationDecision> {
  const decisions: Record<string, SimulationDecision> = {};
  for (const action of actions) {
    const mine = results.filter((r) => r.action.toLowerCase() === action.toLowerCase()).map((r) => r.decision);
    decisions[action] = mine.includes('explicitDeny') ? 'explicitDeny' : mine.length > 0 && mine.every((d) => d === 'allowed') ? 'allowed' : 'implicitDeny';
  }
  return decisions;
}
