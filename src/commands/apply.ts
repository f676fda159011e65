import pLimit from 'p-limit';
import { parse as parseYaml } from 'yaml';
import { checkAssociateInput, entryInput, entryWording, resolveSpec, validateApplyFile, type ApplyFile, type Step } from '../core/associate/index.js';
import { EXIT, PodidError, UsageError, UserError } from '../core/errors.js';
import { isArn } from '../core/arn.js';
import { saKey, type Association, type Role } from '../core/model.js';
import { applySteps, runNonce, type StepOutcome } from '../services/associate-apply.js';
import { describeClusterOrFail, gatherClusterContext } from '../services/associate-gather.js';
import { initialStatus, nodeReader, prepare, resultOf, type AssociateDeps, type AssociateResult, type Prepared } from './associate.js';

// `podid apply -f podid.yaml`: the plan is the diff between the file and the cluster; --prune also
// deletes associations the file does not list (never add-on-owned ones). All-or-nothing preflight.
// Entries are planned in order, each against the roles as the entries before it leave them (two
// entries on one role both get their trust statement).

export interface ApplyOptions {
  /** Path (for messages) and text of the file. */
  path: string;
  text: string;
  /** -c as given (a name or an ARN); an ARN must be the cluster's. */
  clusterRef?: string;
  approve?: boolean;
  prune?: boolean;
  check?: boolean;
  restart?: boolean;
  confirm?: (preview: ApplyResult) => Promise<boolean>;
  /** --state FILE of the run (podid commands in fix hints carry it). */
  statePath?: string;
}

export interface PruneItem {
  associationId: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  /** Add-on-owned associations are never pruned. */
  ownerAddon?: string;
  action: 'delete' | 'keep';
}

export interface ApplyResult {
  file: string;
  cluster: string;
  status: 'up-to-date' | 'planned' | 'applied' | 'blocked' | 'failed';
  entries: AssociateResult[];
  /** Associations in the cluster the file does not list. */
  unlisted: PruneItem[];
  prune: boolean;
  changes: number;
  applied?: StepOutcome[];
}

/** Parses and validates the file; errors name the file and the field. */
export function parseApplyFile(path: string, text: string): ApplyFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UserError(`${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const { file, errors } = validateApplyFile(raw);
  if (!file) throw new UserError(`${path} is not a valid podid file:\n  ${errors.join('\n  ')}`, { hint: 'Schema: apiVersion podid/v1, kind Associations, cluster, associations[] (see README, "podid apply").' });
  return file;
}

function entryError(path: string, i: number, e: { namespace: string; serviceAccount: string }, error: unknown): never {
  if (!(error instanceof PodidError)) throw error;
  const message = `${path}: associations.${i} (${e.namespace}/${e.serviceAccount}): ${entryWording(error.message)}`;
  const hint = error.hint && entryWording(error.hint);
  throw error instanceof UsageError ? new UsageError(message, { hint }) : new UserError(message, { hint });
}

async function describeAll(deps: AssociateDeps, cluster: string): Promise<Association[]> {
  const limit = pLimit(8);
  const summaries = await deps.eks.listAssociations(cluster);
  return Promise.all(summaries.map((s) => limit(() => deps.eks.describeAssociation(cluster, s.associationId))));
}

export async function apply(opts: ApplyOptions, deps: AssociateDeps): Promise<ApplyResult> {
  const file = parseApplyFile(opts.path, opts.text);
  const inputs = file.associations.map(entryInput);
  inputs.forEach((input, i) => {
    try {
      checkAssociateInput(input);
    } catch (error) {
      entryError(opts.path, i, input, error);
    }
  });
  const cluster = await describeClusterOrFail(deps.eks, file.cluster);
  for (const [what, ref] of [["option '-c, --cluster'", opts.clusterRef], [`cluster in ${opts.path}`, file.cluster]] as const) {
    if (ref && isArn(ref) && ref !== cluster.arn) throw new UsageError(`${what} (${ref}) is not cluster ${cluster.name} (${cluster.arn}): another account or region`);
  }
  const specs = inputs.map((input, i) => {
    try {
      return resolveSpec(input, cluster);
    } catch (error) {
      return entryError(opts.path, i, input, error);
    }
  });
  const [ctx, existing] = await Promise.all([gatherClusterContext(deps, cluster), describeAll(deps, cluster.name)]);
  const byKey = new Map(existing.map((a) => [saKey(a.namespace, a.serviceAccount), a]));
  const prepared: Prepared[] = [];
  const planned = new Map<string, Role>();
  const nodes = nodeReader(deps);
  for (const spec of specs) {
    const p = await prepare(deps, ctx, spec, { restart: opts.restart, existing: byKey.get(saKey(spec.namespace, spec.serviceAccount)) ?? null, planned, nodes, style: 'file', statePath: opts.statePath });
    const role = p.plan.effectiveRole;
    if (role && role.accountId === cluster.accountId) planned.set(role.name, role);
    prepared.push(p);
  }
  const listed = new Set(specs.map((s) => saKey(s.namespace, s.serviceAccount)));
  const unlisted: PruneItem[] = existing
    .filter((a) => !listed.has(saKey(a.namespace, a.serviceAccount)))
    .map((a) => ({
      associationId: a.associationId,
      namespace: a.namespace,
      serviceAccount: a.serviceAccount,
      roleArn: a.roleArn,
      ...(a.ownerArn ? { ownerAddon: a.ownerArn.split(':').pop()?.split('/')[2] } : {}),
      action: opts.prune && !a.ownerArn ? 'delete' : 'keep',
    }));
  const pruneSteps: Step[] = unlisted
    .filter((u) => u.action === 'delete')
    .map((u) => ({ kind: 'delete-association', target: `${u.namespace}/${u.serviceAccount}`, reason: `not in ${opts.path} (--prune)`, associationId: u.associationId }));
  const entries = prepared.map((p) => resultOf(p, initialStatus(p)));
  const changes = entries.reduce((n, e) => n + e.steps.length, 0) + pruneSteps.length;
  const blocked = entries.some((e) => e.status === 'blocked');
  const result: ApplyResult = { file: opts.path, cluster: cluster.name, status: blocked ? 'blocked' : changes ? 'planned' : 'up-to-date', entries, unlisted, prune: Boolean(opts.prune), changes };
  if (result.status !== 'planned' || opts.check) return result;
  if (!(opts.approve || (opts.confirm ? await opts.confirm(result) : false))) return result;
  return run(result, prepared, pruneSteps, deps);
}

async function run(result: ApplyResult, prepared: Prepared[], pruneSteps: Step[], deps: AssociateDeps): Promise<ApplyResult> {
  const applied: StepOutcome[] = [];
  const entries = [...result.entries];
  const nonce = runNonce();
  let ok = true;
  for (const [i, p] of prepared.entries()) {
    if (!ok || !p.plan.steps.length) continue;
    const outcome = await applySteps(p.plan.steps, result.cluster, deps, nonce);
    applied.push(...outcome.outcomes);
    entries[i] = { ...entries[i], status: outcome.ok ? 'applied' : 'failed', applied: outcome.outcomes, ...(outcome.association ? { association: outcome.association } : {}) };
    ok = outcome.ok;
  }
  if (ok && pruneSteps.length) {
    const outcome = await applySteps(pruneSteps, result.cluster, deps, nonce);
    applied.push(...outcome.outcomes);
    ok = outcome.ok;
  }
  return { ...result, entries, applied, status: ok ? 'applied' : 'failed' };
}

/** 1 when blocked or failed; 3 with --check when something would change; else 0. */
export function applyExitCode(result: Pick<ApplyResult, 'status'>, check?: boolean): number {
  if (result.status === 'blocked' || result.status === 'failed') return EXIT.failure;
  return check && result.status === 'planned' ? EXIT.pending : EXIT.ok;
}
