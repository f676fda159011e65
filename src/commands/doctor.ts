import { countStatuses, doctorExitCode, doctorSteps, selectChecks, worstOf, type CheckDefinition, type CheckResult, type DoctorFacts, type DoctorScope, type StatusCounts } from '../core/doctor/index.js';
import { UsageError } from '../core/errors.js';
import { checklistOf, type Checklist } from '../core/reporter.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { gatherDoctorFacts, readRoleUsers } from '../services/doctor-facts.js';

// `podid doctor`: gather the facts once, run the independent checks, return them with a summary.
// The exit code comes from the worst status (warnings only with --strict).

export interface DoctorOptions {
  namespace?: string;
  /** NAMESPACE/NAME */
  pod?: string;
  /** NAMESPACE/SERVICE_ACCOUNT */
  serviceAccount?: string;
  strict?: boolean;
  /** Check ids, groups or `group.*`. */
  checks?: string[];
  /** The --state file the deps read: the podid commands of the fixes repeat it. */
  statePath?: string;
}

export interface DoctorResult {
  cluster: string;
  scope: DoctorScope;
  strict: boolean;
  checks: CheckResult[];
  summary: StatusCounts;
  /** false when a check failed (or warned, with --strict). */
  passed: boolean;
}

function parseRef(flag: string, value: string): { namespace: string; name: string } {
  const parts = value.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`option '${flag}' expects NAMESPACE/NAME, got '${value}'`);
  return { namespace: parts[0], name: parts[1] };
}

export function doctorScope(opts: DoctorOptions): DoctorScope {
  const given = [opts.pod, opts.serviceAccount].filter(Boolean).length;
  if (given > 1) throw new UsageError("options '--pod' and '--service-account' cannot be used together");
  const scope: DoctorScope = {};
  if (opts.pod) scope.pod = parseRef('--pod', opts.pod);
  if (opts.serviceAccount) scope.serviceAccount = parseRef('--service-account', opts.serviceAccount);
  const refNs = scope.pod?.namespace ?? scope.serviceAccount?.namespace;
  if (opts.namespace && refNs && opts.namespace !== refNs) throw new UsageError(`option '-n ${opts.namespace}' disagrees with the namespace of '${opts.pod ?? opts.serviceAccount}'`);
  if (opts.namespace) scope.namespace = opts.namespace;
  return scope;
}

export async function doctor(opts: DoctorOptions, deps: Pick<Deps, 'eks' | 'iam' | 'kube' | 'reporter' | 'now' | 'clusterName'>): Promise<DoctorResult> {
  const scope = doctorScope(opts);
  const checks = selectChecks(opts.checks);
  const clusterName = requireCluster(deps);
  const gathered = await gatherDoctorFacts(deps, clusterName, scope);
  const roleUsers = checks.some((c) => c.id === 'association.shared-role') ? await readRoleUsers(deps, gathered) : undefined;
  const facts: DoctorFacts = { ...gathered.facts, ...(roleUsers ? { roleUsers } : {}), statePath: opts.statePath };
  const results = await runWithChecklist(facts, checks, checklistOf(deps.reporter, `Checking cluster ${facts.cluster.name}`));
  const summary = countStatuses(results);
  const strict = Boolean(opts.strict);
  return { cluster: facts.cluster.name, scope, strict, checks: results, summary, passed: doctorExitCode(summary, strict) === 0 };
}

/** Runs the checks one by one, settling a checklist row per check (a live view at a terminal). */
async function runWithChecklist(facts: DoctorFacts, checks: readonly CheckDefinition[], list: Checklist): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  try {
    for (const { check, results: found } of doctorSteps(facts, checks)) {
      const row = list.start(check.title);
      results.push(...found);
      const status = worstOf(found);
      const counts = found.length > 1 ? ` (${found.length} results${status === 'ok' ? '' : `, worst: ${status}`})` : '';
      const text = `${check.id}: ${check.title}${counts}`;
      if (status === 'fail') row.fail(text);
      else if (status === 'warn') row.warn(text);
      else if (status === 'skip') row.skip(text);
      else row.succeed(text);
      await new Promise((resolve) => setImmediate(resolve)); // let a live view draw the row
    }
  } finally {
    await list.end();
  }
  return results;
}
