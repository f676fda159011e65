import { describe, expect, it } from 'vitest';
import { evaluatePolicy, type Statement } from '../../../src/core/iam/index.js';
import { ACCT, OTHER, PODS, ROLE, SESSION, fixture, policy, req, session } from './helpers.js';

const allowAll: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };

describe('evaluatePolicy: Action / NotAction / Resource / NotResource', () => {
  it.each<[string, Statement, string, string, string]>([
    ['Action match', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'allow'],
    ['Action case-insensitive', { Effect: 'Allow', Action: 'S3:GETOBJECT', Resource: '*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'allow'],
    ['Action miss', { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'implicit-deny'],
    ['NotAction excludes', { Effect: 'Allow', NotAction: 's3:*', Resource: '*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'implicit-deny'],
    ['NotAction includes others', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'allow'],
    ['Resource case-sensitive', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::B/*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'implicit-deny'],
    ['NotResource excludes', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::b/*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'implicit-deny'],
    ['NotResource includes others', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::other/*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'allow'],
    ['Deny + NotResource', { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::other/*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'deny'],
    ['NotResource with unresolvable variable never applies', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::b/${aws:PrincipalTag/x}/*' }, 's3:GetObject', 'arn:aws:s3:::b/k', 'implicit-deny'],
  ])('%s', (_n, st, action, resource, decision) => {
    expect(evaluatePolicy(policy(st), req({ action, resource }), 'identity').decision).toBe(decision);
  });
});

describe('deny precedence', () => {
  it('an explicit Deny wins over an Allow, whatever the order', () => {
    const deny: Statement = { Sid: 'NoGet', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' };
    for (const p of [policy(allowAll, deny), policy(deny, allowAll)]) {
      const e = evaluatePolicy(p, req(), 'identity');
      expect(e.decision).toBe('deny');
      expect(e.decidingStatement?.sid).toBe('NoGet');
      expect(e.explanation).toContain('statement #');
      expect(e.explanation).toContain('Sid "NoGet"');
    }
  });
  it('no applying statement is an implicit deny', () => {
    expect(evaluatePolicy(policy({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }), req(), 'identity').decision).toBe('implicit-deny');
  });
  it('a policy without Version 2012-10-17 treats variables as literal text', () => {
    const st: Statement = { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/${aws:username}' };
    const r = req({ resource: 'arn:aws:s3:::b/alice', context: { 'aws:username': 'alice' } });
    expect(evaluatePolicy({ name: 'old', document: { Version: '2008-10-17', Statement: st } }, r, 'identity').decision).toBe('implicit-deny');
    expect(evaluatePolicy(policy(st), r, 'identity').decision).toBe('allow');
  });
});

describe('Principal / NotPrincipal (resource and trust policies)', () => {
  const trust = (Principal: Statement['Principal']) => policy({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole' });
  const user = session(`arn:aws:iam::${ACCT}:user/alice`);
  it.each<[string, Statement['Principal'], ReturnType<typeof session>, string | undefined]>([
    ['* matches anyone', '*', session(), 'exact'],
    ['{"AWS":"*"} matches anyone', { AWS: '*' }, session(), 'exact'],
    ['account id', { AWS: ACCT }, session(), 'account'],
    ['account root ARN', { AWS: `arn:aws:iam::${ACCT}:root` }, user, 'account'],
    ['other account', { AWS: `arn:aws:iam::${OTHER}:root` }, session(), undefined],
    ['account root ARN of another partition', { AWS: `arn:aws-cn:iam::${ACCT}:root` }, session(), undefined],
    ['account root ARN of another partition (user)', { AWS: `arn:aws-cn:iam::${ACCT}:root` }, user, undefined],
    ['account root ARN, same non-aws partition', { AWS: `arn:aws-cn:iam::${ACCT}:root` }, session(`arn:aws-cn:sts::${ACCT}:assumed-role/podid-app/s`), 'account'],
    ['bare account id matches in the request partition', { AWS: ACCT }, session(`arn:aws-us-gov:iam::${ACCT}:role/x`), 'account'],
    ['role ARN matches its sessions', { AWS: ROLE }, session(), 'role-session'],
    ['role ARN with a path matches sessions (path dropped)', { AWS: `arn:aws:iam::${ACCT}:role/team/podid-app` }, session(), 'role-session'],
    ['role ARN of another role', { AWS: `arn:aws:iam::${ACCT}:role/other` }, session(), undefined],
    ['exact session ARN', { AWS: SESSION }, session(), 'exact'],
    ['user ARN', { AWS: [`arn:aws:iam::${ACCT}:user/bob`, `arn:aws:iam::${ACCT}:user/alice`] }, user, 'exact'],
    ['service does not match an AWS principal', { Service: 'pods.eks.amazonaws.com' }, session(), undefined],
  ])('%s', (_n, principal, who, kind) => {
    const e = evaluatePolicy(trust(principal), req({ principal: who, action: 'sts:AssumeRole', resource: ROLE }), 'trust');
    expect(e.decision).toBe(kind ? 'allow' : 'implicit-deny');
    expect(e.statements[0].principalMatch).toBe(kind ?? 'none');
  });
  it('Service principal', () => {
    const e = evaluatePolicy(trust({ Service: ['ec2.amazonaws.com', 'pods.eks.amazonaws.com'] }), req({ principal: PODS, action: 'sts:AssumeRole', resource: ROLE }), 'trust');
    expect(e.decision).toBe('allow');
  });
  it('NotPrincipal with Deny denies everyone else', () => {
    const p = policy({ ...allowAll, Principal: '*' }, { Effect: 'Deny', NotPrincipal: { AWS: SESSION }, Action: '*', Resource: '*' });
    expect(evaluatePolicy(p, req(), 'resource').decision).toBe('allow');
    expect(evaluatePolicy({ ...p }, req({ principal: session(`arn:aws:iam::${ACCT}:user/mallory`) }), 'resource').decision).toBe('deny');
  });
  it('identity policies ignore Principal', () => {
    expect(evaluatePolicy(policy(allowAll), req(), 'identity').decision).toBe('allow');
  });
});

describe('ABAC: s3:::bucket/${aws:PrincipalTag/kubernetes-namespace}/*', () => {
  const abac = { name: 'abac', document: fixture('abac-s3.json') };
  const tags = { 'aws:PrincipalTag/kubernetes-namespace': 'team-a', 'aws:PrincipalTag/eks-cluster-name': 'prod', 'aws:SecureTransport': 'true' };
  it.each([
    ['own prefix', 'arn:aws:s3:::shared-bucket/team-a/config.json', tags, 'allow'],
    ['other namespace prefix', 'arn:aws:s3:::shared-bucket/team-b/config.json', tags, 'implicit-deny'],
    ['no namespace tag', 'arn:aws:s3:::shared-bucket/team-a/config.json', { 'aws:PrincipalTag/eks-cluster-name': 'prod' }, 'implicit-deny'],
    ['wrong cluster', 'arn:aws:s3:::shared-bucket/team-a/config.json', { ...tags, 'aws:PrincipalTag/eks-cluster-name': 'dev' }, 'implicit-deny'],
    ['insecure transport', 'arn:aws:s3:::shared-bucket/team-a/config.json', { ...tags, 'aws:SecureTransport': 'false' }, 'deny'],
  ])('%s', (_n, resource, context, decision) => {
    expect(evaluatePolicy(abac, req({ resource, context }), 'identity').decision).toBe(decision);
  });
  it('explains the unresolvable variable', () => {
    const e = evaluatePolicy(abac, req({ context: { 'aws:PrincipalTag/eks-cluster-name': 'prod' } }), 'identity');
    expect(e.explanation).toContain('${aws:PrincipalTag/kubernetes-namespace} is not in the request');
    expect(e.explanation).toContain('Sid "NamespacePrefix"');
  });
  it('explains the resource mismatch with the resolved value', () => {
    const e = evaluatePolicy(abac, req({ resource: 'arn:aws:s3:::shared-bucket/team-b/x', context: tags }), 'identity');
    expect(e.explanation).toContain('arn:aws:s3:::shared-bucket/team-a/*');
  });
});
