import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/core/doctor/index.js';
import type { PolicyDocument } from '../../../src/core/iam/types.js';
import { ACCOUNT, association, role, roleArnOf, run, scopedTrust, statuses, world } from './helpers.js';

const check = (id: string) => CHECKS.find((c) => c.id === id)!;
const trust = check('association.trust');
const target = check('association.target-role');

const withRole = (trustPolicy: PolicyDocument, assocOverrides = {}) => {
  const r = role('web', trustPolicy);
  return world({ roles: new Map([[r.arn, r]]), associations: [association('app', 'web', r.arn, assocOverrides)] });
};

describe('association.trust', () => {
  it('ok when the scoped statement allows AssumeRole and TagSession for the service account', () => {
    expect(run(trust, world())[0]).toMatchObject({ status: 'ok', detail: expect.stringMatching(/allows sts:AssumeRole and sts:TagSession for app\/web/) });
  });

  it('fail: missing sts:TagSession, with the --fix-trust command', () => {
    const [r] = run(trust, withRole(scopedTrust('app', 'web', ['sts:AssumeRole'])));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/^trust does not allow sts:TagSession for pods.eks.amazonaws.com/);
    expect(r.fix).toMatch(/^Add "sts:TagSession" to the statement's Action: podid associate -c c1 -n app -s web --role-arn arn:aws:iam::111122223333:role\/web --fix-trust --approve/);
    expect(r.fix).toMatch(/podid policy trust -w c1:app:web/);
  });

  it('ok without sts:TagSession when session tags are disabled (and no RequestTag conditions)', () => {
    const plain: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] };
    expect(statuses(run(trust, withRole(plain, { disableSessionTags: true })))).toEqual(['ok']);
  });

  it('fail: wrong namespace, naming both values', () => {
    const [r] = run(trust, withRole(scopedTrust('app-staging', 'web')));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/trust does not match the association \(namespace app-staging ≠ app\)/);
  });

  it('fail: aws:RequestTag conditions while session tags are disabled', () => {
    const [r] = run(trust, withRole(scopedTrust('app', 'web'), { disableSessionTags: true }));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/session tags disabled, so EKS sends no request tags/);
  });

  it('fail: aws:PrincipalTag in the first-hop trust', () => {
    const doc: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:PrincipalTag/kubernetes-namespace': 'app' } } }] };
    expect(run(trust, withRole(doc))[0]).toMatchObject({ status: 'fail', detail: expect.stringMatching(/aws:PrincipalTag/) });
  });

  it('fail: no statement for pods.eks.amazonaws.com', () => {
    const doc: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    expect(run(trust, withRole(doc))[0]).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no statement that lets pods.eks.amazonaws.com/) });
  });

  it('skip when the role cannot be evaluated', () => {
    expect(statuses(run(trust, world({ roles: new Map() })))).toEqual(['skip']);
  });
});

describe('association.target-role', () => {
  const TARGET = roleArnOf('ledger', '444455556666');
  const targetTrust = (principalArn: string): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { ArnEquals: { 'aws:PrincipalArn': principalArn } } }],
  });
  const chainPolicy = { name: 'chain', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: TARGET }] } };
  const facts = (opts: { source?: boolean; trustArn?: string; targetRole?: 'missing' | 'unreadable' } = {}) => {
    const source = role('web', scopedTrust('app', 'web'), { inlinePolicies: opts.source === false ? [] : [chainPolicy] });
    const t = role('ledger', targetTrust(opts.trustArn ?? source.arn), { arn: TARGET });
    const roles = new Map<string, typeof source | null>([[source.arn, source]]);
    if (opts.targetRole === 'missing') roles.set(TARGET, null);
    else if (opts.targetRole !== 'unreadable') roles.set(TARGET, t);
    return world({ roles, associations: [association('app', 'web', source.arn, { targetRoleArn: TARGET })] });
  };

  it('no result without a target role', () => expect(run(target, world())).toEqual([]));
  it('ok when the source may assume the target and the target trusts it', () => expect(statuses(run(target, facts()))).toEqual(['ok']));
  it('fail when the source role has no permission, with a put-role-policy fix', () => {
    const [r] = run(target, facts({ source: false }));
    expect(r.status).toBe('fail');
    expect(r.fix).toMatch(/aws iam put-role-policy --role-name web/);
  });
  it('fail when the target trust names another role, with the target-trust fix', () => {
    const [r] = run(target, facts({ trustArn: roleArnOf('someone-else') }));
    expect(r.status).toBe('fail');
    expect(r.fix).toMatch(/podid policy target-trust --source-role-arn arn:aws:iam::111122223333:role\/web --target-role-arn/);
  });
  it('fail when the target role does not exist', () => expect(statuses(run(target, facts({ targetRole: 'missing' })))).toEqual(['fail']));
  it('skip when the target role cannot be read (its trust is not evaluated)', () => expect(statuses(run(target, facts({ targetRole: 'unreadable' })))).toEqual(['skip']));
});
