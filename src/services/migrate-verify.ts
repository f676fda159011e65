import { parseRoleArn } from '../core/arn.js';
import { isRemoteError } from '../core/errors.js';
import { targetAccepts, trustAcceptsPodIdentity } from '../core/migrate/trust.js';
import type { Cluster, Pod, Role } from '../core/model.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import { hasPodIdentityInjection } from '../core/webhook.js';
import { findAssociation } from './associate-gather.js';

// The checks before the last steps (annotation and OIDC-trust removal), against the world as it is
// now: the association exists with the planned role, podid's evaluator accepts the trust for that
// SA (and the target trust for a bridge), and no pod of the SA still runs with IRSA credentials.

export interface VerifyDeps {
  eks: EksPort;
  iam: IamPort;
  kube: KubePort;
}

export type Verdict = { ok: true } | { ok: false; wait: boolean; reason: string };

export async function getRoleOrNull(iam: IamPort, arn: string): Promise<Role | null> {
  try {
    return await iam.getRole(arn);
  } catch (error) {
    if (isRemoteError(error, 'not-found')) return null;
    throw error;
  }
}

export function verifier(deps: VerifyDeps, cluster: Cluster, canReadOtherAccounts: boolean) {
  const podsByNs = new Map<string, Promise<Pod[]>>();
  const pods = (ns: string) => {
    let found = podsByNs.get(ns);
    if (!found) podsByNs.set(ns, (found = deps.kube.listPods(ns)));
    return found;
  };
  return async function verify(namespace: string, serviceAccount: string, roleArn: string): Promise<Verdict> {
    const association = await findAssociation(deps.eks, cluster.name, namespace, serviceAccount);
    if (!association) return { ok: false, wait: false, reason: `no association exists for ${namespace}/${serviceAccount}` };
    if (association.roleArn !== roleArn) return { ok: false, wait: false, reason: `the association of ${namespace}/${serviceAccount} uses ${association.roleArn}, not ${roleArn}` };
    const role = await getRoleOrNull(deps.iam, roleArn);
    if (!role || !trustAcceptsPodIdentity(role.trustPolicy, roleArn, cluster, namespace, serviceAccount)) {
      return { ok: false, wait: false, reason: `the trust policy of ${roleArn} does not accept ${namespace}/${serviceAccount} (podid's evaluator)` };
    }
    if (association.targetRoleArn) {
      const sameAccount = parseRoleArn(association.targetRoleArn).accountId === cluster.accountId;
      const target = sameAccount || canReadOtherAccounts ? await getRoleOrNull(deps.iam, association.targetRoleArn) : undefined;
      if (target === null || (target && !targetAccepts(role, target, cluster, namespace, serviceAccount))) {
        return { ok: false, wait: false, reason: `the target role ${association.targetRoleArn} does not accept bridge ${roleArn} for ${namespace}/${serviceAccount}` };
      }
      if (target === undefined) return { ok: false, wait: true, reason: `cannot read target role ${association.targetRoleArn} from this account to verify its trust` };
    }
    const stale = (await pods(namespace)).filter((p) => p.serviceAccountName === serviceAccount && p.phase !== 'Succeeded' && p.phase !== 'Failed' && !hasPodIdentityInjection(p));
    if (stale.length) return { ok: false, wait: true, reason: `${stale.length} pod(s) of ${namespace}/${serviceAccount} still run with IRSA credentials (${stale.slice(0, 3).map((p) => p.name).join(', ')})` };
    return { ok: true };
  };
}
