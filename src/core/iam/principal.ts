// Principal / NotPrincipal matching for resource-based and trust policies.
// AWS docs: "AWS JSON policy elements: Principal", "AWS JSON policy elements: NotPrincipal".

import type { Principal, PrincipalBlock } from './types.js';

/**
 * How a Principal entry matched the request principal:
 * - exact: the principal itself (same ARN, service name) or a wildcard (`*`, `{"AWS":"*"}`)
 * - role-session: a role ARN that matched one of the role's sessions (`arn:aws:sts::A:assumed-role/NAME/S`)
 * - account: an account id or `arn:...:iam::A:root` naming the principal's account (the account
 *   then delegates to its identity policies)
 */
export type PrincipalMatch = 'exact' | 'role-session' | 'account' | 'none';

const RANK: Record<PrincipalMatch, number> = { exact: 3, 'role-session': 2, account: 1, none: 0 };

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const ACCOUNT_RE = /^\d{12}$/;
const ROOT_RE = /^arn:([^:]+):iam::(\d{12}):root$/;
const ROLE_RE = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const SESSION_RE = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

const partitionOf = (arn: string) => arn.split(':')[1];

/** Match one `AWS` principal entry. */
export function matchAwsEntry(entry: string, p: Principal): PrincipalMatch {
  if (entry === '*') return 'exact';
  if (p.type !== 'aws') return 'none';
  if (entry === p.arn) return 'exact';
  // A bare account id names the account in the request's own partition; the root ARN form names
  // one partition (account ids repeat across partitions: aws-cn 111122223333 is not aws 111122223333).
  if (ACCOUNT_RE.test(entry)) return entry === p.accountId ? 'account' : 'none';
  const root = ROOT_RE.exec(entry);
  if (root) return root[2] === p.accountId && root[1] === partitionOf(p.arn) ? 'account' : 'none';
  // A role ARN also names the role's sessions; the session ARN drops the role path, and role
  // names are unique ignoring case.
  const role = ROLE_RE.exec(entry);
  const session = SESSION_RE.exec(p.arn);
  if (role && session && role[1] === session[1] && role[2] === session[2] && role[3].toLowerCase() === session[3].toLowerCase()) return 'role-session';
  return 'none';
}

/** The best match of the request principal against a Principal block. */
export function matchPrincipal(block: PrincipalBlock, p: Principal): PrincipalMatch {
  if (block === '*') return 'exact';
  let best: PrincipalMatch = 'none';
  for (const entry of list(block.AWS)) {
    const m = matchAwsEntry(entry, p);
    if (RANK[m] > RANK[best]) best = m;
  }
  if (p.type === 'service') {
    for (const s of list(block.Service)) if (s === '*' || s.toLowerCase() === p.service.toLowerCase()) best = 'exact';
  }
  // Federated and CanonicalUser principals are not modelled by Request; they never match.
  return best;
}

/**
 * NotPrincipal: the statement applies to every principal except the listed ones. An entry
 * excludes the request principal when it matches it (exact, role-session or account).
 */
export function matchNotPrincipal(block: PrincipalBlock, p: Principal): boolean {
  return matchPrincipal(block, p) === 'none';
}

export function describePrincipal(p: Principal): string {
  return p.type === 'service' ? p.service : p.arn;
}
