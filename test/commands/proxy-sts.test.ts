import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsPorts } from '../../src/adapters/aws/index.js';
import { mintPodToken } from '../../src/commands/exec.js';
import { startProxy } from '../../src/commands/proxy.js';
import { RemoteError, type DomainErrorKind } from '../../src/core/errors.js';
import type { Association } from '../../src/core/model.js';
import type { AssumeRoleInput, EksPort, StsPort } from '../../src/core/ports.js';
import { silentReporter } from '../../src/core/reporter.js';
import { makeSource, podSessionName, stsSource } from '../../src/services/credential-sources.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { demoDeps } from '../core/proxy/demo-deps.js';

// --source sts: decode the token (no signature check), find the association, AssumeRole with the
// six session tags (then the target role). Fake ports for the shapes, moto for the wire.

const CLUSTER = { name: 'demo', arn: 'arn:aws:eks:us-west-2:111122223333:cluster/demo', accountId: '111122223333', region: 'us-west-2', partition: 'aws', status: 'ACTIVE', oidcIssuer: 'https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', autoMode: false };

function association(overrides: Partial<Association> = {}): Association {
  return {
    associationId: 'a-1', associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-1', clusterName: 'demo', namespace: 'payments', serviceAccount: 'payments-api',
    roleArn: 'arn:aws:iam::111122223333:role/teams/payments/payments-api', disableSessionTags: false, tags: {}, createdAt: '', modifiedAt: '', ...overrides,
  };
}

function fakeEks(associations: Association[]): EksPort {
  return {
    describeCluster: async () => CLUSTER,
    listAssociations: async (_c: string, f?: { namespace?: string; serviceAccount?: string }) => associations.filter((a) => a.namespace === f?.namespace && a.serviceAccount === f?.serviceAccount),
    describeAssociation: async (_c: string, id: string) => associations.find((a) => a.associationId === id)!,
  } as unknown as EksPort;
}

function fakeSts(fail?: DomainErrorKind, requestId?: string) {
  const calls: { input: AssumeRoleInput; chained: boolean }[] = [];
  const sts: StsPort = {
    getCallerIdentity: async () => ({ account: '111122223333', arn: 'arn:aws:iam::111122223333:user/dev', userId: 'AIDA' }),
    async assumeRole(input, credentials) {
      calls.push({ input, chained: Boolean(credentials) });
      if (fail) throw new RemoteError('User is not authorized to perform: sts:TagSession', { kind: fail, service: 'sts', operation: 'AssumeRole', code: 'AccessDenied', httpStatus: 403, requestId });
      const account = input.roleArn.split(':')[4];
      return {
        credentials: { accessKeyId: `ASIA${calls.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000).toISOString() },
        assumedRoleArn: `arn:aws:sts::${account}:assumed-role/${input.roleArn.split('/').pop()}/${input.sessionName}`,
        assumedRoleId: `AROA:${input.sessionName}`,
      };
    },
  };
  return { sts, calls };
}

const token = async (ns = 'payments', sa = 'payments-api') => mintPodToken({ ...demoDeps(), backend: 'aws', store: undefined }, 'demo', ns, sa);
const uuid = () => '123e4567-e89b-12d3-a456-426614174000';

describe('sts source', () => {
  it('assumes the association role with the six transitive session tags and the EKS session name', async () => {
    const { sts, calls } = fakeSts();
    const response = await stsSource({ eks: fakeEks([association()]), sts, uuid }, 'demo')(await token());
    expect(calls).toHaveLength(1);
    const { input } = calls[0];
    expect(input.roleArn).toBe('arn:aws:iam::111122223333:role/teams/payments/payments-api');
    expect(input.sessionName).toMatch(/^eks-demo-payments-api-[\w-]+-123e4567-e89b-12d3-a456-426614174000$/);
    expect(input.sessionName.length).toBeLessThanOrEqual(64);
    expect(input.tags).toEqual({
      'eks-cluster-arn': CLUSTER.arn,
      'eks-cluster-name': 'demo',
      'kubernetes-namespace': 'payments',
      'kubernetes-service-account': 'payments-api',
      'kubernetes-pod-name': expect.any(String),
      'kubernetes-pod-uid': expect.any(String),
    });
    expect(input.transitiveTagKeys).toEqual(Object.keys(input.tags!));
    expect(response).toMatchObject({ subject: { namespace: 'payments', serviceAccount: 'payments-api' }, audience: 'pods.eks.amazonaws.com', podIdentityAssociation: { associationId: 'a-1' } });
  });

  it('chains to the target role with the first credentials (no tags again, external id passed)', async () => {
    const { sts, calls } = fakeSts();
    const target = 'arn:aws:iam::444455556666:role/ledger';
    const response = await stsSource({ eks: fakeEks([association({ targetRoleArn: target, externalId: 'ext-1' })]), sts, uuid }, 'demo')(await token());
    expect(calls.map((c) => [c.input.roleArn.split(':')[4], c.chained, Boolean(c.input.tags), c.input.externalId])).toEqual([
      ['111122223333', false, true, undefined],
      ['444455556666', true, false, 'ext-1'],
    ]);
    expect(response.assumedRoleUser.arn).toContain('444455556666');
  });

  it('disableSessionTags sends no tags; the session policy goes with it', async () => {
    const { sts, calls } = fakeSts();
    await stsSource({ eks: fakeEks([association({ disableSessionTags: true, policy: '{"Version":"2012-10-17"}' })]), sts, uuid }, 'demo')(await token());
    expect(calls[0].input).toMatchObject({ tags: undefined, transitiveTagKeys: undefined, policy: '{"Version":"2012-10-17"}' });
  });

  it('no association → ResourceNotFoundException 404; STS denial → AccessDeniedException 400', async () => {
    const { sts } = fakeSts('access-denied');
    await expect(stsSource({ eks: fakeEks([]), sts, uuid }, 'demo')(await token())).rejects.toMatchObject({ code: 'ResourceNotFoundException', httpStatus: 404 });
    await expect(stsSource({ eks: fakeEks([association()]), sts, uuid }, 'demo')(await token())).rejects.toMatchObject({ code: 'AccessDeniedException', httpStatus: 400, message: expect.stringContaining('sts:TagSession') });
  });

  it("request ids: STS's is kept; podid's own checks get a generated one (never the agent's \"[]\" for an HTTP failure)", async () => {
    const source = (eks: EksPort, sts: StsPort) => makeSource('sts', { backend: 'aws', eks, sts, eksAuth: {} as never, uuid }, 'demo');
    await expect(source(fakeEks([association()]), fakeSts('access-denied', 'sts-req-1').sts)(await token())).rejects.toMatchObject({ code: 'AccessDeniedException', requestId: 'sts-req-1' });
    await expect(source(fakeEks([]), fakeSts().sts)(await token())).rejects.toMatchObject({ code: 'ResourceNotFoundException', httpStatus: 404, requestId: uuid() });
    await expect(source(fakeEks([association()]), fakeSts('access-denied').sts)(await token())).rejects.toMatchObject({ code: 'AccessDeniedException', requestId: uuid() });
  });

  it('wrong audience or another cluster issuer → InvalidTokenException', async () => {
    const { sts } = fakeSts();
    const source = stsSource({ eks: { ...fakeEks([association()]), describeCluster: async () => ({ ...CLUSTER, oidcIssuer: 'https://other' }) } as EksPort, sts, uuid }, 'demo');
    await expect(source(await token())).rejects.toMatchObject({ code: 'InvalidTokenException', httpStatus: 400 });
  });

  it('session names stay within 64 characters and keep the uuid', () => {
    const name = podSessionName('a-very-long-cluster-name-for-production', 'some-deployment-7d9f8b6c5d-x2x4z', uuid());
    expect(name.length).toBe(64);
    expect(name.endsWith(`-${uuid()}`)).toBe(true);
    expect(name.startsWith('eks-a-very-long')).toBe(true);
  });
});

describe('sts source against moto (real STS wire traffic)', () => {
  let moto: Moto;
  beforeAll(async () => void (moto = await startMoto()), 60_000);
  afterAll(async () => moto?.stop());

  it('serves real ASIA credentials from moto STS through the proxy', async () => {
    const env = await moto.accountEnv();
    const ports = awsPorts({ env, reporter: silentReporter });
    const account = env.AWS_ACCESS_KEY_ID ? (await ports.sts.getCallerIdentity()).account : '';
    const roleArn = `arn:aws:iam::${account}:role/payments-api`;
    const deps = demoDeps({ backend: 'aws', store: undefined, sts: ports.sts, eks: fakeEks([association({ roleArn })]) });
    const px = await startProxy({ host: '127.0.0.1', port: 0, strictHost: false, allowRemote: false, source: 'sts' }, deps);
    try {
      const res = await fetch(px.started.url, { headers: { authorization: await token() } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, string>;
      expect(body).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA/), AccountId: account, Expiration: expect.stringMatching(/Z$/) });
    } finally {
      await px.close();
    }
  });
});
