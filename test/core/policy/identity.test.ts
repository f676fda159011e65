import { describe, expect, it } from 'vitest';
import { abacPolicy, ABAC_TEMPLATE_NAMES, findingLines, identityPolicyErrors } from '../../../src/core/policy/index.js';

// Will IAM accept a document as a role's inline policy or a session policy? (associate --policy-file,
// --session-policy, apply's role.inlinePolicy and sessionPolicy, checked before anything is applied.)

const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const ids = (d: unknown) => identityPolicyErrors(d).map((f) => `${f.ruleId}@${f.path ?? ''}`);

describe('identityPolicyErrors', () => {
  it('accepts well-formed permissions policies, and every ABAC template podid generates', () => {
    expect(ids(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))).toEqual([]);
    expect(ids(doc({ Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], NotResource: 'arn:aws:s3:::b/*' }))).toEqual([]);
    for (const name of ABAC_TEMPLATE_NAMES) {
      const params = { bucket: 'demo-bucket', table: 'orders', clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/demo' };
      expect(ids(abacPolicy(name, params)), name).toEqual([]);
    }
  });

  it('reports what IAM rejects: bad action, no Resource, a Principal, an unknown Version, not a policy', () => {
    expect(ids(doc({ Effect: 'Allow', Action: 's3GetObject' }))).toEqual(['PODID-V004@Statement[0]', 'PODID-V005@Statement[0].Action']);
    expect(ids(doc({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }))).toEqual(['PODID-V004@Statement[0].Principal']);
    expect(ids(doc({ Effect: 'Allow', NotPrincipal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' }))).toEqual(['PODID-V004@Statement[0].NotPrincipal']);
    expect(ids({ Version: '2020-01-01', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] })).toEqual(['PODID-V002@Version']);
    expect(ids({ Version: '2012-10-17' })).toEqual(['PODID-V001@']);
    expect(ids(doc({ Effect: 'Maybe', Action: 's3:*', Resource: '*' }))).toEqual(['PODID-V001@Statement[0]']);
  });

  it('warnings are not errors: an empty Statement or a missing Version without variables pass', () => {
    expect(ids({ Version: '2012-10-17', Statement: [] })).toEqual([]);
    expect(ids({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] })).toEqual([]);
  });

  it('findingLines names where and the rule', () => {
    expect(findingLines(identityPolicyErrors(doc({ Effect: 'Allow', Action: 's3GetObject', Resource: '*' })))).toEqual([
      'Statement[0].Action: Action "s3GetObject" is not an action: IAM actions are service:Action (e.g. s3:GetObject), and IAM rejects the policy (PODID-V005)',
    ]);
  });
});
