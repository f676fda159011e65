import { CreateClusterCommand, CreateNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsPorts } from '../../src/adapters/aws/index.js';
import { liveKube } from '../../src/adapters/kube/live.js';
import { LocalStore, localPorts } from '../../src/adapters/local/index.js';
import { associationsList } from '../../src/commands/associations-list.js';
import { doctor } from '../../src/commands/doctor.js';
import { snapshot } from '../../src/commands/snapshot.js';
import { tokenMint } from '../../src/commands/token-mint.js';
import { isRemoteError, RemoteError } from '../../src/core/errors.js';
import type { Association } from '../../src/core/model.js';
import type { EksPort } from '../../src/core/ports.js';
import { compactVerify, importJWK, type JWK } from 'jose';
import { startFakeKubeApi, type FakeKubeApi, type KubeJson } from '../helpers/fake-kube-api.js';
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
const NODE_ROLE = `arn:aws:iam::${ACCOUNT}:role/snap-nodes`;

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
  // A managed node group: the snapshot keeps its role (ListNodegroups + DescribeNodegroup on moto).
  const iam = new IAMClient(config);
  await iam.send(new CreateRoleCommand({ RoleName: 'snap-nodes', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'snap-nodes', PolicyName: 'eks-auth', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'eks-auth:AssumeRoleForPodIdentity', Resource: '*' }] }) }));
  await new EKSClient(config).send(new CreateNodegroupCommand({ clusterName: 'snap', nodegroupName: 'general', nodeRole: NODE_ROLE, subnets: ['subnet-1'] }));
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
    expect(result.counts).toMatchObject({ serviceAccounts: 1, pods: 1, associations: 1, roles: 2, nodes: 1 });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // Read-only and secret-free: no Secret was requested, nothing was written to the API.
    expect(kube.requests.some((r) => r.path.includes('secrets'))).toBe(false);
    expect(kube.requests.every((r) => r.method === 'GET')).toBe(true);

    const live = await associationsList({}, deps);
    const store = await LocalStore.open(out);
    expect(store.doc.signingKey).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(store.doc.roles.find((r) => r.arn === ROLE)).toMatchObject({ path: '/teams/web/' });
    expect(store.doc.clusters[0].nodeRoleArns).toEqual([NODE_ROLE]);
    expect(store.doc.roles.find((r) => r.arn === NODE_ROLE)?.inlinePolicies.map((p) => p.name)).toEqual(['eks-auth']);
    expect(await localPorts(store, 'snap').eks.listNodegroupRoles('snap')).toEqual([NODE_ROLE]);
    const offline = await associationsList({}, { ...localPorts(store, 'snap'), reporter, clusterName: 'snap' });
    expect(offline).toEqual(live);
  });

  it('refuses to overwrite without --force and to run with --state', async () => {
    const { code, stderr } = await runCli(['snapshot', '-o', 'x.json', '--state', 'y.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot be combined with --state');
    expect((await runCli(['snapshot', '-c', 'x'])).code).toBe(2);
  });

  it('without -c: a missing required option is a usage error (exit 2), before any call', async () => {
    const { code, stderr } = await runCli(['snapshot', '-o', 'x.json'], { env: { AWS_REGION: 'us-west-2' } });
    expect(code).toBe(2);
    expect(stderr).toContain("option '-c, --cluster <name>' is required");
  });
});

// A pod with secrets in its env and proxy settings, an association whose target role is in another
// account (IAM will not read it), and a doctor run live and on the snapshot.
describe('podid snapshot: secrets, unreadable roles, signing key', () => {
  const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSUPERSECRET';
  const TARGET = 'arn:aws:iam::444455556666:role/ledger-access';
  const TS = '2026-11-20T10:00:00Z';
  const env = [
    { name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: 'http://169.254.170.23/v1/credentials' },
    { name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', value: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token' },
    { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7EXAMPLE' },
    { name: 'AWS_SECRET_ACCESS_KEY', value: SECRET_KEY },
    { name: 'DB_PASSWORD', value: 'hunter2' },
    { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    { name: 'HTTPS_PROXY', value: 'http://u:p@proxy:3128' },
    { name: 'http_proxy', value: 'squid-user:squid-pass@proxy:3128' },
    { name: 'NO_PROXY', value: '169.254.170.23,10.0.0.0/8' },
    { name: 'AWS_REGION', value: 'us-east-1' },
    { name: 'AWS_ENDPOINT_URL_S3', value: 'https://s3user:s3pass@minio.local:9000' },
  ];
  const objects: KubeJson[] = [
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'kubernetes.io/os': 'linux' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'apps' } },
    {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'apps', uid: 'uid-web-1', creationTimestamp: '2026-11-21T10:00:00Z' },
      spec: {
        serviceAccountName: 'web', nodeName: 'n1',
        initContainers: [{ name: 'migrate', image: 'web:1', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }],
        containers: [{ name: 'app', image: 'web:1', env, volumeMounts: [{ name: 'eks-pod-identity-token', mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount' }] }],
        volumes: [{ name: 'eks-pod-identity-token', projected: { sources: [{ serviceAccountToken: { audience: 'pods.eks.amazonaws.com', expirationSeconds: 86400, path: 'eks-pod-identity-token' } }] } }],
      },
      status: { phase: 'Running' },
    },
  ];

  async function world() {
    const awsEnv = await moto.accountEnv(undefined, { AWS_MAX_ATTEMPTS: '1' });
    const aws = awsPorts({ env: awsEnv, reporter: recordingReporter() });
    const { account } = await aws.sts.getCallerIdentity();
    const client = new EKSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: awsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: awsEnv.AWS_SECRET_ACCESS_KEY, sessionToken: awsEnv.AWS_SESSION_TOKEN } });
    await client.send(new CreateClusterCommand({ name: 'snap', roleArn: `arn:aws:iam::${account}:role/cluster`, resourcesVpcConfig: {}, version: '1.31' }));
    const cluster = await aws.eks.describeCluster('snap');
    const role = await aws.iam.createRole({
      name: 'web',
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': account, 'aws:RequestTag/eks-cluster-arn': cluster.arn, 'aws:RequestTag/kubernetes-namespace': 'apps', 'aws:RequestTag/kubernetes-service-account': 'web' } } }],
      },
    });
    await aws.iam.putRolePolicy('web', 'chain', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: TARGET }] });
    const association: Association = {
      associationId: 'a-web1', associationArn: `arn:aws:eks:us-east-1:${account}:podidentityassociation/snap/a-web1`, clusterName: 'snap',
      namespace: 'apps', serviceAccount: 'web', roleArn: role.arn, targetRoleArn: TARGET, disableSessionTags: false, tags: {}, createdAt: TS, modifiedAt: TS,
    };
    const notFound = () => new RemoteError('not found', { kind: 'not-found', service: 'eks', operation: 'DescribeAddon' });
    const eks: EksPort = {
      ...aws.eks,
      listAssociations: async () => [association],
      describeAssociation: async () => association,
      listAddons: async () => [],
      describeAddon: async () => { throw notFound(); },
    };
    const api = await startFakeKubeApi(objects);
    const kubePort = await liveKube({ kubeconfig: api.kubeconfigPath, env: {} });
    const reporter = recordingReporter();
    const now = () => new Date('2026-11-26T12:00:00Z');
    const deps = { ...aws, eks, kube: kubePort, backend: 'aws' as const, reporter, now, clusterName: 'snap' };
    apis.push(api);
    const out = join(mkdtempSync(join(tmpdir(), 'podid-snap-')), 'snap.json');
    await snapshot({ out }, deps);
    return { deps, out, role, reporter, now };
  }
  const apis: FakeKubeApi[] = [];
  afterAll(async () => {
    await Promise.all(apis.map((api) => api.stop()));
  });

  it('keeps env names and non-secret settings, redacts every other value, and doctor still finds the same problems', async () => {
    const { deps, out, now } = await world();
    const text = readFileSync(out, 'utf8');
    for (const secret of ['SUPERSECRET', 'hunter2', 'AKIAIOSFODNN7EXAMPLE', 'u:p@', 'squid-pass', 's3pass']) expect(text).not.toContain(secret);
    const store = await LocalStore.open(out);
    const [pod] = store.doc.clusters[0].pods;
    const value = Object.fromEntries(pod.containers[0].env.map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(value).toEqual({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials',
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token',
      AWS_ACCESS_KEY_ID: '<redacted>',
      AWS_SECRET_ACCESS_KEY: '<redacted>',
      DB_PASSWORD: '<redacted>',
      API_TOKEN: 'secretKeyRef:api/token',
      HTTPS_PROXY: 'http://proxy:3128',
      http_proxy: 'proxy:3128',
      NO_PROXY: '169.254.170.23,10.0.0.0/8',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: 'https://minio.local:9000',
    });
    expect(pod.initContainers[0].env).toEqual([{ name: 'DB_PASSWORD', value: '<redacted>' }]);

    // doctor offline reports what it reports live: static keys, the proxy gap, the unreadable target.
    const live = await doctor({}, deps);
    const offline = await doctor({}, { ...localPorts(store, 'snap'), reporter: recordingReporter(), now, clusterName: 'snap' });
    const statuses = (r: typeof live) => r.checks.map((c) => `${c.status} ${c.id} ${c.subject}: ${c.detail}`).sort();
    expect(statuses(offline)).toEqual(statuses(live));
    const byId = Object.fromEntries(offline.checks.filter((c) => c.refs?.pods || c.refs?.associationId).map((c) => [c.id, c]));
    expect(byId['pod.static-keys']).toMatchObject({ status: 'fail', detail: expect.stringContaining('AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY') });
    expect(byId['pod.proxy']).toMatchObject({ status: 'warn', detail: expect.stringContaining('fd00:ec2::23') });
  }, 30_000);

  it('records roles it cannot read, so offline joins say unknown as live does (not missing)', async () => {
    const { deps, out, reporter } = await world();
    const store = await LocalStore.open(out);
    expect(store.doc.unreadableRoles).toEqual([TARGET]);
    expect(reporter.lines.join('\n')).toContain(`cannot read 1 role(s) (${TARGET})`);
    const ports = localPorts(store, 'snap');
    const denied = await ports.iam.getRole(TARGET).catch((error: unknown) => error);
    expect(isRemoteError(denied, 'access-denied')).toBe(true);
    expect((denied as RemoteError).code).toBe('AccessDenied');
    expect(isRemoteError(await ports.iam.getRole('arn:aws:iam::444455556666:role/other').catch((e: unknown) => e), 'not-found')).toBe(true);

    const offlineDeps = { ...ports, reporter: recordingReporter(), clusterName: 'snap' };
    expect(await associationsList({}, offlineDeps)).toEqual(await associationsList({}, deps));
    const target = (r: Awaited<ReturnType<typeof doctor>>) => r.checks.filter((c) => c.id === 'association.target-role' || c.id === 'pod.exchange').map((c) => `${c.status} ${c.id}: ${c.detail}`);
    const live = target(await doctor({}, deps));
    expect(live.some((line) => line.startsWith('fail'))).toBe(false);
    expect(target(await doctor({}, { ...offlineDeps, now: deps.now }))).toEqual(live);
  }, 30_000);

  it('gets a fresh local signing key, so `token mint` works on the snapshot', async () => {
    const { out } = await world();
    const store = await LocalStore.open(out);
    const key = store.doc.signingKey!;
    expect(key.privateJwk).toMatchObject({ kty: 'RSA', kid: key.kid });
    const minted = await tokenMint({ namespace: 'apps', serviceAccount: 'web', ttlSeconds: 600 }, { store, now: () => new Date(), clusterName: 'snap', reporter: recordingReporter() });
    expect(minted.claims).toMatchObject({ sub: 'system:serviceaccount:apps:web', pod: 'web-1' });
    await expect(compactVerify(minted.token, await importJWK(key.publicJwk as JWK, 'RS256'))).resolves.toBeDefined();

    const cli = await runCli(['token', 'mint', '-n', 'apps', '-s', 'web', '--state', out]);
    expect(cli.code).toBe(0);
    expect(cli.stdout.split('.')).toHaveLength(3);
    // A second snapshot gets its own key: nothing shared between snapshots.
    expect((await LocalStore.open((await world()).out)).doc.signingKey!.kid).not.toBe(key.kid);
  }, 60_000);
});
