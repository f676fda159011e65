import type { Association, Container, Pod } from '../model.js';
import { POD_IDENTITY_AUDIENCE } from '../token/claims.js';
import { hasIrsaInjection, hasPodIdentityInjection, IRSA_ENV, POD_IDENTITY_TOKEN_VOLUME } from '../webhook.js';
import type { ExchangeStep } from './types.js';

// `simulate --pod`: can this pod get credentials at all, whatever EKS Auth would answer? A pod the
// webhook did not inject has no token to send; a hostNetwork pod is injected but fails at the
// agent (aws/eks-pod-identity-agent#139). Credentials earlier in the SDKs' default chain win over
// the container provider (agent-protocol.md §2.3): static keys in the env beat everything, and
// web-identity (IRSA) variables beat Pod Identity, so such a pod never uses the association. Pure.

export type PodProblemCode = 'PodNotInjected' | 'HostNetworkPod' | 'StaticKeysInEnv' | 'PartialKeysInEnv' | 'IrsaEnvWins';

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
const ACCESS_KEY = 'AWS_ACCESS_KEY_ID';
const SECRET_KEY = 'AWS_SECRET_ACCESS_KEY';

const containersOf = (pod: Pod): Container[] => [...pod.initContainers, ...pod.containers];

/**
 * Whether a container's env sets a variable to something: a value from elsewhere (valueFrom) counts,
 * an empty value does not (the SDKs ignore empty variables). The last entry of a name wins.
 */
function setIn(container: Container, name: string): boolean {
  const entry = container.env.filter((e) => e.name === name).pop();
  return entry !== undefined && (entry.valueFrom !== undefined || (entry.value ?? '') !== '');
}

/**
 * Both keys set: the environment provider comes first in every default chain, so they win. Only
 * the access key: the JS SDKs skip the incomplete pair and go on, but botocore's environment
 * provider raises PartialCredentialsError and the chain stops there (boto3, the AWS CLI get no
 * credentials). Only the secret: every SDK ignores it.
 */
export function staticKeysProblems(pod: Pod): PodProblem[] {
  const containers = containersOf(pod);
  const both = containers.filter((c) => setIn(c, ACCESS_KEY) && setIn(c, SECRET_KEY));
  const partial = containers.filter((c) => setIn(c, ACCESS_KEY) && !setIn(c, SECRET_KEY));
  const names = (cs: Container[]) => cs.map((c) => c.name).join(', ');
  const problems: PodProblem[] = [];
  if (both.length) {
    problems.push({
      code: 'StaticKeysInEnv',
      message: `static AWS keys in the env of container ${names(both)} (${ACCESS_KEY}, ${SECRET_KEY}; values not shown): the environment provider comes first in every SDK's default chain, so the pod uses those keys and never the association; remove them from the pod spec`,
    });
  }
  if (partial.length) {
    problems.push({
      code: 'PartialKeysInEnv',
      message: `partial static AWS keys in the env of container ${names(partial)} (${ACCESS_KEY} without ${SECRET_KEY}; values not shown): the JS SDKs skip them and use the association, but botocore (boto3, the AWS CLI) raises PartialCredentialsError and gets no credentials; remove ${ACCESS_KEY} from the pod spec`,
    });
  }
  return problems;
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
  const problems = [injectionProblem(pod, associations), pod.hostNetwork ? HOST_NETWORK : undefined, ...staticKeysProblems(pod), irsaProblem(pod)].filter((p): p is PodProblem => p !== undefined);
  if (!problems.length) return { step: { id: 'pod', status: 'ok', detail: `pod ${pod.namespace}/${pod.name}: Pod Identity env and token injected` }, problems };
  return { step: { id: 'pod', status: 'fail', detail: problems.map((p) => p.message).join('; ') }, problems };
}
