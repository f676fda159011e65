import { EXIT, UsageError } from '../errors.js';
import { AGENT_CHECKS } from './agent.js';
import { ASSOCIATION_CHECKS } from './associations.js';
import { COVERAGE_CHECKS } from './coverage.js';
import { EXCHANGE_CHECKS } from './exchange-check.js';
import { indexFacts } from './index-facts.js';
import { IRSA_CHECKS } from './irsa.js';
import { POD_CHECKS } from './pods.js';
import { STALE_INJECTION_CHECKS } from './stale-injection.js';
import { TRUST_CHECKS } from './trust.js';
import type { CheckDefinition, CheckResult, CheckStatus, DoctorFacts, IndexedFacts, StatusCounts } from './types.js';

// The registry of checks and the runner: index the facts once, run each selected check, count.

const clusterStatus: CheckDefinition = {
  id: 'cluster.status',
  group: 'cluster',
  title: 'Cluster is ACTIVE',
  summary: 'the EKS cluster is ACTIVE',
  run: (facts: IndexedFacts): CheckResult[] => {
    const c = facts.cluster;
    const base = { id: 'cluster.status', title: 'Cluster is ACTIVE', subject: `cluster ${c.name}` };
    const where = `${c.arn}${c.version ? `, Kubernetes ${c.version}` : ''}${c.autoMode ? ', Auto Mode' : ''}`;
    if (c.status === 'ACTIVE') return [{ ...base, status: 'ok', detail: where }];
    return [{ ...base, status: c.status === 'FAILED' ? 'fail' : 'warn', detail: `status ${c.status} (${where})`, fix: `aws eks describe-cluster --name ${c.name} --query cluster.health` }];
  },
};

export const CHECKS: readonly CheckDefinition[] = [clusterStatus, ...AGENT_CHECKS, ...COVERAGE_CHECKS, ...ASSOCIATION_CHECKS, ...TRUST_CHECKS, ...POD_CHECKS, ...STALE_INJECTION_CHECKS, ...EXCHANGE_CHECKS, ...IRSA_CHECKS];

export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

/**
 * `--check` values: an exact id (`association.trust`), a group (`agent`, `pod`) or a glob
 * (`pod.*`). Unknown values are a usage error naming the known ids.
 */
export function selectChecks(wanted: readonly string[] | undefined): readonly CheckDefinition[] {
  if (!wanted?.length) return CHECKS;
  const selected = new Set<CheckDefinition>();
  for (const raw of wanted.flatMap((w) => w.split(',')).map((w) => w.trim()).filter(Boolean)) {
    const prefix = raw.endsWith('.*') ? raw.slice(0, -2) : raw;
    const matches = CHECKS.filter((c) => c.id === raw || c.group === prefix);
    if (!matches.length) throw new UsageError(`unknown check '${raw}'`, { hint: `Checks: ${CHECK_IDS.join(', ')} (or a group: cluster, agent, association, pod, irsa)` });
    matches.forEach((c) => selected.add(c));
  }
  return CHECKS.filter((c) => selected.has(c));
}

export function countStatuses(results: readonly CheckResult[]): StatusCounts {
  const counts: StatusCounts = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

export interface DoctorRun {
  checks: CheckResult[];
  summary: StatusCounts;
}

export function runDoctor(facts: DoctorFacts, checks: readonly CheckDefinition[] = CHECKS): DoctorRun {
  const results = [...doctorSteps(facts, checks)].flatMap((step) => step.results);
  return { checks: results, summary: countStatuses(results) };
}

/** The checks one at a time (facts indexed once), so a caller can show each as it completes. */
export function* doctorSteps(facts: DoctorFacts, checks: readonly CheckDefinition[] = CHECKS): Generator<{ check: CheckDefinition; results: CheckResult[] }> {
  const indexed = indexFacts(facts);
  for (const check of checks) yield { check, results: check.run(indexed) };
}

/** The worst status of one check's results ('ok' when it found nothing to report). */
export function worstOf(results: readonly CheckResult[]): CheckStatus {
  for (const status of STATUS_ORDER) if (results.some((r) => r.status === status)) return status;
  return 'ok';
}

/** 1 on any fail; warnings fail only with --strict. */
export function doctorExitCode(summary: StatusCounts, strict: boolean): number {
  return summary.fail > 0 || (strict && summary.warn > 0) ? EXIT.failure : EXIT.ok;
}

export const STATUS_ORDER: readonly CheckStatus[] = ['fail', 'warn', 'skip', 'ok'];
