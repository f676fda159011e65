import { staticKeysProblems } from '../exchange/pod.js';
import { IRSA_ROLE_ANNOTATION, saKey, type Pod } from '../model.js';
import { hasIrsaInjection, hasPodIdentityInjection, POD_IDENTITY_ENV } from '../webhook.js';
import { injectIrsa, nameList, podid, restartFix, type RestartPurpose } from './fixes.js';
import { isAgentPod, isLive } from './index-facts.js';
import { allContainers, envValue } from './pod-group.js';
import type { CheckDefinition, CheckResult, IndexedFacts } from './types.js';

// Pods that carry what the webhook injects for an association (AWS_CONTAINER_CREDENTIALS_FULL_URI
// pointing at the agent) while their service account has none: the association was deleted (or
// rolled back) after they started. The SDK still asks the agent, which answers 404 (EKS Auth:
// ResourceNotFoundException), so the pods get no credentials.

const ID = 'pod.stale-injection';
const TITLE = 'Pod Identity env has an association';

/** The agent's endpoints (IPv4 and IPv6); a custom credential endpoint is not the webhook's. */
const AGENT_URI = /^https?:\/\/(169\.254\.170\.23|\[fd00:ec2::23\])(:\d+)?\//i;

/** The pod carries the Pod Identity injection: every container has it, or some container points the SDK at the agent. */
export function carriesPodIdentity(pod: Pod): boolean {
  if (hasPodIdentityInjection(pod)) return true;
  return allContainers(pod).some((c) => {
    const uri = envValue(c.env, [POD_IDENTITY_ENV.uri]);
    return typeof uri === 'string' && AGENT_URI.test(uri);
  });
}

const inScope = (facts: IndexedFacts, pod: Pod) => {
  const { scope } = facts;
  if (scope.pod) return pod.namespace === scope.pod.namespace && pod.name === scope.pod.name;
  if (scope.serviceAccount) return pod.namespace === scope.serviceAccount.namespace && pod.serviceAccountName === scope.serviceAccount.name;
  return !scope.namespace || pod.namespace === scope.namespace;
};

/**
 * Running or pending pods in scope with the Pod Identity injection and no association for their
 * service account. They still call the agent, so agent.daemonset counts their nodes too.
 */
export function staleInjectionPods(facts: IndexedFacts): Pod[] {
  return (facts.pods ?? []).filter((pod) => !isAgentPod(pod) && isLive(pod) && inScope(facts, pod) && !facts.index.associationsBySa.has(saKey(pod.namespace, pod.serviceAccountName)) && carriesPodIdentity(pod));
}

/** A source that comes before container credentials in every SDK's chain: static keys, then web identity (IRSA). */
function earlierSource(pod: Pod): string | undefined {
  if (staticKeysProblems(pod).some((p) => p.code === 'StaticKeysInEnv')) return 'static keys (AWS_ACCESS_KEY_ID)';
  if (hasIrsaInjection(pod)) return 'IRSA (AWS_ROLE_ARN)';
  return undefined;
}

const DROP: RestartPurpose = { why: 'the webhook admits the pods without the Pod Identity env', nextRun: 'starts without it' };

function staleInjection(facts: IndexedFacts): CheckResult[] {
  if (!facts.pods) return [];
  const groups = new Map<string, Pod[]>();
  for (const pod of staleInjectionPods(facts)) {
    const key = `${saKey(pod.namespace, pod.serviceAccountName)}|${earlierSource(pod) ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(pod);
    else groups.set(key, [pod]);
  }
  const out: CheckResult[] = [];
  for (const pods of groups.values()) {
    const { namespace, serviceAccountName: name } = pods[0];
    const names = pods.map((p) => `${p.namespace}/${p.name}`);
    const earlier = earlierSource(pods[0]);
    const irsaRole = facts.index.saByKey.get(saKey(namespace, name))?.annotations[IRSA_ROLE_ANNOTATION];
    const carries = `${pods.length === 1 ? 'pod carries' : `${pods.length} pods carry`} the Pod Identity env (${POD_IDENTITY_ENV.uri}) but no association covers service account ${namespace}/${name} (most likely deleted after the pod${pods.length === 1 ? '' : 's'} started)`;
    const consequence = earlier
      ? `: ${earlier} comes first in the SDK chain, so it is used instead, but the Pod Identity env is stale`
      : ': the SDK asks the agent, which answers 404 (EKS Auth ResourceNotFoundException), so credentials fail';
    const recreate =
      `recreate the association: ${podid(facts, `associate -c ${facts.cluster.name} -n ${namespace} -s ${name} --create-role --approve`)} ` +
      '(or --role-arn ROLE_ARN --fix-trust instead of --create-role, to use the role it had)';
    // A service account annotated for IRSA (e.g. a rolled-back migration): a restart gives the pods IRSA.
    const fix = `${restartFix(facts, pods, irsaRole ? injectIrsa(irsaRole) : DROP)}; or ${recreate}`;
    out.push({
      id: ID,
      title: TITLE,
      status: earlier ? 'warn' : 'fail',
      subject: pods.length === 1 ? `pod ${names[0]}` : `pods of ${namespace}/${name} (${pods.length})`,
      detail: `${carries}${consequence}${pods.length === 1 ? '' : ` (${nameList(names)})`}`,
      fix,
      refs: { namespace, serviceAccount: name, pods: names },
    });
  }
  return out;
}

export const STALE_INJECTION_CHECKS: readonly CheckDefinition[] = [
  { id: ID, group: 'pod', title: TITLE, summary: 'pods that carry the Pod Identity env have an association for their service account (else the agent answers 404)', run: staleInjection },
];
