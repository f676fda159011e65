import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsPorts } from '../../src/adapters/aws/index.js';
import { liveKube } from '../../src/adapters/kube/live.js';
import { LocalStore, localPorts } from '../../src/adapters/local/index.js';
import { associationsList } from '../../src/commands/associations-list.js';
import { snapshot } from '../../src/commands/snapshot.js';
import type { Association } from '../../src/core/model.js';
import type { EksPort } from '../../src/core/ports.js';
import { startFakeKubeApi, type FakeKubeApi } from '../helpers/fake-kube-api.js';
import { recordingReporter } from '../helpers/fake-deps.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { runCli } from '../helpers/run-cli.js';

// Round trip: a live-shaped backend (moto for IAM/STS/EKS clusters, the fake Kubernetes API for
// kube, and an in-test association list because moto has no Pod Identity API) → `snapshot` →
// state file → the same associations view through --state.

let moto: Moto;
let kube: FakeKubeApi;
let env: Record<string, string>;
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/teams/web/web-role`;

beforeAll(async () => {
  moto = await startMoto();
  env = moto.env({ AWS_MAX_ATTEMPTS: '1' });
  const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  await new EKSClient(config).send(new CreateClusterCommand({ name: 'snap', roleArn: `arn:aws:iam::${ACCOUNT}:role/cluster`, resourcesVpcConfig: {}, version: '1.31' }));
  await new IAMClient(config).send(
    new CreateRoleCommand({
      RoleName: 'web-role',
      Path: '/teams/web/',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] }),
    }),
  );
  kube = await startFakeKubeApi([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'apps' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-password', namespace: 'apps' }, data: { password: 'c2VjcmV0' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'apps' }, spec: { serviceAccountName: 'web', nodeName: 'n1', containers: [{ name: 'app', image: 'web:1' }] }, status: { phase: 'Running' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'kubernetes.io/os': 'linux' } } },
  ]);
}, 60_000);

afterAll(async () => {
  await kube?.stop();
  await moto?.stop();
});

function liveDeps() {
  const aws = awsPorts({ reporter: recordingReporter(), env });
  const association: Association = {
    associationId: 'a-web0000000000000', associationArn: `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/snap/a-web0000000000000`, clusterName: 'snap',
    namespace: 'apps', serviceAccount: 'web', roleArn: ROLE, disableSessionTags: false, tags: {}, createdAt: '2026-11-20T00:00:00.000Z', modifiedAt: '2026-11-20T00:00:00.000Z',
  };
  // moto has no Pod Identity or add-on API: those two calls come from the test.
  const eks: EksPort = {
    ...aws.eks,
    listAssociations: async () => [association],
    describeAssociation: async () => association,
    listAddons: async () => [],
  };
  return { aws, eks };
}

describe('podid snapshot', () => {
  it('captures a live-shaped cluster into a state file that --state reads back identically', async () => {
    const { aws, eks } = liveDeps();
    const kubePort = await liveKube({ kubeconfig: kube.kubeconfigPath, env: {} });
    const reporter = recordingReporter();
    const deps = { ...aws, eks, kube: kubePort, backend: 'aws' as const, reporter, now: () => new Date(), clusterName: 'snap' };
    const out = join(mkdtempSync(join(tmpdir(), 'podid-snap-')), 'snap.json');

    const result = await snapshot({ out }, deps);
    expect(result.counts).toMatchObject({ serviceAccounts: 1, pods: 1, associations: 1, roles: 1, nodes: 1 });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // Read-only and secret-free: no Secret was requested, nothing was written to the API.
    expect(kube.requests.some((r) => r.path.includes('secrets'))).toBe(false);
    expect(kube.requests.every((r) => r.method === 'GET')).toBe(true);

    const live = await associationsList({}, deps);
    const store = await LocalStore.open(out);
    expect(store.doc.signingKey).toBeUndefined();
    expect(store.doc.roles[0]).toMatchObject({ arn: ROLE, path: '/teams/web/' });
    const offline = await associationsList({}, { ...localPorts(store, 'snap'), reporter, clusterName: 'snap' });
    expect(offline).toEqual(live);
  });

  it('refuses to overwrite without --force and to run with --state', async () => {
    const { code, stderr } = await runCli(['snapshot', '-o', 'x.json', '--state', 'y.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot be combined with --state');
    expect((await runCli(['snapshot', '-c', 'x'])).code).toBe(2);
  });
});
