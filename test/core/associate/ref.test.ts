import { describe, expect, it } from 'vitest';
import { sameClusterRef } from '../../../src/core/associate/index.js';
import { parseAssociationRef } from '../../../src/core/associate/ref.js';
import { UsageError } from '../../../src/core/errors.js';

// The one strict reference of associations describe|update|delete, and -c as a name or ARN (apply).

describe('parseAssociationRef', () => {
  it.each([
    ['a-demo0000000000001', { kind: 'id', id: 'a-demo0000000000001' }],
    ['payments/payments-api', { kind: 'sa', namespace: 'payments', serviceAccount: 'payments-api' }],
    [
      'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-demo0000000000001',
      { kind: 'arn', arn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-demo0000000000001', id: 'a-demo0000000000001', clusterName: 'demo' },
    ],
  ])('%s', (text, ref) => {
    expect(parseAssociationRef(text)).toEqual(ref);
  });

  it.each(['a/b/c', 'garbage', 'Apps/api', 'orders/', '/x', 'arn:aws:eks:us-west-2:111122223333:cluster/demo', 'arn:aws:iam::111122223333:role/a-1', 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/x/a-1', 'arn:bogus'])(
    '%s is a usage error naming the accepted forms',
    (text) => {
      expect(() => parseAssociationRef(text)).toThrow(UsageError);
      expect(() => parseAssociationRef(text)).toThrow(/association id \(a-…\), NAMESPACE\/SERVICE_ACCOUNT, or an association ARN/);
    },
  );
});

describe('sameClusterRef', () => {
  it.each([
    ['demo', 'demo', true],
    ['arn:aws:eks:us-west-2:111122223333:cluster/demo', 'demo', true],
    ['demo', 'arn:aws:eks:us-west-2:111122223333:cluster/demo', true],
    ['arn:aws:eks:us-west-2:111122223333:cluster/other', 'demo', false],
    ['arn:aws:eks:us-west-2:111122223333:cluster/demo', 'arn:aws:eks:us-east-1:111122223333:cluster/demo', false],
    ['other', 'demo', false],
  ])('%s vs %s → %s', (a, b, same) => {
    expect(sameClusterRef(a, b)).toBe(same);
  });
});
