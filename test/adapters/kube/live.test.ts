import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liveKube } from '../../../src/adapters/kube/live.js';
import { RemoteError, UserError } from '../../../src/core/errors.js';
import { startFakeKubeApi, type FakeKubeApi, type FakeKubeOptions, type KubeJson } from '../../helpers/fake-kube-api.js';

const NOW = new Date('2026-11-26T12:00:00.123Z');
const sa = (namespace: string, name: string, annotations?: Record<string, string>): KubeJson => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
});
const workload = (apiVersion: string, kind: string, namespace: string, name: string, extra: KubeJson = {}): KubeJson => ({
  apiVersion,
  kind,
  metadata: { name, namespace, uid: `${kind}-${name}-uid`, ...(extra.metadata ?? {}) },
  spec: extra.spec ?? { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  ...(extra.status ? { status: extra.status } : {}),
});

let api: FakeKubeApi | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});
async function start(objects: KubeJson[], options?: FakeKubeOptions) {
  api = await startFakeKubeApi(objects, options);
  return api;
}

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Error,
  );
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('liveKube reads', () => {
  it('lists service accounts across pages with limit/continue and sends the bearer token', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const fake = await start(names.map((n, i) => sa(i % 2 ? 'apps' : 'kube-system', n, { i: String(i) })));
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {}, pageSize: 3 });
    const all = await kube.listServiceAccounts();
    expect(all.map((s) => `${s.namespace}/${s.name}`)).toEqual(['apps/b', 'apps/d', 'apps/f', 'kube-system/a', 'kube-system/c', 'kube-system/e', 'kube-system/g']);
    expect(all[0]).toMatchObject({ annotations: { i: '1' }, uid: expect.any(String), creationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const pages = fake.requests.map((r) => [r.path, r.query.limit, Boolean(r.query.continue)]);
    expect(pages).toEqual([
      ['/api/v1/serviceaccounts', '3', false],
      ['/api/v1/serviceaccounts', '3', true],
      ['/api/v1/serviceaccounts', '3', true],
    ]);
    expect(fake.requests.every((r) => r.headers.authorization === 'Bearer test-token-123')).toBe(true);

    expect((await kube.listServiceAccounts('apps')).map((s) => s.name)).toEqual(['b', 'd', 'f']);
    expect(fake.requests.at(-1)?.path).toBe('/api/v1/namespaces/apps/serviceaccounts');
    expect(await kube.getServiceAccount('apps', 'b')).toMatchObject({ name: 'b', annotations: { i: '1' } });
    expect(await kube.getServiceAccount('apps', 'zzz')).toBeUndefined();
  });

  it('uses pages of 500 by default', async () => {
    const fake = await start([{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'eks.amazonaws.com/compute-type': 'fargate' } } }]);
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {} });
    expect(await kube.listNodes()).toEqual([{ name: 'n1', os: 'linux', computeType: 'fargate', labels: { 'eks.amazonaws.com/compute-type': 'fargate' } }]);
    expect(fake.requests[0]).toMatchObject({ path: '/api/v1/nodes', query: { limit: '500' } });
  });

  it('lists pods with env, tokens and owners, never reading secrets', async () => {
    const pod: KubeJson = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'apps', uid: 'pod-1', labels: { app: 'web' }, creationTimestamp: '2026-10-01T00:00:00Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d9f', uid: 'rs-1', controller: true }] },
      spec: {
        serviceAccountName: 'web',
        nodeName: 'node-1',
        containers: [{ name: 'web', image: 'web:1', env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }], volumeMounts: [{ name: 'eks-pod-identity-token', mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount', readOnly: true }] }],
        volumes: [{ name: 'eks-pod-identity-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'pods.eks.amazonaws.com', expirationSeconds: 86400, path: 'eks-pod-identity-token' } }] } }],
      },
      status: { phase: 'Running' },
    };
    const fake = await start([pod, { ...pod, metadata: { ...pod.metadata, name: 'other', namespace: 'kube-system', uid: 'pod-2' } }]);
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {} });
    const pods = await kube.listPods('apps');
    expect(pods).toEqual([
      {
        namespace: 'apps',
        name: 'web-1',
        uid: 'pod-1',
        serviceAccountName: 'web',
        nodeName: 'node-1',
        hostNetwork: false,
        phase: 'Running',
        containers: [{ name: 'web', image: 'web:1', env: [{ name: 'PASSWORD', valueFrom: 'secretKeyRef:db/password' }], volumeMounts: [{ name: 'eks-pod-identity-token', mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount' }] }],
        initContainers: [],
        projectedTokens: [{ volume: 'eks-pod-identity-token', audience: 'pods.eks.amazonaws.com', expirationSeconds: 86400, path: 'eks-pod-identity-token' }],
        ownerReferences: [{ kind: 'ReplicaSet', name: 'web-6d9f', uid: 'rs-1', controller: true }],
        labels: { app: 'web' },
        creationTimestamp: '2026-10-01T00:00:00.000Z',
      },
    ]);
    expect(await kube.listPods()).toHaveLength(2);
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v1/namespaces/apps/pods', '/api/v1/pods']);
    expect(fake.requests.some((r) => r.path.includes('secrets'))).toBe(false);
  });

  it('lists DaemonSets and all workload kinds with their owner chains', async () => {
    const fake = await start([
      workload('apps/v1', 'DaemonSet', 'kube-system', 'eks-pod-identity-agent', {
        spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [] } } },
        status: { desiredNumberScheduled: 3, numberReady: 2, numberAvailable: 1 },
      }),
      workload('apps/v1', 'Deployment', 'apps', 'web'),
      workload('apps/v1', 'ReplicaSet', 'apps', 'web-6d9f', { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'Deployment-web-uid', controller: true }] } }),
      workload('apps/v1', 'StatefulSet', 'apps', 'db'),
      workload('batch/v1', 'CronJob', 'apps', 'nightly', { spec: { schedule: '0 0 * * *', jobTemplate: { spec: {} } } }),
      workload('batch/v1', 'Job', 'apps', 'nightly-2931', { metadata: { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'CronJob-nightly-uid', controller: true }] }, spec: {} }),
    ]);
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {} });
    expect(await kube.listDaemonSets()).toEqual([{ namespace: 'kube-system', name: 'eks-pod-identity-agent', desired: 3, ready: 2, available: 1, nodeSelector: { 'kubernetes.io/os': 'linux' } }]);
    const workloads = await kube.listWorkloads('apps');
    expect(workloads).toEqual([
      { kind: 'ReplicaSet', namespace: 'apps', name: 'web-6d9f', uid: 'ReplicaSet-web-6d9f-uid', ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'Deployment-web-uid', controller: true }] },
      { kind: 'Deployment', namespace: 'apps', name: 'web', uid: 'Deployment-web-uid', ownerReferences: [] },
      { kind: 'StatefulSet', namespace: 'apps', name: 'db', uid: 'StatefulSet-db-uid', ownerReferences: [] },
      { kind: 'Job', namespace: 'apps', name: 'nightly-2931', uid: 'Job-nightly-2931-uid', ownerReferences: [{ kind: 'CronJob', name: 'nightly', uid: 'CronJob-nightly-uid', controller: true }] },
      { kind: 'CronJob', namespace: 'apps', name: 'nightly', uid: 'CronJob-nightly-uid', ownerReferences: [] },
    ]);
    expect((await kube.listWorkloads()).map((w) => w.kind)).toContain('DaemonSet');
    expect(new Set(fake.requests.map((r) => r.path))).toEqual(
      new Set([
        '/apis/apps/v1/daemonsets',
        '/apis/apps/v1/namespaces/apps/replicasets',
        '/apis/apps/v1/namespaces/apps/deployments',
        '/apis/apps/v1/namespaces/apps/statefulsets',
        '/apis/apps/v1/namespaces/apps/daemonsets',
        '/apis/batch/v1/namespaces/apps/jobs',
        '/apis/batch/v1/namespaces/apps/cronjobs',
        '/apis/apps/v1/replicasets',
        '/apis/apps/v1/deployments',
        '/apis/apps/v1/statefulsets',
        '/apis/batch/v1/jobs',
        '/apis/batch/v1/cronjobs',
      ]),
    );
  });
});

describe('liveKube writes', () => {
  it('annotates with a JSON merge patch; null removes a key', async () => {
    const fake = await start([sa('apps', 'web', { keep: 'yes', 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/old' })]);
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {} });
    const updated = await kube.annotateServiceAccount('apps', 'web', { 'eks.amazonaws.com/role-arn': null, 'podid.dev/migrated': 'true' });
    expect(updated.annotations).toEqual({ keep: 'yes', 'podid.dev/migrated': 'true' });
    const [patch] = fake.requests;
    expect(patch).toMatchObject({
      method: 'PATCH',
      path: '/api/v1/namespaces/apps/serviceaccounts/web',
      status: 200,
      body: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': null, 'podid.dev/migrated': 'true' } } },
    });
    expect(patch.headers['content-type']).toBe('application/merge-patch+json');
    expect(fake.objects[0].metadata.annotations).toEqual({ keep: 'yes', 'podid.dev/migrated': 'true' });
  });

  it('creates a service account, and maps 409 to conflict', async () => {
    const fake = await start([sa('apps', 'taken')]);
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {} });
    const created = await kube.createServiceAccount('apps', 'worker', { 'eks.amazonaws.com/token-expiration': '86400' });
    expect(created).toMatchObject({ namespace: 'apps', name: 'worker', uid: expect.any(String), annotations: { 'eks.amazonaws.com/token-expiration': '86400' } });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/apps/serviceaccounts', status: 201, body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'worker', namespace: 'apps' } } });
    expect(fake.objects.map((o) => o.metadata.name)).toEqual(['taken', 'worker']);

    const error = await failure(kube.createServiceAccount('apps', 'taken'));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ kind: 'conflict', httpStatus: 409, code: 'AlreadyExists', operation: 'CreateServiceAccount', service: 'kubernetes', message: 'serviceaccounts "taken" already exists' });
  });

  it.each([
    ['Deployment', 'apps/v1', '/apis/apps/v1/namespaces/apps/deployments/web'],
    ['StatefulSet', 'apps/v1', '/apis/apps/v1/namespaces/apps/statefulsets/web'],
    ['DaemonSet', 'apps/v1', '/apis/apps/v1/namespaces/apps/daemonsets/web'],
  ])('restarts a %s like kubectl rollout restart', async (kind, apiVersion, path) => {
    const fake = await start([workload(apiVersion, kind, 'apps', 'web', { spec: { template: { metadata: { annotations: { existing: 'kept' } }, spec: { containers: [] } } } })]);
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {}, now: () => NOW });
    await kube.restartWorkload(kind, 'apps', 'web');
    expect(fake.requests[0]).toMatchObject({ method: 'PATCH', path, status: 200, headers: { 'content-type': 'application/merge-patch+json' } });
    expect(fake.objects[0].spec.template.metadata.annotations).toEqual({ existing: 'kept', 'kubectl.kubernetes.io/restartedAt': '2026-11-26T12:00:00Z' });
    expect(fake.objects[0].metadata.generation).toBe(2);
  });

  it('refuses to restart other kinds and maps a missing workload to not-found', async () => {
    const fake = await start([]);
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {} });
    const refused = await failure(kube.restartWorkload('Job', 'apps', 'x'));
    expect(refused).toBeInstanceOf(UserError);
    expect(refused.message).toBe('cannot restart a Job: only Deployments, StatefulSets and DaemonSets can be restarted');
    expect(await failure(kube.restartWorkload('Deployment', 'apps', 'gone'))).toMatchObject({ kind: 'not-found', httpStatus: 404, message: 'deployments.apps "gone" not found' });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('liveKube errors', () => {
  it('maps 404, 403, 429 and 401 to RemoteError kinds with the Status message', async () => {
    const fake = await start([sa('apps', 'a')], { reject: (call) => (call.resource === 'pods' ? 403 : call.resource === 'nodes' ? 429 : undefined) });
    const kube = await liveKube({ kubeconfig: fake.kubeconfigPath, env: {} });
    expect(await failure(kube.annotateServiceAccount('apps', 'missing', { a: 'b' }))).toMatchObject({
      name: 'RemoteError',
      kind: 'not-found',
      httpStatus: 404,
      code: 'NotFound',
      operation: 'PatchServiceAccount',
      message: 'serviceaccounts "missing" not found',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const forbidden = (await failure(kube.listPods('apps'))) as RemoteError;
    expect(forbidden).toMatchObject({ kind: 'access-denied', httpStatus: 403, code: 'Forbidden', operation: 'ListPods' });
    expect(forbidden.message).toBe('pods is forbidden: User "fake-user" cannot list resource "pods" in API group "" in the namespace "apps"');
    expect(forbidden.hint).toMatch(/RBAC/);
    expect(await failure(kube.listNodes())).toMatchObject({ kind: 'throttled', httpStatus: 429, code: 'TooManyRequests' });

    const badToken = await fake.writeKubeconfig({ users: [{ name: 'fake-user', user: { token: 'wrong' } }] });
    const unauthorized = await liveKube({ kubeconfig: badToken, env: {} });
    expect(await failure(unauthorized.listServiceAccounts())).toMatchObject({ kind: 'access-denied', httpStatus: 401 });
  });

  it('maps connection refused to unavailable with the server URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podid-kube-dead-'));
    const server = `https://127.0.0.1:${await deadPort()}`;
    const file = join(dir, 'config');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster: { server } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }));
    const kube = await liveKube({ kubeconfig: file, env: {} });
    const error = await failure(kube.listServiceAccounts());
    expect(error).toMatchObject({ kind: 'unavailable', operation: 'ListServiceAccounts', code: 'ECONNREFUSED' });
    expect(error.message).toBe(`cannot reach the Kubernetes API server at ${server}: ECONNREFUSED`);
  });
});

describe('liveKube kubeconfig', () => {
  async function twoContexts(fake: FakeKubeApi) {
    const dead = `https://127.0.0.1:${await deadPort()}`;
    return fake.writeKubeconfig({
      clusters: [
        { name: 'fake', cluster: fake.cluster },
        { name: 'dead', cluster: { server: dead, 'certificate-authority-data': fake.cluster['certificate-authority-data'] } },
      ],
      contexts: [
        { name: 'staging', context: { cluster: 'dead', user: 'fake-user' } },
        { name: 'prod', context: { cluster: 'fake', user: 'fake-user' } },
      ],
      'current-context': 'staging',
    });
  }

  it('selects --context, and names the contexts when it does not exist', async () => {
    const fake = await start([sa('apps', 'a')]);
    const file = await twoContexts(fake);
    const prod = await liveKube({ kubeconfig: file, context: 'prod', env: {} });
    expect(await prod.listServiceAccounts()).toHaveLength(1);
    const current = await liveKube({ kubeconfig: file, env: {} });
    expect(await failure(current.listServiceAccounts())).toMatchObject({ kind: 'unavailable' });

    const error = await failure(liveKube({ kubeconfig: file, context: 'dev', env: {} }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe('context "dev" not found in the kubeconfig (contexts: staging, prod)');
  });

  it('ties the context to the EKS cluster: the one whose server is the cluster endpoint, never another', async () => {
    const fake = await start([sa('apps', 'a')]);
    const file = await twoContexts(fake); // current context "staging" points elsewhere
    const prod = { name: 'prod', arn: 'arn:aws:eks:us-west-2:111122223333:cluster/prod', region: 'us-west-2', endpoint: fake.cluster.server };
    const chosen = await liveKube({ kubeconfig: file, env: {}, cluster: prod });
    expect(await chosen.listServiceAccounts()).toHaveLength(1); // switched to "prod", the only match

    const other = { ...prod, name: 'other', endpoint: 'https://ABCDEF.gr7.us-west-2.eks.amazonaws.com' };
    const error = await failure(liveKube({ kubeconfig: file, env: {}, cluster: other }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^kubeconfig context "staging" points to https:\/\/127\.0\.0\.1:\d+, not to EKS cluster other/);
    expect((error as UserError).hint).toContain('aws eks update-kubeconfig --name other --region us-west-2');

    const warnings: string[] = [];
    await liveKube({ kubeconfig: file, context: 'staging', env: {}, cluster: prod, warn: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/context "staging" points to .*; using it as --context asks/);
  });

  it('accepts a context named after the cluster ARN (aws eks update-kubeconfig) whatever its server', async () => {
    const fake = await start([sa('apps', 'a')]);
    const arn = 'arn:aws:eks:us-west-2:111122223333:cluster/prod';
    const file = await fake.writeKubeconfig({ contexts: [{ name: arn, context: { cluster: 'fake', user: 'fake-user' } }], 'current-context': arn });
    const kube = await liveKube({ kubeconfig: file, env: {}, cluster: { name: 'prod', arn, endpoint: 'https://private.example' } });
    expect(await kube.listServiceAccounts()).toHaveLength(1);
  });

  it('reads KUBECONFIG (a path list; missing files skipped), then ~/.kube/config', async () => {
    const fake = await start([sa('apps', 'a')]);
    const missing = join(tmpdir(), 'podid-no-such-kubeconfig');
    const fromEnv = await liveKube({ env: { KUBECONFIG: `${missing}:${fake.kubeconfigPath}`, HOME: '/nonexistent' } });
    expect(await fromEnv.listServiceAccounts()).toHaveLength(1);

    const noConfig = await failure(liveKube({ env: { HOME: mkdtempSync(join(tmpdir(), 'podid-home-')) } }));
    expect(noConfig).toBeInstanceOf(UserError);
    expect(noConfig.message).toBe('no kubeconfig found');
    expect(await failure(liveKube({ kubeconfig: missing, env: {} }))).toMatchObject({ name: 'UserError', message: `cannot load kubeconfig ${missing}: no such file` });
  });

  it('runs an EKS exec credential plugin (aws eks get-token) and sends its token', async () => {
    const fake = await start([sa('apps', 'a')], { tokens: ['k8s-aws-v1.exec-token'] });
    const dir = mkdtempSync(join(tmpdir(), 'podid-exec-'));
    const plugin = join(dir, 'aws');
    writeFileSync(
      plugin,
      `#!/bin/sh
# Stand-in for \`aws eks get-token\`: records how it was called, prints an ExecCredential.
echo "$* profile=$AWS_PROFILE" >> "${dir}/called"
cat <<'JSON'
{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2099-01-01T00:00:00Z","token":"k8s-aws-v1.exec-token"}}
JSON
`,
    );
    chmodSync(plugin, 0o755);
    const user = (command: string) => [
      {
        name: 'arn:aws:eks:us-west-2:111122223333:cluster/prod',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command,
            args: ['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'prod', '--output', 'json'],
            env: [{ name: 'AWS_PROFILE', value: 'prod-admin' }],
            interactiveMode: 'IfAvailable',
            provideClusterInfo: false,
          },
        },
      },
    ];
    const contexts = [{ name: 'arn:aws:eks:us-west-2:111122223333:cluster/prod', context: { cluster: 'fake', user: 'arn:aws:eks:us-west-2:111122223333:cluster/prod' } }];
    const file = await fake.writeKubeconfig({ users: user(plugin), contexts, 'current-context': contexts[0].name });
    const kube = await liveKube({ kubeconfig: file, env: {} });
    expect(await kube.listServiceAccounts()).toHaveLength(1);
    expect(fake.requests[0].headers.authorization).toBe('Bearer k8s-aws-v1.exec-token');
    expect(readFileSync(join(dir, 'called'), 'utf8').trim()).toBe('--region us-west-2 eks get-token --cluster-name prod --output json profile=prod-admin');
    // Six parallel lists, one plugin run: the credential is fetched once and cached until it expires.
    await kube.listWorkloads();
    expect(readFileSync(join(dir, 'called'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(fake.requests.every((r) => r.headers.authorization === 'Bearer k8s-aws-v1.exec-token')).toBe(true);

    const failing = join(dir, 'failing');
    writeFileSync(failing, '#!/bin/sh\necho "Unable to locate credentials. You can configure credentials by running \\"aws configure\\"." >&2\nexit 255\n');
    chmodSync(failing, 0o755);
    const broken = await liveKube({ kubeconfig: await fake.writeKubeconfig({ users: user(failing), contexts, 'current-context': contexts[0].name }), env: {} });
    const error = await failure(broken.listServiceAccounts());
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`the kubeconfig credential plugin "${failing}" failed: Unable to locate credentials. You can configure credentials by running "aws configure".`);
  });
});
