import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreatePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { awsPorts } from '../../../src/adapters/aws/index.js';
import { RemoteError } from '../../../src/core/errors.js';
import type { PolicyDocument } from '../../../src/core/iam/types.js';
import { silentReporter } from '../../../src/core/reporter.js';
import { MOTO_DEFAULT_ACCOUNT, startMoto, uniqueAccountId, type Moto } from '../../helpers/moto.js';

// Real wire traffic to moto (reference/test-backends.md §1). Each test takes its own account.

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

const sdkConfig = (env: Record<string, string>) => ({
  region: 'us-east-1',
  endpoint: moto.endpoint,
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN },
});

const trust = (condition: Record<string, Record<string, string>> = {}): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], ...(Object.keys(condition).length ? { Condition: condition } : {}) }],
});

async function remoteError(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RemoteError);
  return error as RemoteError;
}

describe('IAM against moto', () => {
  it('creates a role with a path, tags and max session, and reads back the full role', async () => {
    const env = await moto.accountEnv();
    const { iam, sts } = awsPorts({ env, reporter: silentReporter });
    const { account } = await sts.getCallerIdentity();
    // Characters that URL-encoding must round-trip: space, %, /, +, &, unicode.
    const document = trust({ StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'team a%2F/+&é' } });
    const created = await iam.createRole({ name: 'app', path: 'team/payments', trustPolicy: document, tags: { owner: 'payments', env: 'dev' }, maxSessionDuration: 7200, description: 'test' });
    expect(created).toMatchObject({ name: 'app', path: '/team/payments/', arn: `arn:aws:iam::${account}:role/team/payments/app`, accountId: account, maxSessionDuration: 7200, tags: { owner: 'payments', env: 'dev' } });
    expect(created.trustPolicy).toEqual(document);

    const byArn = await iam.getRole(created.arn);
    expect(byArn.trustPolicy).toEqual(document);
    expect(byArn.roleId).toMatch(/^AROA/);
    expect(byArn.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await iam.getRole('app')).toEqual(byArn);
  });

  it('reads inline and customer managed policies (decoded), one GetPolicyVersion per distinct policy', async () => {
    const env = await moto.accountEnv();
    const { iam } = awsPorts({ env, reporter: silentReporter });
    const raw = new IAMClient(sdkConfig(env));
    const managedDoc: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*' }] };
    const policy = await raw.send(new CreatePolicyCommand({ PolicyName: 'read-bucket', Path: '/shared/', PolicyDocument: JSON.stringify(managedDoc) }));
    const policyArn = policy.Policy!.Arn!;
    const inlineDoc: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'Q', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: '*', Condition: { StringLike: { 'aws:RequestTag/x': 'a b*' } } }] };
    for (const name of ['one', 'two']) {
      await iam.createRole({ name, trustPolicy: trust() });
      await iam.putRolePolicy(name, 'send', inlineDoc);
      await iam.attachRolePolicy(name, policyArn);
    }
    const spy = vi.spyOn(IAMClient.prototype, 'send');
    try {
      const [one, two] = await Promise.all([iam.getRole('one'), iam.getRole('two')]);
      expect(one.inlinePolicies).toEqual([{ name: 'send', document: inlineDoc }]);
      expect(one.attachedPolicies).toEqual([{ arn: policyArn, name: 'read-bucket', document: managedDoc }]);
      expect(two.attachedPolicies).toEqual(one.attachedPolicies);
      const ops = spy.mock.calls.map(([command]) => command.constructor.name);
      expect(ops.filter((op) => op === 'GetPolicyVersionCommand')).toHaveLength(1);
      expect(ops.filter((op) => op === 'GetPolicyCommand')).toHaveLength(1);
      expect(ops.filter((op) => op === 'GetRoleCommand')).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }

    await iam.deleteRolePolicy('one', 'send');
    await iam.detachRolePolicy('one', policyArn);
    const bare = await iam.getRole('one');
    expect(bare.inlinePolicies).toEqual([]);
    expect(bare.attachedPolicies).toEqual([]);
  });

  it('updates the trust policy, lists roles by path and deletes roles', async () => {
    const env = await moto.accountEnv();
    const { iam } = awsPorts({ env, reporter: silentReporter });
    await iam.createRole({ name: 'a', path: '/podid/', trustPolicy: trust() });
    await iam.createRole({ name: 'b', trustPolicy: trust() });
    const updated = trust({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
    await iam.updateTrustPolicy('a', updated);
    expect((await iam.getRole('a')).trustPolicy).toEqual(updated);

    expect((await iam.listRoles('/podid/')).map((r) => r.name)).toEqual(['a']);
    expect((await iam.listRoles()).map((r) => r.name).sort()).toEqual(['a', 'b']);

    await iam.deleteRole('a');
    const missing = await remoteError(iam.getRole('a'));
    expect(missing).toMatchObject({ kind: 'not-found', service: 'iam', operation: 'GetRole', code: 'NoSuchEntity', httpStatus: 404 });
    expect(missing.requestId).toBeTruthy();
  });

  it('converges role settings: UpdateRole, PutRolePermissionsBoundary, TagRole (other tags stay)', async () => {
    const env = await moto.accountEnv();
    const { iam } = awsPorts({ env, reporter: silentReporter });
    const raw = new IAMClient(sdkConfig(env));
    const boundaryDoc: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    const boundary = (await raw.send(new CreatePolicyCommand({ PolicyName: 'boundary', PolicyDocument: JSON.stringify(boundaryDoc) }))).Policy!.Arn!;
    const created = await iam.createRole({ name: 'converge', trustPolicy: trust(), tags: { 'podid:managed-by': 'podid', team: 'a', extra: 'kept' } });
    await iam.updateRole(created.arn, { maxSessionDuration: 7200 });
    await iam.putRolePermissionsBoundary('converge', boundary);
    await iam.tagRole('converge', { team: 'x', cost: 'c 1' });
    const role = await iam.getRole('converge');
    expect(role.maxSessionDuration).toBe(7200);
    expect(role.permissionsBoundary).toEqual({ arn: boundary, name: 'boundary', document: boundaryDoc });
    expect(role.tags).toEqual({ 'podid:managed-by': 'podid', team: 'x', extra: 'kept', cost: 'c 1' });
    expect(role.trustPolicy).toEqual(trust());
  });

  it('maps IAM errors: NoSuchEntity → not-found, EntityAlreadyExists → conflict, MalformedPolicyDocument → invalid', async () => {
    const account = uniqueAccountId();
    const env = await moto.accountEnv(account);
    const { iam } = awsPorts({ env, reporter: silentReporter });
    expect(await remoteError(iam.getRole(`arn:aws:iam::${account}:role/team/nope`))).toMatchObject({ kind: 'not-found', code: 'NoSuchEntity' });
    expect(await remoteError(iam.updateTrustPolicy('nope', trust()))).toMatchObject({ kind: 'not-found', operation: 'UpdateAssumeRolePolicy' });
    await iam.createRole({ name: 'dup', trustPolicy: trust() });
    expect(await remoteError(iam.createRole({ name: 'dup', trustPolicy: trust() }))).toMatchObject({ kind: 'conflict', code: 'EntityAlreadyExists' });
    const bad = { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] } as unknown as PolicyDocument;
    expect(await remoteError(iam.putRolePolicy('dup', 'bad', bad))).toMatchObject({ kind: 'invalid', code: 'MalformedPolicyDocument' });
  });

  it('never turns a role ARN of another account, or of another path, into a same-named role of this account', async () => {
    const account = uniqueAccountId();
    const env = await moto.accountEnv(account);
    const { iam } = awsPorts({ env, reporter: silentReporter });
    await iam.createRole({ name: 'shared-name', path: '/a/', trustPolicy: trust() });
    const foreign = 'arn:aws:iam::999988887777:role/a/shared-name';
    expect(await remoteError(iam.getRole(foreign))).toMatchObject({ kind: 'access-denied', code: 'CrossAccountRole' });
    expect(await remoteError(iam.updateTrustPolicy(foreign, trust({ StringEquals: { 'aws:SourceAccount': '1' } })))).toMatchObject({ kind: 'access-denied' });
    expect((await iam.getRole('shared-name')).trustPolicy).toEqual(trust());
    expect(await remoteError(iam.getRole(`arn:aws:iam::${account}:role/b/shared-name`))).toMatchObject({ kind: 'not-found' });
    expect((await iam.getRole(`arn:aws:iam::${account}:role/a/shared-name`)).path).toBe('/a/');
  });

  it('SimulatePrincipalPolicy: moto answers HTTP 500 HTML, so the port says it cannot simulate', async () => {
    const env = await moto.accountEnv();
    const { iam } = awsPorts({ env, reporter: silentReporter });
    expect(await iam.simulatePrincipalPolicy(`arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:user/moto`, ['s3:GetObject'], ['*'])).toBeUndefined();
  });
});

describe('STS against moto', () => {
  it('GetCallerIdentity with the dummy keys is user/moto', async () => {
    const { sts } = awsPorts({ env: moto.env(), reporter: silentReporter });
    expect(await sts.getCallerIdentity()).toEqual({ account: MOTO_DEFAULT_ACCOUNT, arn: `arn:aws:sts::${MOTO_DEFAULT_ACCOUNT}:user/moto`, userId: expect.any(String) });
  });

  it('AssumeRole with session tags, transitive keys, external id, policy and duration; then chains with the credentials', async () => {
    const env = await moto.accountEnv('210987654321');
    const { sts } = awsPorts({ env, reporter: silentReporter });
    const assumed = await sts.assumeRole({
      roleArn: 'arn:aws:iam::210987654321:role/team/app-role',
      sessionName: 'eks-demo-app',
      tags: { 'kubernetes-namespace': 'default', 'kubernetes-service-account': 'app', 'eks-cluster-name': 'demo' },
      transitiveTagKeys: ['kubernetes-namespace'],
      externalId: 'ext-1',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      durationSeconds: 900,
    });
    expect(assumed.assumedRoleArn).toBe('arn:aws:sts::210987654321:assumed-role/app-role/eks-demo-app');
    expect(assumed.assumedRoleId).toMatch(/:eks-demo-app$/);
    expect(assumed.credentials).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/), accountId: '210987654321' });
    expect(new Date(assumed.credentials.expiration).toISOString()).toBe(assumed.credentials.expiration);
    expect(assumed.packedPolicySize).toBeGreaterThan(0);

    // Chaining: the second call signs with the first session; moto then acts as account 333344445555.
    const chained = await sts.assumeRole({ roleArn: 'arn:aws:iam::333344445555:role/target', sessionName: 'chained' }, assumed.credentials);
    expect(chained.assumedRoleArn).toBe('arn:aws:sts::333344445555:assumed-role/target/chained');
    const { sts: asTarget } = awsPorts({
      env: moto.env({ AWS_ACCESS_KEY_ID: chained.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: chained.credentials.secretAccessKey, AWS_SESSION_TOKEN: chained.credentials.sessionToken }),
      reporter: silentReporter,
    });
    expect((await asTarget.getCallerIdentity()).arn).toBe(chained.assumedRoleArn);
  });
});

describe('EKS against moto', () => {
  it('DescribeCluster → model cluster; ListClusters; a missing cluster is not-found', async () => {
    const env = await moto.accountEnv('444455556666');
    const raw = new EKSClient(sdkConfig(env));
    await raw.send(new CreateClusterCommand({ name: 'demo', version: '1.31', roleArn: 'arn:aws:iam::444455556666:role/cluster', resourcesVpcConfig: {} }));
    const { eks } = awsPorts({ env, reporter: silentReporter });
    const cluster = await eks.describeCluster('demo');
    expect(cluster).toEqual({
      name: 'demo',
      arn: 'arn:aws:eks:us-east-1:444455556666:cluster/demo',
      accountId: '444455556666',
      region: 'us-east-1',
      partition: 'aws',
      version: '1.31',
      platformVersion: expect.any(String),
      status: 'ACTIVE',
      oidcIssuer: expect.stringMatching(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//),
      endpoint: expect.stringMatching(/^https:\/\//),
      autoMode: false,
    });
    expect(await eks.listClusters()).toEqual(['demo']);
    const missing = await remoteError(eks.describeCluster('nope'));
    expect(missing).toMatchObject({ kind: 'not-found', service: 'eks', operation: 'DescribeCluster', code: 'ResourceNotFoundException', httpStatus: 404 });
    expect(missing.requestId).toBeTruthy();
  });

  it("pod identity and add-on operations moto lacks (HTML 404) are 'unavailable', never 'not-found'", async () => {
    const env = await moto.accountEnv();
    const raw = new EKSClient(sdkConfig(env));
    await raw.send(new CreateClusterCommand({ name: 'demo', roleArn: 'arn:aws:iam::123456789012:role/cluster', resourcesVpcConfig: {} }));
    const { eks } = awsPorts({ env, reporter: silentReporter });
    const calls: [string, () => Promise<unknown>][] = [
      ['ListPodIdentityAssociations', () => eks.listAssociations('demo')],
      ['CreatePodIdentityAssociation', () => eks.createAssociation({ clusterName: 'demo', namespace: 'default', serviceAccount: 'app', roleArn: 'arn:aws:iam::123456789012:role/app' })],
      ['DescribePodIdentityAssociation', () => eks.describeAssociation('demo', 'a-12345678901234567')],
      ['DeletePodIdentityAssociation', () => eks.deleteAssociation('demo', 'a-12345678901234567')],
      ['ListAddons', () => eks.listAddons('demo')],
      ['DescribeAddon', () => eks.describeAddon('demo', 'eks-pod-identity-agent')],
    ];
    for (const [operation, run] of calls) {
      const error = await remoteError(run());
      expect(error).toMatchObject({ kind: 'unavailable', service: 'eks', operation, httpStatus: 404 });
      expect(error.message).toMatch(/does not support/);
      expect(error.code).toBeUndefined();
    }
  });
});

describe('endpoint overrides', () => {
  it('AWS_ENDPOINT_URL_IAM alone routes IAM to moto (EKS and STS keep their AWS endpoints)', async () => {
    const env = { AWS_ENDPOINT_URL_IAM: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
    const { iam } = awsPorts({ env, reporter: silentReporter });
    await iam.createRole({ name: 'only-iam', trustPolicy: trust() });
    expect((await iam.getRole('only-iam')).accountId).toBe(MOTO_DEFAULT_ACCOUNT);
    await iam.deleteRole('only-iam');
  });

  it('the SDK itself honours AWS_ENDPOINT_URL_<SERVICE> from process.env', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_STS', moto.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_EKS', moto.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_PROFILE', '');
    try {
      // An empty env record: nothing is passed explicitly, the SDK reads process.env.
      const { sts, eks } = awsPorts({ env: {}, reporter: silentReporter });
      expect((await sts.getCallerIdentity()).account).toBe(MOTO_DEFAULT_ACCOUNT);
      expect(Array.isArray(await eks.listClusters())).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
