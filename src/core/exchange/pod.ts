import type { Association, Container, Pod } from '../model.js';
import { POD_IDENTITY_AUDIENCE } from '../token/claims.js';
import { hasIrsaInjection, hasPodIdentityInjection, IRSA_ENV, POD_IDENTITY_TOKEN_VOLUME } from '../webhook.js';
import type { ExchangeStep } from './types.js';

// `simulate --pod`: can this pod get credentials at all, whatever EKS Auth would answer? A pod the
// webhook did not inject has no token to send; a hostNetwork pod is injected but fails at the
// agent (aws/eks-pod-identity-agent#139). Credentials earlier in the SDKs' default chain win over
// the container provider (agent-protocol.md §2.3): static keys in the env beat everything, and
// web-identity (IRSA) variables beat Pod Identity, so such a pod never uses the association. Pure.

export type PodProblemCode = 'PodNotInjected' | 'HostNetworkPod' | 'StaticKeysInEnv' | 'IrsaEnvWins';

export interface PodProblem {
  code: PodProblemCode;
  message: string;
}

export interface PodVerdict {
  /** The `pod` step, shown before the exchange's steps. */
  step: ExchangeStep;
  /** Why the pod gets no credentials (empty when it can get them). */
  problems: PodProblem[];
}

const minute = (iso: string) => iso.replace(/:\d\d(\.\d+)?Z$/, 'Z');

const hasToken = (pod: Pod) => pod.projectedTokens.some((t) => t.volume === POD_IDENTITY_TOKEN_VOLUME || t.audience === POD_IDENTITY_AUDIENCE);

function injectionProblem(pod: Pod, associations: Association[]): PodProblem | undefined {
  if (hasPodIdentityInjection(pod) && hasToken(pod)) return undefined;
  const association = associations[0];
  let why: string;
  if (!association) why = 'its service account has no Pod Identity association';
  else if (Date.parse(pod.creationTimestamp) < Date.parse(association.createdAt)) {
    why = `it was created before the association (restart it); pod created ${minute(pod.creationTimestamp)}, association ${minute(association.createdAt)}`;
  } else why = 'the webhook did not inject it although it was created after the association (restart it)';
  return { code: 'PodNotInjected', message: `the pod has no Pod Identity token: ${why}` };
}

const HOST_NETWORK: PodProblem = {
  code: 'HostNetworkPod',
  message:
    'the pod runs with hostNetwork: the webhook injects the Pod Identity env and token, but the agent cannot verify such pods and they fail with AccessDenied ("EKS does not have permissions to assume the associated role", aws/eks-pod-identity-agent#139); run it without hostNetwork, or keep IRSA for this workload',
};

/** Static keys the SDKs' environment provider reads (first in every default chain). */
const STATIC_KEY_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

const containersOf = (pod: Pod): Container[] => [...pod.initContainers, ...pod.containers];

function staticKeysProblem(pod: Pod): PodProblem | undefined {
  const holders = containersOf(pod).filter((c) => c.env.some((e) => STATIC_KEY_VARS.includes(e.name)));
  if (!holders.length) return undefined;
  const names = [...new Set(holders.flatMap((c) => c.env.filter((e) => STATIC_KEY_VARS.includes(e.name)).map((e) => e.name)))].sort();
  return {
    code: 'StaticKeysInEnv',
    message: `static AWS keys in the env of container ${holders.map((c) => c.name).join(', ')} (${names.join(', ')}; values not shown): the environment provider comes first in every SDK's default chain, so the pod uses those keys and never the association; remove them from the pod spec`,
  };
}

function irsaProblem(pod: Pod): PodProblem | undefined {
  // Only next to the Pod Identity env: a pod without it already has PodNotInjected.
  if (!hasIrsaInjection(pod) || !hasPodIdentityInjection(pod)) return undefined;
  return {
    code: 'IrsaEnvWins',
    message: `the pod has IRSA env (${IRSA_ENV.roleArn}, ${IRSA_ENV.tokenFile}) next to the Pod Identity env: web identity comes before container credentials in the SDKs' default chain, so the pod uses the IRSA role, not the association; restart it (or remove the variables from its spec)`,
  };
}

/** Checks the pod itself: Pod Identity env + projected token injected, not hostNetwork, and no credentials that win over it. */
export function checkPod(pod: Pod, associations: Association[]): PodVerdict {
  const problems = [injectionProblem(pod, associations), pod.hostNetwork ? HOST_NETWORK : undefined, staticKeysProblem(pod), irsaProblem(pod)].filter((p): p is PodProblem => p !== undefined);
  if (!problems.length) return { step: { id: 'pod', status: 'ok', detail: `pod ${pod.namespace}/${pod.name}: Pod Identity env and token injected` }, problems };
  return { step: { id: 'pod', status: 'fail', detail: problems.map((p) => p.message).join('; ') }, problems };
}
