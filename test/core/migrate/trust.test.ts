import { describe, expect, it } from 'vitest';
import { bridgeRoleName } from '../../../src/core/migrate/bridge.js';
import { removeOidcSubject, targetAccepts, trustAcceptsPodIdentity } from '../../../src/core/migrate/trust.js';
import { sourceRolePermissionStatement, targetTrustStatements } from '../../../src/core/policy/target-trust.js';
import { trustStatementFor } from '../../../src/core/policy/trust.js';
import { ACCOUNT, CLUSTER_ARN, CROSS_ROLE, HOST, OTHER_PROVIDER, PROVIDER, irsaStatement } from './world.js';

const cluster = { arn: CLUSTER_ARN, name: 'demo', accountId: ACCOUNT };
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement }) as never;

describe('removeOidcSubject', () => {
  it.each([
    ['drops the statement that trusts only this SA', doc(irsaStatement('system:serviceaccount:apps:web')), 'removed', 0],
    ['drops only the value from a :sub list', doc(irsaStatement(['system:serviceaccount:apps:web', 'system:serviceaccount:apps:other'])), 'removed', 1],
    ["keeps other clusters' providers", doc(irsaStatement('system:serviceaccount:apps:web', OTHER_PROVIDER, 'oidc.eks.us-east-1.amazonaws.com/id/OTHERCLUSTER')), 'absent', 1],
    ['keeps other SAs', doc(irsaStatement('system:serviceaccount:apps:other')), 'absent', 1],
    ['leaves wildcard subjects', doc({ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${HOST}:sub`]: 'system:serviceaccount:apps:*' } } }), 'wildcard', 1],
    ['leaves provider-wide trust', doc({ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity' }), 'wildcard', 1],
  ])('%s', (_name, policy, kind, remaining) => {
    const result = removeOidcSubject(policy, PROVIDER, 'apps', 'web');
    expect(result.kind).toBe(kind);
    if (result.kind === 'removed') {
      expect(result.policy.Statement).toHaveLength(remaining);
      expect(JSON.stringify(result.policy)).not.toContain('system:serviceaccount:apps:web');
    }
  });

  it('does not change its input', () => {
    const policy = doc(irsaStatement(['system:serviceaccount:apps:web', 'system:serviceaccount:apps:other']));
    const before = JSON.stringify(policy);
    removeOidcSubject(policy, PROVIDER, 'apps', 'web');
    expect(JSON.stringify(policy)).toBe(before);
  });
});

describe('trust evaluation (podid evaluator, policies.md §1.3 context)', () => {
  const role = `arn:aws:iam::${ACCOUNT}:role/web-role`;
  it('accepts the scoped statement for its SA only', () => {
    const trust = doc(trustStatementFor({ clusterArn: CLUSTER_ARN, namespace: 'apps', serviceAccount: 'web' }));
    expect(trustAcceptsPodIdentity(trust, role, cluster, 'apps', 'web')).toBe(true);
    expect(trustAcceptsPodIdentity(trust, role, cluster, 'apps', 'other')).toBe(false);
    expect(trustAcceptsPodIdentity(trust, role, { ...cluster, arn: CLUSTER_ARN.replace('demo', 'prod') }, 'apps', 'web')).toBe(false);
  });

  it('rejects IRSA-only trust and AssumeRole without TagSession', () => {
    expect(trustAcceptsPodIdentity(doc(irsaStatement('system:serviceaccount:apps:web')), role, cluster, 'apps', 'web')).toBe(false);
    expect(trustAcceptsPodIdentity(doc({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }), role, cluster, 'apps', 'web')).toBe(false);
  });

  it('checks the second hop of a bridge', () => {
    const bridgeArn = `arn:aws:iam::${ACCOUNT}:role/${bridgeRoleName('data', 'cross')}`;
    const workload = { clusterArn: CLUSTER_ARN, namespace: 'data', serviceAccount: 'cross' };
    const bridge = { arn: bridgeArn, inlinePolicies: [{ name: 'p', document: doc(sourceRolePermissionStatement(CROSS_ROLE)) }] };
    const target = { arn: CROSS_ROLE, trustPolicy: doc(...targetTrustStatements({ sourceRoleArn: bridgeArn, targetRoleArn: CROSS_ROLE, workload })) };
    expect(targetAccepts(bridge, target, cluster, 'data', 'cross')).toBe(true);
    expect(targetAccepts(bridge, target, cluster, 'data', 'other')).toBe(false);
    expect(targetAccepts({ ...bridge, inlinePolicies: [] }, target, cluster, 'data', 'cross')).toBe(false);
  });
});

describe('bridgeRoleName', () => {
  it('derives podid-bridge-<ns>-<sa> within 64 characters, stable and distinct', () => {
    expect(bridgeRoleName('data', 'cross')).toBe('podid-bridge-data-cross');
    const long = bridgeRoleName('a-very-long-namespace-name-for-the-team', 'and-an-even-longer-service-account-name');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^podid-bridge-a-very-long.*-[0-9a-f]{8}$/);
    expect(bridgeRoleName('a-very-long-namespace-name-for-the-team', 'and-an-even-longer-service-account-name2')).not.toBe(long);
  });
});
