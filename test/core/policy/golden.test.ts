import { describe, expect, it } from 'vitest';
import { abacPolicy, ABAC_TEMPLATE_NAMES, mergeTrust, targetTrustPolicyFor, trustPolicyFor, trustStatementsFor, type Workload } from '../../../src/core/policy/index.js';
import type { PolicyDocument } from '../../../src/core/iam/types.js';
import { CLUSTER, golden, OTHER_CLUSTER, POLICIES, readJson } from './helpers.js';

// Every generator option and template against a golden file in fixtures/policies/golden.

const api: Workload = { clusterArn: CLUSTER, namespace: 'payments', serviceAccount: 'api' };
const worker: Workload = { ...api, serviceAccount: 'worker' };
const batch: Workload = { clusterArn: OTHER_CLUSTER, namespace: 'batch', serviceAccount: 'runner' };
const three = [api, worker, batch];
const SOURCE = 'arn:aws:iam::111122223333:role/payments-api';
const TARGET = 'arn:aws:iam::444455556666:role/data-reader';

const CASES: Record<string, () => unknown> = {
  'trust-workload': () => trustPolicyFor([api]).policy,
  'trust-workload-many': () => trustPolicyFor(three).policy,
  'trust-namespace': () => trustPolicyFor(three, { scope: 'namespace' }).policy,
  'trust-cluster': () => trustPolicyFor(three, { scope: 'cluster' }).policy,
  'trust-account': () => trustPolicyFor(three, { scope: 'account' }).policy,
  'trust-account-id': () => trustPolicyFor([], { scope: 'account', accountId: '111122223333' }).policy,
  'trust-org': () => trustPolicyFor([], { scope: 'org' }).policy,
  'trust-org-id': () => trustPolicyFor([], { scope: 'org', orgId: 'o-a1b2c3d4e5' }).policy,
  'trust-session-tags-off': () => trustPolicyFor(three, { sessionTags: 'off' }).policy,
  'trust-merged': () => mergeTrust(readJson(`${POLICIES}/inputs/existing-trust.json`) as PolicyDocument, trustStatementsFor([api, worker]).statements).policy,
  'target-trust-tags-on': () => targetTrustPolicyFor({ sourceRoleArn: SOURCE, targetRoleArn: TARGET, workload: api }),
  'target-trust-tags-off': () => targetTrustPolicyFor({ sourceRoleArn: SOURCE, targetRoleArn: TARGET, sessionTags: 'off', externalId: 'us-west-2/111122223333/prod/payments/api' }),
  ...Object.fromEntries(ABAC_TEMPLATE_NAMES.map((t) => [`abac-${t}`, () => abacPolicy(t, { bucket: 'shared-data', table: 'orders', account: '111122223333', region: 'us-west-2', access: 'read-write' })])),
  'abac-s3-prefix-read': () => abacPolicy('s3-prefix', { bucket: 'shared-data' }),
  'abac-s3-object-tag-write': () => abacPolicy('s3-object-tag', { bucket: 'shared-data', access: 'write' }),
  'abac-secretsmanager-path-service-account': () => abacPolicy('secretsmanager-path', { clusterArn: CLUSTER, level: 'service-account' }),
  'abac-dynamodb-leading-keys-pinned': () => abacPolicy('dynamodb-leading-keys', { table: 'orders', clusterArn: CLUSTER, access: 'read' }),
  'abac-kms-tag-gov': () => abacPolicy('kms-tag', { clusterArn: 'arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/prod', access: 'read' }),
};

describe('generators match the golden files', () => {
  it.each(Object.keys(CASES))('%s', (name) => {
    const { expected, actual } = golden(name, CASES[name]());
    expect(actual).toEqual(expected);
  });
});

export { CASES };
