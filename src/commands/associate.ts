import {
  checkAssociateInput,
  namespaceExists,
  planAssociate,
  preflight,
  resolveSpec,
  type AssociateInput,
  type AssociatePlan,
  type AssociationSpec,
  type FieldChange,
  type InputStyle,
  type PreflightCheck,
  type RestartInfo,
  type Step,
} from '../core/associate/index.js';
import { EXIT, PodidError } from '../core/errors.js';
import type { Association, Node, Role } from '../core/model.js';
import { checklistOf, type Checklist } from '../core/reporter.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { applySteps, type StepOutcome } from '../services/associate-apply.js';
import { showChecks } from '../services/show-checks.js';
import { describeClusterOrFail, gatherAssociateFacts, gatherClusterContext, tracked, type ClusterContext, type GatherDeps } from '../services/associate-gather.js';

// `podid associate`: validate → gather → plan + preflight → (approve) apply. The reads and then
// the preflight checks are rows of one checklist on stderr, each settling as it finishes.

export interface AssociateOptions extends AssociateInput {
  approve?: boolean;
  /** --check: never apply; exit 3 when something would change. */
  check?: boolean;
  /** --restart: restart workloads whose pods started before the association. */
  restart?: boolean;
  /** Kubernetes objects come from manifests (--manifests): a partial view, so a namespace without objects may still exist. */
  partialKube?: boolean;
  /** Asked (at a TTY) when the plan has changes and --approve was not given; resolves true to apply. */
  confirm?: (preview: AssociateResult) => Promise<boolean>;
  /** --state FILE of the run: podid commands in fix hints carry it, so they act on the same world. */
  statePath?: string;
}

export type AssociateStatus = 'up-to-date' | 'planned' | 'applied' | 'blocked' | 'failed';

export interface AssociateResult {
  cluster: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  targetRoleArn?: string;
  status: AssociateStatus;
  checks: PreflightCheck[];
  steps: Step[];
  /** Differences to the existing association. */
  changes: FieldChange[];
  /** The existing association, or the one after applying. */
  association?: Association;
  restart: RestartInfo;
  /** What ran, with --approve. */
  applied?: StepOutcome[];
  notes: string[];
}

export type AssociateDeps = GatherDeps & Pick<Deps, 'clusterName' | 'now'>;

export interface Prepared {
  spec: AssociationSpec;
  plan: AssociatePlan;
  checks: PreflightCheck[];
  existing?: Association;
}

export interface PrepareOptions {
  restart?: boolean;
  /** The association of the SA when already known (null: none). */
  existing?: Association | null;
  /** Roles as earlier entries of the same run will leave them, by name (apply). */
  planned?: ReadonlyMap<string, Role>;
  /** Rows for the reads. */
  progress?: Checklist;
  /** See AssociateOptions.partialKube. */
  partialKube?: boolean;
  /** The cluster's nodes, read at most once per run (nodeReader). */
  nodes?: () => Promise<Node[] | undefined>;
  /** Hints name `associate` flags, or the keys of an apply file entry. */
  style?: InputStyle;
  /** See AssociateOptions.statePath. */
  statePath?: string;
}

/** Reads the nodes once, on first call; undefined when they cannot be read (compute checks are then skipped). */
export function nodeReader(deps: AssociateDeps, progress?: Checklist): () => Promise<Node[] | undefined> {
  let nodes: Promise<Node[] | undefined> | undefined;
  const read = () =>
    deps.kube.listNodes().catch((error: unknown) => {
      if (!(error instanceof PodidError)) throw error;
      deps.reporter.debug(`cannot read nodes: ${error.message}`);
      return undefined;
    });
  return () => (nodes ??= tracked(progress, 'Kubernetes: nodes', read, (n) => (n ? { status: 'ok', text: `Kubernetes: ${n.length} node${n.length === 1 ? '' : 's'}` } : { status: 'warn', text: 'Kubernetes: nodes could not be read' })));
}

/** Gathers facts for one spec and returns its plan and preflight (no writes). */
export async function prepare(deps: AssociateDeps, ctx: ClusterContext, spec: AssociationSpec, opts: PrepareOptions): Promise<Prepared> {
  const gathered = await gatherAssociateFacts(deps, ctx, spec, opts);
  // Node facts (Fargate, Windows) matter only for pods that are scheduled.
  const nodes = gathered.pods?.some((p) => p.nodeName) ? await (opts.nodes ?? nodeReader(deps, opts.progress))() : undefined;
  const facts = { ...gathered, nodes, namespaceExists: namespaceExists(ctx, spec.namespace, Boolean(opts.partialKube)) };
  const plan = planAssociate(facts, spec, { restart: opts.restart, now: deps.now().toISOString() });
  return { spec, plan, checks: preflight(facts, spec, plan, opts.style, opts.statePath), existing: facts.existing };
}

export function notesFor(p: Prepared): string[] {
  const notes: string[] = [];
  if (p.plan.tagDrift?.length) notes.push(`association tags ${p.plan.tagDrift.join(', ')} differ; UpdatePodIdentityAssociation cannot change tags (use aws eks tag-resource)`);
  if (p.plan.changes.length && p.existing) {
    notes.push(`running pods keep the old credentials until they are restarted or the agent's cache expires (up to 6 h, 59 min with a target role)`);
  }
  return notes;
}

export function resultOf(p: Prepared, status: AssociateStatus): AssociateResult {
  return {
    cluster: p.spec.clusterName,
    namespace: p.spec.namespace,
    serviceAccount: p.spec.serviceAccount,
    roleArn: p.spec.roleArn,
    ...(p.spec.targetRoleArn ? { targetRoleArn: p.spec.targetRoleArn } : {}),
    status,
    checks: p.checks,
    steps: p.plan.steps,
    changes: p.plan.changes,
    ...(p.existing ? { association: p.existing } : {}),
    restart: p.plan.restart,
    notes: notesFor(p),
  };
}

/** Status before applying: blocked by a failed check, up to date, or a plan. */
export const initialStatus = (p: Prepared): AssociateStatus => (p.checks.some((c) => c.status === 'fail') ? 'blocked' : p.plan.steps.length === 0 ? 'up-to-date' : 'planned');

/** Runs the plan when approved (flag or prompt); otherwise returns it. */
export async function decideAndApply(p: Prepared, opts: Pick<AssociateOptions, 'approve' | 'check' | 'confirm'>, deps: AssociateDeps): Promise<AssociateResult> {
  const result = resultOf(p, initialStatus(p));
  if (result.status !== 'planned' || opts.check) return result;
  const approved = opts.approve || (opts.confirm ? await opts.confirm(result) : false);
  if (!approved) return result;
  const outcome = await applySteps(p.plan.steps, p.spec.clusterName, deps);
  return { ...result, status: outcome.ok ? 'applied' : 'failed', applied: outcome.outcomes, ...(outcome.association ? { association: outcome.association } : {}) };
}

export async function associate(opts: AssociateOptions, deps: AssociateDeps): Promise<AssociateResult> {
  const clusterName = requireCluster(deps);
  checkAssociateInput(opts);
  const list = checklistOf(deps.reporter, `Preflight for ${opts.namespace}/${opts.serviceAccount} in cluster ${clusterName}`);
  let prepared: Prepared;
  try {
    const cluster = await tracked(list, `cluster ${clusterName}`, () => describeClusterOrFail(deps.eks, clusterName), (c) => ({ status: 'ok', text: `cluster ${c.name}: ${c.status}` }));
    const spec = resolveSpec(opts, cluster);
    const ctx = await gatherClusterContext(deps, cluster, spec.namespace, list);
    // Manifests are a partial view: a `kind: Namespace` object shows the namespace exists.
    if (opts.partialKube) ctx.namespaces = await deps.kube.listNamespaces?.();
    prepared = await prepare(deps, ctx, spec, { restart: opts.restart, progress: list, partialKube: opts.partialKube, statePath: opts.statePath });
    await showChecks(list, prepared.checks);
  } finally {
    await list.end();
  }
  return decideAndApply(prepared, opts, deps);
}

/** 1 when blocked or failed; 3 with --check when something would change (the association, its role or the role's settings); else 0. */
export function associateExitCode(result: Pick<AssociateResult, 'status'>, check?: boolean): number {
  if (result.status === 'blocked' || result.status === 'failed') return EXIT.failure;
  if (check && result.status === 'planned') return EXIT.pending;
  return EXIT.ok;
}
