import { describe, expect, it } from 'vitest';
import { fakeDeps, minimalState } from '../../helpers/fake-deps.js';

// The local IamPort's role-setting writes (UpdateRole, PutRolePermissionsBoundary, TagRole).

const ROLE = 'arn:aws:iam::111122223333:role/team/app';
const world = () =>
  minimalState({
    roles: [{ arn: ROLE, name: 'app', path: '/team/', roleId: 'AROAAPP', accountId: '111122223333', trustPolicy: { Version: '2012-10-17', Statement: [] }, inlinePolicies: [], attachedPolicies: [], tags: { 'podid:managed-by': 'podid', team: 'a', extra: 'kept' }, maxSessionDuration: 3600 }],
  } as never);

describe('local IamPort: role settings', () => {
  it('sets the max session duration and boundary, merges tags, and persists them', async () => {
    const d = fakeDeps(world());
    await d.iam.updateRole(ROLE, { maxSessionDuration: 7200, description: 'ignored: the state keeps no description' });
    await d.iam.putRolePermissionsBoundary('app', 'arn:aws:iam::111122223333:policy/boundary');
    await d.iam.tagRole('app', { team: 'x', cost: 'c 1' });
    const role = await d.iam.getRole('app');
    expect(role).toMatchObject({ maxSessionDuration: 7200, permissionsBoundary: { arn: 'arn:aws:iam::111122223333:policy/boundary', name: 'boundary' }, tags: { 'podid:managed-by': 'podid', team: 'x', extra: 'kept', cost: 'c 1' } });
    await d.iam.updateRole('app', {});
    expect((await d.iam.getRole('app')).maxSessionDuration).toBe(7200);
    expect(d.store.doc.roles[0]).toMatchObject({ maxSessionDuration: 7200, tags: { team: 'x' } });
  });

  it('a missing role is not-found; a role of another account is not this account’s same-named role', async () => {
    const d = fakeDeps(world());
    await expect(d.iam.tagRole('nope', { team: 'x' })).rejects.toMatchObject({ kind: 'not-found', operation: 'TagRole' });
    await expect(d.iam.updateRole('arn:aws:iam::999988887777:role/team/app', { maxSessionDuration: 7200 })).rejects.toMatchObject({ kind: 'not-found', operation: 'UpdateRole' });
    await expect(d.iam.putRolePermissionsBoundary('arn:aws:iam::999988887777:role/team/app', 'arn:aws:iam::999988887777:policy/b')).rejects.toMatchObject({ kind: 'not-found' });
    expect(d.store.doc.roles[0].maxSessionDuration).toBe(3600);
  });
});
