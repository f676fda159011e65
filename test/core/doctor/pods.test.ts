import { describe, expect, it } from 'vitest';
import { CHECKS, noProxyCovers, runDoctor, selectChecks, type DoctorFacts } from '../../../src/core/doctor/index.js';
import { UsageError } from '../../../src/core/errors.js';
import type { Pod } from '../../../src/core/model.js';
import { admitPod } from '../../../src/core/webhook.js';
import { agentPod, association, CLUSTER, injectedPod, node, rawPod, role, run, sa, scopedTrust, statuses, T0, world } from './helpers.js';

const check = (id: string) => CHECKS.find((c) => c.id === id)!;
const withPods = (...pods: Pod[]) => world({ pods: [...pods, agentPod('n1'), agentPod('n2')], nodes: [node('n1'), node('n2'), node('f1', { computeType: 'fargate' }), node('w1', { os: 'windows' })] });
const env = (pod: Pod, vars: Record<string, string>): Pod => ({ ...pod, containers: pod.containers.map((c) => ({ ...c, env: [...c.env, ...Object.entries(vars).map(([name, value]) => ({ name, value }))] })) });

describe('pod.injection', () => {
  const c = check('pod.injection');
  it('ok when env and projected token are injected', () => expect(statuses(run(c, world()))).toEqual(['ok']));
  it('fail: created before the association, with the rollout restart of its Deployment', () => {
    const [r] = run(c, withPods(rawPod('app', 'web-1', 'web', { creationTimestamp: '2026-11-01T00:00:00Z' })));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/created before the association \(pod 2026-11-01T00:00Z, association 2026-11-10T00:00Z\)/);
    expect(r.fix).toMatch(/kubectl -n app rollout restart deployment\/web$/);
  });
  it('fail: created after the association but not injected (webhook missed it)', () => {
    const [r] = run(c, withPods(rawPod('app', 'web-1', 'web')));
    expect(r.detail).toMatch(/webhook missed it/);
  });
  it('groups pods failing the same way into one finding', () => {
    const pods = Array.from({ length: 20 }, (_, i) => rawPod('app', `web-${i}`, 'web', { creationTimestamp: '2026-11-01T00:00:00Z' }));
    const results = run(c, withPods(...pods, injectedPod('app', 'web-ok', 'web')));
    expect(results.map((r) => [r.status, r.subject])).toEqual([['fail', 'pods of app/web (20 of 21)'], ['ok', 'pods of app/web']]);
    expect(results[0].detail).toMatch(/and 15 more\)$/);
  });
});

describe('pod.irsa-env', () => {
  const c = check('pod.irsa-env');
  it('ok without IRSA env', () => expect(statuses(run(c, world()))).toEqual(['ok']));
  it('fail with IRSA env next to the Pod Identity env; the fix restarts and keeps the annotation until no pod uses IRSA', () => {
    const pod = env(injectedPod('app', 'web-1', 'web'), { AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/old', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' });
    const facts = { ...withPods(pod), serviceAccounts: [sa('app', 'web', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/old' })] };
    const [r] = run(c, facts);
    expect(r.status).toBe('fail');
    expect(r.fix).toMatch(/^Restart so the webhook injects .*kubectl -n app rollout restart deployment\/web/);
    // migrate-irsa removes the annotation only once no pod runs with IRSA: doctor must not say "now".
    expect(r.fix).not.toMatch(/annotate serviceaccount/);
    expect(r.fix).toMatch(/keep the eks.amazonaws.com\/role-arn annotation until no pod of app\/web runs with IRSA/);
  });
  it('a pod with IRSA env and no Pod Identity env is left to pod.injection', () => {
    expect(run(c, withPods(irsaPod({ creationTimestamp: '2026-11-01T00:00:00Z' })))).toEqual([]);
  });
});

// After migrate-irsa: pods admitted with IRSA before the association (the role is the IRSA role,
// whose trust admits the service account through the cluster's OIDC provider).
const ISSUER = 'https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE';
const PROVIDER = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE';
const irsaTrust = (subject = 'system:serviceaccount:app:web') => ({
  Version: '2012-10-17',
  Statement: [
    ...(scopedTrust('app', 'web').Statement as never[]),
    { Effect: 'Allow' as const, Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE:sub': subject, 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE:aud': 'sts.amazonaws.com' } } },
  ],
});
function irsaPod(overrides: Partial<Pod> = {}): Pod {
  return admitPod(rawPod('app', 'web-1', 'web', overrides), { podIdentity: false, irsaRoleArn: 'arn:aws:iam::111122223333:role/web' });
}
const JOB_OWNER = { ownerReferences: [{ kind: 'Job', name: 'web-29918940', controller: true }] };
function migrated(pod: Pod, trust = irsaTrust()) {
  const base = withPods(pod);
  const r = role('web', trust);
  return {
    ...base,
    cluster: { ...CLUSTER, oidcIssuer: ISSUER },
    serviceAccounts: [sa('app', 'web', { 'eks.amazonaws.com/role-arn': r.arn })],
    roles: new Map([[r.arn, r]]),
    workloads: [
      { kind: 'CronJob', namespace: 'app', name: 'web', uid: 'u-cj', ownerReferences: [] },
      { kind: 'Job', namespace: 'app', name: 'web-29918940', uid: 'u-job', ownerReferences: [{ kind: 'CronJob', name: 'web', controller: true }] },
    ],
  } as DoctorFacts;
}

describe('pod.injection after an IRSA migration', () => {
  const c = check('pod.injection');
  const BEFORE = '2026-11-01T00:00:00Z';

  it('warn, not fail: a CronJob pod with working IRSA finishes with IRSA; its next run gets Pod Identity', () => {
    const facts = migrated(irsaPod({ creationTimestamp: BEFORE, ...JOB_OWNER }));
    const [r] = run(c, facts);
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(/created before the association .* still runs with IRSA \(arn:aws:iam::111122223333:role\/web\); its role's OIDC trust still admits it\. It finishes with IRSA; its next run gets Pod Identity/);
    expect(r.detail).not.toMatch(/node role/);
    // Never delete the running Job (it works, and a CronJob does not re-create a deleted Job): its next
    // scheduled run gets Pod Identity, and `create job --from=cronjob` starts one now.
    expect(r.fix).toBe('Restart so the webhook injects the Pod Identity env and token: a running job of cronjob/web finishes as it started, and its next scheduled run gets Pod Identity; to start one now: kubectl -n app create job --from=cronjob/web web-podid-2611261200');
    expect(r.fix).not.toMatch(/delete/);
    expect(r.fix).not.toMatch(/annotate/);
    // pod.irsa-env does not report the same pod again, and the run passes without --strict.
    expect(run(check('pod.irsa-env'), facts)).toEqual([]);
    expect(runDoctor(facts, selectChecks(['pod'])).summary.fail).toBe(0);
  });
  it('a pod of a Job without a CronJob: no delete of the running Job, a re-run once it has finished', () => {
    const facts = migrated(irsaPod({ creationTimestamp: BEFORE, ownerReferences: [{ kind: 'Job', name: 'backfill', controller: true }] }));
    const [r] = run(c, { ...facts, workloads: [{ kind: 'Job', namespace: 'app', name: 'backfill', uid: 'u-b', ownerReferences: [] }] });
    expect(r.fix).toBe('Restart so the webhook injects the Pod Identity env and token: job/backfill finishes as it started; once it has finished, run it again from its manifest and that run gets Pod Identity');
  });
  it('the job name of `create job --from=cronjob` stays a valid Kubernetes name (at most 63 characters)', () => {
    const long = 'c'.repeat(52);
    const facts = migrated(irsaPod({ creationTimestamp: BEFORE, ownerReferences: [{ kind: 'Job', name: `${long}-29918940`, controller: true }] }));
    const [r] = run(c, { ...facts, workloads: [{ kind: 'CronJob', namespace: 'app', name: long, uid: 'u', ownerReferences: [] }, { kind: 'Job', namespace: 'app', name: `${long}-29918940`, uid: 'u2', ownerReferences: [{ kind: 'CronJob', name: long, controller: true }] }] });
    const name = r.fix!.match(/create job --from=cronjob\/c+ (\S+)$/)![1];
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
  it('warn for a Deployment pod: it keeps IRSA until it is recreated, with the rollout restart', () => {
    const [r] = run(c, migrated(irsaPod({ creationTimestamp: BEFORE })));
    expect(r).toMatchObject({ status: 'warn', detail: expect.stringMatching(/keeps IRSA credentials until it is recreated/), fix: expect.stringMatching(/kubectl -n app rollout restart deployment\/web$/) });
  });
  it("fail when the pod's IRSA no longer works (the OIDC trust does not admit it): it falls back to the node role", () => {
    const [r] = run(c, migrated(irsaPod({ creationTimestamp: BEFORE, ...JOB_OWNER }), irsaTrust('system:serviceaccount:app:other')));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/IRSA credentials no longer work: the trust of arn:aws:iam::111122223333:role\/web no longer admits system:serviceaccount:app:web/);
  });
  it('warn, saying so, when the OIDC trust cannot be checked (role not read)', () => {
    const facts = { ...migrated(irsaPod({ creationTimestamp: BEFORE })), roles: new Map() };
    expect(run(c, facts)[0]).toMatchObject({ status: 'warn', detail: expect.stringMatching(/podid could not check its role's OIDC trust/) });
  });
  it('fail: created after the association with IRSA env instead (webhook race): it uses IRSA, not the node role', () => {
    const [r] = run(c, migrated(irsaPod()));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/webhook missed it .*so it uses IRSA \(AWS_ROLE_ARN\), not the association/);
  });
});

describe('pod.static-keys', () => {
  const c = check('pod.static-keys');
  it('ok without keys', () => expect(statuses(run(c, world()))).toEqual(['ok']));
  it('fail with keys, never printing their values', () => {
    const pod = env(injectedPod('app', 'web-1', 'web'), { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    const [r] = run(c, withPods(pod));
    expect(r.status).toBe('fail');
    expect(JSON.stringify(r)).not.toMatch(/AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/);
    expect(r.detail).toMatch(/AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; values not shown/);
  });
  it('empty values do not count (the SDKs ignore them)', () => {
    const pod = env(injectedPod('app', 'web-1', 'web'), { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    expect(statuses(run(c, withPods(pod)))).toEqual(['ok']);
  });
  it('warn for an access key alone: botocore raises PartialCredentialsError, the JS SDKs go on', () => {
    const [r] = run(c, withPods(env(injectedPod('app', 'web-1', 'web'), { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' })));
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(/PartialCredentialsError/);
  });
});

describe('pod.host-network', () => {
  const c = check('pod.host-network');
  it('ok on the pod network', () => expect(statuses(run(c, world()))).toEqual(['ok']));
  it('fail with hostNetwork', () => expect(run(c, withPods(injectedPod('app', 'web-1', 'web', { hostNetwork: true })))[0]).toMatchObject({ status: 'fail', fix: expect.stringMatching(/without hostNetwork/) }));
});

describe('pod.compute', () => {
  const c = check('pod.compute');
  it('ok on Linux EC2', () => expect(statuses(run(c, withPods(injectedPod('app', 'web-1', 'web'))))).toEqual(['ok']));
  it('fail on Fargate and on Windows, one finding each', () => {
    const results = run(c, withPods(injectedPod('app', 'web-1', 'web', { nodeName: 'f1' }), injectedPod('app', 'web-2', 'web', { nodeName: 'w1' })));
    expect(results.map((r) => [r.status, r.detail.match(/a (\w+) node/)?.[1]])).toEqual([['fail', 'Fargate'], ['fail', 'Windows']]);
  });
  it('no result for a pending pod without a node', () => expect(run(c, withPods(injectedPod('app', 'web-1', 'web', { nodeName: undefined })))).toEqual([]));
});

describe('pod.proxy', () => {
  const c = check('pod.proxy');
  const proxied = (vars: Record<string, string>) => withPods(env(injectedPod('app', 'web-1', 'web'), { HTTPS_PROXY: 'http://proxy:3128', ...vars }));
  it('ok without a proxy, or with NO_PROXY covering both agent addresses', () => {
    expect(statuses(run(c, world()))).toEqual(['ok']);
    expect(statuses(run(c, proxied({ NO_PROXY: 'localhost,169.254.170.23,fd00:ec2::23' })))).toEqual(['ok']);
    expect(statuses(run(c, proxied({ no_proxy: '169.254.0.0/16,[fd00:ec2::/32]' })))).toEqual(['ok']);
  });
  it('fail when NO_PROXY misses 169.254.170.23', () => expect(run(c, proxied({ NO_PROXY: 'localhost' }))[0]).toMatchObject({ status: 'fail', fix: 'Add 169.254.170.23,fd00:ec2::23 to NO_PROXY (and no_proxy) in the pod spec' }));
  it('warn when only the IPv6 address is missing', () => expect(statuses(run(c, proxied({ NO_PROXY: '169.254.170.23' })))).toEqual(['warn']));
  it('warn when NO_PROXY comes from a Secret or ConfigMap (valueFrom): its value is unknown', () => {
    const fromRef = (pod: Pod, ref: string): Pod => ({ ...pod, containers: pod.containers.map((k) => ({ ...k, env: [...k.env, { name: 'no_proxy', valueFrom: ref }] })) });
    const pod = fromRef(env(injectedPod('app', 'web-1', 'web'), { HTTP_PROXY: 'http://proxy:3128' }), 'configMapKeyRef:proxy-settings/no_proxy');
    const [r] = run(c, withPods(pod));
    expect(r).toMatchObject({ status: 'warn', subject: 'pod app/web-1', refs: { pods: ['app/web-1'] } });
    expect(r.detail).toBe('container app sets a proxy and takes NO_PROXY from a Secret/ConfigMap; make sure it lists 169.254.170.23 and fd00:ec2::23');
    // A literal NO_PROXY wins over a later valueFrom one (envValue checks NO_PROXY first); an empty proxy is no proxy.
    expect(statuses(run(c, withPods(fromRef(env(injectedPod('app', 'web-1', 'web'), { HTTPS_PROXY: 'http://p:1', NO_PROXY: '169.254.170.23,fd00:ec2::23' }), 'secretKeyRef:x/y'))))).toEqual(['ok']);
    expect(statuses(run(c, withPods(fromRef(env(injectedPod('app', 'web-1', 'web'), { HTTPS_PROXY: '' }), 'secretKeyRef:x/y'))))).toEqual(['ok']);
  });
  it('groups pods of one service account that warn the same way', () => {
    const hidden = (name: string): Pod => {
      const pod = env(injectedPod('app', name, 'web'), { HTTPS_PROXY: 'http://proxy:3128' });
      return { ...pod, containers: pod.containers.map((k) => ({ ...k, env: [...k.env, { name: 'NO_PROXY', valueFrom: 'secretKeyRef:proxy/no-proxy' }] })) };
    };
    const results = run(c, withPods(hidden('web-1'), hidden('web-2'), injectedPod('app', 'web-3', 'web')));
    expect(results.map((r) => `${r.status} ${r.subject}`)).toEqual(['warn pods of app/web (2 of 3)', 'ok pods of app/web']);
    expect(results[0].detail).toMatch(/\(app\/web-1, app\/web-2\)$/);
  });
});

describe('noProxyCovers', () => {
  it.each([
    ['169.254.170.23', '169.254.170.23', true],
    ['*', '169.254.170.23', true],
    ['169.254.170.0/24', '169.254.170.23', true],
    ['169.254.171.0/24', '169.254.170.23', false],
    ['.internal,localhost', '169.254.170.23', false],
    ['fd00:ec2:0::23', 'fd00:ec2::23', true],
    ['[fd00:ec2::23]', 'fd00:ec2::23', true],
    ['fd00::/8', 'fd00:ec2::23', true],
    ['fe80::/10', 'fd00:ec2::23', false],
  ])('%s covers %s: %s', (noProxy, ip, expected) => expect(noProxyCovers(noProxy, ip)).toBe(expected));
});

describe('pod.exchange', () => {
  const c = check('pod.exchange');
  it('ok when the simulated exchange returns credentials', () => expect(run(c, world())[0]).toMatchObject({ status: 'ok', detail: 'the simulated exchange returns credentials for 1 pod(s)' }));
  it('fail with the EKS Auth error and the trust fix', () => {
    const r = role('web', scopedTrust('other', 'web'));
    const [res] = run(c, world({ roles: new Map([[r.arn, r]]) }));
    expect(res.status).toBe('fail');
    expect(res.detail).toMatch(/fails with AccessDeniedException: The trust policy of role web does not let pods.eks.amazonaws.com call sts:AssumeRole\.$/);
    expect(res.fix).toMatch(/--fix-trust --approve/);
  });
});

describe('irsa.candidate', () => {
  const c = check('irsa.candidate');
  it('lists annotated service accounts without an association, with the migrate command', () => {
    const facts = world({ serviceAccounts: [sa('app', 'web'), sa('legacy', 'api', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/api' })] });
    expect(run(c, facts)).toEqual([
      expect.objectContaining({ status: 'ok', subject: 'service account legacy/api', fix: 'podid migrate-irsa -c c1 -n legacy --approve --restart' }),
    ]);
  });
  it('with a state file, the migrate command (and the plan review) name it', () => {
    const facts = world({ statePath: 'states/demo.json', serviceAccounts: [sa('legacy', 'api', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/api' })] });
    const [r] = run(c, facts);
    expect(r.fix).toBe('podid migrate-irsa -c c1 -n legacy --approve --restart --state states/demo.json');
    expect(r.detail).toMatch(/review the plan first: podid migrate-irsa -c c1 -n legacy --state states\/demo.json\)$/);
  });
  it('leaves out service accounts that already have an association', () => {
    expect(run(c, world({ serviceAccounts: [sa('app', 'web', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/x' })] }))).toEqual([]);
  });
});

describe('runner', () => {
  it('selects checks by id, group and group.*; unknown ids are usage errors', () => {
    expect(selectChecks(['association.trust']).map((c) => c.id)).toEqual(['association.trust']);
    expect(selectChecks(['agent']).map((c) => c.id)).toEqual(['agent.addon', 'agent.daemonset', 'agent.node-role']);
    expect(selectChecks(['pod.*']).every((c) => c.group === 'pod')).toBe(true);
    expect(() => selectChecks(['nope'])).toThrow(UsageError);
  });

  it('a healthy world has no fail or warn', () => {
    const { summary } = runDoctor(world({ associations: [association('app', 'web', role('web', scopedTrust('app', 'web')).arn, { createdAt: T0 })] }));
    expect(summary.fail + summary.warn).toBe(0);
  });

  it('an empty cluster: only cluster and agent checks', () => {
    const { checks, summary } = runDoctor(world({ associations: [], serviceAccounts: [], pods: [], roles: new Map() }));
    expect(summary).toMatchObject({ fail: 0, warn: 0 });
    expect(new Set(checks.map((c) => c.id))).toEqual(new Set(['cluster.status', 'agent.addon', 'agent.daemonset', 'agent.node-role']));
  });
});
