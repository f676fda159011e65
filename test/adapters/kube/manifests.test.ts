import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { manifestKube, parseManifests } from '../../../src/adapters/kube/manifests.js';
import { UserError } from '../../../src/core/errors.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/k8s/', import.meta.url));
const valid = (name: string) => join(FIXTURES, 'valid', name);
const invalid = (name: string) => join(FIXTURES, 'invalid', name);
const noStdin = () => Readable.from([]);

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('manifestKube inputs', () => {
  it('reads a `kubectl get sa,pods -A -o yaml` List', async () => {
    const kube = await manifestKube([valid('kubectl-get-sa-pods.yaml')], noStdin());
    expect((await kube.listServiceAccounts()).map((s) => `${s.namespace}/${s.name}`)).toEqual(['apps/default', 'apps/orders', 'apps/billing', 'kube-system/eks-pod-identity-agent']);
    expect((await kube.listServiceAccounts('kube-system')).map((s) => s.name)).toEqual(['eks-pod-identity-agent']);
    const pods = await kube.listPods('apps');
    expect(pods.map((p) => p.name)).toEqual(['orders-6d9f7c8b5d-x7k2p', 'billing-worker-29311200-mq4vd']);
    const [orders, billing] = pods;
    expect(orders.serviceAccountName).toBe('orders');
    expect(orders.containers[0].env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: 'secretKeyRef:orders-db/password' });
    expect(orders.containers[0].env).toContainEqual({ name: 'POD_NAME', valueFrom: 'fieldRef:metadata.name' });
    expect(orders.projectedTokens).toEqual([
      { volume: 'eks-pod-identity-token', audience: 'pods.eks.amazonaws.com', expirationSeconds: 79200, path: 'eks-pod-identity-token' },
      { volume: 'kube-api-access-8xq2m', expirationSeconds: 3607, path: 'token' },
    ]);
    expect(orders.ownerReferences).toEqual([{ kind: 'ReplicaSet', name: 'orders-6d9f7c8b5d', uid: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', controller: true }]);
    expect(billing).toMatchObject({ phase: 'Succeeded', nodeName: 'fargate-ip-192-168-101-5.us-west-2.compute.internal', initContainers: [{ name: 'wait-for-db' }] });
    expect(billing.containers[0].env).toContainEqual({ name: 'LOG_LEVEL', valueFrom: 'configMapKeyRef:billing-config/level' });
    const [agent] = await kube.listPods('kube-system');
    expect(agent).toMatchObject({ hostNetwork: true, phase: 'Running', creationTimestamp: '2026-09-01T08:02:10.000Z' });
    expect(await kube.getServiceAccount('apps', 'billing')).toMatchObject({ annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/billing-irsa' } });
    expect(await kube.getServiceAccount('apps', 'missing')).toBeUndefined();
  });

  it('reads `helm template` output: # Source comments, empty documents, unknown kinds, no namespace', async () => {
    const kube = await manifestKube([valid('helm-template.yaml')], noStdin());
    expect(await kube.listServiceAccounts()).toEqual([
      {
        namespace: 'default',
        name: 'orders-api',
        uid: '',
        creationTimestamp: '',
        labels: expect.objectContaining({ 'app.kubernetes.io/managed-by': 'Helm' }),
        annotations: {
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/orders-irsa',
          'eks.amazonaws.com/audience': 'sts.amazonaws.com',
          'eks.amazonaws.com/sts-regional-endpoints': 'true',
          'eks.amazonaws.com/token-expiration': '86400',
        },
      },
    ]);
    expect(await kube.listWorkloads()).toEqual([
      { kind: 'Deployment', namespace: 'shop', name: 'orders', ownerReferences: [] },
      { kind: 'CronJob', namespace: 'shop', name: 'orders-reconcile', ownerReferences: [] },
    ]);
    // Pod templates are not pods: manifests have no live pods.
    expect(await kube.listPods()).toEqual([]);
  });

  it('reads a JSON List of nodes, DaemonSets and controllers', async () => {
    const kube = await manifestKube([valid('kubectl-get-nodes-ds.json')], noStdin());
    expect((await kube.listNodes()).map((n) => [n.name, n.os, n.computeType])).toEqual([
      ['ip-192-168-12-34.us-west-2.compute.internal', 'linux', 'ec2'],
      ['fargate-ip-192-168-101-5.us-west-2.compute.internal', 'linux', 'fargate'],
      ['mi-0a1b2c3d4e5f60718', 'linux', 'hybrid'],
      ['i-0123456789abcdef0', 'linux', 'auto'],
      ['ip-192-168-40-9.us-west-2.compute.internal', 'windows', 'ec2'],
    ]);
    expect(await kube.listDaemonSets()).toEqual([
      { namespace: 'kube-system', name: 'eks-pod-identity-agent', desired: 3, ready: 2, available: 2, nodeSelector: { 'kubernetes.io/os': 'linux' } },
    ]);
    expect(await kube.listWorkloads('apps')).toEqual([
      {
        kind: 'ReplicaSet',
        namespace: 'apps',
        name: 'orders-6d9f7c8b5d',
        uid: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
        ownerReferences: [{ kind: 'Deployment', name: 'orders', uid: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', controller: true }],
      },
      { kind: 'Deployment', namespace: 'apps', name: 'orders', uid: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', ownerReferences: [] },
    ]);
    expect((await kube.listWorkloads('kube-system')).map((w) => w.kind)).toEqual(['DaemonSet']);
  });

  it('reads a typed *List whose items have no kind', async () => {
    const kube = await manifestKube([valid('raw-serviceaccountlist.json')], noStdin());
    expect((await kube.listServiceAccounts()).map((s) => s.name)).toEqual(['default', 'ebs-csi-controller-sa']);
  });

  it('reads a folder recursively (.yaml, .yml, .json only, sorted) and several paths', async () => {
    const kube = await manifestKube([join(FIXTURES, 'valid')], noStdin());
    expect(await kube.listServiceAccounts()).toHaveLength(7);
    expect(await kube.listNodes()).toHaveLength(5);

    const dir = mkdtempSync(join(tmpdir(), 'podid-manifests-'));
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'b.yml'), 'kind: ServiceAccount\napiVersion: v1\nmetadata: {name: b}\n');
    writeFileSync(join(dir, 'nested', 'deeper', 'a.json'), '{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"a","namespace":"x"}}');
    writeFileSync(join(dir, 'notes.txt'), 'not: [yaml');
    writeFileSync(join(dir, 'values.yaml'), 'replicaCount: 2\nimage: {tag: latest}\n');
    const folder = await manifestKube([dir, valid('raw-serviceaccountlist.json')], noStdin());
    expect((await folder.listServiceAccounts()).map((s) => `${s.namespace}/${s.name}`)).toEqual(['default/b', 'x/a', 'kube-system/default', 'kube-system/ebs-csi-controller-sa']);
  });

  it('reads stdin for -', async () => {
    const stdin = Readable.from([Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n  namespace: apps\n'), Buffer.from('spec:\n  containers: [{name: c, image: i}]\n---\n---\n')]);
    const kube = await manifestKube(['-'], stdin);
    expect(await kube.listPods()).toMatchObject([{ namespace: 'apps', name: 'p1', phase: 'Unknown', containers: [{ name: 'c', image: 'i' }] }]);
  });

  it('is read-only', async () => {
    const kube = await manifestKube([valid('helm-template.yaml')], noStdin());
    const error = await failure(kube.annotateServiceAccount('default', 'orders-api', { a: 'b' }));
    expect(error.message).toBe('cannot annotate service account default/orders-api: the manifests backend is read-only');
    expect((await failure(kube.createServiceAccount('apps', 'x'))).message).toBe('cannot create service account apps/x: the manifests backend is read-only');
    expect((await failure(kube.restartWorkload('Deployment', 'shop', 'orders'))).message).toBe('cannot restart Deployment shop/orders: the manifests backend is read-only');
  });
});

describe('manifestKube bad inputs', () => {
  it('names the file, the document and the YAML error', async () => {
    const file = invalid('malformed.yaml');
    expect((await failure(manifestKube([file], noStdin()))).message).toBe(`${file}: document 2: All mapping items must start at the same column at line 14, column 1`);
  });

  it('names the file, the document and the List item', async () => {
    const file = invalid('list-bad-item.yaml');
    expect((await failure(manifestKube([file], noStdin()))).message).toBe(
      `${file}: document 1, item 2: ServiceAccount "payments": metadata.annotations["eks.amazonaws.com/sts-regional-endpoints"] must be a string, got boolean (quote the value)`,
    );
  });

  it.each([
    ['a scalar document', 'kind: ServiceAccount\nmetadata: {name: a}\n---\njust text\n', '<stdin>: document 2: expected a Kubernetes object (a mapping), got string'],
    ['an object without kind', 'apiVersion: v1\nmetadata: {name: a}\n', '<stdin>: document 1: the object has no kind'],
    ['a List item that is not a mapping', 'kind: List\napiVersion: v1\nitems:\n- kind: Pod\n  metadata: {name: p}\n- 42\n', '<stdin>: document 1, item 2: expected a Kubernetes object (a mapping), got number'],
    ['a List without items', 'kind: List\napiVersion: v1\n', '<stdin>: document 1: List has no items list'],
    ['a Pod without a name', 'kind: Pod\napiVersion: v1\nmetadata: {namespace: a}\n', '<stdin>: document 1: Pod has no metadata.name'],
    ['a Pod whose containers are not a list', 'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {containers: {name: c}}\n', '<stdin>: document 1: Pod "p": spec.containers must be a list of mappings'],
    ['a duplicate key', 'kind: Pod\nkind: Pod\n', '<stdin>: document 1: Map keys must be unique at line 2, column 1'],
    ['bad JSON', '{"kind": "Pod", "metadata": {"name": "p"}', '<stdin>: document 1: Flow map must end with a } at line 1, column 42'],
  ])('rejects %s', async (_name, text, message) => {
    expect((await failure(manifestKube(['-'], Readable.from([text])))).message).toBe(message);
  });

  it('ignores unknown kinds, even with odd fields', () => {
    const objects = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {n: 1}}\ndata: {a: "1"}\n', 'x.yaml');
    expect(Object.values(objects).flat()).toEqual([]);
  });

  it('keeps the names of Namespace objects (also from a List), once each', async () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: empty}\n---\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Namespace, metadata: {name: apps}}\n  - {apiVersion: v1, kind: Namespace, metadata: {name: empty}}\n';
    expect(parseManifests(text, 'x.yaml').namespaces).toEqual(['empty', 'apps', 'empty']);
    const kube = await manifestKube(['-'], Readable.from([text]));
    expect(await kube.listNamespaces()).toEqual(['empty', 'apps']);
    expect(await kube.listServiceAccounts()).toEqual([]);
    expect((await failure(manifestKube(['-'], Readable.from(['apiVersion: v1\nkind: Namespace\nmetadata: {}\n'])))).message).toBe('<stdin>: document 1: Namespace has no metadata.name');
  });

  it('reports a missing path', async () => {
    expect((await failure(manifestKube([join(FIXTURES, 'nope.yaml')], noStdin()))).message).toBe(`cannot read ${join(FIXTURES, 'nope.yaml')}: no such file or directory`);
  });
});
