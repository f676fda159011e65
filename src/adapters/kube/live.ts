import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { RemoteError, UserError } from '../../core/errors.js';
import type { KubePort } from '../../core/ports.js';
import { toDaemonSet, toNode, toPod, toServiceAccount, toWorkload, type KubeObject } from './convert.js';
import { toKubeError } from './errors.js';

// KubePort over a live cluster with @kubernetes/client-node 1.x (2.x crashes on Node 20). The
// package costs ~300 ms to load, so it is imported inside liveKube only. Credentials come from the
// kubeconfig, including EKS exec plugins (`aws eks get-token`), which client-node runs itself.
// podid never reads Secrets.

export interface LiveKubeOptions {
  /** --kubeconfig: this file only (as kubectl). Otherwise KUBECONFIG (a path list) or ~/.kube/config. */
  kubeconfig?: string;
  /** --context: a context of the kubeconfig. */
  context?: string;
  env: Record<string, string | undefined>;
  /** For restartedAt; defaults to the clock. */
  now?: () => Date;
  /** Items per list page (limit / continue). */
  pageSize?: number;
  /**
   * The EKS cluster the command works on (-c). Without --context, podid uses the context that points
   * at it (current one first) and refuses a current context of another cluster, so one run never
   * mixes two clusters' data. With --context, a mismatch is only a warning.
   */
  cluster?: { name: string; arn: string; region?: string; endpoint?: string };
  warn?: (message: string) => void;
}

export const PAGE_SIZE = 500;
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
const MERGE_PATCH = 'application/merge-patch+json';
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

type ClientNode = typeof k8s;
interface Page<T> {
  items: T[];
  metadata?: { _continue?: string };
}
type PageParams = { limit: number; _continue?: string };

export async function liveKube(options: LiveKubeOptions): Promise<KubePort> {
  const lib: ClientNode = await import('@kubernetes/client-node');
  const kc = loadKubeConfig(lib, options);
  const server = kc.getCurrentCluster()?.server ?? '';
  const execCommand = kc.getCurrentUser()?.exec?.command as string | undefined;
  const core = kc.makeApiClient(lib.CoreV1Api);
  const apps = kc.makeApiClient(lib.AppsV1Api);
  const batch = kc.makeApiClient(lib.BatchV1Api);
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const now = options.now ?? (() => new Date());

  // client-node picks application/json-patch+json for every PATCH; podid sends merge patches.
  const mergePatch = lib.setHeaderOptions('Content-Type', MERGE_PATCH);

  // With an exec plugin (`aws eks get-token`, ~1 s), get the credential once before any request, so
  // parallel calls (listWorkloads makes six) don't each run the plugin; client-node caches it until it expires.
  let credential: Promise<unknown> | undefined;
  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      if (execCommand) {
        await (credential ??= kc.applyToFetchOptions({}).catch((error: unknown) => {
          credential = undefined; // try the plugin again on the next call
          throw error;
        }));
      }
      return await fn();
    } catch (error) {
      throw toKubeError(error, { operation, server, execCommand });
    }
  };

  const listAll = <T>(operation: string, fetchPage: (params: PageParams) => Promise<Page<T>>) =>
    call(operation, async () => {
      const items: T[] = [];
      let token: string | undefined;
      do {
        const page = await fetchPage(token ? { limit: pageSize, _continue: token } : { limit: pageSize });
        items.push(...page.items);
        token = page.metadata?._continue || undefined;
      } while (token);
      return items;
    });

  const scoped = <T>(operation: string, namespace: string | undefined, all: (p: PageParams) => Promise<Page<T>>, inNamespace: (p: PageParams & { namespace: string }) => Promise<Page<T>>) =>
    listAll(operation, (params) => (namespace ? inNamespace({ ...params, namespace }) : all(params)));

  const restartable: Record<string, (name: string, namespace: string, body: object) => Promise<unknown>> = {
    deployment: (name, namespace, body) => apps.patchNamespacedDeployment({ name, namespace, body }, mergePatch),
    statefulset: (name, namespace, body) => apps.patchNamespacedStatefulSet({ name, namespace, body }, mergePatch),
    daemonset: (name, namespace, body) => apps.patchNamespacedDaemonSet({ name, namespace, body }, mergePatch),
  };

  return {
    async listServiceAccounts(namespace) {
      const items = await scoped('ListServiceAccounts', namespace, (p) => core.listServiceAccountForAllNamespaces(p), (p) => core.listNamespacedServiceAccount(p));
      return items.map(toServiceAccount);
    },
    async getServiceAccount(namespace, name) {
      try {
        return toServiceAccount(await call('GetServiceAccount', () => core.readNamespacedServiceAccount({ name, namespace })));
      } catch (error) {
        if (error instanceof RemoteError && error.kind === 'not-found') return undefined;
        throw error;
      }
    },
    async listPods(namespace) {
      const items = await scoped('ListPods', namespace, (p) => core.listPodForAllNamespaces(p), (p) => core.listNamespacedPod(p));
      return items.map(toPod);
    },
    async listNodes() {
      return (await listAll('ListNodes', (p) => core.listNode(p))).map(toNode);
    },
    async listDaemonSets(namespace) {
      const items = await scoped('ListDaemonSets', namespace, (p) => apps.listDaemonSetForAllNamespaces(p), (p) => apps.listNamespacedDaemonSet(p));
      return items.map(toDaemonSet);
    },
    async listWorkloads(namespace) {
      const lists: [string, Promise<KubeObject[]>][] = [
        ['ReplicaSet', scoped('ListReplicaSets', namespace, (p) => apps.listReplicaSetForAllNamespaces(p), (p) => apps.listNamespacedReplicaSet(p))],
        ['Deployment', scoped('ListDeployments', namespace, (p) => apps.listDeploymentForAllNamespaces(p), (p) => apps.listNamespacedDeployment(p))],
        ['StatefulSet', scoped('ListStatefulSets', namespace, (p) => apps.listStatefulSetForAllNamespaces(p), (p) => apps.listNamespacedStatefulSet(p))],
        ['DaemonSet', scoped('ListDaemonSets', namespace, (p) => apps.listDaemonSetForAllNamespaces(p), (p) => apps.listNamespacedDaemonSet(p))],
        ['Job', scoped('ListJobs', namespace, (p) => batch.listJobForAllNamespaces(p), (p) => batch.listNamespacedJob(p))],
        ['CronJob', scoped('ListCronJobs', namespace, (p) => batch.listCronJobForAllNamespaces(p), (p) => batch.listNamespacedCronJob(p))],
      ];
      const results = await Promise.all(lists.map(async ([kind, items]) => (await items).map((o) => toWorkload(o, kind))));
      return results.flat();
    },
    async createServiceAccount(namespace, name, annotations) {
      const metadata: k8s.V1ObjectMeta = { name, namespace };
      if (annotations && Object.keys(annotations).length > 0) metadata.annotations = annotations;
      const created = await call('CreateServiceAccount', () => core.createNamespacedServiceAccount({ namespace, body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata } }));
      return toServiceAccount(created);
    },
    async annotateServiceAccount(namespace, name, annotations) {
      const body = { metadata: { annotations } };
      return toServiceAccount(await call('PatchServiceAccount', () => core.patchNamespacedServiceAccount({ name, namespace, body }, mergePatch)));
    },
    async restartWorkload(kind, namespace, name) {
      const patch = restartable[kind.toLowerCase()];
      if (!patch) throw new UserError(`cannot restart a ${kind}: only Deployments, StatefulSets and DaemonSets can be restarted`);
      const restartedAt = now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } };
      await call('RestartWorkload', () => patch(name, namespace, body));
    },
  };
}

/** The kubeconfig as kubectl would assemble it, with --context applied. */
export function loadKubeConfig(lib: ClientNode, options: Pick<LiveKubeOptions, 'kubeconfig' | 'context' | 'env' | 'cluster' | 'warn'>): k8s.KubeConfig {
  const kc = new lib.KubeConfig();
  const files = kubeconfigFiles(options);
  if (files.length === 0) {
    if (options.env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
      kc.loadFromCluster();
      return kc;
    }
    throw new UserError('no kubeconfig found', {
      hint: 'Pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config (for EKS: aws eks update-kubeconfig --name CLUSTER).',
    });
  }
  // Merge as kubectl does: the first file to define a name or the current context wins.
  const merged = { clusters: [] as k8s.Cluster[], users: [] as k8s.User[], contexts: [] as k8s.Context[], currentContext: '' };
  for (const file of files) {
    const one = new lib.KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new UserError(`cannot load kubeconfig ${file}: ${reason}`, { cause: error });
    }
    const add = <T extends { name: string }>(into: T[], from: T[]) => from.forEach((item) => into.some((x) => x.name === item.name) || into.push(item));
    add(merged.clusters, one.getClusters());
    add(merged.users, one.getUsers());
    add(merged.contexts, one.getContexts());
    merged.currentContext ||= one.getCurrentContext() ?? '';
  }
  kc.loadFromOptions(merged);
  const names = merged.contexts.map((c) => c.name);
  const known = names.length > 0 ? names.join(', ') : 'none';
  if (options.context) {
    if (!names.includes(options.context)) {
      throw new UserError(`context "${options.context}" not found in the kubeconfig (contexts: ${known})`, { hint: 'Pick one with --context, or list them with kubectl config get-contexts.' });
    }
    kc.setCurrentContext(options.context);
  }
  const current = kc.getCurrentContext();
  if (!current || !kc.getContextObject(current)) {
    throw new UserError(current ? `the kubeconfig's current context "${current}" does not exist (contexts: ${known})` : `the kubeconfig has no current context (contexts: ${known})`, {
      hint: 'Pass --context NAME.',
    });
  }
  if (!kc.getCurrentCluster()) throw new UserError(`context "${current}" refers to a cluster that is not in the kubeconfig`);
  if (options.cluster) bindToCluster(kc, options.cluster, { explicit: Boolean(options.context), warn: options.warn });
  return kc;
}

const normalizeServer = (url: string) => url.trim().toLowerCase().replace(/\/+$/, '').replace(/:443$/, '');

/** Does this context point at the EKS cluster (same API server, or named after its ARN as `aws eks update-kubeconfig` does)? */
export function contextMatches(kc: k8s.KubeConfig, contextName: string, cluster: NonNullable<LiveKubeOptions['cluster']>): boolean {
  const context = kc.getContextObject(contextName);
  if (!context) return false;
  if (context.name === cluster.arn || context.cluster === cluster.arn) return true;
  const server = kc.getCluster(context.cluster)?.server;
  return Boolean(cluster.endpoint && server && normalizeServer(server) === normalizeServer(cluster.endpoint));
}

function bindToCluster(kc: k8s.KubeConfig, cluster: NonNullable<LiveKubeOptions['cluster']>, options: { explicit: boolean; warn?: (message: string) => void }) {
  const current = kc.getCurrentContext();
  if (!cluster.endpoint || contextMatches(kc, current, cluster)) return;
  const server = kc.getCurrentCluster()?.server;
  const mismatch = `kubeconfig context "${current}" points to ${server}, not to EKS cluster ${cluster.name} (${cluster.endpoint})`;
  if (options.explicit) return options.warn?.(`${mismatch}; using it as --context asks`);
  const candidates = kc.getContexts().filter((c) => contextMatches(kc, c.name, cluster));
  if (candidates.length === 1) {
    kc.setCurrentContext(candidates[0].name);
    return;
  }
  throw new UserError(mismatch, {
    hint: candidates.length
      ? `Several contexts point to it (${candidates.map((c) => c.name).join(', ')}): pick one with --context.`
      : `Pass --context NAME, or add it with: aws eks update-kubeconfig --name ${cluster.name}${cluster.region ? ` --region ${cluster.region}` : ''}`,
  });
}

function kubeconfigFiles(options: Pick<LiveKubeOptions, 'kubeconfig' | 'env'>): string[] {
  if (options.kubeconfig) return [options.kubeconfig];
  const fromEnv = (options.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) {
    const present = fromEnv.filter((file) => existsSync(file));
    // kubectl skips missing files in KUBECONFIG; report the first when none exists.
    return present.length > 0 ? present : [fromEnv[0]];
  }
  const home = options.env.HOME || options.env.USERPROFILE || homedir();
  const file = join(home, '.kube', 'config');
  return existsSync(file) ? [file] : [];
}
