import { IRSA_ROLE_ANNOTATION, saKey } from '../model.js';
import { migrateFix, podid } from './fixes.js';
import type { CheckDefinition, CheckResult, IndexedFacts } from './types.js';

// IRSA service accounts without an association: migration candidates. Informational (status ok,
// with the command to run), never a warning: IRSA keeps working.

export const MIGRATION_CANDIDATE = 'irsa.candidate';

function candidates(facts: IndexedFacts): CheckResult[] {
  const out: CheckResult[] = [];
  const { scope } = facts;
  for (const sa of facts.serviceAccounts ?? []) {
    const role = sa.annotations[IRSA_ROLE_ANNOTATION];
    if (!role || facts.index.associationsBySa.has(saKey(sa.namespace, sa.name))) continue;
    if (scope.serviceAccount && (scope.serviceAccount.namespace !== sa.namespace || scope.serviceAccount.name !== sa.name)) continue;
    if (scope.pod && (scope.pod.namespace !== sa.namespace || !facts.index.podsBySa.get(saKey(sa.namespace, sa.name))?.some((p) => p.name === scope.pod!.name))) continue;
    out.push({
      id: MIGRATION_CANDIDATE,
      title: 'IRSA service account (migration candidate)',
      status: 'ok',
      subject: `service account ${sa.namespace}/${sa.name}`,
      detail: `uses IRSA (${role}) and has no Pod Identity association: a candidate for podid migrate-irsa (review the plan first: ${podid(facts, `migrate-irsa -c ${facts.cluster.name} -n ${sa.namespace}`)})`,
      fix: migrateFix(facts, sa.namespace),
      refs: { namespace: sa.namespace, serviceAccount: sa.name, roleArn: role },
    });
  }
  return out;
}

export const IRSA_CHECKS: readonly CheckDefinition[] = [
  { id: MIGRATION_CANDIDATE, group: 'irsa', title: 'IRSA migration candidates', summary: 'service accounts with an IRSA role annotation and no association (informational)', run: candidates },
];
