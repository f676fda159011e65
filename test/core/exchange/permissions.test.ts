import { describe, expect, it } from 'vitest';
import { evaluateAction, principalTags, sessionContext, type ExchangeSession } from '../../../src/core/exchange/index.js';
import type { PolicyDocument } from '../../../src/core/iam/types.js';
import type { Role } from '../../../src/core/model.js';

const BUCKET = 'arn:aws:s3:::shared-data';
const abac: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'OwnPrefix', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${BUCKET}/\${aws:PrincipalTag/eks-cluster-name}/\${aws:PrincipalTag/kubernetes-namespace}/*` },
    { Sid: 'List', Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringLike: { 's3:prefix': ['${aws:PrincipalTag/kubernetes-namespace}/*'] } } },
  ],
};

const role = (over: Partial<Role> = {}): Role => ({
  arn: 'arn:aws:iam::111122223333:role/orders-worker', name: 'orders-worker', path: '/', roleId: 'AROAORDERS', accountId: '111122223333',
  trustPolicy: { Statement: [] }, inlinePolicies: [], attachedPolicies: [{ arn: 'arn:aws:iam::111122223333:policy/abac', name: 'abac', document: abac }], tags: {}, maxSessionDuration: 3600, ...over,
});

const session = (over: Partial<ExchangeSession> = {}, roleOver: Partial<Role> = {}): ExchangeSession => ({
  role: role(roleOver),
  assumedRoleArn: 'arn:aws:sts::111122223333:assumed-role/orders-worker/eks-demo-orders-worker-1-uuid',
  sessionName: 'eks-demo-orders-worker-1-uuid',
  sessionTags: { 'eks-cluster-name': 'demo', 'kubernetes-namespace': 'orders' },
  ...over,
});

describe('evaluateAction: ABAC on session tags', () => {
  it('allows the pod its own namespace prefix and names the statement', () => {
    const v = evaluateAction(session(), 's3:GetObject', `${BUCKET}/demo/orders/report.csv`);
    expect(v).toMatchObject({ decision: 'allowed', decidedBy: 'policy "managed policy abac" statement #0 (Sid "OwnPrefix")' });
  });

  it("denies another namespace's prefix, naming the closest statement", () => {
    const v = evaluateAction(session(), 's3:PutObject', `${BUCKET}/demo/payments/report.csv`);
    expect(v).toMatchObject({ decision: 'denied', denial: 'implicit', decidedBy: 'policy "managed policy abac" statement #0 (Sid "OwnPrefix")' });
    expect(v.explanation).toMatch(/does not match Resource \[arn:aws:s3:::shared-data\/demo\/orders\/\*\]/);
  });

  it('uses --context keys (s3:prefix)', () => {
    expect(evaluateAction(session(), 's3:ListBucket', BUCKET, { 's3:prefix': 'orders/x' }).decision).toBe('allowed');
    expect(evaluateAction(session(), 's3:ListBucket', BUCKET, { 's3:prefix': 'payments/x' }).decision).toBe('denied');
  });

  it('session tags win over role tags with the same key (case-insensitive)', () => {
    expect(principalTags({ tags: { 'Kubernetes-Namespace': 'spoofed', team: 'orders' } }, { 'kubernetes-namespace': 'orders' })).toEqual({ team: 'orders', 'kubernetes-namespace': 'orders' });
    const v = evaluateAction(session({}, { tags: { 'kubernetes-namespace': 'payments' } }), 's3:GetObject', `${BUCKET}/demo/payments/x`);
    expect(v.decision).toBe('denied');
  });

  it('without session tags (disableSessionTags) the role tags are the ABAC input', () => {
    const v = evaluateAction(session({ sessionTags: {} }, { tags: { 'eks-cluster-name': 'demo', 'kubernetes-namespace': 'payments' } }), 's3:GetObject', `${BUCKET}/demo/payments/x`);
    expect(v.decision).toBe('allowed');
  });

  it('a session policy and a permissions boundary limit the session; an explicit deny is reported as such', () => {
    const onlyGet: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
    expect(evaluateAction(session({ sessionPolicy: onlyGet }), 's3:PutObject', `${BUCKET}/demo/orders/x`).decision).toBe('denied');
    expect(evaluateAction(session({ sessionPolicy: onlyGet }), 's3:GetObject', `${BUCKET}/demo/orders/x`).decision).toBe('allowed');
    const boundary = { arn: 'arn:aws:iam::111122223333:policy/b', name: 'b', document: onlyGet };
    expect(evaluateAction(session({}, { permissionsBoundary: boundary }), 's3:PutObject', `${BUCKET}/demo/orders/x`).explanation).toMatch(/permissions boundary does not allow it/);
    const deny: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'NoPut', Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }] };
    const v = evaluateAction(session({}, { inlinePolicies: [{ name: 'guard', document: deny }] }), 's3:PutObject', `${BUCKET}/demo/orders/x`);
    expect(v).toMatchObject({ decision: 'denied', denial: 'explicit', decidedBy: 'policy "inline policy guard of role/orders-worker" statement #0 (Sid "NoPut")' });
  });

  it('the session context carries the principal and the tags', () => {
    expect(sessionContext(session())).toEqual({
      'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/orders-worker', 'aws:PrincipalAccount': '111122223333', 'aws:PrincipalType': 'AssumedRole',
      'aws:userid': 'AROAORDERS:eks-demo-orders-worker-1-uuid', 'aws:PrincipalTag/eks-cluster-name': 'demo', 'aws:PrincipalTag/kubernetes-namespace': 'orders',
    });
  });
});
