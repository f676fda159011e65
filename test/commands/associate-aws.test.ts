import {
  CreatePodIdentityAssociationCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListPodIdentityAssociationsCommand,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsPorts } from '../../src/adapters/aws/index.js';
import { associate } from '../../src/commands/associate.js';
import { eksSessionTags } from '../../src/core/associate/index.js';
import { evaluateFirstHop } from '../../src/core/exchange/index.js';
import { trustPolicyFor } from '../../src/core/policy/index.js';
import type { KubePort } from '../../src/core/ports.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { recordingReporter } from '../helpers/fake-deps.js';
import { scopedTrust } from '../core/associate/helpers.js';

// The AWS backend: IAM role creation and trust updates over the wire to moto; the EKS calls
// (associations, add-ons: moto has none) through aws-sdk-client-mock.

let moto: Moto;
const eksMock = mockClient(EKSClient);
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  eksMock.restore();
  await moto?.stop();
});
beforeEach(() => eksMock.reset());

// Kubernetes creates a `default` service account in every namespace: `apps` exists, `apps/api` does not.
const noKube: KubePort = {
  listServiceAccounts: async () => [{ namespace: 'apps', name: 'default', uid: 'u-default', annotations: {}, creationTimestamp: '2026-01-01T00:00:00Z' }],
  getServiceAccount: async () => undefined,
  listPods: async () => [],
  listNodes: async () => [],
  listDaemonSets: async () => [],
  listWorkloads: async () => [],
  createServiceAccount: async () => {
    throw new Error('not used');
  },
  annotateServiceAccount: async () => {
    throw new Error('not used');
  },
  restartWorkload: async () => {},
};

async function setup(existing?: { roleArn: string }) {
  const env = await moto.accountEnv(undefined, { AWS_REGION: 'us-west-2' });
  const ports = awsPorts({ env, reporter: recordingReporter() });
  const { account } = await ports.sts.getCallerIdentity();
  const clusterArn = `arn:aws:eks:us-west-2:${account}:cluster/prod`;
  eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: 'prod', arn: clusterArn, status: 'ACTIVE', version: '1.31' } });
  eksMock.on(DescribeAddonCommand).resolves({ addon: { addonName: 'eks-pod-identity-agent', addonVersion: 'v1.3.4', status: 'ACTIVE' } });
  const wire = (roleArn: string) => ({ associationId: 'a-1', associationArn: `arn:aws:eks:us-west-2:${account}:podidentityassociation/prod/a-1`, clusterName: 'prod', namespace: 'apps', serviceAccount: 'api', roleArn, disableSessionTags: false, tags: {}, createdAt: new Date('2026-11-01T00:00:00Z'), modifiedAt: new Date('2026-11-01T00:00:00Z') });
  eksMock.on(ListPodIdentityAssociationsCommand).resolves({ associations: existing ? [{ associationId: 'a-1', associationArn: 'x', clusterName: 'prod', namespace: 'apps', serviceAccount: 'api' }] : [] });
  if (existing) eksMock.on(DescribePodIdentityAssociationCommand).resolves({ association: wire(existing.roleArn) });
  eksMock.on(CreatePodIdentityAssociationCommand).callsFake((input) => ({ association: wire(input.roleArn) }));
  eksMock.on(UpdatePodIdentityAssociationCommand).callsFake((input) => ({ association: wire(input.roleArn) }));
  const deps = { ...ports, kube: noKube, reporter: recordingReporter(), now: () => new Date('2026-11-26T12:00:00Z'), clusterName: 'prod' };
  return { deps, account };
}

describe('associate against moto (IAM) + mocked EKS', () => {
  it('--create-role creates the role with the scoped trust and tags, then the association with a request token', async () => {
    const { deps, account } = await setup();
    const result = await associate({ namespace: 'apps', serviceAccount: 'api', createRole: true, rolePath: '/pod-identity/', tags: { team: 'a' }, approve: true }, deps);
    expect(result.status).toBe('applied');
    // moto has no SimulatePrincipalPolicy: PassRole is undetermined, a warning only.
    expect(result.checks.find((c) => c.id === 'role.passrole')?.status).toBe('warn');
    const role = await deps.iam.getRole('podid-prod-apps-api');
    expect(role.arn).toBe(`arn:aws:iam::${account}:role/pod-identity/podid-prod-apps-api`);
    expect(role.tags).toEqual({ team: 'a', 'podid:managed-by': 'podid' });
    const cluster = await deps.eks.describeCluster('prod');
    expect(evaluateFirstHop(role, cluster, eksSessionTags(cluster, 'apps', 'api')).allowed).toBe(true);
    expect(evaluateFirstHop(role, cluster, eksSessionTags(cluster, 'apps', 'other')).allowed).toBe(false);
    const calls = eksMock.commandCalls(CreatePodIdentityAssociationCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toMatchObject({ clusterName: 'prod', namespace: 'apps', serviceAccount: 'api', roleArn: role.arn, tags: { team: 'a', 'podid:managed-by': 'podid' }, clientRequestToken: expect.stringMatching(/^podid-[0-9a-f]{32}$/) });
  });

  it('--fix-trust merges the scoped statement into an existing role over the wire', async () => {
    const { deps, account } = await setup();
    await deps.iam.createRole({ name: 'legacy', trustPolicy: scopedTrust('apps', 'api', ['sts:AssumeRole']) as never });
    const roleArn = `arn:aws:iam::${account}:role/legacy`;
    const blocked = await associate({ namespace: 'apps', serviceAccount: 'api', roleArn, approve: true }, deps);
    expect(blocked.status).toBe('blocked');
    expect(eksMock.commandCalls(CreatePodIdentityAssociationCommand)).toHaveLength(0);
    const fixed = await associate({ namespace: 'apps', serviceAccount: 'api', roleArn, fixTrust: true, approve: true }, deps);
    expect(fixed.status).toBe('applied');
    const role = await deps.iam.getRole(roleArn);
    expect((role.trustPolicy.Statement as object[]).length).toBe(2);
    const cluster = await deps.eks.describeCluster('prod');
    expect(evaluateFirstHop(role, cluster, eksSessionTags(cluster, 'apps', 'api')).allowed).toBe(true);
  });

  it('a different existing association is updated (UpdatePodIdentityAssociation with only the changed field)', async () => {
    const { deps, account } = await setup({ roleArn: 'arn:aws:iam::111122223333:role/old' });
    const clusterArn = `arn:aws:eks:us-west-2:${account}:cluster/prod`;
    await deps.iam.createRole({ name: 'new', trustPolicy: trustPolicyFor([{ clusterArn, namespace: 'apps', serviceAccount: 'api' }]).policy });
    const result = await associate({ namespace: 'apps', serviceAccount: 'api', roleArn: `arn:aws:iam::${account}:role/new`, approve: true }, deps);
    expect(result.status).toBe('applied');
    const calls = eksMock.commandCalls(UpdatePodIdentityAssociationCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toMatchObject({ clusterName: 'prod', associationId: 'a-1', roleArn: `arn:aws:iam::${account}:role/new`, clientRequestToken: expect.stringMatching(/^podid-/) });
    expect(calls[0].args[0].input.disableSessionTags).toBeUndefined();
    expect(eksMock.commandCalls(CreatePodIdentityAssociationCommand)).toHaveLength(0);
  });
});
