import { randomUUID } from 'node:crypto';
import { IRSA_ROLE_ANNOTATION, type OwnerReference, type Pod, type ServiceAccount } from '../../core/model.js';
import type { KubePort } from '../../core/ports.js';
import { admitPod } from '../../core/webhook.js';
import { localError, type LocalStore } from './store.js';
import type { ClusterStateDocument } from './schema.js';

// KubePort over one cluster of the state file. A restart replaces the workload's pods with new
// ones admitted by the Pod Identity webhook as it would be now (core/webhook.ts).

const inNamespace = (namespace?: string) => (o: { namespace: string }) => !namespace || o.namespace === namespace;

export function localKube(store: LocalStore, clusterName?: string): KubePort {
  const state = () => store.cluster(clusterName);
  const findSa = (namespace: string, name: string) => state().serviceAccounts.find((s) => s.namespace === namespace && s.name === name);

  // Reads return the stored objects, not copies: this backend never changes an object in place
  // (writes replace it), so a caller's earlier result never changes under it, and copying tens of
  // thousands of objects dominated doctor and migrate at scale. Callers treat results as
  // read-only (rule 15).
  return {
    async listServiceAccounts(namespace) {
      return state().serviceAccounts.filter(inNamespace(namespace));
    },
    async getServiceAccount(namespace, name) {
      return findSa(namespace, name);
    },
    async listPods(namespace) {
      return state().pods.filter(inNamespace(namespace));
    },
    async listNodes() {
      return [...state().nodes];
    },
    async listDaemonSets(namespace) {
      return state().daemonSets.filter(inNamespace(namespace));
    },
    async listWorkloads(namespace) {
      return state().workloads.filter(inNamespace(namespace));
    },
    async createServiceAccount(namespace, name, annotations = {}) {
      if (findSa(namespace, name)) throw localError('conflict', 'kubernetes', 'CreateServiceAccount', 'AlreadyExists', `serviceaccounts "${name}" already exists`);
      const sa: ServiceAccount = { namespace, name, uid: randomUUID(), annotations, creationTimestamp: store.timestamp() };
      await store.update(() => state().serviceAccounts.push(sa));
      return sa;
    },
    async annotateServiceAccount(namespace, name, annotations) {
      const sa = findSa(namespace, name);
      if (!sa) throw localError('not-found', 'kubernetes', 'PatchServiceAccount', 'NotFound', `serviceaccounts "${name}" not found`);
      const next: ServiceAccount = { ...sa, annotations: { ...sa.annotations } };
      for (const [key, value] of Object.entries(annotations)) {
        if (value === null) delete next.annotations[key];
        else next.annotations[key] = value;
      }
      // Replace, never change in place: earlier reads keep the annotations they saw (journals record them).
      await store.update(() => {
        const cluster = state();
        cluster.serviceAccounts = cluster.serviceAccounts.map((s) => (s === sa ? next : s));
      });
      return next;
    },
    async restartWorkload(kind, namespace, name) {
      const cluster = state();
      const exists = cluster.workloads.some((w) => w.kind === kind && w.namespace === namespace && w.name === name);
      if (!exists) throw localError('not-found', 'kubernetes', 'RestartWorkload', 'NotFound', `${kind.toLowerCase()}s "${name}" not found`);
      const now = store.timestamp();
      await store.update(() => {
        cluster.pods = cluster.pods.map((pod) => (pod.namespace === namespace && ownedBy(cluster, pod.ownerReferences, namespace, kind, name) ? recreate(cluster, pod, now) : pod));
      });
    },
  };
}

/** Follows owner references (Pod → ReplicaSet → Deployment, Pod → Job → CronJob) up to the workload. */
export function ownedBy(cluster: Pick<ClusterStateDocument, 'workloads'>, owners: OwnerReference[], namespace: string, kind: string, name: string, depth = 0): boolean {
  if (depth > 4) return false;
  return owners.some((owner) => {
    if (owner.kind === kind && owner.name === name) return true;
    const parent = cluster.workloads.find((w) => w.kind === owner.kind && w.name === owner.name && w.namespace === namespace);
    return parent ? ownedBy(cluster, parent.ownerReferences, namespace, kind, name, depth + 1) : false;
  });
}

function recreate(cluster: ClusterStateDocument, pod: Pod, now: string): Pod {
  const sa = cluster.serviceAccounts.find((s) => s.namespace === pod.namespace && s.name === pod.serviceAccountName);
  const podIdentity = cluster.associations.some((a) => a.namespace === pod.namespace && a.serviceAccount === pod.serviceAccountName);
  const suffix = randomUUID().slice(0, 5);
  const name = pod.name.replace(/-[a-z0-9]{5}$/, '') + '-' + suffix;
  return admitPod({ ...pod, name, uid: randomUUID(), creationTimestamp: now }, { podIdentity, irsaRoleArn: sa?.annotations[IRSA_ROLE_ANNOTATION] });
}
