import type { ComputeType, Container, DaemonSet, EnvVar, Node, OwnerReference, Pod, ProjectedTokenSource, ServiceAccount, Workload } from '../../core/model.js';

// Pure conversion from Kubernetes API objects to the model. The input is either plain JSON
// (manifests, the wire) or @kubernetes/client-node's deserialized classes (which turn
// timestamps into Date objects), so the shapes below are structural and every field optional.
// Secrets are never resolved: an env var's valueFrom becomes a short description.

export type StringMap = Record<string, string>;

export interface KubeOwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface KubeMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: StringMap;
  annotations?: StringMap;
  creationTimestamp?: string | Date;
  ownerReferences?: KubeOwnerReference[];
}

interface KeyRef {
  name?: string;
  key?: string;
}

export interface KubeEnvVar {
  name?: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: KeyRef;
    configMapKeyRef?: KeyRef;
    fieldRef?: { fieldPath?: string };
    resourceFieldRef?: { containerName?: string; resource?: string };
  };
}

export interface KubeContainer {
  name?: string;
  image?: string;
  env?: KubeEnvVar[];
  volumeMounts?: { name?: string; mountPath?: string }[];
}

export interface KubeVolume {
  name?: string;
  projected?: { sources?: { serviceAccountToken?: { audience?: string; expirationSeconds?: number; path?: string } }[] };
}

export interface KubePodSpec {
  serviceAccountName?: string;
  /** Deprecated alias of serviceAccountName, still filled in by the API server. */
  serviceAccount?: string;
  nodeName?: string;
  hostNetwork?: boolean;
  nodeSelector?: StringMap;
  containers?: KubeContainer[];
  initContainers?: KubeContainer[];
  volumes?: KubeVolume[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMeta;
}

export type KubeServiceAccount = KubeObject;

export interface KubePod extends KubeObject {
  spec?: KubePodSpec;
  status?: { phase?: string };
}

export interface KubeNode extends KubeObject {
  status?: { nodeInfo?: { operatingSystem?: string } };
}

export interface KubeDaemonSet extends KubeObject {
  spec?: { template?: { spec?: KubePodSpec } };
  status?: { desiredNumberScheduled?: number; numberReady?: number; numberAvailable?: number };
}

/** The controllers podid follows from a pod up to what `kubectl rollout restart` acts on. */
export const WORKLOAD_KINDS = ['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
export const isWorkloadKind = (kind: unknown): kind is WorkloadKind => WORKLOAD_KINDS.includes(kind as WorkloadKind);

export const DEFAULT_NAMESPACE = 'default';

const list = <T>(value: T[] | undefined | null): T[] => (Array.isArray(value) ? value : []);
const map = (value: StringMap | undefined | null): StringMap => (value && typeof value === 'object' ? { ...value } : {});

/** ISO 8601 for a Date or an API timestamp string; '' when the object has none (manifests). */
export function timestamp(value: string | Date | undefined | null): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value !== 'string' || value === '') return '';
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}

const meta = (o: KubeObject) => o.metadata ?? {};
const namespaceOf = (o: KubeObject) => meta(o).namespace || DEFAULT_NAMESPACE;

export function toOwnerReferences(refs: KubeOwnerReference[] | undefined): OwnerReference[] {
  return list(refs).map((r) => {
    const ref: OwnerReference = { kind: r.kind ?? '', name: r.name ?? '' };
    if (r.uid) ref.uid = r.uid;
    if (r.controller !== undefined) ref.controller = r.controller;
    return ref;
  });
}

export function toServiceAccount(o: KubeServiceAccount): ServiceAccount {
  const m = meta(o);
  const sa: ServiceAccount = {
    namespace: namespaceOf(o),
    name: m.name ?? '',
    uid: m.uid ?? '',
    annotations: map(m.annotations),
    creationTimestamp: timestamp(m.creationTimestamp),
  };
  if (m.labels && Object.keys(m.labels).length > 0) sa.labels = map(m.labels);
  return sa;
}

/** Where an env var's value comes from, e.g. `secretKeyRef:db-creds/password`, never the value itself. */
export function describeValueFrom(from: KubeEnvVar['valueFrom']): string | undefined {
  if (!from) return undefined;
  if (from.secretKeyRef) return `secretKeyRef:${from.secretKeyRef.name ?? ''}/${from.secretKeyRef.key ?? ''}`;
  if (from.configMapKeyRef) return `configMapKeyRef:${from.configMapKeyRef.name ?? ''}/${from.configMapKeyRef.key ?? ''}`;
  if (from.fieldRef) return `fieldRef:${from.fieldRef.fieldPath ?? ''}`;
  if (from.resourceFieldRef) {
    const { containerName, resource } = from.resourceFieldRef;
    return `resourceFieldRef:${containerName ? `${containerName}/` : ''}${resource ?? ''}`;
  }
  // A source newer than this code (e.g. fileKeyRef): name it, without its content.
  const other = from as Record<string, unknown>;
  return Object.keys(other).find((key) => other[key] !== undefined && other[key] !== null);
}

export function toEnvVar(e: KubeEnvVar): EnvVar {
  const env: EnvVar = { name: e.name ?? '' };
  if (e.value !== undefined && e.value !== null) env.value = String(e.value);
  const from = describeValueFrom(e.valueFrom);
  if (from) env.valueFrom = from;
  return env;
}

export function toContainer(c: KubeContainer): Container {
  return {
    name: c.name ?? '',
    image: c.image ?? '',
    env: list(c.env).map(toEnvVar),
    volumeMounts: list(c.volumeMounts).map((v) => ({ name: v.name ?? '', mountPath: v.mountPath ?? '' })),
  };
}

/** The serviceAccountToken sources of projected volumes (Pod Identity and IRSA tokens live here). */
export function toProjectedTokens(volumes: KubeVolume[] | undefined): ProjectedTokenSource[] {
  const tokens: ProjectedTokenSource[] = [];
  for (const volume of list(volumes)) {
    for (const source of list(volume.projected?.sources)) {
      const token = source.serviceAccountToken;
      if (!token) continue;
      const entry: ProjectedTokenSource = { volume: volume.name ?? '', path: token.path ?? '' };
      if (token.audience) entry.audience = token.audience;
      if (token.expirationSeconds !== undefined && token.expirationSeconds !== null) entry.expirationSeconds = Number(token.expirationSeconds);
      tokens.push(entry);
    }
  }
  return tokens;
}

export function toPod(o: KubePod): Pod {
  const m = meta(o);
  const spec = o.spec ?? {};
  const pod: Pod = {
    namespace: namespaceOf(o),
    name: m.name ?? '',
    uid: m.uid ?? '',
    serviceAccountName: spec.serviceAccountName || spec.serviceAccount || 'default',
    hostNetwork: spec.hostNetwork === true,
    // A manifest pod has no status: it was never scheduled, so its phase is unknown.
    phase: o.status?.phase || 'Unknown',
    containers: list(spec.containers).map(toContainer),
    initContainers: list(spec.initContainers).map(toContainer),
    projectedTokens: toProjectedTokens(spec.volumes),
    ownerReferences: toOwnerReferences(m.ownerReferences),
    labels: map(m.labels),
    creationTimestamp: timestamp(m.creationTimestamp),
  };
  if (spec.nodeName) pod.nodeName = spec.nodeName;
  return pod;
}

export const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';

export function toNode(o: KubeNode): Node {
  const labels = map(meta(o).labels);
  const osName = (labels['kubernetes.io/os'] || labels['beta.kubernetes.io/os'] || o.status?.nodeInfo?.operatingSystem || 'linux').toLowerCase();
  const compute = (labels[COMPUTE_TYPE_LABEL] ?? '').toLowerCase();
  const computeType: ComputeType = compute === 'fargate' || compute === 'hybrid' || compute === 'auto' ? compute : 'ec2';
  return { name: meta(o).name ?? '', os: osName === 'windows' ? 'windows' : 'linux', computeType, labels };
}

export function toDaemonSet(o: KubeDaemonSet): DaemonSet {
  const status = o.status ?? {};
  return {
    namespace: namespaceOf(o),
    name: meta(o).name ?? '',
    desired: status.desiredNumberScheduled ?? 0,
    ready: status.numberReady ?? 0,
    available: status.numberAvailable ?? 0,
    nodeSelector: map(o.spec?.template?.spec?.nodeSelector),
  };
}

/** A ReplicaSet, Deployment, StatefulSet, DaemonSet, Job or CronJob; `kind` wins over the object's own (list items have none). */
export function toWorkload(o: KubeObject, kind: string = o.kind ?? ''): Workload {
  const m = meta(o);
  const workload: Workload = { kind, namespace: namespaceOf(o), name: m.name ?? '', ownerReferences: toOwnerReferences(m.ownerReferences) };
  if (m.uid) workload.uid = m.uid;
  return workload;
}
