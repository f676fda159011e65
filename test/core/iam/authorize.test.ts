import { describe, expect, it } from 'vitest';
import { authorize, type AuthorizationInput, type NamedPolicy, type Statement } from '../../../src/core/iam/index.js';
import { ACCT, OTHER, PODS, ROLE, SESSION, policy, req, session } from './helpers.js';

const allow = (Action = 's3:GetObject', Resource = '*'): Statement => ({ Effect: 'Allow', Action, Resource });
const named = (name: string, p: NamedPolicy): NamedPolicy => ({ ...p, name });
const bucketPolicy = (Principal: Statement['Principal'], Effect: 'Allow' | 'Deny' = 'Allow') =>
  named('bucket', policy({ Effect, Principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-bucket/*' }));

describe('authorize: identity, boundary, session', () => {
  const base: AuthorizationInput = { request: req(), identityPolicies: [named('id', policy(allow()))] };
  it.each<[string, Partial<AuthorizationInput>, string]>([
    ['identity allows', {}, 'allow'],
    ['no identity policy', { identityPolicies: [] }, 'implicit-deny'],
    ['boundary allows', { permissionsBoundary: named('pb', policy(allow('s3:*'))) }, 'allow'],
    ['boundary does not allow', { permissionsBoundary: named('pb', policy(allow('ec2:*'))) }, 'implicit-deny'],
    ['boundary denies', { permissionsBoundary: named('pb', policy({ Effect: 'Deny', Action: '*', Resource: '*' })) }, 'deny'],
    ['session allows', { sessionPolicies: [named('s', policy(allow('*')))] }, 'allow'],
    ['session does not allow', { sessionPolicies: [named('s', policy(allow('ec2:*')))] }, 'implicit-deny'],
    ['deny in a second identity policy', { identityPolicies: [named('id', policy(allow())), named('guard', policy({ Effect: 'Deny', Action: 's3:*', Resource: '*' }))] }, 'deny'],
  ])('%s → %s', (_n, patch, decision) => {
    const r = authorize({ ...base, ...patch });
    expect(r.decision).toBe(decision);
    expect(r.explanation.length).toBeGreaterThan(10);
  });
  it('explains which layer blocked', () => {
    expect(authorize({ ...base, permissionsBoundary: named('pb', policy(allow('ec2:*'))) }).explanation).toContain('permissions boundary');
    expect(authorize({ ...base, sessionPolicies: [named('s', policy(allow('ec2:*')))] }).explanation).toContain('session policy');
  });
});

describe('authorize: resource-based policies', () => {
  const r = (principalArn: string, extra: Partial<AuthorizationInput>): AuthorizationInput => ({
    request: req({ principal: session(principalArn) }),
    resourceAccountId: ACCT,
    ...extra,
  });
  const OTHER_SESSION = `arn:aws:sts::${OTHER}:assumed-role/ci/s`;
  it.each<[string, AuthorizationInput, string]>([
    ['same account, bucket names the session: no identity policy needed', r(SESSION, { resourcePolicy: bucketPolicy({ AWS: SESSION }) }), 'allow'],
    ['same account, bucket names the role: allowed', r(SESSION, { resourcePolicy: bucketPolicy({ AWS: ROLE }) }), 'allow'],
    ['same account, bucket names the role, session policy does not allow', r(SESSION, { resourcePolicy: bucketPolicy({ AWS: ROLE }), sessionPolicies: [policy(allow('ec2:*'))] }), 'implicit-deny'],
    ['same account, bucket names the session, boundary does not limit it', r(SESSION, { resourcePolicy: bucketPolicy({ AWS: SESSION }), permissionsBoundary: policy(allow('ec2:*')) }), 'allow'],
    ['same account, bucket names the account only: identity needed', r(SESSION, { resourcePolicy: bucketPolicy({ AWS: ACCT }) }), 'implicit-deny'],
    ['same account, identity alone is enough', r(SESSION, { resourcePolicy: bucketPolicy({ AWS: `arn:aws:iam::${OTHER}:root` }), identityPolicies: [policy(allow())] }), 'allow'],
    ['same account, bucket denies', r(SESSION, { resourcePolicy: bucketPolicy('*', 'Deny'), identityPolicies: [policy(allow())] }), 'deny'],
    ['cross account, both allow', r(OTHER_SESSION, { resourcePolicy: bucketPolicy({ AWS: OTHER }), identityPolicies: [policy(allow())] }), 'allow'],
    ['cross account, only the bucket allows', r(OTHER_SESSION, { resourcePolicy: bucketPolicy({ AWS: OTHER_SESSION }) }), 'implicit-deny'],
    ['cross account, only identity allows', r(OTHER_SESSION, { resourcePolicy: bucketPolicy({ AWS: ACCT }), identityPolicies: [policy(allow())] }), 'implicit-deny'],
  ])('%s', (_n, input, decision) => {
    expect(authorize(input).decision).toBe(decision);
  });
});

describe('authorize: role trust policies', () => {
  const assume = (principalArn: string, trust: Statement['Principal'], identity: boolean): AuthorizationInput => ({
    request: req({ principal: session(principalArn), action: 'sts:AssumeRole', resource: ROLE }),
    resourcePolicy: named('trust', policy({ Effect: 'Allow', Principal: trust, Action: 'sts:AssumeRole' })),
    identityPolicies: identity ? [policy(allow('sts:AssumeRole'))] : [],
    resourceAccountId: ACCT,
  });
  const USER = `arn:aws:iam::${ACCT}:user/alice`;
  it.each<[string, AuthorizationInput, string]>([
    ['trust names the user: allowed without identity policy', assume(USER, { AWS: USER }, false), 'allow'],
    ['trust names the account: identity policy needed', assume(USER, { AWS: ACCT }, false), 'implicit-deny'],
    ['trust names the account and identity allows', assume(USER, { AWS: ACCT }, true), 'allow'],
    ['trust does not name the caller: identity allow is not enough', assume(USER, { AWS: `arn:aws:iam::${ACCT}:user/bob` }, true), 'implicit-deny'],
    ['cross account: trust names the account and identity allows', assume(`arn:aws:sts::${OTHER}:assumed-role/ci/s`, { AWS: OTHER }, true), 'allow'],
    ['cross account: trust names the role, no identity policy', assume(`arn:aws:sts::${OTHER}:assumed-role/ci/s`, { AWS: `arn:aws:iam::${OTHER}:role/ci` }, false), 'implicit-deny'],
  ])('%s', (_n, input, decision) => {
    expect(authorize(input).decision).toBe(decision);
  });

  it('service principal: only the trust policy counts', () => {
    const input: AuthorizationInput = {
      request: req({ principal: PODS, action: 'sts:AssumeRole', resource: ROLE }),
      resourcePolicy: named('trust', policy({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' })),
      identityPolicies: [policy({ Effect: 'Deny', Action: '*', Resource: '*' })],
    };
    expect(authorize(input).decision).toBe('allow');
    expect(authorize({ ...input, resourcePolicy: undefined }).decision).toBe('implicit-deny');
  });
});
