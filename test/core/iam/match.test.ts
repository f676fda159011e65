import { describe, expect, it } from 'vitest';
import { actionMatches, wildcardMatch, resourceMatches, contextLookup } from '../../../src/core/iam/index.js';

describe('wildcardMatch', () => {
  it.each([
    ['*', 'anything', true],
    ['team-*', 'team-a', true],
    ['team-*', 'team-', true],
    ['team-?', 'team-ab', false],
    ['t?am-a', 'team-a', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['abc', 'ABC', false],
    ['*a*a*a*a*a*b', 'a'.repeat(40), false],
  ])('%s vs %s → %s', (p, v, expected) => {
    expect(wildcardMatch(p, v)).toBe(expected);
  });
});

describe('actionMatches (case-insensitive)', () => {
  it.each([
    ['s3:GetObject', 's3:GetObject', true],
    ['S3:getobject', 's3:GetObject', true],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:?etObject', 's3:GetObject', true],
    ['s3:Put*', 's3:GetObject', false],
    ['*', 'sts:AssumeRole', true],
    ['sts:*', 'sts:TagSession', true],
  ])('%s vs %s → %s', (p, a, expected) => {
    expect(actionMatches(p, a)).toBe(expected);
  });
});

describe('resourceMatches (case-sensitive ARNs, variables in the resource part)', () => {
  const ctx = contextLookup({ 'aws:PrincipalTag/kubernetes-namespace': 'team-a' });
  it.each([
    ['*', 'arn:aws:s3:::b/k', true],
    ['arn:aws:s3:::shared-bucket/*', 'arn:aws:s3:::shared-bucket/team-a/x', true],
    ['arn:aws:s3:::Shared-bucket/*', 'arn:aws:s3:::shared-bucket/team-a/x', false],
    ['arn:aws:s3:::shared-bucket/${aws:PrincipalTag/kubernetes-namespace}/*', 'arn:aws:s3:::shared-bucket/team-a/x', true],
    ['arn:aws:s3:::shared-bucket/${aws:PrincipalTag/kubernetes-namespace}/*', 'arn:aws:s3:::shared-bucket/team-b/x', false],
    ["arn:aws:s3:::b-${aws:PrincipalTag/team, 'company-wide'}/*", 'arn:aws:s3:::b-company-wide/x', true],
    ['arn:aws:s3:::b/${aws:PrincipalTag/missing}/*', 'arn:aws:s3:::b/${aws:PrincipalTag/missing}/x', false],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/podid-app', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:sts::111122223333:assumed-role/x/y', false],
    ['arn:aws:secretsmanager:*:*:secret:prod/team-a/*', 'arn:aws:secretsmanager:us-west-2:1:secret:prod/team-a/db-AbCdEf', true],
  ])('%s vs %s → %s', (p, r, expected) => {
    expect(resourceMatches(p, r, ctx, true).matched).toBe(expected);
  });

  it('says why an unresolvable variable never matches', () => {
    const r = resourceMatches('arn:aws:s3:::b/${aws:PrincipalTag/missing}/*', 'arn:aws:s3:::b/x/y', ctx, true);
    expect(r.reason).toContain('${aws:PrincipalTag/missing} is not in the request');
  });

  it('treats variables literally when the policy has no Version 2012-10-17', () => {
    expect(resourceMatches('arn:aws:s3:::b/${aws:PrincipalTag/kubernetes-namespace}/*', 'arn:aws:s3:::b/team-a/x', ctx, false).matched).toBe(false);
  });
});
