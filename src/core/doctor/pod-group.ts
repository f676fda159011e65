import type { Association, Pod } from '../model.js';
import { nameList } from './fixes.js';
import { podsInScope } from './index-facts.js';
import type { CheckResult, CheckStatus, IndexedFacts } from './types.js';

// Pod checks run per pod but report per (service account, reason): 20,000 healthy pods become one
// ok line per service account, and a failing Deployment is one finding naming its pods.

export interface PodVerdict {
  status: Exclude<CheckStatus, 'ok'>;
  /** Groups pods that fail the same way. */
  reason: string;
  /** Sentence about the group, e.g. "pod has no Pod Identity injection; it was created before the association". */
  detail: (pods: Pod[]) => string;
  fix?: (pods: Pod[]) => string;
}

/** undefined = ok; null = the check does not apply to this pod. */
export type PodJudge = (facts: IndexedFacts, a: Association, pod: Pod) => PodVerdict | undefined | null;

const podName = (p: Pod) => `${p.namespace}/${p.name}`;

export function podCheck(id: string, title: string, judge: PodJudge, okDetail: (n: number) => string) {
  return (facts: IndexedFacts): CheckResult[] => {
    if (!facts.pods) return [];
    const out: CheckResult[] = [];
    for (const a of facts.associations) {
      const pods = podsInScope(facts, a.namespace, a.serviceAccount);
      if (!pods.length) continue;
      const groups = new Map<string, { verdict: PodVerdict; pods: Pod[] }>();
      let ok = 0;
      let applicable = 0;
      for (const pod of pods) {
        const verdict = judge(facts, a, pod);
        if (verdict === null) continue;
        applicable++;
        if (!verdict) {
          ok++;
          continue;
        }
        const key = `${verdict.status}|${verdict.reason}`;
        const group = groups.get(key);
        if (group) group.pods.push(pod);
        else groups.set(key, { verdict, pods: [pod] });
      }
      const refs = { namespace: a.namespace, serviceAccount: a.serviceAccount, associationId: a.associationId, roleArn: a.roleArn };
      const subjectOf = (list: Pod[]) => (list.length === 1 ? `pod ${podName(list[0])}` : `pods of ${a.namespace}/${a.serviceAccount} (${list.length} of ${applicable})`);
      for (const { verdict, pods: list } of groups.values()) {
        const names = list.map(podName);
        const detail = list.length === 1 ? verdict.detail(list) : `${verdict.detail(list)} (${nameList(names)})`;
        out.push({ id, title, status: verdict.status, subject: subjectOf(list), detail, ...(verdict.fix ? { fix: verdict.fix(list) } : {}), refs: { ...refs, pods: names } });
      }
      if (ok) out.push({ id, title, status: 'ok', subject: ok === 1 && applicable === 1 ? `pod ${podName(pods[0])}` : `pods of ${a.namespace}/${a.serviceAccount}`, detail: okDetail(ok), refs });
    }
    return out;
  };
}

export const allContainers = (pod: Pod) => [...pod.initContainers, ...pod.containers];

/** Env var value in a container; `undefined` if unset, `null` if set from a secret/config map (value unknown). */
export function envValue(env: { name: string; value?: string; valueFrom?: string }[], names: string[]): string | null | undefined {
  for (const name of names) {
    const found = env.find((e) => e.name === name);
    if (found) return found.value ?? (found.valueFrom ? null : '');
  }
  return undefined;
}
