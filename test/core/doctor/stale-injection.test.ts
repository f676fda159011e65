import { describe, expect, it } from 'vitest';
import { CHECKS, runDoctor } from '../../../src/core/doctor/index.js';
import type { Pod } from '../../../src/core/model.js';
import { admitPod } from '../../../src/core/webhook.js';
import { agentPod, injectedPod, node, rawPod, run, sa, statuses, world } from './helpers.js';

// pod.stale-injection: pods that carry the Pod Identity env while their service account has no
// association (deleted, or rolled back, after they started). The agent answers 404 for them
// (EKS Auth ResourceNotFoundException), so doctor must not pass them.

const check = (id: string) => CHECKS.find((c) => c.id === id)!;
const c = check('pod.stale-injection');
const ROLE = 'arn:aws:iam::111122223333:role/old';
/** The association of app/web was deleted; its pods still carry what the webhook injected. */
const orphaned = (pods: Pod[] = [injectedPod('app', 'web-1', 'web')], extra: Parameters<typeof world>[0] = {}) => world({ associations: [], roles: new Map(), pods: [...pods, agentPod('n1')], ...extra });
const withEnv = (pod: Pod, env: Record<string, string>, container = 0): Pod => ({
  ...pod,
  containers: pod.containers.map((k, i) => (i === container ? { ...k, env: [...k.env, ...Object.entries(env).map(([name, value]) => ({ name, value }))] } : k)),
});

describe('pod.stale-injection', () => {
  it('fail: Pod Identity env without an association, with the restart and the associate command', () => {
    const [r] = run(c, orphaned());
    expect(r).toMatchObject({ status: 'fail', subject: 'pod app/web-1', refs: { namespace: 'app', serviceAccount: 'web', pods: ['app/web-1'] } });
    expect(r.detail).toMatch(/^pod carries the Pod Identity env \(AWS_CONTAINER_CREDENTIALS_FULL_URI\) but no association covers service account app\/web .*the agent, which answers 404 \(EKS Auth ResourceNotFoundException\), so credentials fail$/);
    expect(r.fix).toBe(
      'Restart so the webhook admits the pods without the Pod Identity env: kubectl -n app rollout restart deployment/web; ' +
        'or recreate the association: podid associate -c c1 -n app -s web --create-role --approve (or --role-arn ROLE_ARN --fix-trust instead of --create-role, to use the role it had)',
    );
    expect(runDoctor(orphaned()).summary.fail).toBeGreaterThan(0);
  });

  it('with --state, the podid command carries it', () => {
    expect(run(c, orphaned(undefined, { statePath: 'demo.json' }))[0].fix).toMatch(/--create-role --approve --state demo\.json \(or/);
  });

  it('groups the pods of one service account', () => {
    const results = run(c, orphaned([injectedPod('app', 'web-1', 'web'), injectedPod('app', 'web-2', 'web')]));
    expect(results.map((r) => `${r.status} ${r.subject}`)).toEqual(['fail pods of app/web (2)']);
    expect(results[0].detail).toMatch(/^2 pods carry .*\(app\/web-1, app\/web-2\)$/);
  });

  it('no finding when an association covers the service account, or when the pod has no Pod Identity env', () => {
    expect(run(c, world())).toEqual([]);
    expect(run(c, orphaned([rawPod('app', 'web-1', 'web')]))).toEqual([]);
    expect(run(c, orphaned([injectedPod('app', 'web-1', 'web', { phase: 'Succeeded' })]))).toEqual([]);
  });

  it('a container pointing the SDK at the agent counts; a custom credential endpoint does not', () => {
    const sidecar = (uri: string): Pod => withEnv({ ...rawPod('app', 'web-1', 'web'), containers: [...rawPod('app', 'web-1', 'web').containers, { name: 'side', image: 's:1', env: [], volumeMounts: [] }] }, { AWS_CONTAINER_CREDENTIALS_FULL_URI: uri });
    expect(statuses(run(c, orphaned([sidecar('http://169.254.170.23/v1/credentials')])))).toEqual(['fail']);
    expect(statuses(run(c, orphaned([sidecar('http://[fd00:ec2::23]/v1/credentials')])))).toEqual(['fail']);
    expect(run(c, orphaned([sidecar('http://127.0.0.1:9911/creds')]))).toEqual([]);
  });

  it('warn when IRSA env or static keys come first in the SDK chain (the pod keeps working)', () => {
    const both = withEnv(injectedPod('app', 'web-1', 'web'), { AWS_ROLE_ARN: ROLE, AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' });
    expect(run(c, orphaned([both]))[0]).toMatchObject({ status: 'warn', detail: expect.stringMatching(/IRSA \(AWS_ROLE_ARN\) comes first in the SDK chain/) });
    const keys = withEnv(injectedPod('app', 'web-1', 'web'), { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' });
    expect(statuses(run(c, orphaned([keys])))).toEqual(['warn']);
  });

  it('an IRSA-annotated service account (rolled-back migration): the restart gives the pods IRSA', () => {
    const [r] = run(c, orphaned(undefined, { serviceAccounts: [sa('app', 'web', { 'eks.amazonaws.com/role-arn': ROLE })] }));
    expect(r.fix).toMatch(/^Restart so the webhook injects the IRSA env of the service account's annotation \(arn:aws:iam::111122223333:role\/old\): kubectl -n app rollout restart deployment\/web; or recreate/);
  });

  it('a CronJob pod: no Job is deleted; its next run starts without the env, or one now', () => {
    const pod = injectedPod('app', 'web-29918940-abcde', 'web', { ownerReferences: [{ kind: 'Job', name: 'web-29918940', controller: true }] });
    const workloads = [
      { kind: 'CronJob', namespace: 'app', name: 'web', uid: 'u-cj', ownerReferences: [] },
      { kind: 'Job', namespace: 'app', name: 'web-29918940', uid: 'u-job', ownerReferences: [{ kind: 'CronJob', name: 'web', controller: true }] },
    ];
    const [r] = run(c, orphaned([pod], { workloads }));
    expect(r.fix).toMatch(/its next scheduled run starts without it; to start one now: kubectl -n app create job --from=cronjob\/web web-podid-\d{10}; or recreate/);
    expect(r.fix).not.toMatch(/delete/);
  });

  it('stays in the scope: -s and --pod look at their own pods only', () => {
    const pods = [injectedPod('app', 'web-1', 'web'), injectedPod('app', 'api-1', 'api')];
    expect(run(c, orphaned(pods, { scope: { serviceAccount: { namespace: 'app', name: 'api' } } })).map((r) => r.subject)).toEqual(['pod app/api-1']);
    expect(run(c, orphaned(pods, { scope: { pod: { namespace: 'app', name: 'web-1' } } })).map((r) => r.subject)).toEqual(['pod app/web-1']);
    expect(run(c, orphaned(pods, { scope: { namespace: 'other' } }))).toEqual([]);
  });

  it('skips silently when Kubernetes could not be read', () => expect(run(c, orphaned(undefined, { pods: undefined }))).toEqual([]));
});

describe('agent.daemonset counts pods with a stale Pod Identity env', () => {
  const ds = check('agent.daemonset');
  it('they need the agent: ok names their node, instead of "no pod in scope needs the agent"', () => {
    const [r] = run(ds, orphaned());
    expect(r).toMatchObject({ status: 'ok', detail: expect.stringMatching(/an agent runs on all 1 node\(s\) with pods that use Pod Identity/) });
  });
  it('fail when their node has no agent', () => {
    const facts = world({ associations: [], roles: new Map(), nodes: [node('n1'), node('n2')], pods: [injectedPod('app', 'web-1', 'web', { nodeName: 'n2' }), agentPod('n1')] });
    expect(run(ds, facts)[0]).toMatchObject({ status: 'fail', subject: 'node n2', refs: { pods: ['app/web-1'] } });
  });
  it('a pod without the env and without an association does not need it', () => {
    expect(run(ds, orphaned([admitPod(rawPod('app', 'web-1', 'web'), { podIdentity: false })]))[0].detail).toMatch(/no pod in scope needs the agent/);
  });
});
