import type { Journal, MigrationPlan, PlanEntry, TrustChange } from './types.js';

// Choosing which plan entries to apply (`podid migrate-irsa --interactive`): the review state and
// its key actions, the plan filter that keeps only the chosen entries' steps, and the selection a
// journal records so `--resume` keeps to it. Pure.

/**
 * Only pending entries with steps can be chosen: blocked, skipped and done ones have nothing to apply,
 * nor has a pending entry whose only work left is a removal that waits (`PlanEntry.waiting`).
 */
export const isSelectable = (entry: PlanEntry) => entry.status === 'pending' && !(entry.waiting && !entry.steps.length);

// ---- review state ---------------------------------------------------------------------------

export interface ReviewState {
  /** Index of the focused entry. */
  cursor: number;
  /** Chosen entry ids, in plan order. */
  selected: readonly string[];
}

export type ReviewAction = 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end' | 'toggle' | 'all';

/** Focus on the first entry; every pending entry chosen. */
export function initialReview(entries: readonly PlanEntry[]): ReviewState {
  return { cursor: 0, selected: entries.filter(isSelectable).map((e) => e.id) };
}

const clamp = (n: number, max: number) => Math.max(0, Math.min(n, max));

/** The state after one key; `page` is the number of rows a page moves. Returns a new state. */
export function review(entries: readonly PlanEntry[], state: ReviewState, action: ReviewAction, page = 10): ReviewState {
  const last = Math.max(0, entries.length - 1);
  switch (action) {
    case 'up':
      return { ...state, cursor: clamp(state.cursor - 1, last) };
    case 'down':
      return { ...state, cursor: clamp(state.cursor + 1, last) };
    case 'page-up':
      return { ...state, cursor: clamp(state.cursor - page, last) };
    case 'page-down':
      return { ...state, cursor: clamp(state.cursor + page, last) };
    case 'home':
      return { ...state, cursor: 0 };
    case 'end':
      return { ...state, cursor: last };
    case 'toggle': {
      const entry = entries[state.cursor];
      if (!entry || !isSelectable(entry)) return state;
      const chosen = new Set(state.selected);
      if (!chosen.delete(entry.id)) chosen.add(entry.id);
      return { ...state, selected: inPlanOrder(entries, chosen) };
    }
    case 'all': {
      const pending = entries.filter(isSelectable).map((e) => e.id);
      const everything = state.selected.length === pending.length;
      return { ...state, selected: everything ? [] : pending };
    }
  }
}

const inPlanOrder = (entries: readonly PlanEntry[], chosen: ReadonlySet<string>) => entries.filter((e) => chosen.has(e.id)).map((e) => e.id);

/** The rows [start, end) of a list of `total` rows to show in `height` rows so that `cursor` is visible. */
export function visibleRows(cursor: number, total: number, height: number): { start: number; end: number } {
  const size = Math.max(1, height);
  if (total <= size) return { start: 0, end: total };
  const start = clamp(cursor - Math.floor(size / 2), total - size);
  return { start, end: start + size };
}

// ---- plan filter ----------------------------------------------------------------------------

export interface PlanSelection {
  /** The plan with only the chosen entries' steps; the other entries keep their status (pending stays pending). */
  plan: MigrationPlan;
  /** Chosen ids that are not entries of the plan. */
  unknown: string[];
  /** Chosen entries that are blocked or skipped: nothing of theirs is applied. */
  stopped: PlanEntry[];
  /** Pending entries not chosen: left for a later run. */
  unselected: string[];
}

/**
 * Restricts `plan` to the entries in `selection`. Steps are the ones the full plan has for those
 * entries, in the same order: a step never depends on another entry's step (trust statements are
 * scoped to their own service account, bridge roles are per service account). Trust changes keep
 * the roles the selection touches, without the statements other entries would add. (They are
 * informational — apply, journal and rollback do not read them; on a role shared with a left-out
 * entry under --remove-oidc-trust, `after` also lacks that entry's OIDC subject, which stays.)
 */
export function selectPlan(plan: MigrationPlan, selection: readonly string[]): PlanSelection {
  const chosen = new Set(selection);
  const known = new Set(plan.entries.map((e) => e.id));
  const steps = plan.steps.filter((s) => chosen.has(s.entry));
  const filtered: MigrationPlan = {
    ...plan,
    steps,
    trustChanges: selectTrustChanges(plan, chosen),
    summary: { ...plan.summary, steps: steps.length, restarts: steps.filter((s) => s.kind === 'restart').length },
  };
  return {
    plan: filtered,
    unknown: selection.filter((id) => !known.has(id)),
    stopped: plan.entries.filter((e) => chosen.has(e.id) && (e.status === 'blocked' || e.status === 'skipped')),
    unselected: plan.entries.filter((e) => isSelectable(e) && !chosen.has(e.id)).map((e) => e.id),
  };
}

function selectTrustChanges(plan: MigrationPlan, chosen: ReadonlySet<string>): TrustChange[] {
  // Statements the left-out entries would add, by role (the planner put these exact objects into `after`).
  const leftOut = new Map<string, Set<string>>();
  for (const step of plan.steps) {
    if (step.kind !== 'add-trust' || chosen.has(step.entry)) continue;
    const set = leftOut.get(step.roleArn) ?? new Set<string>();
    set.add(JSON.stringify(step.statement));
    leftOut.set(step.roleArn, set);
  }
  const out: TrustChange[] = [];
  for (const change of plan.trustChanges) {
    const entries = change.entries.filter((e) => chosen.has(e));
    if (!entries.length) continue;
    const drop = leftOut.get(change.roleArn);
    if (!drop) {
      out.push({ ...change, entries });
      continue;
    }
    const statements = Array.isArray(change.after.Statement) ? change.after.Statement : [change.after.Statement];
    out.push({ ...change, entries, after: { ...change.after, Statement: statements.filter((s) => !drop.has(JSON.stringify(s))) } });
  }
  return out;
}

// ---- journal --------------------------------------------------------------------------------

/** The journal of a new run, recording the chosen entries (none: the whole plan). Returns a new journal. */
export function withSelection(journal: Journal, selection: readonly string[] | undefined): Journal {
  return selection ? { ...journal, selection: [...selection] } : journal;
}

/** The entries a journal's run was restricted to; undefined: the whole plan. A malformed field is a problem, not a throw. */
export function journalSelection(journal: Journal): { selection?: string[]; problem?: string } {
  const value: unknown = journal.selection;
  if (value === undefined) return {};
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return { problem: 'selection: expected a list of entry ids ("ns/sa" or "addon:<name>")' };
  return { selection: value };
}
