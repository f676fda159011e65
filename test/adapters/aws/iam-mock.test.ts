import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePermissionsBoundaryCommand,
  SimulatePrincipalPolicyCommand,
  TagRoleCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsIam, combineDecisions, decodePolicy, roleNameOf } from '../../../src/adapters/aws/iam.js';
import { silentReporter } from '../../../src/core/reporter.js';

// IAM behaviour moto cannot show: bounded concurrency, boundaries, simulation results.

const iamMock = mockClient(IAMClient);
beforeEach(() => iamMock.reset());
afterAll(() => iamMock.restore());

const client = () => new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const enc = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
const boundaryDoc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

function role(name: string, extra: Record<string, unknown> = {}) {
  return { RoleName: name, RoleId: `AROA${name.toUpperCase()}`, Path: '/', Arn: `arn:aws:iam::111122223333:role/${name}`, CreateDate: new Date('2026-01-01T00:00:00Z'), AssumeRolePolicyDocument: enc(trust), MaxSessionDuration: 3600, ...extra };
}

describe('getRole', () => {
  it('reads tags, boundary (with document), and uses the name part of an ARN with a path', async () => {
    iamMock.on(GetRoleCommand).resolves({
      Role: role('app', { Path: '/team/', Arn: 'arn:aws:iam::111122223333:role/team/app', Tags: [{ Key: 'team', Value: 'pay' }], PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/boundary' } }),
    });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(GetPolicyCommand).resolves({ Policy: { Arn: 'arn:aws:iam::111122223333:policy/boundary', DefaultVersionId: 'v3' } });
    iamMock.on(GetPolicyVersionCommand, { VersionId: 'v3' }).resolves({ PolicyVersion: { Document: enc(boundaryDoc), VersionId: 'v3', IsDefaultVersion: true } });
    const got = await awsIam(client(), silentReporter).getRole('arn:aws:iam::111122223333:role/team/app');
    expect(iamMock.commandCalls(GetRoleCommand)[0].args[0].input).toEqual({ RoleName: 'app' });
    expect(got).toEqual({
      arn: 'arn:aws:iam::111122223333:role/team/app', name: 'app', path: '/team/', roleId: 'AROAAPP', accountId: '111122223333', trustPolicy: trust,
      inlinePolicies: [], attachedPolicies: [], tags: { team: 'pay' }, maxSessionDuration: 3600,
      permissionsBoundary: { arn: 'arn:aws:iam::111122223333:policy/boundary', name: 'boundary', document: boundaryDoc }, createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('walks paginated policy lists and never runs more than the concurrency limit at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = async <T>(value: T) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return value;
    };
    iamMock.on(GetRoleCommand).callsFake((input) => slow({ Role: role(input.RoleName) }));
    iamMock.on(ListRolePoliciesCommand).callsFake((input) => slow(input.Marker ? { PolicyNames: ['p3'], IsTruncated: false } : { PolicyNames: ['p1', 'p2'], IsTruncated: true, Marker: 'm' }));
    iamMock.on(GetRolePolicyCommand).callsFake((input) => slow({ RoleName: input.RoleName, PolicyName: input.PolicyName, PolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Sid: input.PolicyName, Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
    iamMock.on(ListAttachedRolePoliciesCommand).callsFake(() => slow({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', PolicyName: 'ReadOnlyAccess' }] }));
    iamMock.on(GetPolicyCommand).callsFake(() => slow({ Policy: { DefaultVersionId: 'v1' } }));
    iamMock.on(GetPolicyVersionCommand).callsFake(() => slow({ PolicyVersion: { Document: enc(boundaryDoc) } }));
    iamMock.on(ListRolesCommand).callsFake((input) => slow(input.Marker ? { Roles: Array.from({ length: 10 }, (_, i) => role(`r${i + 10}`)) } : { Roles: Array.from({ length: 10 }, (_, i) => role(`r${i}`)), IsTruncated: true, Marker: 'm' }));

    const roles = await awsIam(client(), silentReporter, { concurrency: 3 }).listRoles();
    expect(roles).toHaveLength(20);
    expect(roles[0].inlinePolicies.map((p) => p.name)).toEqual(['p1', 'p2', 'p3']);
    expect(roles[19].attachedPolicies[0]).toEqual({ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess', document: boundaryDoc });
    expect(peak).toBe(3);
    expect(iamMock.commandCalls(GetRoleCommand)).toHaveLength(20);
    expect(iamMock.commandCalls(GetPolicyVersionCommand)).toHaveLength(1);
  });

  it('a failed managed-policy read is not cached', async () => {
    iamMock.on(GetRoleCommand).resolves({ Role: role('app') });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::111122223333:policy/p', PolicyName: 'p' }] });
    iamMock.on(GetPolicyCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', Code: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 } })).resolves({ Policy: { DefaultVersionId: 'v1' } });
    iamMock.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: enc(boundaryDoc) } });
    const iam = awsIam(client(), silentReporter);
    await expect(iam.getRole('app')).rejects.toMatchObject({ kind: 'throttled', code: 'Throttling' });
    expect((await iam.getRole('app')).attachedPolicies[0].document).toEqual(boundaryDoc);
  });
});

describe('role settings (updateRole, putRolePermissionsBoundary, tagRole)', () => {
  it('send the name of a name or ARN, only the fields given, tags as Key/Value pairs', async () => {
    iamMock.on(UpdateRoleCommand).resolves({});
    iamMock.on(PutRolePermissionsBoundaryCommand).resolves({});
    iamMock.on(TagRoleCommand).resolves({});
    const iam = awsIam(client(), silentReporter, { callerAccount: async () => '111122223333' });
    await iam.updateRole('arn:aws:iam::111122223333:role/team/app', { maxSessionDuration: 7200 });
    await iam.putRolePermissionsBoundary('app', 'arn:aws:iam::111122223333:policy/boundary');
    await iam.tagRole('app', { team: 'x', 'podid:managed-by': 'podid' });
    expect(iamMock.commandCalls(UpdateRoleCommand)[0].args[0].input).toEqual({ RoleName: 'app', MaxSessionDuration: 7200 });
    expect(iamMock.commandCalls(PutRolePermissionsBoundaryCommand)[0].args[0].input).toEqual({ RoleName: 'app', PermissionsBoundary: 'arn:aws:iam::111122223333:policy/boundary' });
    expect(iamMock.commandCalls(TagRoleCommand)[0].args[0].input).toEqual({ RoleName: 'app', Tags: [{ Key: 'team', Value: 'x' }, { Key: 'podid:managed-by', Value: 'podid' }] });
  });

  it('refuse a role ARN of another account (never the same-named local role)', async () => {
    const iam = awsIam(client(), silentReporter, { callerAccount: async () => '111122223333' });
    const foreign = 'arn:aws:iam::999988887777:role/app';
    await expect(iam.updateRole(foreign, { maxSessionDuration: 7200 })).rejects.toMatchObject({ kind: 'access-denied', code: 'CrossAccountRole', operation: 'UpdateRole' });
    await expect(iam.putRolePermissionsBoundary(foreign, 'arn:aws:iam::999988887777:policy/b')).rejects.toMatchObject({ code: 'CrossAccountRole', operation: 'PutRolePermissionsBoundary' });
    await expect(iam.tagRole(foreign, { team: 'x' })).rejects.toMatchObject({ code: 'CrossAccountRole', operation: 'TagRole' });
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('maps IAM errors at the edge (NoSuchEntity → not-found)', async () => {
    iamMock.on(TagRoleCommand).rejects(Object.assign(new Error('The role with name app cannot be found.'), { name: 'NoSuchEntity', Code: 'NoSuchEntity', $fault: 'client', $metadata: { httpStatusCode: 404 } }));
    await expect(awsIam(client(), silentReporter).tagRole('app', { team: 'x' })).rejects.toMatchObject({ kind: 'not-found', service: 'iam', operation: 'TagRole' });
  });
});

describe('simulatePrincipalPolicy', () => {
  it('returns one decision per action over all resources; context entries typed', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        { EvalActionName: 's3:GetObject', EvalResourceName: 'arn:aws:s3:::b/1', EvalDecision: 'allowed' },
        { EvalActionName: 's3:GetObject', EvalResourceName: 'arn:aws:s3:::b/2', EvalDecision: 'allowed' },
        { EvalActionName: 's3:PutObject', EvalResourceName: 'arn:aws:s3:::b/1', EvalDecision: 'allowed' },
        { EvalActionName: 's3:PutObject', EvalResourceName: 'arn:aws:s3:::b/2', EvalDecision: 'implicitDeny' },
        { EvalActionName: 's3:DeleteObject', EvalResourceName: 'arn:aws:s3:::b/1', EvalDecision: 'explicitDeny' },
      ],
    });
    const result = await awsIam(client(), silentReporter).simulatePrincipalPolicy(
      'arn:aws:iam::111122223333:role/app', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], ['arn:aws:s3:::b/1', 'arn:aws:s3:::b/2'],
      { 'aws:RequestTag/team': ['pay'], 'aws:TagKeys': ['team'] },
    );
    expect(result).toEqual({ 's3:GetObject': 'allowed', 's3:PutObject': 'implicitDeny', 's3:DeleteObject': 'explicitDeny' });
    expect(iamMock.commandCalls(SimulatePrincipalPolicyCommand)[0].args[0].input.ContextEntries).toEqual([
      { ContextKeyName: 'aws:RequestTag/team', ContextKeyValues: ['pay'], ContextKeyType: 'string' },
      { ContextKeyName: 'aws:TagKeys', ContextKeyValues: ['team'], ContextKeyType: 'stringList' },
    ]);
  });

  it('access denied → undefined (the caller may not simulate)', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(Object.assign(new Error('not authorized to perform iam:SimulatePrincipalPolicy'), { name: 'AccessDenied', Code: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } }));
    expect(await awsIam(client(), silentReporter).simulatePrincipalPolicy('arn:aws:iam::111122223333:role/app', ['s3:GetObject'], [])).toBeUndefined();
  });

  it('other errors still throw', async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(Object.assign(new Error('no such principal'), { name: 'NoSuchEntity', Code: 'NoSuchEntity', $fault: 'client', $metadata: { httpStatusCode: 404 } }));
    await expect(awsIam(client(), silentReporter).simulatePrincipalPolicy('arn:aws:iam::111122223333:role/x', ['s3:GetObject'], [])).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('helpers', () => {
  it('decodePolicy accepts URL-encoded and plain JSON; roleNameOf handles names, paths and ARNs', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::a%b c' }] };
    expect(decodePolicy(enc(doc), 'x')).toEqual(doc);
    expect(decodePolicy(JSON.stringify(doc), 'x')).toEqual(doc);
    expect(roleNameOf('app')).toBe('app');
    expect(roleNameOf('team/app')).toBe('app');
    expect(roleNameOf('arn:aws-us-gov:iam::111122223333:role/a/b/app')).toBe('app');
    expect(combineDecisions(['s3:X'], [])).toEqual({ 's3:X': 'implicitDeny' });
  });
});
