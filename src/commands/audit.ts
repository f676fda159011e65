import { buildAudit, type AuditReport } from '../core/audit/index.js';
import { UsageError } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import { gatherAuditFacts, type AuditBackend } from '../services/audit-facts.js';

// `podid audit`: inventory and risk findings across clusters (and regions). The CLI builds one
// backend per region; this command reads them all and returns one report.

export interface AuditOptions {
  clusters?: string[];
  allClusters?: boolean;
  /** The --state file the backends read: the podid commands of the fixes repeat it. */
  statePath?: string;
}

export interface AuditResult extends AuditReport {
  /** false when a finding has severity fail. */
  passed: boolean;
}

export interface AuditDeps {
  reporter: Reporter;
  backends: AuditBackend[];
}

export async function audit(opts: AuditOptions, deps: AuditDeps): Promise<AuditResult> {
  if (opts.clusters?.length && opts.allClusters) throw new UsageError("options '-c, --cluster' and '--all-clusters' cannot be used together");
  const facts = await gatherAuditFacts(deps.backends, { clusters: opts.clusters, allClusters: opts.allClusters }, deps.reporter);
  const report = buildAudit({ ...facts, ...(opts.statePath ? { statePath: opts.statePath } : {}) });
  return { ...report, passed: report.summary.fail === 0 };
}
