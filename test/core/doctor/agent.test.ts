import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/core/doctor/index.js';
import type { Role } from '../../../src/core/model.js';
import { agentPod, CLUSTER, injectedPod, node, role, run, statuses, world } from './helpers.js';

const check = (id: string) => CHECKS.find((c) => c.id === id)!;

describe('cluster.status', () => {
  it('ok when ACTIVE, warn while updating, fail when FAILED', () => {
    expect(statuses(run(check('cluster.status'), world()))).toEqual(['ok']);
    expect(statuses(run(check('cluster.status'), world({ cluster: { ...CLUSTER, status: 'UPDATING' } })))).toEqual(['warn']);
    expect(statuses(run(check('cluster.status'), world({ cluster: { ...CLUSTER, status: 'FAILED' } })))).toEqual(['fail']);
  });
});

describe('agent.addon', () => {
  const addon = check('agent.addon');
  const facts = (agentAddon: ReturnType<typeof world>['agentAddon'], extra = {}) => world({ agentAddon, ...extra });

  it('ok: ACTIVE, with its version', () => {
    const [r] = run(addon, world());
    expect(r).toMatchObject({ status: 'ok', detail: 'v1.3.4-eksbuild.1, ACTIVE' });
  });

  it('ok: Auto Mode without the add-on', () => {
    expect(run(addon, facts(null, { cluster: { ...CLUSTER, autoMode: true } }))[0]).toMatchObject({ status: 'ok', detail: expect.stringMatching(/Auto Mode/) });
  });

  it('fail: not installed while associations exist, with the create-addon command', () => {
    const [r] = run(addon, facts(null));
    expect(r.status).toBe('fail');
    expect(r.fix).toBe('aws eks create-addon --cluster-name c1 --addon-name eks-pod-identity-agent');
  });

  it('warn: not installed and no association yet', () => {
    expect(statuses(run(addon, facts(null, { associations: [] })))).toEqual(['warn']);
  });

  it('fail when DEGRADED, warn while UPDATING', () => {
    const base = { name: 'eks-pod-identity-agent', version: 'v1.3.4', podIdentityAssociations: [] };
    expect(statuses(run(addon, facts({ ...base, status: 'DEGRADED' })))).toEqual(['fail']);
    expect(statuses(run(addon, facts({ ...base, status: 'UPDATING' })))).toEqual(['warn']);
  });

  it('skip when the add-ons could not be read', () => {
    expect(statuses(run(addon, facts(undefined)))).toEqual(['skip']);
  });
});

describe('agent.daemonset', () => {
  const ds = check('agent.daemonset');

  it('ok: an agent pod on every node that runs pods with associations', () => {
    expect(run(ds, world())[0]).toMatchObject({ status: 'ok', detail: expect.stringMatching(/1\/1 ready; an agent runs on all 1 node/) });
  });

  it('fail: a Linux EC2 node with such a pod has no agent pod', () => {
    const facts = world({ nodes: [node('n1'), node('n2')], pods: [injectedPod('app', 'web-1', 'web'), injectedPod('app', 'web-2', 'web', { nodeName: 'n2' }), agentPod('n1')] });
    const [r] = run(ds, facts);
    expect(r).toMatchObject({ status: 'fail', subject: 'node n2', refs: { node: 'n2', pods: ['app/web-2'] } });
    expect(r.fix).toMatch(/kubectl -n kube-system describe daemonset eks-pod-identity-agent/);
  });

  it('ignores Fargate and Windows nodes (pod.compute reports those pods)', () => {
    const facts = world({ nodes: [node('n1'), node('f1', { computeType: 'fargate' })], pods: [injectedPod('app', 'web-1', 'web'), injectedPod('app', 'web-2', 'web', { nodeName: 'f1' }), agentPod('n1')] });
    expect(statuses(run(ds, facts))).toEqual(['ok']);
  });

  it('fail: no DaemonSet at all', () => {
    expect(run(ds, world({ daemonSets: [] }))[0]).toMatchObject({ status: 'fail', detail: expect.stringMatching(/does not exist/) });
  });

  it('warn: every needed node is covered but some agent pods are not ready', () => {
    const facts = world({ daemonSets: [{ namespace: 'kube-system', name: 'eks-pod-identity-agent', desired: 3, ready: 2, available: 2, nodeSelector: {} }] });
    expect(statuses(run(ds, facts))).toEqual(['warn']);
  });

  it('skip when Kubernetes could not be read', () => {
    expect(statuses(run(ds, world({ pods: undefined, nodes: undefined, daemonSets: undefined })))).toEqual(['skip']);
  });
});

describe('agent.node-role', () => {
  const nr = check('agent.node-role');
  const trustEc2 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const eksAuth = { name: 'eks-auth', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: 'eks-auth:AssumeRoleForPodIdentity', Resource: '*' }] } };
  const withNodeRoles = (...nodeRoles: Role[]) => {
    const facts = world();
    for (const r of nodeRoles) facts.roles.set(r.arn, r);
    return world({ roles: facts.roles, nodeRoleArns: nodeRoles.map((r) => r.arn) });
  };

  it('skip with the reason when the node groups could not be read', () => {
    const [r] = run(nr, world());
    expect(r.status).toBe('skip');
    expect(r.detail).toMatch(/node groups could not be read/);
    expect(r.fix).toMatch(/aws eks describe-nodegroup --cluster-name c1/);
  });

  it('skip when the cluster has no managed node group', () => {
    expect(run(nr, world({ nodeRoleArns: [] }))[0]).toMatchObject({ status: 'skip', detail: expect.stringMatching(/no managed node group/) });
  });

  it('ok when the node role allows eks-auth:AssumeRoleForPodIdentity (inline or AmazonEKSWorkerNodePolicy)', () => {
    const inline = role('nodes', trustEc2, { inlinePolicies: [eksAuth] });
    const managed = role('nodes-2', trustEc2, { attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy', name: 'AmazonEKSWorkerNodePolicy', document: eksAuth.document }] });
    const results = run(nr, withNodeRoles(inline, managed));
    expect(results.map((r) => `${r.status} ${r.subject}`)).toEqual([`ok node role ${inline.arn}`, `ok node role ${managed.arn}`]);
  });

  it('fail when one does not, with the attach-role-policy command; warn when no association needs the agent', () => {
    const good = role('nodes', trustEc2, { inlinePolicies: [eksAuth] });
    const bad = role('gpu-nodes', trustEc2);
    const results = run(nr, withNodeRoles(good, bad));
    expect(statuses(results)).toEqual(['ok', 'fail']);
    expect(results[1]).toMatchObject({ subject: `node role ${bad.arn}`, refs: { roleArn: bad.arn } });
    expect(results[1].fix).toBe('aws iam attach-role-policy --role-name gpu-nodes --policy-arn arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy');
    expect(statuses(run(nr, { ...withNodeRoles(bad), associations: [] }))).toEqual(['warn']);
  });

  it('skip for a role it cannot read, fail for one that does not exist', () => {
    const arn = 'arn:aws:iam::111122223333:role/unreadable';
    const gone = 'arn:aws:iam::111122223333:role/deleted';
    const facts = world();
    facts.roles.set(gone, null);
    expect(statuses(run(nr, { ...facts, nodeRoleArns: [arn, gone] }))).toEqual(['skip', 'fail']);
  });
});
