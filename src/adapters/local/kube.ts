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

  return {
    async listServiceAccounts(namespace) {
      return structuredClone(state().serviceAccounts.filter(inNamespace(namespace)));
    },
    async getServiceAccount(namespace, name) {
      const sa = findSa(namespace, name);
      return sa && structuredClone(sa);
    },
    async listPods(namespace) {
      // Not cloned: pods are never changed in place here (a restart replaces them), and copying
      // 20,000 pods dominated doctor at scale. Callers treat results as read-only (rule 15).
      return state().pods.filter(inNamespace(namespace));
    },
    async listNodes() {
      return structuredClone(state().nodes);
    },
    async listDaemonSets(namespace) {
      return structuredClone(state().daemonSets.filter(inNamespace(namespace)));
    },
    async listWorkloads(namespace) {
      return structuredClone(state().workloads.filter(inNamespace(namespace)));
    },
    async createServiceAccount(namespace, name, annotations = {}) {
      if (findSa(namespace, name)) throw localError('conflict', 'kubernetes', 'CreateServiceAccount', 'AlreadyExists', `serviceaccounts "${name}" already exists`);
      const sa: ServiceAccount = { namespace, name, uid: randomUUID(), annotations, creationTimestamp: store.timestamp() };
      await store.update(() => state().serviceAccounts.push(sa));
      return structuredClone(sa);
    },
    async annotateServiceAccount(namespace, name, annotations) {
      const sa = findSa(namespace, name);
      if (!sa) throw localError('not-found', 'kubernetes', 'PatchServiceAccount', 'NotFound', `serviceaccounts "${name}" not found`);
      await store.update(() => {
        for (const [key, value] of Object.entries(annotations)) {
          if (value === null) delete sa.annotations[key];
          else sa.annotations[key] = value;
        }
      });
      return structuredClone(sa);
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
