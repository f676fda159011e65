import type { PolicyDocument, Statement } from '../iam/types.js';
import { canonicalStatement, mergeTrust } from '../policy/merge.js';
import { uniqueSid } from '../policy/sid.js';
import { irsaSubject, removeOidcSubject, type OidcEdit } from './trust.js';
import type { JournalRecord, Step } from './types.js';

// Undoing a run's trust changes on one role without clobbering what changed since (pure). When the
// trust is still what the run left, the document recorded before the run comes back exactly.
// Otherwise the run's own changes are reverted statement by statement: the statements it added go,
// the statements and :sub values it removed come back, everything else stays as it is now.

export type TrustStep = Extract<Step, { kind: 'add-trust' | 'remove-oidc-trust' }>;

/** A journal record of a trust change (add-trust or remove-oidc-trust) with its prior document. */
export type TrustRecord = Pick<JournalRecord, 'state' | 'prior'> & { step: TrustStep };

export type TrustRevert =
  /** Nothing of the run is left in the trust. */
  | { kind: 'unchanged' }
  /** The trust is what the run left: the document from before the run, exactly. */
  | { kind: 'exact'; policy: PolicyDocument }
  /** The trust changed after the run: only the run's statements reverted, later changes kept. */
  | { kind: 'statements'; policy: PolicyDocument; removed: number; restored: number }
  | { kind: 'refuse'; reason: string };

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const hostOf = (providerArn: string) => providerArn.slice(providerArn.indexOf('oidc-provider/') + 'oidc-provider/'.length);

/** What one record changed, derived from its prior document the same way apply computed it. */
type Change = { after: PolicyDocument; added?: Statement; edits?: OidcEdit[] };

function changeOf(record: TrustRecord, prior: PolicyDocument): Change {
  const s = record.step;
  if (s.kind === 'add-trust') {
    const merged = mergeTrust(prior, [s.statement]);
    return merged.added.length ? { after: merged.policy, added: merged.added[0] } : { after: prior };
  }
  const removal = removeOidcSubject(prior, s.providerArn, s.namespace, s.serviceAccount);
  return removal.kind === 'removed' ? { after: removal.policy, edits: removal.edits } : { after: prior };
}

/**
 * `records`: the touched trust records of ONE role, in journal order. `current`: its trust now.
 * Refuses only when the trust changed after the run and the journal does not say what the run did.
 */
export function revertTrust(current: PolicyDocument, records: readonly TrustRecord[]): TrustRevert {
  if (!records.length) return { kind: 'unchanged' };
  const priors: PolicyDocument[] = [];
  for (const r of records) {
    try {
      priors.push(JSON.parse(r.prior.trustPolicyJson ?? '') as PolicyDocument);
    } catch {
      return { kind: 'refuse', reason: `the journal's record of step ${r.step.id} has no readable trust policy` };
    }
  }
  const changes = records.map((r, i) => changeOf(r, priors[i]));
  const last = records.length - 1;
  if (same(current, priors[0])) return { kind: 'unchanged' };
  // A last change that started but was not confirmed may or may not have happened.
  const left = [changes[last].after, ...(records[last].state === 'done' ? [] : [priors[last]])];
  if (left.some((doc) => same(current, doc))) return { kind: 'exact', policy: priors[0] };

  const statements = list(current.Statement).map((s) => structuredClone(s));
  let removed = 0;
  let restored = 0;
  for (let i = last; i >= 0; i--) {
    const { step } = records[i];
    const change = changes[i];
    if (step.kind === 'add-trust') {
      if (change.added && dropStatement(statements, change.added)) removed++;
      continue;
    }
    if (!change.edits) {
      if (records[i].state !== 'done') continue; // it failed before changing anything
      return { kind: 'refuse', reason: `the trust changed after the run, and the journal does not show what step ${step.id} removed (its recorded trust has no ${irsaSubject(step.namespace, step.serviceAccount)} for this cluster)` };
    }
    for (const edit of [...change.edits].reverse()) if (restoreEdit(statements, edit, hostOf(step.providerArn), irsaSubject(step.namespace, step.serviceAccount))) restored++;
  }
  const policy: PolicyDocument = { ...current, Statement: statements };
  if (!removed && !restored) return { kind: 'unchanged' };
  return { kind: 'statements', policy, removed, restored };
}

/** Removes the statement the run added: the identical one if it is there, else an equivalent one. */
function dropStatement(statements: Statement[], added: Statement): boolean {
  let index = statements.findIndex((s) => same(s, added));
  if (index < 0) {
    const key = canonicalStatement(added);
    index = statements.findIndex((s) => canonicalStatement(s) === key);
  }
  if (index < 0) return false;
  statements.splice(index, 1);
  return true;
}

const isSubKey = (key: string, host: string) => key.toLowerCase() === `${host.toLowerCase()}:sub`;

function subOf(s: Statement, host: string): { op: string; key: string; values: string[] } | undefined {
  for (const [op, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, raw] of Object.entries(block)) if (isSubKey(key, host)) return { op, key, values: list(raw).map(String) };
  }
  return undefined;
}

/** The statement with its :sub condition set to `values` (or without it: undefined), nothing else changed. */
function withSub(s: Statement, host: string, values: string[] | undefined): Statement {
  const found = subOf(s, host);
  if (!found) return s;
  const block = { ...s.Condition![found.op] };
  if (values) block[found.key] = values.length === 1 ? values[0] : values;
  else delete block[found.key];
  return { ...s, Condition: { ...s.Condition, [found.op]: block } };
}

/**
 * Puts back what one removal took. A dropped statement comes back whole. A :sub value goes back into
 * the statement it was taken from (found as the run left it, or by its shape and remaining values),
 * else into a copy of that statement with just this value. Returns false when the SA is trusted already.
 */
function restoreEdit(statements: Statement[], edit: OidcEdit, host: string, subject: string): boolean {
  const { before, after } = edit;
  const op = subOf(before, host)?.op.toLowerCase();
  const shape = canonicalStatement(withSub(before, host, undefined));
  const alike = statements.map((s, index) => ({ s, index, sub: subOf(s, host) })).filter((c) => c.sub?.op.toLowerCase() === op && canonicalStatement(withSub(c.s, host, undefined)) === shape);
  if (alike.some((c) => c.sub!.values.includes(subject))) return false;
  if (after) {
    const left = canonicalStatement(after);
    const rest = new Set(subOf(after, host)?.values ?? []);
    const target = alike.find((c) => canonicalStatement(c.s) === left) ?? alike.find((c) => c.sub!.values.some((v) => rest.has(v)));
    if (target) {
      statements[target.index] = withSub(target.s, host, [...target.sub!.values, subject]);
      return true;
    }
  }
  const sids = new Set(statements.map((s) => s.Sid).filter((s): s is string => Boolean(s)));
  const back = after ? withSub(before, host, [subject]) : before;
  statements.push(back.Sid && sids.has(back.Sid) ? { ...back, Sid: uniqueSid(back.Sid, sids) } : back);
  return true;
}
