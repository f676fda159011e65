import { describe, expect, it } from 'vitest';
import { selectAddons } from '../../../src/core/migrate/scope.js';
import type { AddonFacts, SaFilter } from '../../../src/core/migrate/types.js';
import type { Role, ServiceAccount } from '../../../src/core/model.js';
import { ACCOUNT, EBS_ROLE, irsaStatement, role } from './world.js';

const CW_ROLE = `arn:aws:iam::${ACCOUNT}:role/cloudwatch-agent`;
const addon = (name: string, roleArn: string, podIdentityServiceAccounts: string[]): AddonFacts => ({
  addon: { name, version: 'v1.0.0-eksbuild.1', status: 'ACTIVE', serviceAccountRoleArn: roleArn, podIdentityAssociations: [] },
  podIdentityServiceAccounts,
});
const sa = (namespace: string, name: string, roleArn?: string, labels?: Record<string, string>): ServiceAccount => ({
  namespace, name, uid: `uid-${name}`, annotations: roleArn ? { 'eks.amazonaws.com/role-arn': roleArn } : {}, labels, creationTimestamp: '2026-01-01T00:00:00Z',
});

describe('selectAddons: -n / --selector / --exclude over add-ons, by their ns/sa', () => {
  const addons = [addon('aws-ebs-csi-driver', EBS_ROLE, ['ebs-csi-controller-sa']), addon('amazon-cloudwatch-observability', CW_ROLE, ['cloudwatch-agent'])];
  // The CloudWatch add-on runs in its own namespace: known from the annotated service account.
  const sas = [sa('kube-system', 'ebs-csi-controller-sa', EBS_ROLE, { tier: 'storage' }), sa('amazon-cloudwatch', 'cloudwatch-agent', CW_ROLE), sa('kube-system', 'extra', EBS_ROLE)];
  const roles = new Map<string, Role | null>();
  const kept = (filter: SaFilter) => selectAddons(addons, sas, roles, filter).addons.map((a) => a.addon.name);

  it.each<[string, SaFilter, string[]]>([
    ['no filter', {}, ['aws-ebs-csi-driver', 'amazon-cloudwatch-observability']],
    ['-n kube-system', { namespaces: ['kube-system'] }, ['aws-ebs-csi-driver']],
    ['-n amazon-cloudwatch', { namespaces: ['amazon-cloudwatch'] }, ['amazon-cloudwatch-observability']],
    ['-n payments', { namespaces: ['payments'] }, []],
    ['--exclude the add-on SA', { exclude: ['kube-system/ebs-csi-controller-sa'] }, ['amazon-cloudwatch-observability']],
    ['--selector on the SA labels', { selector: { tier: 'storage' } }, ['aws-ebs-csi-driver']],
    ['--manifests without --include-addons', { addons: false }, []],
  ])('%s', (_name, filter, expected) => {
    expect(kept(filter)).toEqual(expected);
  });

  it('keys name the kept add-ons; service accounts of left-out add-ons are left out too', () => {
    const scope = selectAddons(addons, sas, roles, { namespaces: ['amazon-cloudwatch', 'kube-system'], exclude: ['kube-system/ebs-csi-controller-sa'] });
    expect(scope.keys).toEqual(['amazon-cloudwatch/cloudwatch-agent']);
    expect(sas.filter(scope.leftOut).map((s) => s.name)).toEqual(['ebs-csi-controller-sa', 'extra']);
  });

  it("an add-on declaring several service accounts is matched by the one its role's trust names", () => {
    const multi = [addon('multi', EBS_ROLE, ['a', 'b'])];
    const trusted = new Map<string, Role | null>([[EBS_ROLE, role(EBS_ROLE, [irsaStatement('system:serviceaccount:kube-system:b')])]]);
    expect(selectAddons(multi, [], trusted, { exclude: ['kube-system/b'] }).addons).toEqual([]);
    expect(selectAddons(multi, [], trusted, { exclude: ['kube-system/a'] }).keys).toEqual(['kube-system/b']);
  });
});
