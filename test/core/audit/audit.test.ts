import { describe, expect, it } from 'vitest';
import { buildAudit, summarizePermissions, type AuditFacts } from '../../../src/core/audit/index.js';
import type { Role } from '../../../src/core/model.js';
import { association, CLUSTER, role, roleArnOf, sa, scopedTrust } from '../doctor/helpers.js';

// Audit rules and the permission summary on small hand-built facts.

const allow = (Action: string | string[], Resource: string | string[] = '*', Condition?: Record<string, Record<string, string>>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action, Resource, ...(Condition ? { Condition } : {}) }] });

function facts(roles: Role[], clusters: AuditFacts['clusters']): AuditFacts {
  return { clusters, roles: new Map(roles.map((r) => [r.arn, r])) };
}

describe('summarizePermissions', () => {
  it('flags admin, wildcard actions and resources, and ABAC', () => {
    const r = role('x', scopedTrust('a', 'b'), {
      inlinePolicies: [{ name: 'admin', document: allow('*') }, { name: 'abac', document: allow('s3:Get*', 'arn:aws:s3:::b/${aws:PrincipalTag/kubernetes-namespace}/*') }],
      attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' }],
    });
    expect(summarizePermissions(r)).toEqual({
      managedPolicies: ['ReadOnlyAccess'], inlinePolicies: ['admin', 'abac'], admin: true, wildcardActions: ['*', 's3:Get*'], wildcardResources: true, abac: true, unreadable: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
  });
  it('a scoped role is not admin', () => {
    expect(summarizePermissions(role('x', scopedTrust('a', 'b'), { inlinePolicies: [{ name: 'p', document: allow('s3:GetObject', 'arn:aws:s3:::b/*') }] }))).toMatchObject({ admin: false, wildcardActions: [], wildcardResources: false, abac: false });
  });
});

describe('audit rules', () => {
  const web = role('web', scopedTrust('app', 'web'));

  it('a healthy association: inventory only, no finding', () => {
    const report = buildAudit(facts([web], [{ cluster: CLUSTER, associations: [association('app', 'web', web.arn)], serviceAccounts: [sa('app', 'web')] }]));
    expect(report.findings).toEqual([]);
    expect(report.associations[0]).toMatchObject({ cluster: 'c1', region: 'us-west-2', namespace: 'app', serviceAccount: 'web', sessionTags: 'on', serviceAccountExists: true });
    expect(report.roles[0]).toMatchObject({ arn: web.arn, exists: true, usedBy: [{ cluster: 'c1', namespace: 'app', serviceAccount: 'web', via: 'association' }] });
  });

  it('fix commands repeat the --state file of an offline audit, and only then', () => {
    const bad = role('web', scopedTrust('other', 'web'));
    const input = (statePath?: string) => ({ ...facts([bad], [{ cluster: CLUSTER, associations: [association('app', 'web', bad.arn)], serviceAccounts: [sa('app', 'web')] }]), ...(statePath ? { statePath } : {}) });
    const fixOf = (statePath?: string) => buildAudit(input(statePath)).findings.find((f) => f.ruleId === 'PODID-AUD005')?.fix;
    expect(fixOf('my state.json')).toBe("podid policy trust -w c1:app:web --state 'my state.json'");
    expect(fixOf()).toBe('podid policy trust -w c1:app:web');
  });

  it('AUD002: the fix deletes the association with podid (works live and offline), --state when offline, --region when live', () => {
    const input = (statePath?: string) => ({ ...facts([web], [{ cluster: CLUSTER, associations: [association('app', 'ghost', web.arn)], serviceAccounts: [sa('app', 'web')] }]), ...(statePath ? { statePath } : {}) });
    const fixOf = (statePath?: string) => buildAudit(input(statePath)).findings.find((f) => f.ruleId === 'PODID-AUD002')?.fix;
    expect(fixOf('my state.json')).toBe("Create the service account (kubectl -n app create serviceaccount ghost), or delete the association: podid associations delete app/ghost -c c1 --approve --state 'my state.json'");
    expect(fixOf()).toBe('Create the service account (kubectl -n app create serviceaccount ghost), or delete the association: podid associations delete app/ghost -c c1 --region us-west-2 --approve');
  });

  it("rows carry the backend's region, else the cluster's own", () => {
    const one = (region?: string) => buildAudit(facts([web], [{ cluster: { ...CLUSTER, region: 'eu-west-1' }, ...(region ? { region } : {}), associations: [association('app', 'web', web.arn)], serviceAccounts: [sa('app', 'web')] }]));
    expect(one().associations[0].region).toBe('eu-west-1');
    expect(one('ap-south-1').associations[0].region).toBe('ap-south-1');
  });

  it('AUD001: a role shared across clusters', () => {
    const shared = role('shared', { Version: '2012-10-17', Statement: [...(scopedTrust('app', 'web').Statement as object[]), ...(scopedTrust('app', 'web').Statement as object[])] } as never);
    const other = { ...CLUSTER, name: 'c2', arn: CLUSTER.arn.replace('/c1', '/c2') };
    const report = buildAudit(facts([shared], [
      { cluster: CLUSTER, associations: [association('app', 'web', shared.arn)], serviceAccounts: [sa('app', 'web')] },
      { cluster: other, associations: [association('app', 'web', shared.arn, { clusterName: 'c2' })], serviceAccounts: [sa('app', 'web')] },
    ]));
    expect(report.findings.find((f) => f.ruleId === 'PODID-AUD001')).toMatchObject({ severity: 'warn', message: expect.stringMatching(/shared across clusters \(2 clusters\)/) });
  });

  it('AUD002/003/004/005: missing SA, other account, missing role, trust mismatch', () => {
    const wrongNs = role('wrong', scopedTrust('staging', 'api'));
    const report = buildAudit(facts([wrongNs], [{
      cluster: CLUSTER,
      associations: [association('app', 'ghost', web.arn), association('app', 'x', 'arn:aws:iam::999988887777:role/x'), association('app', 'api', wrongNs.arn)],
      serviceAccounts: [sa('app', 'x'), sa('app', 'api')],
    }]));
    const rules = report.findings.map((f) => [f.ruleId, f.subject]);
    expect(rules).toEqual(expect.arrayContaining([
      ['PODID-AUD002', 'association c1:app/ghost'],
      ['PODID-AUD003', 'association c1:app/x'],
      ['PODID-AUD005', 'association c1:app/api'],
    ]));
    expect(report.findings.find((f) => f.ruleId === 'PODID-AUD005')?.message).toMatch(/namespace staging ≠ app/);
    const missing = buildAudit({ clusters: [{ cluster: CLUSTER, associations: [association('app', 'web', web.arn)], serviceAccounts: [sa('app', 'web')] }], roles: new Map([[web.arn, null]]) });
    expect(missing.findings.map((f) => f.ruleId)).toEqual(['PODID-AUD004']);
  });

  it('AUD006 admin role and lint findings become findings; IRSA service accounts are inventoried', () => {
    const admin = role('admin-pod', scopedTrust('app', 'web', ['sts:AssumeRole']), { inlinePolicies: [{ name: 'all', document: allow('*') }] });
    const irsaRole = roleArnOf('legacy');
    const report = buildAudit(facts([admin], [{ cluster: CLUSTER, associations: [association('app', 'web', admin.arn)], serviceAccounts: [sa('app', 'web'), sa('old', 'api', { 'eks.amazonaws.com/role-arn': irsaRole })] }]));
    expect(report.findings.map((f) => [f.severity, f.ruleId])).toEqual(expect.arrayContaining([['warn', 'PODID-AUD006'], ['fail', 'PODID-T004']]));
    expect(report.findings.some((f) => f.ruleId === 'PODID-AUD005')).toBe(false); // the lint finding explains the denial
    expect(report.irsa).toEqual([{ cluster: 'c1', region: 'us-west-2', namespace: 'old', serviceAccount: 'api', roleArn: irsaRole, hasAssociation: false }]);
    expect(report.roles.find((r) => r.arn === irsaRole)).toMatchObject({ usedBy: [{ via: 'irsa' }] });
    expect(report.roles.find((r) => r.arn === irsaRole)?.exists).toBeUndefined();
  });

  it('without Kubernetes, service-account existence is unknown, not missing', () => {
    const report = buildAudit(facts([web], [{ cluster: CLUSTER, associations: [association('app', 'web', web.arn)] }]));
    expect(report.associations[0].serviceAccountExists).toBeUndefined();
    expect(report.findings).toEqual([]);
  });
});
