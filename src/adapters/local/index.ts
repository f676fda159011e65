import type { Ports } from '../../core/ports.js';
import { localEks } from './eks.js';
import { localIam } from './iam.js';
import { localKube } from './kube.js';
import { localSts } from './sts.js';
import type { LocalStore } from './store.js';
import { UserError } from '../../core/errors.js';

export { LocalStore } from './store.js';

/** Every port over one state file. EKS Auth runs podid's own exchange (see core/exchange) once it lands. */
export function localPorts(store: LocalStore, clusterName?: string): Ports {
  return {
    eks: localEks(store),
    iam: localIam(store),
    sts: localSts(store),
    kube: localKube(store, clusterName),
    eksAuth: {
      async assumeRoleForPodIdentity() {
        throw new UserError('EKS Auth is not available with --state in this version');
      },
    },
  };
}
