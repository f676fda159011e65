import type { TrustRecord } from './revert-trust.js';
import { ADDON_NAMESPACE } from './scope.js';
import { JOURNAL_KIND, JOURNAL_VERSION, type Journal, type JournalRecord, type MigrationOptions, type SaFilter, type WorkloadRef } from './types.js';

// The journal of an applied migration: every mutation with the state before it. Validation of a
// journal read from disk, and the rollback plan derived from it (pure).

export function newJournal(cluster: { name: string; arn: string }, options: MigrationOptions, now: string, filter: SaFilter = {}): Journal {
  const journal: Journal = { kind: JOURNAL_KIND, version: JOURNAL_VERSION, cluster: { name: cluster.name, arn: cluster.arn }, options, createdAt: now, updatedAt: now, status: 'running', records: [] };
  const recorded = recordedFilter(filter);
  return recorded ? { ...journal, filter: recorded } : journal;
}

/** The filter as a journal records it: only the parts that narrow the run; undefined for none. */
function recordedFilter(filter: SaFilter): SaFilter | undefined {
  const out: SaFilter = {};
  if (filter.namespaces?.length) out.namespaces = [...filter.namespaces];
  if (filter.selector && Object.keys(filter.selector).length) out.selector = { ...filter.selector };
  if (filter.exclude?.length) out.exclude = [...filter.exclude];
  if (filter.addons === false) out.addons = false;
  return Object.keys(out).length ? out : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');

function filterProblems(value: unknown): string[] {
  if (value === undefined) return [];
  if (!isObject(value)) return ['filter: expected an object'];
  const ok =
    (value.namespaces === undefined || isStringList(value.namespaces)) &&
    (value.exclude === undefined || isStringList(value.exclude)) &&
    (value.selector === undefined || (isObject(value.selector) && Object.values(value.selector).every((v) => typeof v === 'string'))) &&
    (value.addons === undefined || typeof value.addons === 'boolean');
  return ok ? [] : ['filter: expected { namespaces?: string[], selector?: { key: value }, exclude?: string[], addons?: boolean }'];
}

/** Checks the shape of a parsed journal file; returns problems instead of throwing. */
export function validateJournal(value: unknown): { journal?: Journal; problems: string[] } {
  const problems: string[] = [];
  if (!isObject(value)) return { problems: ['not a JSON object'] };
  if (value.kind !== JOURNAL_KIND) problems.push(`kind is ${JSON.stringify(value.kind)}, expected "${JOURNAL_KIND}"`);
  if (value.version !== JOURNAL_VERSION) problems.push(`version is ${JSON.stringify(value.version)}, this podid reads version ${JOURNAL_VERSION}`);
  const cluster = value.cluster;
  if (!isObject(cluster) || typeof cluster.name !== 'string' || typeof cluster.arn !== 'string') problems.push('cluster: expected { name, arn }');
  if (!isObject(value.options)) problems.push('options: expected an object');
  if (value.selection !== undefined && !isStringList(value.selection)) problems.push('selection: expected a list of entry ids');
  problems.push(...filterProblems(value.filter));
  if (!Array.isArray(value.records)) problems.push('records: expected a list');
  else {
    value.records.forEach((r, i) => {
      if (!isObject(r) || !isObject(r.step) || typeof r.step.id !== 'string' || typeof r.step.kind !== 'string' || typeof r.state !== 'string' || !isObject(r.prior)) {
        problems.push(`records[${i}]: expected { step: { id, kind, … }, state, prior }`);
      }
    });
  }
  return problems.length ? { problems } : { journal: value as unknown as Journal, problems };
}

/** Step ids already done in this journal (skipped on --resume). */
export const doneSteps = (journal: Journal) => new Set(journal.records.filter((r) => r.state === 'done' || r.state === 'skipped').map((r) => r.step.id));

export type RollbackAction =
  | { kind: 'restore-annotations'; namespace: string; serviceAccount: string; annotations: Record<string, string | null> }
  /** `trustPolicyJson`: the role's trust before the run; `records`: the run's trust changes to it, in order (see revertTrust). */
  | { kind: 'restore-trust'; roleArn: string; trustPolicyJson: string; records: TrustRecord[] }
  | { kind: 'delete-association'; namespace: string; serviceAccount: string; roleArn: string; associationId?: string }
  /** `namespace`/`serviceAccount`: the add-on's service account (its association lives in kube-system). */
  | { kind: 'clear-addon'; addon: string; namespace: string; serviceAccount: string }
  | { kind: 'restart'; workload: WorkloadRef }
  | { kind: 'delete-role'; roleArn: string; roleName: string; policyName: string };

/** Records whose change may have happened (done, or started/failed midway). */
const touched = (r: JournalRecord) => r.state === 'done' || r.state === 'started' || r.state === 'failed';

/**
 * What undoes the journal, in a safe order: annotations back (new pods get IRSA again), the run's
 * trust changes reverted (OIDC statements return, added ones go; see revertTrust), the associations
 * and add-on associations this run created, restarts of the workloads it restarted, then the bridge
 * roles it created. Each SA's annotations go back to their earliest prior state.
 */
export function planRollback(journal: Journal): RollbackAction[] {
  const records = journal.records.filter(touched);
  const annotations = new Map<string, RollbackAction & { kind: 'restore-annotations' }>();
  const trust = new Map<string, { first: string; records: TrustRecord[] }>();
  const created = new Set(records.filter((r) => r.step.kind === 'create-role' && r.prior.existed === false).map((r) => (r.step as { roleArn: string }).roleArn));
  const actions: RollbackAction[] = [];
  for (const r of records) {
    const s = r.step;
    if (s.kind === 'remove-annotation' && r.prior.annotations) {
      const key = `${s.namespace}/${s.serviceAccount}`;
      const prior = annotations.get(key);
      annotations.set(key, { kind: 'restore-annotations', namespace: s.namespace, serviceAccount: s.serviceAccount, annotations: { ...r.prior.annotations, ...(prior?.annotations ?? {}) } });
    }
    if ((s.kind === 'add-trust' || s.kind === 'remove-oidc-trust') && r.prior.trustPolicyJson !== undefined && !created.has(s.roleArn)) {
      const role = trust.get(s.roleArn) ?? { first: r.prior.trustPolicyJson, records: [] };
      role.records.push({ step: s, prior: r.prior, state: r.state });
      trust.set(s.roleArn, role);
    }
  }
  actions.push(...annotations.values());
  for (const [roleArn, { first, records: changes }] of trust) actions.push({ kind: 'restore-trust', roleArn, trustPolicyJson: first, records: changes });
  for (const r of records) {
    const s = r.step;
    if (s.kind === 'create-association' && r.prior.existed === false) {
      actions.push({ kind: 'delete-association', namespace: s.namespace, serviceAccount: s.serviceAccount, roleArn: s.roleArn, associationId: r.result?.associationId });
    }
    if (s.kind === 'update-addon' && (r.prior.addonAssociations ?? []).length === 0) actions.push({ kind: 'clear-addon', addon: s.addon, namespace: ADDON_NAMESPACE, serviceAccount: s.serviceAccount });
  }
  const restarts = new Map<string, WorkloadRef>();
  for (const r of records) if (r.step.kind === 'restart' && r.state === 'done') restarts.set(r.step.id, r.step.workload);
  for (const workload of restarts.values()) actions.push({ kind: 'restart', workload });
  for (const r of records) {
    if (r.step.kind === 'create-role' && r.prior.existed === false) actions.push({ kind: 'delete-role', roleArn: r.step.roleArn, roleName: r.step.roleName, policyName: r.step.policyName });
  }
  return actions;
}

/** What a rollback action acts on, for tables: "ns/sa", a role ARN, "addon <name>" or "Kind/ns/name". */
export function rollbackTarget(a: RollbackAction): string {
  switch (a.kind) {
    case 'restore-annotations':
    case 'delete-association':
      return `${a.namespace}/${a.serviceAccount}`;
    case 'restore-trust':
    case 'delete-role':
      return a.roleArn;
    case 'clear-addon':
      return `addon ${a.addon}`;
    case 'restart':
      return `${a.workload.kind}/${a.workload.namespace}/${a.workload.name}`;
  }
}
