import { describe, expect, it } from 'vitest';
import { assumedRoleArn, clusterArn, parseClusterArn, parseRoleArn, partitionOfRegion, roleArn } from '../../src/core/arn.js';

describe('ARNs', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/app', { partition: 'aws', accountId: '111122223333', path: '/', name: 'app' }],
    ['arn:aws:iam::111122223333:role/teams/payments/payments-api', { path: '/teams/payments/', name: 'payments-api' }],
    ['arn:aws-cn:iam::111122223333:role/app', { partition: 'aws-cn' }],
    ['arn:aws-us-gov:iam::111122223333:role/app', { partition: 'aws-us-gov' }],
    ['arn:aws-iso-b:iam::111122223333:role/app', { partition: 'aws-iso-b' }],
  ])('parses role %s', (text, expected) => {
    expect(parseRoleArn(text)).toMatchObject(expected);
  });

  it.each([
    ['arn:aws-mars:iam::111122223333:role/app', /unknown AWS partition 'aws-mars'/],
    ['arn:aws:iam::1111:role/app', /not an IAM role ARN/],
    ['arn:aws:iam::111122223333:user/app', /not an IAM role ARN/],
    ['not-an-arn', /not a valid IAM role ARN/],
    ['arn:aws:iam::111122223333:role/bad name', /invalid role name/],
  ])('rejects %s with a clear error', (text, message) => {
    expect(() => parseRoleArn(text)).toThrow(message);
  });

  it('formats roles, clusters and sessions (paths are dropped in session ARNs, as STS does)', () => {
    expect(roleArn('aws', '111122223333', 'x', 'a/b')).toBe('arn:aws:iam::111122223333:role/a/b/x');
    expect(parseClusterArn(clusterArn('aws-cn', 'cn-north-1', '111122223333', 'c'))).toMatchObject({ name: 'c', region: 'cn-north-1' });
    expect(assumedRoleArn(parseRoleArn('arn:aws:iam::111122223333:role/teams/x'), 's')).toBe('arn:aws:sts::111122223333:assumed-role/x/s');
    expect(partitionOfRegion('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOfRegion('eu-west-1')).toBe('aws');
  });
});
