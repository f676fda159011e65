import type { StateDocument } from '../../../src/adapters/local/schema.js';
import type { Pod, Role } from '../../../src/core/model.js';
import { IRSA_ENV, IRSA_TOKEN_PATH } from '../../../src/core/webhook.js';
import { minimalState } from '../../helpers/fake-deps.js';

// A small IRSA world for migrate tests: same-account, shared (path) and cross-account roles, an
// add-on role, Fargate pods, a malformed and an other-partition annotation.

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '999988887777';
export const HOST = 'oidc.eks.us-west-2.amazonaws.com/id/DEMO0123456789';
export const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST}`;
export const OTHER_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHERCLUSTER`;
export const CLUSTER_ARN = `arn:aws:eks:us-west-2:${ACCOUNT}:cluster/demo`;
export const WEB_ROLE = `arn:aws:iam::${ACCOUNT}:role/web-role`;
export const SHARED_ROLE = `arn:aws:iam::${ACCOUNT}:role/team/shared/shared-role`;
export const CROSS_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/data-reader`;
export const EBS_ROLE = `arn:aws:iam::${ACCOUNT}:role/ebs-csi`;
const TS = '2026-11-20T10:00:00.000Z';

export function irsaStatement(subjects: string | string[], provider = PROVIDER, host = HOST) {
  return {
    Effect: 'Allow' as const,
    Principal: { Federated: provider },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${host}:sub`]: subjects, [`${host}:aud`]: 'sts.amazonaws.com' } },
  };
}

export function role(arn: string, statements: Role['trustPolicy']['Statement'], extra: Partial<Role> = {}): Role {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  const resource = arn.slice(arn.indexOf(':role') + 5);
  return {
    arn, name, path: resource.slice(0, resource.lastIndexOf('/') + 1), roleId: `AROA${name.toUpperCase().replace(/[^A-Z]/g, '')}`, accountId: arn.split(':')[4],
    trustPolicy: { Version: '2012-10-17', Statement: statements }, inlinePolicies: [], attachedPolicies: [], tags: {}, maxSessionDuration: 3600, ...extra,
  };
}

export function pod(namespace: string, name: string, sa: string, extra: Partial<Pod> = {}, irsaRole?: string): Pod {
  const env = irsaRole ? [{ name: IRSA_ENV.roleArn, value: irsaRole }, { name: IRSA_ENV.tokenFile, value: IRSA_TOKEN_PATH }] : [];
  return {
    namespace, name, uid: `uid-${name}`, serviceAccountName: sa, nodeName: 'node-1', hostNetwork: false, phase: 'Running',
    containers: [{ name: 'app', image: 'app:1', env, volumeMounts: [] }], initContainers: [], projectedTokens: [], ownerReferences: [], labels: {}, creationTimestamp: TS, ...extra,
  };
}

const sa = (namespace: string, name: string, annotations: Record<string, string>, labels?: Record<string, string>) => ({ namespace, name, uid: `uid-${namespace}-${name}`, annotations, labels, creationTimestamp: TS });
const rsOwner = (name: string) => [{ kind: 'ReplicaSet', name, controller: true }];

export function world(): StateDocument {
  const state = minimalState();
  const c = state.clusters[0];
  c.nodes.push(
    { name: 'node-1', os: 'linux', computeType: 'ec2', labels: {} },
    { name: 'fargate-ip-10-0-0-1', os: 'linux', computeType: 'fargate', labels: {} },
  );
  c.addons.push({ name: 'aws-ebs-csi-driver', version: 'v1.30.0-eksbuild.1', status: 'ACTIVE', serviceAccountRoleArn: EBS_ROLE, podIdentityAssociations: [], podIdentityServiceAccounts: ['ebs-csi-controller-sa'] });
  c.serviceAccounts.push(
    sa('apps', 'web', { 'eks.amazonaws.com/role-arn': WEB_ROLE, 'eks.amazonaws.com/audience': 'sts.amazonaws.com' }, { team: 'web' }),
    sa('apps', 'a', { 'eks.amazonaws.com/role-arn': SHARED_ROLE }),
    sa('apps', 'b', { 'eks.amazonaws.com/role-arn': SHARED_ROLE }),
    sa('data', 'cross', { 'eks.amazonaws.com/role-arn': CROSS_ROLE }),
    sa('apps', 'plain', {}),
    sa('kube-system', 'ebs-csi-controller-sa', { 'eks.amazonaws.com/role-arn': EBS_ROLE }),
  );
  c.workloads.push(
    { kind: 'Deployment', namespace: 'apps', name: 'web', ownerReferences: [] },
    { kind: 'ReplicaSet', namespace: 'apps', name: 'web-6d4f', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] },
    { kind: 'Deployment', namespace: 'kube-system', name: 'ebs-csi-controller', ownerReferences: [] },
    { kind: 'ReplicaSet', namespace: 'kube-system', name: 'ebs-csi-controller-7c9', ownerReferences: [{ kind: 'Deployment', name: 'ebs-csi-controller', controller: true }] },
  );
  c.pods.push(
    pod('apps', 'web-6d4f-aaaaa', 'web', { ownerReferences: rsOwner('web-6d4f') }, WEB_ROLE),
    pod('apps', 'web-6d4f-bbbbb', 'web', { ownerReferences: rsOwner('web-6d4f') }, WEB_ROLE),
    pod('kube-system', 'ebs-csi-controller-7c9-ccccc', 'ebs-csi-controller-sa', { ownerReferences: rsOwner('ebs-csi-controller-7c9') }, EBS_ROLE),
  );
  state.roles.push(
    role(WEB_ROLE, [irsaStatement('system:serviceaccount:apps:web')]),
    role(SHARED_ROLE, [
      irsaStatement(['system:serviceaccount:apps:a', 'system:serviceaccount:apps:b']),
      irsaStatement('system:serviceaccount:apps:a', OTHER_PROVIDER, 'oidc.eks.us-east-1.amazonaws.com/id/OTHERCLUSTER'),
    ]),
    role(CROSS_ROLE, [irsaStatement('system:serviceaccount:data:cross')]),
    role(EBS_ROLE, [irsaStatement('system:serviceaccount:kube-system:ebs-csi-controller-sa')]),
  );
  return state;
}

/** Adds problem service accounts: malformed ARN, other partition, Fargate pods. */
export function withProblems(state: StateDocument = world()): StateDocument {
  const c = state.clusters[0];
  c.serviceAccounts.push(
    sa('bad', 'malformed', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::12345:role/nope' }),
    sa('bad', 'china', { 'eks.amazonaws.com/role-arn': `arn:aws-cn:iam::${ACCOUNT}:role/cn-role` }),
    sa('bad', 'serverless', { 'eks.amazonaws.com/role-arn': WEB_ROLE }),
  );
  c.pods.push(pod('bad', 'serverless-1', 'serverless', { nodeName: 'fargate-ip-10-0-0-1' }, WEB_ROLE));
  return state;
}

export const REPORTS_ROLE = `arn:aws:iam::${ACCOUNT}:role/reports`;

/** Adds batch/reports: an IRSA service account whose only pod belongs to a running CronJob → Job. */
export function withJob(state: StateDocument = world()): StateDocument {
  const c = state.clusters[0];
  c.serviceAccounts.push(sa('batch', 'reports', { 'eks.amazonaws.com/role-arn': REPORTS_ROLE }));
  c.workloads.push(
    { kind: 'CronJob', namespace: 'batch', name: 'reports', ownerReferences: [] },
    { kind: 'Job', namespace: 'batch', name: 'reports-29000000', ownerReferences: [{ kind: 'CronJob', name: 'reports', controller: true }] },
  );
  c.pods.push(pod('batch', 'reports-29000000-xxxxx', 'reports', { ownerReferences: [{ kind: 'Job', name: 'reports-29000000', controller: true }] }, REPORTS_ROLE));
  state.roles.push(role(REPORTS_ROLE, [irsaStatement('system:serviceaccount:batch:reports')]));
  return state;
}
