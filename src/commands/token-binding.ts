import { RemoteError } from '../core/errors.js';
import { checkClusterName } from '../core/exchange/errors.js';
import type { CredentialSource } from '../core/proxy/types.js';
import { BINDING_CHECK_ID, checkBinding, checkToken, tokenSubject, type BoundObjects } from '../core/token/index.js';
import type { Deps } from '../deps.js';

// Check token.binding needs the service account and pods the backend knows. `simulate` reads them
// here, and so does the proxy's local source (which `exec` uses too): the local source runs the
// same exchange as simulate, so a token bound to a deleted (or recreated) service account or pod
// is refused there too, with the agent's upstream-error body for InvalidTokenException.

export type BindingDeps = Pick<Deps, 'backend' | 'reporter'> & Partial<Pick<Deps, 'kube'>>;

/** The token's service account (its `sub`) and its namespace's pods, as the backend knows them (for check token.binding). */
export async function boundObjects(deps: BindingDeps, subject: { namespace: string; serviceAccount: string } | undefined): Promise<BoundObjects | undefined> {
  if (!subject || !deps.kube) return undefined;
  const source = deps.backend === 'local' ? 'the state' : 'the cluster';
  try {
    const [sa, pods] = await Promise.all([deps.kube.getServiceAccount(subject.namespace, subject.serviceAccount), deps.kube.listPods(subject.namespace)]);
    return { source, serviceAccount: sa ? { uid: sa.uid } : null, pods: pods.map((p) => ({ name: p.name, uid: p.uid, serviceAccountName: p.serviceAccountName })) };
  } catch (error) {
    deps.reporter.debug(`cannot read service account ${subject.namespace}/${subject.serviceAccount} and its pods: ${(error as Error).message}`);
    return { source, unavailable: `could not read Kubernetes (${(error as Error).message})` };
  }
}

export type BindingGuardDeps = BindingDeps & Pick<Deps, 'eks' | 'now'> & Partial<Pick<Deps, 'store'>> & { uuid: () => string };

/**
 * The local source with check token.binding in front of it (the state's exchange does not read
 * Kubernetes). The refusal is EKS Auth's InvalidTokenException only when binding is the exchange's
 * first failure, as in simulate: an earlier token check, or a bad cluster name, keeps the source's
 * own answer.
 */
export function withBindingCheck(source: CredentialSource, deps: BindingGuardDeps, clusterName: string): CredentialSource {
  return async (token) => {
    const refusal = await bindingRefusal(deps, clusterName, token);
    if (refusal) throw refusal;
    return source(token);
  };
}

async function bindingRefusal(deps: BindingGuardDeps, clusterName: string, token: string): Promise<RemoteError | undefined> {
  const read = tokenSubject(token);
  if (!read.ok) return undefined;
  const objects = await boundObjects(deps, read.subject);
  if (!objects || objects.unavailable) return undefined;
  // Cheap first: only a failing binding needs the whole check (signature included) to order it.
  if (checkBinding(read.claims, read.subject, objects, { kubernetes: read.jwt.payload['kubernetes.io'] }).status !== 'fail') return undefined;
  if (checkClusterName(clusterName)) return undefined;
  const cluster = await deps.eks.describeCluster(clusterName).catch(() => undefined);
  if (!cluster) return undefined;
  const { tokenSignature } = await import('../services/exchange.js');
  const signature = await tokenSignature(token, { statePublicJwk: deps.store?.doc.signingKey?.publicJwk }, deps.reporter);
  const now = deps.store ? deps.store.now() : deps.now();
  const checked = checkToken(token, { now, cluster, signature, objects });
  if (checked.error?.checkId !== BINDING_CHECK_ID) return undefined;
  return new RemoteError(checked.error.message, {
    kind: 'access-denied',
    service: 'eks-auth',
    operation: 'AssumeRoleForPodIdentity',
    code: 'InvalidTokenException',
    httpStatus: 400,
    requestId: deps.uuid(),
  });
}
