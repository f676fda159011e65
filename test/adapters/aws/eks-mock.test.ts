import {
  AccessDeniedException,
  CreatePodIdentityAssociationCommand,
  DeletePodIdentityAssociationCommand,
  DescribeAddonCommand,
  DescribeAddonConfigurationCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListAddonsCommand,
  ListClustersCommand,
  ListNodegroupsCommand,
  ListPodIdentityAssociationsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ThrottlingException,
  UpdateAddonCommand,
  UpdatePodIdentityAssociationCommand,
  type PodIdentityAssociation,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsPorts } from '../../../src/adapters/aws/index.js';
import { RemoteError } from '../../../src/core/errors.js';
import { silentReporter } from '../../../src/core/reporter.js';

// The EKS operations moto lacks (associations, add-ons), through aws-sdk-client-mock.

const eksMock = mockClient(EKSClient);
const env = { AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
const ports = () => awsPorts({ env, reporter: silentReporter });

beforeEach(() => eksMock.reset());
afterAll(() => eksMock.restore());

const ARN_PREFIX = 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo';
const wire = (id: string, extra: Partial<PodIdentityAssociation> = {}): PodIdentityAssociation => ({
  clusterName: 'demo',
  namespace: 'default',
  serviceAccount: `sa-${id}`,
  roleArn: 'arn:aws:iam::111122223333:role/app',
  associationArn: `${ARN_PREFIX}/${id}`,
  associationId: id,
  tags: {},
  createdAt: new Date('2026-01-02T03:04:05Z'),
  modifiedAt: new Date('2026-01-03T03:04:05Z'),
  disableSessionTags: false,
  ...extra,
});

async function remoteError(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RemoteError);
  return error as RemoteError;
}

describe('pod identity associations', () => {
  it('lists every page (maxResults 100, nextToken chained, filters passed on)', async () => {
    const pages: Record<string, { ids: string[]; next?: string }> = { start: { ids: ['a-1', 'a-2'], next: 't1' }, t1: { ids: ['a-3'], next: 't2' }, t2: { ids: ['a-4'] } };
    eksMock.on(ListPodIdentityAssociationsCommand).callsFake((input) => {
      const page = pages[input.nextToken ?? 'start'];
      return { associations: page.ids.map((id) => ({ clusterName: 'demo', namespace: 'apps', serviceAccount: `sa-${id}`, associationId: id, associationArn: `${ARN_PREFIX}/${id}`, ...(id === 'a-4' ? { ownerArn: 'arn:aws:eks:us-west-2:111122223333:addon/demo/x/1' } : {}) })), nextToken: page.next };
    });
    const list = await ports().eks.listAssociations('demo', { namespace: 'apps' });
    expect(list.map((a) => a.associationId)).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
    expect(list[3]).toEqual({ associationId: 'a-4', associationArn: `${ARN_PREFIX}/a-4`, clusterName: 'demo', namespace: 'apps', serviceAccount: 'sa-a-4', ownerArn: 'arn:aws:eks:us-west-2:111122223333:addon/demo/x/1' });
    const inputs = eksMock.commandCalls(ListPodIdentityAssociationsCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { clusterName: 'demo', namespace: 'apps', serviceAccount: undefined, maxResults: 100, nextToken: undefined },
      { clusterName: 'demo', namespace: 'apps', serviceAccount: undefined, maxResults: 100, nextToken: 't1' },
      { clusterName: 'demo', namespace: 'apps', serviceAccount: undefined, maxResults: 100, nextToken: 't2' },
    ]);
  });

  it('describe maps the full association with ISO timestamps', async () => {
    eksMock.on(DescribePodIdentityAssociationCommand, { clusterName: 'demo', associationId: 'a-1' }).resolves({
      association: wire('a-1', { targetRoleArn: 'arn:aws:iam::444455556666:role/target', externalId: 'ext', tags: { team: 'x' } }),
    });
    expect(await ports().eks.describeAssociation('demo', 'a-1')).toEqual({
      associationId: 'a-1',
      associationArn: `${ARN_PREFIX}/a-1`,
      clusterName: 'demo',
      namespace: 'default',
      serviceAccount: 'sa-a-1',
      roleArn: 'arn:aws:iam::111122223333:role/app',
      targetRoleArn: 'arn:aws:iam::444455556666:role/target',
      externalId: 'ext',
      disableSessionTags: false,
      tags: { team: 'x' },
      createdAt: '2026-01-02T03:04:05.000Z',
      modifiedAt: '2026-01-03T03:04:05.000Z',
    });
  });

  it('create passes every field and a client request token', async () => {
    eksMock.on(CreatePodIdentityAssociationCommand).resolves({ association: wire('a-9', { disableSessionTags: true, policy: '{"Version":"2012-10-17"}' }) });
    const created = await ports().eks.createAssociation({
      clusterName: 'demo',
      namespace: 'default',
      serviceAccount: 'sa-a-9',
      roleArn: 'arn:aws:iam::111122223333:role/app',
      disableSessionTags: true,
      policy: '{"Version":"2012-10-17"}',
      tags: { owner: 'me' },
      clientRequestToken: 'tok-1',
    });
    expect(created).toMatchObject({ associationId: 'a-9', disableSessionTags: true, policy: '{"Version":"2012-10-17"}' });
    expect(eksMock.commandCalls(CreatePodIdentityAssociationCommand)[0].args[0].input).toEqual({
      clusterName: 'demo',
      namespace: 'default',
      serviceAccount: 'sa-a-9',
      roleArn: 'arn:aws:iam::111122223333:role/app',
      targetRoleArn: undefined,
      disableSessionTags: true,
      policy: '{"Version":"2012-10-17"}',
      tags: { owner: 'me' },
      clientRequestToken: 'tok-1',
    });

    await ports().eks.createAssociation({ clusterName: 'demo', namespace: 'default', serviceAccount: 'x', roleArn: 'arn:aws:iam::111122223333:role/app' });
    expect(eksMock.commandCalls(CreatePodIdentityAssociationCommand)[1].args[0].input.clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('create conflict (ResourceInUseException) → conflict', async () => {
    eksMock.on(CreatePodIdentityAssociationCommand).rejects(new ResourceInUseException({ message: 'Association already exists', $metadata: { httpStatusCode: 409, requestId: 'req-409' } }));
    const error = await remoteError(ports().eks.createAssociation({ clusterName: 'demo', namespace: 'a', serviceAccount: 'b', roleArn: 'arn:aws:iam::111122223333:role/app' }));
    expect(error).toMatchObject({ kind: 'conflict', code: 'ResourceInUseException', requestId: 'req-409', httpStatus: 409, operation: 'CreatePodIdentityAssociation', service: 'eks' });
  });

  it('update sends only what changes; null clears target role and policy', async () => {
    eksMock.on(UpdatePodIdentityAssociationCommand).resolves({ association: wire('a-1', { roleArn: 'arn:aws:iam::111122223333:role/new' }) });
    const updated = await ports().eks.updateAssociation('demo', 'a-1', { roleArn: 'arn:aws:iam::111122223333:role/new', clientRequestToken: 't' });
    expect(updated.roleArn).toBe('arn:aws:iam::111122223333:role/new');
    await ports().eks.updateAssociation('demo', 'a-1', { targetRoleArn: null, policy: null, disableSessionTags: false, clientRequestToken: 'u' });
    const [first, second] = eksMock.commandCalls(UpdatePodIdentityAssociationCommand).map((c) => c.args[0].input);
    expect(first).toEqual({ clusterName: 'demo', associationId: 'a-1', roleArn: 'arn:aws:iam::111122223333:role/new', targetRoleArn: undefined, disableSessionTags: undefined, policy: undefined, clientRequestToken: 't' });
    expect(second).toEqual({ clusterName: 'demo', associationId: 'a-1', roleArn: undefined, targetRoleArn: '', disableSessionTags: false, policy: '', clientRequestToken: 'u' });
  });

  it('delete returns the deleted association; a missing one is not-found', async () => {
    eksMock.on(DeletePodIdentityAssociationCommand, { associationId: 'a-1' }).resolves({ association: wire('a-1') });
    eksMock.on(DeletePodIdentityAssociationCommand, { associationId: 'a-2' }).rejects(new ResourceNotFoundException({ message: 'Association a-2 not found', $metadata: { httpStatusCode: 404, requestId: 'r-404' } }));
    expect((await ports().eks.deleteAssociation('demo', 'a-1')).associationId).toBe('a-1');
    expect(await remoteError(ports().eks.deleteAssociation('demo', 'a-2'))).toMatchObject({ kind: 'not-found', code: 'ResourceNotFoundException', requestId: 'r-404', httpStatus: 404 });
  });
});

describe('clusters and add-ons', () => {
  it('DescribeCluster: auto mode from computeConfig.enabled, partition from the ARN', async () => {
    eksMock.on(DescribeClusterCommand).resolves({
      cluster: { name: 'auto', arn: 'arn:aws-cn:eks:cn-north-1:111122223333:cluster/auto', version: '1.33', status: 'ACTIVE', computeConfig: { enabled: true }, identity: { oidc: { issuer: 'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/X' } } },
    });
    expect(await ports().eks.describeCluster('auto')).toEqual({
      name: 'auto', arn: 'arn:aws-cn:eks:cn-north-1:111122223333:cluster/auto', accountId: '111122223333', region: 'cn-north-1', partition: 'aws-cn',
      version: '1.33', platformVersion: undefined, status: 'ACTIVE', oidcIssuer: 'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/X', autoMode: true,
    });
  });

  it('ListClusters and ListAddons walk every page', async () => {
    eksMock.on(ListClustersCommand).callsFake((input) => (input.nextToken ? { clusters: ['c'] } : { clusters: ['a', 'b'], nextToken: 'n' }));
    eksMock.on(ListAddonsCommand).callsFake((input) => (input.nextToken ? { addons: ['vpc-cni'] } : { addons: ['eks-pod-identity-agent'], nextToken: 'n' }));
    expect(await ports().eks.listClusters()).toEqual(['a', 'b', 'c']);
    expect(await ports().eks.listAddons('demo')).toEqual(['eks-pod-identity-agent', 'vpc-cni']);
  });

  it('DescribeAddon keeps the add-on pod identity associations', async () => {
    eksMock.on(DescribeAddonCommand).resolves({
      addon: { addonName: 'aws-ebs-csi-driver', addonVersion: 'v1.40.0-eksbuild.1', status: 'ACTIVE', podIdentityAssociations: [`${ARN_PREFIX}/a-7`] },
    });
    expect(await ports().eks.describeAddon('demo', 'aws-ebs-csi-driver')).toEqual({ name: 'aws-ebs-csi-driver', version: 'v1.40.0-eksbuild.1', status: 'ACTIVE', podIdentityAssociations: [`${ARN_PREFIX}/a-7`] });
  });

  it('DescribeAddonConfiguration → the service accounts that support Pod Identity', async () => {
    eksMock.on(DescribeAddonConfigurationCommand).resolves({
      addonName: 'aws-ebs-csi-driver',
      addonVersion: 'v1.40.0-eksbuild.1',
      configurationSchema: '{}',
      podIdentityConfiguration: [{ serviceAccount: 'ebs-csi-controller-sa', recommendedManagedPolicies: ['arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy'] }],
    });
    expect(await ports().eks.describeAddonConfiguration('aws-ebs-csi-driver', 'v1.40.0-eksbuild.1')).toEqual({ addonName: 'aws-ebs-csi-driver', addonVersion: 'v1.40.0-eksbuild.1', podIdentityServiceAccounts: ['ebs-csi-controller-sa'] });
  });

  it('UpdateAddon sends the pod identity associations', async () => {
    eksMock.on(UpdateAddonCommand).resolves({ update: { id: 'u-1', status: 'InProgress' } });
    await ports().eks.updateAddonPodIdentity('demo', 'aws-ebs-csi-driver', [{ serviceAccount: 'ebs-csi-controller-sa', roleArn: 'arn:aws:iam::111122223333:role/ebs' }]);
    expect(eksMock.commandCalls(UpdateAddonCommand)[0].args[0].input).toMatchObject({
      clusterName: 'demo', addonName: 'aws-ebs-csi-driver', podIdentityAssociations: [{ serviceAccount: 'ebs-csi-controller-sa', roleArn: 'arn:aws:iam::111122223333:role/ebs' }],
    });
  });

  it('throttling → throttled, with code, request id and status kept', async () => {
    eksMock.on(DescribeClusterCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, requestId: 'req-throttle-1' } }));
    const error = await remoteError(ports().eks.describeCluster('demo'));
    expect(error).toMatchObject({ kind: 'throttled', service: 'eks', operation: 'DescribeCluster', code: 'ThrottlingException', requestId: 'req-throttle-1', httpStatus: 429, message: 'Rate exceeded' });
  });
});

describe('node group roles', () => {
  const roleOf = (name: string) => `arn:aws:iam::111122223333:role/${name.startsWith('gpu') ? 'gpu-nodes' : 'nodes'}`;

  it('walks ListNodegroups, describes each node group with bounded concurrency, returns distinct node roles', async () => {
    const names = Array.from({ length: 20 }, (_, i) => (i % 5 === 4 ? `gpu-${i}` : `ng-${i}`));
    eksMock.on(ListNodegroupsCommand).callsFake((input) => (input.nextToken ? { nodegroups: names.slice(12) } : { nodegroups: names.slice(0, 12), nextToken: 'p2' }));
    let inFlight = 0;
    let peak = 0;
    eksMock.on(DescribeNodegroupCommand).callsFake(async (input) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return { nodegroup: { nodegroupName: input.nodegroupName, clusterName: input.clusterName, nodeRole: roleOf(input.nodegroupName!) } };
    });
    expect(await ports().eks.listNodegroupRoles('demo')).toEqual([roleOf('ng'), roleOf('gpu')]);
    expect(eksMock.commandCalls(ListNodegroupsCommand).map((c) => c.args[0].input)).toEqual([
      { clusterName: 'demo', maxResults: 100, nextToken: undefined },
      { clusterName: 'demo', maxResults: 100, nextToken: 'p2' },
    ]);
    expect(eksMock.commandCalls(DescribeNodegroupCommand).map((c) => c.args[0].input.nodegroupName)).toEqual(names);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(8);
  });

  it('no managed node group → []; access denied → RemoteError access-denied', async () => {
    eksMock.on(ListNodegroupsCommand).resolves({ nodegroups: [] });
    expect(await ports().eks.listNodegroupRoles('demo')).toEqual([]);
    expect(eksMock.commandCalls(DescribeNodegroupCommand)).toHaveLength(0);
    eksMock.on(ListNodegroupsCommand).rejects(new AccessDeniedException({ message: 'not authorized to perform: eks:ListNodegroups', $metadata: { httpStatusCode: 403, requestId: 'r-403' } }));
    expect(await remoteError(ports().eks.listNodegroupRoles('demo'))).toMatchObject({ kind: 'access-denied', operation: 'ListNodegroups', service: 'eks', httpStatus: 403 });
  });
});
