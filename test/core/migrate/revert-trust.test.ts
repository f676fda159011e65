import { describe, expect, it } from 'vitest';
import type { PolicyDocument, Statement } from '../../../src/core/iam/types.js';
import { revertTrust, type TrustRecord } from '../../../src/core/migrate/revert-trust.js';
import { removeOidcSubject } from '../../../src/core/migrate/trust.js';
import { canonicalStatement, mergeTrust } from '../../../src/core/policy/merge.js';
import { trustStatementFor } from '../../../src/core/policy/trust.js';
import { CLUSTER_ARN, OTHER_PROVIDER, PROVIDER, SHARED_ROLE, irsaStatement } from './world.js';

// Undoing one run's trust changes on a role (migrate-irsa rollback): exact while the trust is what
// the run left; statement by statement once something changed after it; refused only when the
// journal cannot say what the run did.

const doc = (...Statement: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const sub = (sa: string) => `system:serviceaccount:${sa}`;
const pi = (ns: string, sa: string) => trustStatementFor({ clusterArn: CLUSTER_ARN, namespace: ns, serviceAccount: sa });
const OTHER = irsaStatement(sub('apps:a'), OTHER_PROVIDER, 'oidc.eks.us-east-1.amazonaws.com/id/OTHERCLUSTER');

/** Applies steps the way apply does, returning the journal records and the trust they leave. */
function run(start: PolicyDocument, steps: ({ add: [string, string] } | { remove: [string, string] })[]) {
  let trust = start;
  const records: TrustRecord[] = [];
  for (const s of steps) {
    const prior = { trustPolicyJson: JSON.stringify(trust) };
    if ('add' in s) {
      const [ns, sa] = s.add;
      const step = { id: `trust:${ns}/${sa}`, entry: `${ns}/${sa}`, phase: 2 as const, description: '', kind: 'add-trust' as const, roleArn: SHARED_ROLE, statement: pi(ns, sa), purpose: 'pod-identity' as const, namespace: ns, serviceAccount: sa };
      trust = mergeTrust(trust, [step.statement]).policy;
      records.push({ step, prior, state: 'done' });
    } else {
      const [ns, sa] = s.remove;
      const step = { id: `oidc:${ns}/${sa}`, entry: `${ns}/${sa}`, phase: 5 as const, description: '', kind: 'remove-oidc-trust' as const, roleArn: SHARED_ROLE, providerArn: PROVIDER, subject: sub(`${ns}:${sa}`), namespace: ns, serviceAccount: sa, verifyRoleArn: SHARED_ROLE };
      const removal = removeOidcSubject(trust, PROVIDER, ns, sa);
      if (removal.kind !== 'removed') throw new Error('nothing removed');
      trust = removal.policy;
      records.push({ step, prior, state: 'done' });
    }
  }
  return { trust, records };
}
/** Who the trust lets in, independent of statement order and Sid. */
const meaning = (p: PolicyDocument) => (Array.isArray(p.Statement) ? p.Statement : [p.Statement]).map(canonicalStatement).sort();
const trusts = (p: PolicyDocument, sa: string) => removeOidcSubject(p, PROVIDER, sa.split('/')[0], sa.split('/')[1]).kind !== 'absent';

describe('revertTrust', () => {
  const start = doc(irsaStatement([sub('apps:a'), sub('apps:b')]), OTHER);

  it('restores the exact earlier document while the trust is what the run left', () => {
    const { trust, records } = run(start, [{ add: ['apps', 'a'] }, { remove: ['apps', 'a'] }]);
    expect(revertTrust(trust, records)).toEqual({ kind: 'exact', policy: start });
  });

  it('keeps a statement added after the run (podid associate --fix-trust) and removes only the run’s own', () => {
    const { trust, records } = run(start, [{ add: ['apps', 'a'] }]);
    const later = mergeTrust(trust, [pi('apps', 'default')]).policy;
    const revert = revertTrust(later, records);
    expect(revert).toMatchObject({ kind: 'statements', removed: 1, restored: 0 });
    if (revert.kind !== 'statements') return;
    expect(revert.policy).toEqual(doc(...(start.Statement as Statement[]), pi('apps', 'default')));
  });

  it('two runs on a shared role: rolling back the first keeps the second; then the second brings back the start', () => {
    const first = run(start, [{ add: ['apps', 'a'] }, { remove: ['apps', 'a'] }]);
    const second = run(first.trust, [{ add: ['apps', 'b'] }, { remove: ['apps', 'b'] }]);
    const one = revertTrust(second.trust, first.records);
    expect(one.kind).toBe('statements');
    if (one.kind !== 'statements') return;
    expect(meaning(one.policy)).toEqual(meaning(doc(irsaStatement(sub('apps:a')), OTHER, pi('apps', 'b'))));
    expect(trusts(one.policy, 'apps/a')).toBe(true); // its OIDC trust is back
    expect(trusts(one.policy, 'apps/b')).toBe(false); // the second run's removal stays
    const two = revertTrust(one.policy, second.records);
    expect(two.kind).toBe('statements');
    if (two.kind !== 'statements') return;
    expect(trusts(two.policy, 'apps/a') && trusts(two.policy, 'apps/b')).toBe(true);
    expect(JSON.stringify(two.policy)).not.toContain('pods.eks.amazonaws.com');
    expect(two.policy.Statement).toContainEqual(OTHER);
  });

  it('puts a removed :sub value back into its statement as it is now', () => {
    const { trust, records } = run(start, [{ remove: ['apps', 'a'] }]);
    const later = { ...trust, Statement: [...(trust.Statement as Statement[]), pi('apps', 'x')] };
    const revert = revertTrust(later, records);
    expect(revert).toMatchObject({ kind: 'statements', removed: 0, restored: 1 });
    if (revert.kind !== 'statements') return;
    expect(revert.policy.Statement).toEqual([irsaStatement([sub('apps:b'), sub('apps:a')]), OTHER, pi('apps', 'x')]);
  });

  it('is unchanged when nothing of the run is left, and when the trust is back to the start', () => {
    const { records } = run(start, [{ add: ['apps', 'a'] }]);
    expect(revertTrust(start, records)).toEqual({ kind: 'unchanged' });
    const elsewhere = doc(OTHER, pi('apps', 'x'));
    expect(revertTrust(elsewhere, records)).toEqual({ kind: 'unchanged' });
  });

  it('refuses when the trust changed and the journal does not say what the run removed', () => {
    const { trust, records } = run(start, [{ remove: ['apps', 'a'] }]);
    const tampered = [{ ...records[0], prior: { trustPolicyJson: JSON.stringify(doc(OTHER)) } }];
    const later = { ...trust, Statement: [...(trust.Statement as Statement[]), pi('apps', 'x')] };
    expect(revertTrust(later, tampered)).toMatchObject({ kind: 'refuse', reason: expect.stringMatching(/does not show what step oidc:apps\/a removed/) });
    expect(revertTrust(later, [{ ...records[0], prior: { trustPolicyJson: '{not json' } }])).toMatchObject({ kind: 'refuse', reason: expect.stringMatching(/no readable trust policy/) });
  });

  it('a change that started but was not confirmed: either outcome counts as what the run left', () => {
    const first = run(start, [{ add: ['apps', 'a'] }]);
    const { trust, records } = run(first.trust, [{ add: ['apps', 'b'] }]);
    const unconfirmed = [first.records[0], { ...records[0], state: 'failed' as const }];
    expect(revertTrust(trust, unconfirmed)).toEqual({ kind: 'exact', policy: start }); // it happened (lost response)
    expect(revertTrust(first.trust, unconfirmed)).toEqual({ kind: 'exact', policy: start }); // it did not
  });
});
