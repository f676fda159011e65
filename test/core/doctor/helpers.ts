import { indexFacts, type CheckResult, type DoctorFacts, type IndexedFacts } from '../../../src/core/doctor/index.js';
import type { PolicyDocument } from '../../../src/core/iam/types.js';
import type { Association, Cluster, Node, Pod, Role, ServiceAccount } from '../../../src/core/model.js';
import { admitPod } from '../../../src/core/webhook.js';

// Small hand-built facts for doctor check tests: one cluster "c1" in 111122223333, and builders
// for service accounts, pods, associations and roles. Everything healthy unless a test says so.

export const ACCOUNT = '111122223333';
export const CLUSTER: Cluster = {
  name: 'c1', arn: `arn:aws:eks:us-west-2:${ACCOUNT}:cluster/c1`, accountId: ACCOUNT, region: 'us-west-2', partition: 'aws', version: '1.31', status: 'ACTIVE', autoMode: false,
};
export const T0 = '2026-11-10T00:00:00Z';
export const T1 = '2026-11-12T00:00:00Z';

export const roleArnOf = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;

export function scopedTrust(ns: string, sa: string, actions: string[] = ['sts:AssumeRole', 'sts:TagSession'], extra: Record<string, Record<string, string>> = {}): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: actions,
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:RequestTag/eks-cluster-arn': CLUSTER.arn, 'aws:RequestTag/kubernetes-namespace': ns, 'aws:RequestTag/kubernetes-service-account': sa }, ...extra },
    }],
  };
}

export function role(name: string, trust: PolicyDocument, overrides: Partial<Role> = {}): Role {
  const arn = overrides.arn ?? roleArnOf(name, overrides.accountId);
  return { arn, name, path: '/', roleId: `AROA${name.toUpperCase()}`, accountId: arn.split(':')[4], trustPolicy: trust, inlinePolicies: [], attachedPolicies: [], tags: {}, maxSessionDuration: 3600, ...overrides };
}

export function association(ns: string, sa: string, roleArn: string, overrides: Partial<Association> = {}): Association {
  const id = `a-${ns}-${sa}`;
  return {
    associationId: id, associationArn: `arn:aws:eks:us-west-2:${ACCOUNT}:podidentityassociation/c1/${id}`, clusterName: 'c1', namespace: ns, serviceAccount: sa, roleArn,
    disableSessionTags: false, tags: {}, createdAt: T0, modifiedAt: T0, ...overrides,
  };
}

export const sa = (ns: string, name: string, annotations: Record<string, string> = {}): ServiceAccount => ({ namespace: ns, name, uid: `uid-${ns}-${name}`, annotations, creationTimestamp: T0 });

export const node = (name: string, overrides: Partial<Node> = {}): Node => ({ name, os: 'linux', computeType: 'ec2', labels: {}, ...overrides });

export function rawPod(ns: string, name: string, saName: string, overrides: Partial<Pod> = {}): Pod {
  return {
    namespace: ns, name, uid: `uid-${name}`, serviceAccountName: saName, nodeName: 'n1', hostNetwork: false, phase: 'Running',
    containers: [{ name: 'app', image: 'app:1', env: [], volumeMounts: [] }], initContainers: [], projectedTokens: [],
    ownerReferences: [{ kind: 'ReplicaSet', name: `${name.split('-')[0]}-5d8f7c9b4`, controller: true }], labels: {}, creationTimestamp: T1, ...overrides,
  };
}

/** A pod as the webhook admits it for a service account with an association. */
export const injectedPod = (ns: string, name: string, saName: string, overrides: Partial<Pod> = {}) => admitPod(rawPod(ns, name, saName, overrides), { podIdentity: true });

export const agentPod = (nodeName: string): Pod =>
  rawPod('kube-system', `eks-pod-identity-agent-${nodeName}`, 'eks-pod-identity-agent', { nodeName, hostNetwork: true, ownerReferences: [{ kind: 'DaemonSet', name: 'eks-pod-identity-agent', controller: true }] });

/** A healthy world: app/web with an association, its role, one injected pod on n1 with an agent. */
export function world(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  const r = role('web', scopedTrust('app', 'web'));
  return {
    cluster: CLUSTER,
    scope: {},
    agentAddon: { name: 'eks-pod-identity-agent', version: 'v1.3.4-eksbuild.1', status: 'ACTIVE', podIdentityAssociations: [] },
    nodes: [node('n1')],
    daemonSets: [{ namespace: 'kube-system', name: 'eks-pod-identity-agent', desired: 1, ready: 1, available: 1, nodeSelector: {} }],
    serviceAccounts: [sa('app', 'web')],
    pods: [injectedPod('app', 'web-1', 'web'), agentPod('n1')],
    workloads: [],
    associations: [association('app', 'web', r.arn)],
    roles: new Map([[r.arn, r]]),
    now: new Date('2026-11-26T12:00:00Z'),
    ...overrides,
  };
}

export const indexed = (facts: DoctorFacts): IndexedFacts => indexFacts(facts);

/** Runs one check definition's function over facts. */
export function run(check: { run: (f: IndexedFacts) => CheckResult[] }, facts: DoctorFacts): CheckResult[] {
  return check.run(indexed(facts));
}

export const statuses = (results: CheckResult[]) => results.map((r) => r.status);
