import type { Ports } from '../../core/ports.js';
import { localEks } from './eks.js';
import { localIam } from './iam.js';
import { localKube } from './kube.js';
import { localSts } from './sts.js';
import type { LocalStore } from './store.js';

export { LocalStore } from './store.js';

/** Every port over one state file. EKS Auth runs podid's own exchange (core/exchange) with fake credentials. */
export function localPorts(store: LocalStore, clusterName?: string): Ports {
  const iam = localIam(store);
  return {
    eks: localEks(store),
    iam,
    sts: localSts(store),
    kube: localKube(store, clusterName),
    // token.ts loads jose: only when a token is exchanged.
    eksAuth: { assumeRoleForPodIdentity: async (cluster, token) => (await import('./token.js')).localEksAuth(store, iam).assumeRoleForPodIdentity(cluster, token) },
  };
}
