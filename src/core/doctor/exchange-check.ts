import { exchange, type ExchangeFacts, type ExchangeResult } from '../exchange/index.js';
import { saKey, type Association, type Pod } from '../model.js';
import { claimsFromPod } from '../token/index.js';
import { podid, targetTrustApply, trustFix } from './fixes.js';
import { podCheck, type PodJudge } from './pod-group.js';
import type { CheckDefinition, IndexedFacts } from './types.js';

// The end-to-end check: podid's offline AssumeRoleForPodIdentity (src/core/exchange) for the pod,
// with the claims taken from the pod itself (its SA, uid and node; no token), as
// `podid simulate --pod` does. Pods of one association share the verdict unless a policy of the
// chain looks at the pod's own tags, so 20,000 pods cost one exchange per association.

const SESSION_ID = '00000000-0000-4000-8000-000000000000';

function podSpecific(facts: IndexedFacts, a: Association): boolean {
  const texts = [a.roleArn, a.targetRoleArn].map((arn) => (arn ? facts.roles.get(arn) : undefined)).map((r) => (r ? JSON.stringify(r.trustPolicy) : ''));
  return texts.some((t) => t.includes('kubernetes-pod-'));
}

function runExchange(facts: IndexedFacts, pod: Pod): ExchangeResult {
  const sa = facts.index.saByKey.get(saKey(pod.namespace, pod.serviceAccountName));
  const token = claimsFromPod({ namespace: pod.namespace, name: pod.name, uid: pod.uid, serviceAccount: { name: pod.serviceAccountName, uid: sa?.uid }, nodeName: pod.nodeName });
  const exchangeFacts: ExchangeFacts = {
    cluster: facts.cluster,
    associations: facts.index.associationsBySa.get(saKey(pod.namespace, pod.serviceAccountName)) ?? [],
    roles: facts.roles,
    organizationId: facts.organizationId,
  };
  return exchange(token, exchangeFacts, { now: facts.now, sessionId: SESSION_ID });
}

function fixFor(facts: IndexedFacts, a: Association, result: ExchangeResult, pod: Pod): string {
  const failed = result.steps.find((s) => s.status === 'fail')?.id;
  const trace = `trace it with: ${podid(facts, `simulate --pod ${pod.namespace}/${pod.name} -c ${facts.cluster.name}`)}`;
  if (failed === 'trust') return trustFix(facts, a, 'Fix the trust (see association.trust)');
  if (failed === 'target' && a.targetRoleArn) return `Fix the chain (see association.target-role): ${targetTrustApply(facts, { source: a.roleArn, target: a.targetRoleArn }, a)}; ${trace}`;
  if (failed === 'role') return `Fix the association's role (see association.role); ${trace}`;
  return trace.charAt(0).toUpperCase() + trace.slice(1);
}

/** The first sentence (a period followed by a capital letter or the end); ARNs and ids have no ". ". */
export const firstSentence = (text: string) => text.match(/^(.+?\.)(?=\s+[A-Z]|\s*$)/s)?.[1] ?? text;

function judge(): PodJudge {
  const memo = new Map<string, ExchangeResult>();
  return (facts, a, pod) => {
    const key = podSpecific(facts, a) ? `${a.associationId}/${pod.uid}` : a.associationId;
    let result = memo.get(key);
    if (!result) {
      result = runExchange(facts, pod);
      memo.set(key, result);
    }
    if (result.outcome.ok) return undefined;
    const { code } = result.outcome.error;
    const explanation = firstSentence(result.explanation);
    const fix = fixFor(facts, a, result, pod);
    return {
      status: 'fail',
      reason: `${code}:${explanation}`,
      detail: () => `the simulated AssumeRoleForPodIdentity fails with ${code}: ${explanation}`,
      fix: () => fix,
    };
  };
}

export const EXCHANGE_CHECKS: readonly CheckDefinition[] = [
  {
    id: 'pod.exchange',
    group: 'pod',
    title: 'End-to-end credential exchange',
    summary: "podid's simulator returns credentials for the pod (association, role, trust, target role)",
    // A fresh memo per run: the check stays a pure function of the facts.
    run: (facts) => podCheck('pod.exchange', 'End-to-end credential exchange', judge(), (n) => `the simulated exchange returns credentials for ${n} pod(s)`)(facts),
  },
];
