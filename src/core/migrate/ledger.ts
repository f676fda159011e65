import type { PolicyDocument, Statement } from '../iam/types.js';
import { canonicalStatement } from '../policy/merge.js';
import { policySize } from '../policy/size.js';
import { POLICY_VERSION } from '../policy/types.js';
import type { Role } from '../model.js';
import { removeOidcSubject } from './trust.js';
import type { TrustChange } from './types.js';

// Per-role bookkeeping while planning: the trust as it is, the statements the plan adds (all adds
// run before any removal, so the largest document is "before + every add"), and the OIDC subjects
// it removes. Shared roles see every earlier entry's additions, so statements are never duplicated
// and the quota check counts the whole role. Adding works like core/policy mergeTrust (existing
// statements untouched, equivalents skipped, Sids made unique) but incrementally, so a plan over
// thousands of roles stays linear.

interface RoleLedger {
  roleArn: string;
  otherAccount: boolean;
  before?: PolicyDocument;
  /** before + adds, as mergeTrust would produce it. */
  current: PolicyDocument & { Statement: Statement[] };
  size: number;
  seen: Set<string>;
  sids: Set<string>;
  added: number;
  isNew: boolean;
  removals: { providerArn: string; namespace: string; serviceAccount: string }[];
  entries: Set<string>;
}

export type AddOutcome = { kind: 'present' } | { kind: 'added'; statement: Statement; size: number } | { kind: 'over-quota'; size: number };

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export class TrustLedger {
  private readonly roles = new Map<string, RoleLedger>();

  constructor(private readonly quota: number) {}

  private ledger(roleArn: string, role: Role | undefined, otherAccount: boolean): RoleLedger {
    let found = this.roles.get(roleArn);
    if (!found) {
      const before = role?.trustPolicy;
      const statements = list(before?.Statement);
      const current = { ...(before ?? {}), Version: before?.Version ?? POLICY_VERSION, Statement: [...statements] };
      found = {
        roleArn, otherAccount, before, current, size: policySize(current),
        seen: new Set(statements.map(canonicalStatement)), sids: new Set(statements.map((s) => s.Sid).filter((s): s is string => Boolean(s))),
        added: 0, isNew: false, removals: [], entries: new Set(),
      };
      this.roles.set(roleArn, found);
    }
    return found;
  }

  /** The trust after every addition so far (no removals): what the SA will meet in phases 3–4. */
  withAdds(roleArn: string, role: Role | undefined): PolicyDocument | undefined {
    const l = this.roles.get(roleArn);
    return l ? l.current : role?.trustPolicy;
  }

  /** Adds `statement` unless an equivalent one is there; refuses when the result is over the quota. */
  add(roleArn: string, role: Role | undefined, otherAccount: boolean, entry: string, statement: Statement): AddOutcome {
    const l = this.ledger(roleArn, role, otherAccount);
    const key = canonicalStatement(statement);
    if (l.seen.has(key)) return { kind: 'present' };
    let sid = statement.Sid;
    for (let n = 2; sid && l.sids.has(sid); n++) sid = `${statement.Sid}${n}`;
    const final = sid === statement.Sid ? statement : { ...statement, Sid: sid };
    const size = l.size + JSON.stringify(final).length + (l.current.Statement.length ? 1 : 0);
    if (size > this.quota) return { kind: 'over-quota', size };
    l.seen.add(key);
    if (sid) l.sids.add(sid);
    l.current.Statement.push(final);
    l.size = size;
    l.added++;
    l.entries.add(entry);
    return { kind: 'added', statement: final, size };
  }

  /** Marks a role the plan creates (its trust is `document`). */
  created(roleArn: string, entry: string, document: PolicyDocument) {
    const l = this.ledger(roleArn, undefined, false);
    l.isNew = true;
    for (const s of list(document.Statement)) this.add(roleArn, undefined, false, entry, s);
    l.entries.add(entry);
  }

  remove(roleArn: string, role: Role | undefined, otherAccount: boolean, entry: string, removal: RoleLedger['removals'][number]) {
    const l = this.ledger(roleArn, role, otherAccount);
    l.removals.push(removal);
    l.entries.add(entry);
  }

  changes(): TrustChange[] {
    const out: TrustChange[] = [];
    for (const l of this.roles.values()) {
      if (!l.added && !l.removals.length) continue;
      let after: PolicyDocument = l.current;
      for (const r of l.removals) {
        const removed = removeOidcSubject(after, r.providerArn, r.namespace, r.serviceAccount);
        if (removed.kind === 'removed') after = removed.policy;
      }
      const change: TrustChange = { roleArn: l.roleArn, otherAccount: l.otherAccount, created: l.isNew, after, peakSize: l.size, entries: [...l.entries].sort() };
      if (!l.isNew && !l.before) change.partial = true;
      out.push(change);
    }
    return out.sort((a, b) => a.roleArn.localeCompare(b.roleArn));
  }
}
