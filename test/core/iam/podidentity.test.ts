// Pod Identity trust cases (reference notes §1–2, §6.4) through authorize().
import { describe, expect, it } from 'vitest';
import { authorize, type AuthorizationInput } from '../../../src/core/iam/index.js';
import { ACCT, CLUSTER, OTHER, PODS, ROLE, fixture, podContext, session } from './helpers.js';

const TARGET = `arn:aws:iam::${OTHER}:role/target`;
const trustInput = (doc: string, action: string, context: Record<string, string | string[]>, principal = PODS): AuthorizationInput => ({
  request: { principal, action, resource: ROLE, context },
  resourcePolicy: { name: doc, document: fixture(doc) },
  resourceAccountId: ACCT,
});

describe('first hop: scoped trust policy (pods.eks.amazonaws.com)', () => {
  it.each([
    ['AssumeRole, matching ns/SA', 'sts:AssumeRole', podContext('team-a', 'api'), 'allow'],
    ['TagSession, matching ns/SA', 'sts:TagSession', podContext('team-a', 'api'), 'allow'],
    ['other namespace', 'sts:AssumeRole', podContext('team-b', 'api'), 'implicit-deny'],
    ['other service account', 'sts:TagSession', podContext('team-a', 'worker'), 'implicit-deny'],
    ['other cluster', 'sts:AssumeRole', podContext('team-a', 'api', `arn:aws:eks:us-west-2:${ACCT}:cluster/dev`), 'implicit-deny'],
    ['session tags disabled (no aws:RequestTag/*)', 'sts:AssumeRole', { 'aws:SourceAccount': ACCT }, 'implicit-deny'],
  ])('%s → %s', (_n, action, context, decision) => {
    expect(authorize(trustInput('trust-scoped.json', action, context)).decision).toBe(decision);
  });

  it('explains the failing condition', () => {
    const r = authorize(trustInput('trust-scoped.json', 'sts:AssumeRole', podContext('team-b', 'api')));
    expect(r.explanation).toContain('condition StringEquals aws:RequestTag/kubernetes-namespace: expected team-a, request has team-b');
    expect(r.explanation).toContain('Sid "PodIdentityProdTeamAApi"');
  });

  it('another service principal is not trusted', () => {
    const r = authorize(trustInput('trust-scoped.json', 'sts:AssumeRole', podContext('team-a', 'api'), { type: 'service', service: 'ec2.amazonaws.com' }));
    expect(r.decision).toBe('implicit-deny');
    expect(r.explanation).toContain('principal ec2.amazonaws.com is not named in Principal');
  });

  it('the allowing statement is reported', () => {
    const r = authorize(trustInput('trust-scoped.json', 'sts:AssumeRole', podContext('team-a', 'api')));
    expect(r.decidingStatement?.sid).toBe('PodIdentityProdTeamAApi');
  });
});

describe('missing sts:TagSession', () => {
  it('AssumeRole is allowed but TagSession is not, so EKS cannot pass session tags', () => {
    expect(authorize(trustInput('trust-assume-only.json', 'sts:AssumeRole', podContext('a', 'b'))).decision).toBe('allow');
    const tag = authorize(trustInput('trust-assume-only.json', 'sts:TagSession', podContext('a', 'b')));
    expect(tag.decision).toBe('implicit-deny');
    expect(tag.explanation).toContain('action sts:TagSession is not in Action [sts:AssumeRole]');
  });
});

describe('cross-product pitfall: lists in one condition block', () => {
  it.each([
    ['ns-a', 'sa-x', 'allow'],
    ['ns-b', 'sa-y', 'allow'],
    ['ns-a', 'sa-y', 'allow'], // the unintended pair
    ['ns-c', 'sa-x', 'implicit-deny'],
  ])('(%s, %s) → %s', (ns, sa, decision) => {
    expect(authorize(trustInput('trust-cross-product.json', 'sts:AssumeRole', podContext(ns, sa))).decision).toBe(decision);
  });
});

describe('target-role chaining (ArnEquals aws:PrincipalArn + sts:ExternalId)', () => {
  const SRC_SESSION = `arn:aws:sts::${ACCT}:assumed-role/podid-app/eks-prod-api-1234`;
  const EXT = 'us-west-2/111122223333/prod/team-a/api';
  const chain = (action: string, context: Record<string, string | string[]>, withIdentity = true, principalArn = SRC_SESSION): AuthorizationInput => ({
    request: { principal: session(principalArn), action, resource: TARGET, context },
    resourcePolicy: { name: 'target-trust', document: fixture('target-trust.json') },
    identityPolicies: withIdentity ? [{ name: 'source-role', document: fixture('source-role-identity.json') }] : [],
    resourceAccountId: OTHER,
  });
  const ctx = { 'aws:PrincipalArn': ROLE, 'sts:ExternalId': EXT, 'aws:PrincipalAccount': ACCT };

  it('allows AssumeRole with the right ExternalId and source role', () => {
    const r = authorize(chain('sts:AssumeRole', ctx));
    expect(r.decision).toBe('allow');
    expect(r.explanation).toContain('cross-account');
  });
  it('allows TagSession for the source role', () => {
    expect(authorize(chain('sts:TagSession', { 'aws:PrincipalArn': ROLE })).decision).toBe('allow');
  });
  it('denies a wrong ExternalId (resource side)', () => {
    const r = authorize(chain('sts:AssumeRole', { ...ctx, 'sts:ExternalId': 'us-west-2/111122223333/prod/team-b/api' }));
    expect(r.decision).toBe('implicit-deny');
    expect(r.explanation).toContain('condition StringEquals sts:ExternalId: expected us-west-2/111122223333/prod/team-a/api, request has us-west-2/111122223333/prod/team-b/api');
  });
  it('denies another role of the cluster account (ArnEquals aws:PrincipalArn)', () => {
    const other = `arn:aws:sts::${ACCT}:assumed-role/other/s`;
    const r = authorize(chain('sts:AssumeRole', { ...ctx, 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/other` }, true, other));
    expect(r.decision).toBe('implicit-deny');
    expect(r.explanation).toContain('condition ArnEquals aws:PrincipalArn');
  });
  it('denies without the source identity policy (identity side, cross-account)', () => {
    const r = authorize(chain('sts:AssumeRole', ctx, false));
    expect(r.decision).toBe('implicit-deny');
    expect(r.explanation).toContain('identity');
  });
  it('the cluster is the same one the first hop used', () => {
    expect(CLUSTER).toContain(ACCT);
  });
});
