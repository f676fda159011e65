import { UserError } from './core/errors.js';
import type { Reporter } from './core/reporter.js';
import type { KubePort, Ports } from './core/ports.js';
import type { LocalStore } from './adapters/local/store.js';
import type { Io } from './ui/io.js';

// The composition root: the only place adapters are constructed. Ports are built lazily, so a
// command that never touches Kubernetes never loads @kubernetes/client-node.

export interface BackendOptions {
  state?: string;
  region?: string;
  profile?: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  /** Kubernetes objects from files, folders or '-' (stdin) instead of a live cluster. */
  manifests?: string[];
  debug?: boolean;
}

export interface Deps extends Ports {
  backend: 'local' | 'aws';
  /** Set with --state: the loaded state file. */
  store?: LocalStore;
  reporter: Reporter;
  now: () => Date;
  /** The cluster to work on: -c, or the only cluster of the state file. */
  clusterName?: string;
}

/** A port whose implementation is loaded on first use. An optional method the loaded port lacks resolves to undefined. */
export function lazyPort<T extends object>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const get = () => (loading ??= load());
  return new Proxy({} as T, {
    get: (_target, method) =>
      async (...args: unknown[]) => {
        const port = (await get()) as Record<string | symbol, ((...a: unknown[]) => unknown) | undefined>;
        return port[method]?.(...args);
      },
  });
}

export async function makeDeps(options: BackendOptions, io: Pick<Io, 'stdin' | 'env'>, reporter: Reporter, now: () => Date = () => new Date()): Promise<Deps> {
  if (options.state) {
    const { LocalStore, localPorts } = await import('./adapters/local/index.js');
    const store = await LocalStore.open(options.state, now);
    const clusterName = options.cluster ?? (store.doc.clusters.length === 1 ? store.doc.clusters[0].cluster.name : undefined);
    const ports = localPorts(store, clusterName);
    const kube = options.manifests?.length ? manifestKube(options, io) : ports.kube;
    return { ...ports, kube, backend: 'local', store, reporter, now, clusterName };
  }
  let aws: Promise<Omit<Ports, 'kube'>> | undefined;
  const loadAws = () =>
    (aws ??= import('./adapters/aws/index.js').then(({ awsPorts }) => awsPorts({ region: options.region, profile: options.profile, reporter, env: io.env })));
  const kube: KubePort = options.manifests?.length
    ? manifestKube(options, io)
    : lazyPort(async () => {
        const { liveKube } = await import('./adapters/kube/live.js');
        // Tie the kubeconfig context to -c, so one run never mixes two clusters' data.
        const cluster = options.cluster ? await (await loadAws()).eks.describeCluster(options.cluster) : undefined;
        return liveKube({ kubeconfig: options.kubeconfig, context: options.context, env: io.env, cluster, warn: (m) => reporter.warn(m) });
      });
  const pick = <K extends keyof Omit<Ports, 'kube'>>(key: K): Ports[K] => lazyPort(async () => (await loadAws())[key]) as Ports[K];
  return { eks: pick('eks'), iam: pick('iam'), sts: pick('sts'), eksAuth: pick('eksAuth'), kube, backend: 'aws', reporter, now, clusterName: options.cluster };
}

function manifestKube(options: BackendOptions, io: Pick<Io, 'stdin'>): KubePort {
  return lazyPort(async () => {
    const { manifestKube: load } = await import('./adapters/kube/manifests.js');
    return load(options.manifests!, io.stdin);
  });
}

export function requireCluster(deps: Pick<Deps, 'clusterName'>): string {
  if (!deps.clusterName) throw new UserError('no cluster given', { hint: 'Pass -c CLUSTER (or set it in the state file).' });
  return deps.clusterName;
}
