import { describe, expect, it } from 'vitest';
import {
  describeValueFrom,
  timestamp,
  toDaemonSet,
  toNode,
  toPod,
  toServiceAccount,
  toWorkload,
  type KubeEnvVar,
  type KubeNode,
  type KubePod,
} from '../../../src/adapters/kube/convert.js';

describe('toServiceAccount', () => {
  it.each([
    {
      name: 'full object',
      input: {
        metadata: {
          name: 'orders',
          namespace: 'apps',
          uid: 'u-1',
          annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/r' },
          labels: { app: 'orders' },
          creationTimestamp: '2026-10-02T09:15:31Z',
        },
      },
      expected: {
        namespace: 'apps',
        name: 'orders',
        uid: 'u-1',
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/r' },
        labels: { app: 'orders' },
        creationTimestamp: '2026-10-02T09:15:31.000Z',
      },
    },
    {
      name: 'no namespace, no annotations (manifest)',
      input: { metadata: { name: 'sa' } },
      expected: { namespace: 'default', name: 'sa', uid: '', annotations: {}, creationTimestamp: '' },
    },
    {
      name: 'client-node Date timestamp',
      input: { metadata: { name: 'sa', namespace: 'x', uid: 'u', creationTimestamp: new Date('2026-01-02T03:04:05Z') } },
      expected: { namespace: 'x', name: 'sa', uid: 'u', annotations: {}, creationTimestamp: '2026-01-02T03:04:05.000Z' },
    },
  ])('$name', ({ input, expected }) => {
    expect(toServiceAccount(input)).toEqual(expected);
  });
});

describe('describeValueFrom', () => {
  it.each<[KubeEnvVar['valueFrom'], string | undefined]>([
    [{ secretKeyRef: { name: 'db', key: 'password' } }, 'secretKeyRef:db/password'],
    [{ configMapKeyRef: { name: 'cfg', key: 'level' } }, 'configMapKeyRef:cfg/level'],
    [{ fieldRef: { fieldPath: 'metadata.name' } }, 'fieldRef:metadata.name'],
    [{ resourceFieldRef: { resource: 'limits.cpu' } }, 'resourceFieldRef:limits.cpu'],
    [{ resourceFieldRef: { containerName: 'app', resource: 'limits.memory' } }, 'resourceFieldRef:app/limits.memory'],
    [{ fileKeyRef: { volumeName: 'v', path: 'p', key: 'k' } } as never, 'fileKeyRef'],
    [undefined, undefined],
  ])('%j → %s', (input, expected) => {
    expect(describeValueFrom(input)).toBe(expected);
  });
});

describe('timestamp', () => {
  it.each<[string | Date | undefined, string]>([
    ['2026-10-02T09:15:31Z', '2026-10-02T09:15:31.000Z'],
    [new Date('2026-10-02T09:15:31Z'), '2026-10-02T09:15:31.000Z'],
    [undefined, ''],
    ['', ''],
    ['not a date', 'not a date'],
  ])('%s → %s', (input, expected) => expect(timestamp(input)).toBe(expected));
});

const podIdentityPod: KubePod = {
  metadata: {
    name: 'orders-6d9f7c8b5d-x7k2p',
    namespace: 'apps',
    uid: 'pod-uid',
    labels: { app: 'orders', 'eks.amazonaws.com/pod-identity': 'enabled' },
    creationTimestamp: '2026-10-02T09:20:44Z',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'orders-6d9f7c8b5d', uid: 'rs-uid', controller: true }],
  },
  spec: {
    serviceAccountName: 'orders',
    nodeName: 'ip-1',
    containers: [
      {
        name: 'orders',
        image: 'orders:1',
        env: [
          { name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: 'http://169.254.170.23/v1/credentials' },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } } },
        ],
        volumeMounts: [{ name: 'eks-pod-identity-token', mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount' }],
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox' }],
    volumes: [
      { name: 'eks-pod-identity-token', projected: { sources: [{ serviceAccountToken: { audience: 'pods.eks.amazonaws.com', expirationSeconds: 79200, path: 'eks-pod-identity-token' } }] } },
      { name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, {}] } },
      { name: 'data' },
    ],
  },
  status: { phase: 'Running' },
};

describe('toPod', () => {
  it.each<{ name: string; input: KubePod; check: Partial<ReturnType<typeof toPod>> }>([
    {
      name: 'Pod Identity pod: env, mounts, projected tokens, owners',
      input: podIdentityPod,
      check: {
        namespace: 'apps',
        name: 'orders-6d9f7c8b5d-x7k2p',
        uid: 'pod-uid',
        serviceAccountName: 'orders',
        nodeName: 'ip-1',
        hostNetwork: false,
        phase: 'Running',
        containers: [
          {
            name: 'orders',
            image: 'orders:1',
            env: [
              { name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: 'http://169.254.170.23/v1/credentials' },
              { name: 'DB_PASSWORD', valueFrom: 'secretKeyRef:orders-db/password' },
            ],
            volumeMounts: [{ name: 'eks-pod-identity-token', mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount' }],
          },
        ],
        initContainers: [{ name: 'init', image: 'busybox', env: [], volumeMounts: [] }],
        projectedTokens: [
          { volume: 'eks-pod-identity-token', audience: 'pods.eks.amazonaws.com', expirationSeconds: 79200, path: 'eks-pod-identity-token' },
          { volume: 'kube-api-access', expirationSeconds: 3607, path: 'token' },
        ],
        ownerReferences: [{ kind: 'ReplicaSet', name: 'orders-6d9f7c8b5d', uid: 'rs-uid', controller: true }],
        labels: { app: 'orders', 'eks.amazonaws.com/pod-identity': 'enabled' },
        creationTimestamp: '2026-10-02T09:20:44.000Z',
      },
    },
    {
      name: 'bare manifest pod: defaults',
      input: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      check: { namespace: 'default', serviceAccountName: 'default', hostNetwork: false, phase: 'Unknown', projectedTokens: [], ownerReferences: [], labels: {}, creationTimestamp: '' },
    },
    {
      name: 'hostNetwork, deprecated serviceAccount field',
      input: { metadata: { name: 'agent', namespace: 'kube-system' }, spec: { hostNetwork: true, serviceAccount: 'eks-pod-identity-agent' }, status: { phase: 'Pending' } },
      check: { hostNetwork: true, serviceAccountName: 'eks-pod-identity-agent', phase: 'Pending', containers: [] },
    },
  ])('$name', ({ input, check }) => {
    expect(toPod(input)).toMatchObject(check);
  });

  it('never carries a secret value and omits nodeName when unscheduled', () => {
    const pod = toPod({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', env: [{ name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } });
    expect(pod.containers[0].env[0]).toEqual({ name: 'S', valueFrom: 'secretKeyRef:s/k' });
    expect('nodeName' in pod).toBe(false);
  });
});

describe('toNode', () => {
  it.each<[string, KubeNode, { os: string; computeType: string }]>([
    ['managed node group', { metadata: { name: 'n', labels: { 'kubernetes.io/os': 'linux', 'eks.amazonaws.com/nodegroup': 'ng' } } }, { os: 'linux', computeType: 'ec2' }],
    ['Fargate', { metadata: { name: 'n', labels: { 'eks.amazonaws.com/compute-type': 'fargate' } } }, { os: 'linux', computeType: 'fargate' }],
    ['hybrid', { metadata: { name: 'n', labels: { 'eks.amazonaws.com/compute-type': 'hybrid' } } }, { os: 'linux', computeType: 'hybrid' }],
    ['Auto Mode', { metadata: { name: 'n', labels: { 'eks.amazonaws.com/compute-type': 'auto' } } }, { os: 'linux', computeType: 'auto' }],
    ['Windows by label', { metadata: { name: 'n', labels: { 'kubernetes.io/os': 'windows' } } }, { os: 'windows', computeType: 'ec2' }],
    ['Windows by nodeInfo', { metadata: { name: 'n' }, status: { nodeInfo: { operatingSystem: 'windows' } } }, { os: 'windows', computeType: 'ec2' }],
    ['nothing known', { metadata: { name: 'n' } }, { os: 'linux', computeType: 'ec2' }],
  ])('%s', (_name, input, expected) => {
    expect(toNode(input)).toMatchObject({ name: 'n', ...expected });
  });
});

describe('toDaemonSet and toWorkload', () => {
  it('reads DaemonSet status and node selector', () => {
    const ds = toDaemonSet({
      metadata: { name: 'eks-pod-identity-agent', namespace: 'kube-system' },
      spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
      status: { desiredNumberScheduled: 3, numberReady: 2, numberAvailable: 1 },
    });
    expect(ds).toEqual({ namespace: 'kube-system', name: 'eks-pod-identity-agent', desired: 3, ready: 2, available: 1, nodeSelector: { 'kubernetes.io/os': 'linux' } });
    expect(toDaemonSet({ metadata: { name: 'x' } })).toEqual({ namespace: 'default', name: 'x', desired: 0, ready: 0, available: 0, nodeSelector: {} });
  });

  it.each(['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'])('%s keeps its owner chain', (kind) => {
    const w = toWorkload({ kind, metadata: { name: 'w', namespace: 'apps', uid: 'w-uid', ownerReferences: [{ kind: 'Owner', name: 'o', controller: true }] } });
    expect(w).toEqual({ kind, namespace: 'apps', name: 'w', uid: 'w-uid', ownerReferences: [{ kind: 'Owner', name: 'o', controller: true }] });
  });

  it('takes the kind from the caller for list items that have none', () => {
    expect(toWorkload({ metadata: { name: 'j' } }, 'Job')).toEqual({ kind: 'Job', namespace: 'default', name: 'j', ownerReferences: [] });
  });
});
