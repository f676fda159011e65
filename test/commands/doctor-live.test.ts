import { CreateClusterCommand, CreateNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsPorts } from '../../src/adapters/aws/index.js';
import { liveKube } from '../../src/adapters/kube/live.js';
import { doctor } from '../../src/commands/doctor.js';
import { RemoteError } from '../../src/core/errors.js';
import type { Addon, Association } from '../../src/core/model.js';
import type { EksPort } from '../../src/core/ports.js';
import { recordingReporter } from '../helpers/fake-deps.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeJson } from '../helpers/fake-kube-api.js';
import { startMoto, type Moto } from '../helpers/moto.js';

// doctor over the live-shaped backend: IAM and the EKS cluster on moto (real SDK wire traffic),
// Kubernetes on the fake HTTPS API through @kubernetes/client-node, and a stub for what moto lacks
// (Pod Identity associations and add-ons) wrapped around the real EKS port.

let moto: Moto;
let kubeApi: FakeKubeApi | undefined;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await kubeApi?.stop();
  await moto?.stop();
});

const TS = '2026-11-20T10:00:00Z';
const POD_ENV = [
  { name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: 'http://169.254.170.23/v1/credentials' },
  { name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', value: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token' },
];

function pod(name: string, injected: boolean, nodeName = 'node-1'): KubeJson {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'app', uid: `uid-${name}`, creationTimestamp: '2026-11-21T10:00:00Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f7c9b4', uid: 'rs', controller: true }] },
    spec: {
      serviceAccountName: 'web', nodeName,
      containers: [{ name: 'app', image: 'app:1', env: injected ? POD_ENV : [], volumeMounts: injected ? [{ name: 'eks-pod-identity-token', mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount' }] : [] }],
      volumes: injected ? [{ name: 'eks-pod-identity-token', projected: { sources: [{ serviceAccountToken: { audience: 'pods.eks.amazonaws.com', expirationSeconds: 86400, path: 'eks-pod-identity-token' } }] } }] : [],
    },
    status: { phase: 'Running' },
  };
}

const objects = (injected: boolean): KubeJson[] => [
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'kubernetes.io/os': 'linux' } } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'app' } },
  pod('web-5d8f7c9b4-abcde', injected),
  { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'eks-pod-identity-agent', namespace: 'kube-system' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } }, status: { desiredNumberScheduled: 1, numberReady: 1, numberAvailable: 1 } },
  { ...pod('eks-pod-identity-agent-x1', false), metadata: { name: 'eks-pod-identity-agent-x1', namespace: 'kube-system', uid: 'agent', creationTimestamp: TS, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'eks-pod-identity-agent', uid: 'ds', controller: true }] }, spec: { serviceAccountName: 'eks-pod-identity-agent', nodeName: 'node-1', hostNetwork: true, containers: [{ name: 'a', image: 'a' }] } },
];

/** The real EKS port (moto) for clusters; associations and add-ons from a stub. */
function withStubs(real: EksPort, associations: Association[], addon: Addon): EksPort {
  const notFound = () => new RemoteError('not found', { kind: 'not-found', service: 'eks', operation: 'DescribeAddon' });
  return {
    ...real,
    describeCluster: (name) => real.describeCluster(name),
    listClusters: () => real.listClusters(),
    listAssociations: async () => associations.map((a) => ({ associationId: a.associationId, associationArn: a.associationArn, clusterName: a.clusterName, namespace: a.namespace, serviceAccount: a.serviceAccount })),
    describeAssociation: async (_c, id) => associations.find((a) => a.associationId === id)!,
    describeAddon: async (_c, name) => {
      if (name !== addon.name) throw notFound();
      return addon;
    },
  };
}

async function liveWorld(injected: boolean) {
  const env = await moto.accountEnv();
  const aws = awsPorts({ env, reporter: recordingReporter() });
  const { account } = await aws.sts.getCallerIdentity();
  const client = new EKSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN } });
  await client.send(new CreateClusterCommand({ name: 'live', roleArn: `arn:aws:iam::${account}:role/eks`, resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
  const cluster = await aws.eks.describeCluster('live');
  // Two managed node groups on moto (ListNodegroups + DescribeNodegroup over the wire): one node
  // role may call EKS Auth, the other lacks the permission.
  const ec2Trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const nodes = await aws.iam.createRole({ name: 'live-nodes', trustPolicy: ec2Trust });
  await aws.iam.putRolePolicy('live-nodes', 'eks-auth', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'eks-auth:AssumeRoleForPodIdentity', Resource: '*' }] });
  const gpuNodes = await aws.iam.createRole({ name: 'live-gpu-nodes', trustPolicy: ec2Trust });
  for (const [nodegroupName, nodeRole] of [['general', nodes.arn], ['gpu', gpuNodes.arn]]) {
    await client.send(new CreateNodegroupCommand({ clusterName: 'live', nodegroupName, nodeRole, subnets: ['subnet-1'] }));
  }
  const role = await aws.iam.createRole({
    name: 'web', path: '/teams/app/',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': account, 'aws:RequestTag/eks-cluster-arn': cluster.arn, 'aws:RequestTag/kubernetes-namespace': 'app', 'aws:RequestTag/kubernetes-service-account': 'web' } } }],
    },
  });
  const association: Association = {
    associationId: 'a-live1', associationArn: `arn:aws:eks:us-east-1:${account}:podidentityassociation/live/a-live1`, clusterName: 'live', namespace: 'app', serviceAccount: 'web', roleArn: role.arn,
    disableSessionTags: false, tags: {}, createdAt: TS, modifiedAt: TS,
  };
  await kubeApi?.stop();
  kubeApi = await startFakeKubeApi(objects(injected));
  const kube = await liveKube({ kubeconfig: kubeApi.kubeconfigPath, env: {} });
  const eks = withStubs(aws.eks, [association], { name: 'eks-pod-identity-agent', version: 'v1.3.4-eksbuild.1', status: 'ACTIVE', podIdentityAssociations: [] });
  const reporter = recordingReporter();
  return { deps: { eks, iam: aws.iam, kube, reporter, now: () => new Date('2026-11-26T12:00:00Z'), clusterName: 'live', backend: 'aws' as const }, role, nodeRoles: [nodes.arn, gpuNodes.arn] };
}

describe('doctor against a live-shaped backend (moto + fake Kubernetes API)', () => {
  it('a healthy association passes: trust read from IAM over the wire, pod read from the API server', async () => {
    const { deps, role, nodeRoles } = await liveWorld(true);
    const result = await doctor({ checks: ['cluster', 'agent.addon', 'agent.daemonset', 'association', 'pod'] }, deps);
    const byId = Object.fromEntries(result.checks.map((c) => [`${c.id} ${c.subject}`, c.status]));
    expect(byId).toMatchObject({
      'agent.addon cluster live': 'ok',
      'agent.daemonset daemonset kube-system/eks-pod-identity-agent': 'ok',
      'association.role association app/web': 'ok',
      'association.trust association app/web': 'ok',
      'pod.injection pod app/web-5d8f7c9b4-abcde': 'ok',
      'pod.exchange pod app/web-5d8f7c9b4-abcde': 'ok',
    });
    expect(result.passed).toBe(true);
    expect(result.checks.find((c) => c.id === 'association.role')?.detail).toContain(role.arn);
    const node = await doctor({ checks: ['agent.node-role'] }, deps);
    expect(node.checks.map((c) => `${c.status} ${c.subject}`).sort()).toEqual([`fail node role ${nodeRoles[1]}`, `ok node role ${nodeRoles[0]}`]);
  });

  it('a pod admitted without injection fails with the rollout restart of its Deployment', async () => {
    const { deps } = await liveWorld(false);
    const result = await doctor({ pod: 'app/web-5d8f7c9b4-abcde', checks: ['association', 'pod'] }, deps);
    const failed = result.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual(['pod.injection']);
    expect(failed[0].fix).toMatch(/kubectl -n app rollout restart deployment\/web/);
  });

  it('an unknown cluster is a clear user error', async () => {
    const { deps } = await liveWorld(true);
    await expect(doctor({}, { ...deps, clusterName: 'nope' })).rejects.toThrow(/cluster nope not found/);
  });
});
