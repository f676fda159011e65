import type { DaemonSet, Node, OwnerReference, Pod, Workload } from '../model.js';
import { admitPod, type AdmissionFacts } from '../webhook.js';
import type { AppSpec } from './catalog.js';
import { DEMO_REGION, plusMinutes, stableIndex, suffix } from './ids.js';

// Kubernetes objects of the demo world: nodes, and the workloads of catalog.ts expanded into owner
// chains (Deployment → ReplicaSet → Pod, StatefulSet → Pod, CronJob → Job → Pod, DaemonSet → Pod)
// whose pods are admitted by the webhook model as EKS would have admitted them at creation.

const zone = (z: string) => `${DEMO_REGION}${z}`;
const host = (ip: string) => `ip-${ip.replaceAll('.', '-')}.${DEMO_REGION}.compute.internal`;

function ec2Node(ip: string, z: string, nodegroup: string, os: 'linux' | 'windows', instanceType: string): Node {
  const name = host(ip);
  return {
    name,
    os,
    computeType: 'ec2',
    labels: {
      'kubernetes.io/os': os,
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': name,
      'node.kubernetes.io/instance-type': instanceType,
      'topology.kubernetes.io/region': DEMO_REGION,
      'topology.kubernetes.io/zone': zone(z),
      'eks.amazonaws.com/nodegroup': nodegroup,
      'eks.amazonaws.com/capacityType': 'ON_DEMAND',
    },
  };
}

export const LINUX_NODES: Node[] = [
  ec2Node('10.0.1.17', 'a', 'general', 'linux', 'm6i.xlarge'),
  ec2Node('10.0.1.142', 'a', 'general', 'linux', 'm6i.xlarge'),
  ec2Node('10.0.2.38', 'b', 'general', 'linux', 'm6i.xlarge'),
  ec2Node('10.0.2.201', 'b', 'general', 'linux', 'm6i.xlarge'),
  ec2Node('10.0.3.66', 'c', 'general', 'linux', 'm6i.xlarge'),
  ec2Node('10.0.3.190', 'c', 'general', 'linux', 'm6i.xlarge'),
];

const FARGATE_NAME = `fargate-${host('10.0.4.12')}`;
export const FARGATE_NODE: Node = {
  name: FARGATE_NAME,
  os: 'linux',
  computeType: 'fargate',
  labels: {
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': FARGATE_NAME,
    'topology.kubernetes.io/region': DEMO_REGION,
    'topology.kubernetes.io/zone': zone('a'),
    'eks.amazonaws.com/compute-type': 'fargate',
    'eks.amazonaws.com/fargate-profile': 'web-static',
  },
};

export const WINDOWS_NODE: Node = ec2Node('10.0.5.77', 'b', 'windows', 'windows', 'm5.xlarge');

export const DEMO_NODES: Node[] = [...LINUX_NODES, FARGATE_NODE, WINDOWS_NODE];

export interface KubeObjects {
  workloads: Workload[];
  pods: Pod[];
  daemonSets: DaemonSet[];
}

export interface ExpandContext {
  nextWorkloadUid: () => string;
  nextPodUid: () => string;
  /** What the webhook knew about (namespace, SA) when a pod was created at `createdAt`. */
  admission: (namespace: string, serviceAccount: string, createdAt: string) => AdmissionFacts;
}

const controller = (w: Workload): OwnerReference => ({ kind: w.kind, name: w.name, uid: w.uid, controller: true });

function workload(ctx: ExpandContext, kind: string, namespace: string, name: string, owner?: Workload): Workload {
  return { kind, namespace, name, uid: ctx.nextWorkloadUid(), ownerReferences: owner ? [controller(owner)] : [] };
}

function placeNode(app: AppSpec, index: number): string {
  if (app.placement === 'fargate') return FARGATE_NODE.name;
  if (app.placement === 'windows') return WINDOWS_NODE.name;
  return LINUX_NODES[(stableIndex(`${app.namespace}/${app.name}`, LINUX_NODES.length) + index) % LINUX_NODES.length].name;
}

function pod(ctx: ExpandContext, app: AppSpec, name: string, index: number, owner: Workload, labels: Record<string, string>, nodeName = placeNode(app, index)): Pod {
  const createdAt = plusMinutes(app.createdAt, index);
  const raw: Pod = {
    namespace: app.namespace,
    name,
    uid: ctx.nextPodUid(),
    serviceAccountName: app.serviceAccount,
    nodeName,
    hostNetwork: app.hostNetwork ?? false,
    phase: 'Running',
    containers: app.containers.map((c) => ({ name: c.name, image: c.image, env: c.env ?? [], volumeMounts: [] })),
    initContainers: [],
    projectedTokens: [],
    ownerReferences: [controller(owner)],
    labels: { 'app.kubernetes.io/name': app.name, ...labels },
    creationTimestamp: createdAt,
  };
  return admitPod(raw, ctx.admission(app.namespace, app.serviceAccount, createdAt));
}

/** Minutes since the epoch of a CronJob's scheduled time: the suffix Kubernetes gives its Jobs. */
const scheduledMinutes = (at: string) => Math.floor(Date.parse(at) / 60_000);

export function expandApp(ctx: ExpandContext, app: AppSpec): KubeObjects {
  const replicas = app.replicas ?? 1;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  switch (app.kind) {
    case 'Deployment': {
      const deployment = workload(ctx, 'Deployment', app.namespace, app.name);
      const hash = suffix(`${app.namespace}/${app.name}/template`, 10);
      const rs = workload(ctx, 'ReplicaSet', app.namespace, `${app.name}-${hash}`, deployment);
      const pods = range(replicas).map((i) => pod(ctx, app, `${rs.name}-${suffix(`${rs.name}/${i}`)}`, i, rs, { 'pod-template-hash': hash }));
      return { workloads: [deployment, rs], pods, daemonSets: [] };
    }
    case 'StatefulSet': {
      const sts = workload(ctx, 'StatefulSet', app.namespace, app.name);
      const revision = `${app.name}-${suffix(`${app.namespace}/${app.name}/revision`, 10)}`;
      const pods = range(replicas).map((i) => pod(ctx, app, `${app.name}-${i}`, i, sts, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': `${app.name}-${i}` }));
      return { workloads: [sts], pods, daemonSets: [] };
    }
    case 'CronJob': {
      const cron = workload(ctx, 'CronJob', app.namespace, app.name);
      const job = workload(ctx, 'Job', app.namespace, `${app.name}-${scheduledMinutes(app.createdAt)}`, cron);
      const pods = [pod(ctx, app, `${job.name}-${suffix(job.name)}`, 0, job, { 'job-name': job.name, 'batch.kubernetes.io/job-name': job.name })];
      return { workloads: [cron, job], pods, daemonSets: [] };
    }
    case 'DaemonSet': {
      const ds = workload(ctx, 'DaemonSet', app.namespace, app.name);
      const revision = suffix(`${app.namespace}/${app.name}/revision`, 10);
      const pods = LINUX_NODES.map((node, i) => pod(ctx, app, `${app.name}-${suffix(`${app.name}/${node.name}`)}`, i, ds, { 'controller-revision-hash': revision }, node.name));
      const count = LINUX_NODES.length;
      const daemonSet: DaemonSet = { namespace: app.namespace, name: app.name, desired: count, ready: count, available: count, nodeSelector: { 'kubernetes.io/os': 'linux' } };
      return { workloads: [ds], pods, daemonSets: [daemonSet] };
    }
  }
}
