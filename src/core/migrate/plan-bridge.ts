import type { RoleArn } from '../arn.js';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../associate/types.js';
import type { Role } from '../model.js';
import { raiseTrustQuotaHint } from '../policy/size.js';
import { sourceRolePermissionStatement, targetTrustStatements } from '../policy/target-trust.js';
import { trustStatementFor } from '../policy/trust.js';
import { POLICY_VERSION } from '../policy/types.js';
import { BRIDGE_POLICY_NAME, BRIDGE_TAG, bridgeRoleArn, bridgeRoleName, bridgeTagValue } from './bridge.js';
import { blockEntry, planTrust, type PlanContext } from './plan-steps.js';
import { targetAccepts } from './trust.js';
import type { PlanEntry, Step } from './types.js';

// Cross-account IRSA: a bridge role in the cluster account (trusting pods.eks.amazonaws.com for
// this SA, allowed to assume the original role), and the original role's trust extended to the
// bridge as `podid policy target-trust` would generate it (policies.md §2).

export function planBridge(ctx: PlanContext, entry: PlanEntry, target: RoleArn, targetRole: Role | undefined, steps: Step[]): boolean {
  const { cluster } = ctx;
  const name = bridgeRoleName(entry.namespace, entry.serviceAccount);
  const arn = bridgeRoleArn(cluster, entry.namespace, entry.serviceAccount);
  const existing = ctx.facts.roles.get(arn) ?? undefined;
  const tag = bridgeTagValue(cluster, entry.namespace, entry.serviceAccount);
  if (existing && existing.tags[BRIDGE_TAG] !== tag) {
    blockEntry(entry, { id: 'bridge-conflict', level: 'block', message: `role ${arn} exists but is not podid's bridge for ${entry.id} (tag ${BRIDGE_TAG}=${tag} missing)`, fix: `Delete or rename that role, or tag it ${BRIDGE_TAG}=${tag} if it is the bridge.` });
    return false;
  }
  entry.risks.push({ id: 'cross-account', level: 'warn', message: `role ${target.arn} is in account ${target.accountId}, not the cluster's ${cluster.accountId}: association role ${existing ? 'is' : 'will be'} bridge ${arn} with targetRoleArn ${target.arn} (credentials last 59 min, not 6 h)` });
  const workload = { clusterArn: cluster.arn, namespace: entry.namespace, serviceAccount: entry.serviceAccount };
  const permissionPolicy = { Version: POLICY_VERSION, Statement: [sourceRolePermissionStatement(target.arn)] };
  const bridge = existing ?? { arn, inlinePolicies: [{ name: BRIDGE_POLICY_NAME, document: permissionPolicy }] };

  const [targetStatement] = targetTrustStatements({ sourceRoleArn: arn, targetRoleArn: target.arn, workload });
  const targetTrust = ctx.ledger.withAdds(target.arn, targetRole);
  if (!targetTrust || !targetAccepts(bridge, { arn: target.arn, trustPolicy: targetTrust }, cluster, entry.namespace, entry.serviceAccount)) {
    const added = ctx.ledger.add(target.arn, targetRole, true, entry.id, targetStatement);
    if (added.kind === 'over-quota') {
      blockEntry(entry, { id: 'trust-quota', level: 'block', message: `trust policy of ${target.arn} would be ${added.size} characters, over the quota of ${ctx.options.trustQuota}`, fix: raiseTrustQuotaHint(ctx.options.trustQuota) });
      return false;
    }
    if (added.kind === 'added') {
      if (!targetRole) entry.risks.push({ id: 'role-unreadable', level: 'warn', message: `cannot read ${target.arn} from the cluster account; the target-trust step needs credentials of account ${target.accountId}` });
      steps.push({ id: `target-trust:${entry.id}`, entry: entry.id, phase: 2, kind: 'add-trust', roleArn: target.arn, statement: added.statement, purpose: 'target-trust', namespace: entry.namespace, serviceAccount: entry.serviceAccount, description: `let bridge ${name} assume ${target.arn} for ${entry.id} (target trust)` });
    }
  }
  const trustPolicy = { Version: POLICY_VERSION, Statement: [trustStatementFor(workload)] };
  if (existing) {
    if (!planTrust(ctx, entry, arn, existing, steps)) return false;
    // A bridge left half-made by an interrupted run (role without its policy) gets the policy again.
    const policy = existing.inlinePolicies.find((p) => p.name === BRIDGE_POLICY_NAME);
    if (policy && JSON.stringify(policy.document) === JSON.stringify(permissionPolicy)) return true;
  } else ctx.ledger.created(arn, entry.id, trustPolicy);
  steps.unshift({
    id: `bridge:${entry.id}`,
    entry: entry.id,
    phase: 1,
    kind: 'create-role',
    roleName: name,
    roleArn: arn,
    trustPolicy,
    policyName: BRIDGE_POLICY_NAME,
    permissionPolicy,
    // managed-by: `podid associations delete --delete-role` removes only roles podid created.
    tags: { [BRIDGE_TAG]: tag, [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
    description: `create bridge role ${name} (trusts ${entry.id}; may assume ${target.arn})`,
  });
  return true;
}
