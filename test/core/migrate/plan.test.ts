import { describe, expect, it } from 'vitest';
import { planMigration } from '../../../src/core/migrate/plan.js';
import type { PlanEntry, RiskId } from '../../../src/core/migrate/types.js';
import { policySize } from '../../../src/core/policy/size.js';
import { trustStatementFor } from '../../../src/core/policy/trust.js';
import { factsFrom, opts } from './facts.js';
import { ACCOUNT, CLUSTER_ARN, CROSS_ROLE, EBS_ROLE, HOST, OTHER_PROVIDER, REPORTS_ROLE, SHARED_ROLE, WEB_ROLE, irsaStatement, pod, role, withJob, withProblems, world } from './world.js';

const entry = (plan: ReturnType<typeof planMigration>, id: string): PlanEntry => {
  const found = plan.entries.find((e) => e.id === id);
  if (!found) throw new Error(`no entry ${id}: ${plan.entries.map((e) => e.id).join(', ')}`);
  return found;
};
const risks = (e: PlanEntry) => e.risks.map((r) => r.id);
const stepKinds = (plan: ReturnType<typeof planMigration>, id: string) => plan.steps.filter((s) => s.entry === id).map((s) => s.kind);

describe('planMigration: entries and steps', () => {
  const plan = planMigration(factsFrom(withProblems()), opts({ restart: true, removeOidcTrust: true, removeAnnotations: true }));

  it.each([
    ['apps/web', 'pending', ['add-trust', 'create-association', 'restart', 'remove-oidc-trust', 'remove-annotation']],
    ['apps/a', 'pending', ['add-trust', 'create-association', 'remove-oidc-trust', 'remove-annotation']],
    ['data/cross', 'pending', ['create-role', 'add-trust', 'create-association', 'remove-oidc-trust', 'remove-annotation']],
    ['addon:aws-ebs-csi-driver', 'pending', ['add-trust', 'update-addon', 'restart', 'remove-oidc-trust']],
    ['bad/malformed', 'blocked', []],
    ['bad/china', 'blocked', []],
    ['bad/serverless', 'skipped', []],
  ])('%s is %s with steps %j', (id, status, kinds) => {
    expect(entry(plan, id).status).toBe(status);
    expect(stepKinds(plan, id)).toEqual(kinds);
  });

  it('orders steps by phase: bridge roles → trust → associations → restarts → removals', () => {
    const phases = plan.steps.map((s) => s.phase);
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    const firstRemoval = plan.steps.findIndex((s) => s.phase === 5);
    expect(plan.steps.slice(0, firstRemoval).every((s) => s.kind !== 'remove-annotation' && s.kind !== 'remove-oidc-trust')).toBe(true);
  });

  it('gives each step a stable id (same facts → same plan)', () => {
    const again = planMigration(factsFrom(withProblems()), opts({ restart: true, removeOidcTrust: true, removeAnnotations: true }));
    expect(again.steps.map((s) => s.id)).toEqual(plan.steps.map((s) => s.id));
  });

  it('summarises counts', () => {
    expect(plan.summary).toMatchObject({ serviceAccounts: 7, addons: 1, pending: 5, blocked: 2, skipped: 1, restarts: 2 });
  });

  it('adds the workload-scoped statement from core/policy, one per tuple on a shared role', () => {
    const shared = plan.trustChanges.find((t) => t.roleArn === SHARED_ROLE)!;
    const statements = shared.after.Statement as { Sid?: string; Principal?: unknown }[];
    const podStatements = statements.filter((s) => JSON.stringify(s.Principal).includes('pods.eks.amazonaws.com'));
    expect(podStatements).toHaveLength(2);
    const trustStep = plan.steps.find((s) => s.id === 'trust:apps/a')!;
    expect(trustStep.kind === 'add-trust' && trustStep.statement.Condition).toEqual(trustStatementFor({ clusterArn: CLUSTER_ARN, namespace: 'apps', serviceAccount: 'a' }).Condition);
  });

  it("removes only this cluster's OIDC subject for each SA; other clusters' trust stays", () => {
    const shared = plan.trustChanges.find((t) => t.roleArn === SHARED_ROLE)!;
    const after = JSON.stringify(shared.after);
    expect(after).not.toContain(`"${HOST}:sub"`);
    expect(after).toContain(OTHER_PROVIDER);
    expect(after).toContain('system:serviceaccount:apps:a');
  });

  it('plans a bridge role for a cross-account role, with target trust on the original', () => {
    const cross = entry(plan, 'data/cross');
    expect(cross.association).toEqual({ roleArn: `arn:aws:iam::${ACCOUNT}:role/podid-bridge-data-cross`, targetRoleArn: CROSS_ROLE });
    expect(risks(cross)).toContain('cross-account');
    const target = plan.steps.find((s) => s.id === 'target-trust:data/cross')!;
    expect(target.kind === 'add-trust' && target.purpose).toBe('target-trust');
    expect(JSON.stringify(target)).toContain('aws:PrincipalArn');
  });
});

describe('planMigration: risk flags', () => {
  const cases: [string, () => ReturnType<typeof planMigration>, string, RiskId, PlanEntry['status']][] = [
    ['malformed ARN', () => planMigration(factsFrom(withProblems()), opts()), 'bad/malformed', 'malformed-arn', 'blocked'],
    ['other partition', () => planMigration(factsFrom(withProblems()), opts()), 'bad/china', 'other-partition', 'blocked'],
    ['fargate', () => planMigration(factsFrom(withProblems()), opts()), 'bad/serverless', 'fargate', 'skipped'],
    ['role with a path', () => planMigration(factsFrom(world()), opts()), 'apps/a', 'path-role', 'pending'],
    ['shared role', () => planMigration(factsFrom(world()), opts()), 'apps/b', 'shared-role', 'pending'],
    ['irsa settings', () => planMigration(factsFrom(world()), opts()), 'apps/web', 'irsa-settings', 'pending'],
    ['restart required without --restart', () => planMigration(factsFrom(world()), opts()), 'apps/web', 'restart-required', 'pending'],
    ['add-on owned', () => planMigration(factsFrom(world()), opts()), 'addon:aws-ebs-csi-driver', 'addon-owned', 'pending'],
    ['cross account with --no-bridge-roles', () => planMigration(factsFrom(world()), opts({ bridgeRoles: false })), 'data/cross', 'cross-account', 'blocked'],
    ['trust quota', () => planMigration(factsFrom(world()), opts({ trustQuota: 1300 })), 'apps/b', 'trust-quota', 'blocked'],
    ['removal deferred while IRSA pods run', () => planMigration(factsFrom(world()), opts({ removeAnnotations: true })), 'apps/web', 'oidc-deferred', 'pending'],
    [
      'role missing',
      () => {
        const s = world();
        s.roles = s.roles.filter((r) => r.arn !== WEB_ROLE);
        return planMigration(factsFrom(s), opts());
      },
      'apps/web', 'role-missing', 'blocked',
    ],
    [
      'windows',
      () => {
        const s = world();
        s.clusters[0].nodes.push({ name: 'win-1', os: 'windows', computeType: 'ec2', labels: {} });
        s.clusters[0].pods.push(pod('apps', 'a-win', 'a', { nodeName: 'win-1' }));
        return planMigration(factsFrom(s), opts());
      },
      'apps/a', 'windows', 'skipped',
    ],
    [
      'hostNetwork',
      () => {
        const s = world();
        s.clusters[0].pods.push(pod('apps', 'a-host', 'a', { hostNetwork: true }));
        return planMigration(factsFrom(s), opts());
      },
      'apps/a', 'host-network', 'pending',
    ],
    [
      'bare pod needs a manual restart',
      () => {
        const s = world();
        s.clusters[0].pods.push(pod('apps', 'a-bare', 'a'));
        return planMigration(factsFrom(s), opts());
      },
      'apps/a', 'manual-restart', 'pending',
    ],
    [
      'unscoped pods.eks.amazonaws.com trust',
      () => {
        const s = world();
        s.roles.find((r) => r.arn === WEB_ROLE)!.trustPolicy.Statement = [irsaStatement('system:serviceaccount:apps:web'), { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }];
        return planMigration(factsFrom(s), opts());
      },
      'apps/web', 'unscoped-trust', 'pending',
    ],
    [
      'OIDC trust by wildcard is left in place',
      () => {
        const s = world();
        s.roles.find((r) => r.arn === SHARED_ROLE)!.trustPolicy.Statement = [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${HOST}:sub`]: 'system:serviceaccount:apps:*' } } }];
        return planMigration(factsFrom(s), opts({ removeOidcTrust: true }));
      },
      'apps/a', 'oidc-wildcard', 'pending',
    ],
    [
      'association with another role',
      () => {
        const s = world();
        s.clusters[0].associations.push({ associationId: 'a-x', associationArn: 'arn:x', clusterName: 'demo', namespace: 'apps', serviceAccount: 'a', roleArn: WEB_ROLE, disableSessionTags: false, tags: {}, createdAt: '2026-01-01T00:00:00Z', modifiedAt: '2026-01-01T00:00:00Z' });
        return planMigration(factsFrom(s), opts());
      },
      'apps/a', 'association-conflict', 'blocked',
    ],
    [
      'bridge name taken by a foreign role',
      () => {
        const s = world();
        s.roles.push(role(`arn:aws:iam::${ACCOUNT}:role/podid-bridge-data-cross`, []));
        return planMigration(factsFrom(s), opts());
      },
      'data/cross', 'bridge-conflict', 'blocked',
    ],
    [
      'no agent',
      () => planMigration(factsFrom(world(), { agentInstalled: false }), opts()),
      'apps/web', 'no-agent', 'blocked',
    ],
    [
      'add-on version without Pod Identity',
      () => {
        const s = world();
        s.clusters[0].addons[1].podIdentityServiceAccounts = [];
        return planMigration(factsFrom(s), opts());
      },
      'addon:aws-ebs-csi-driver', 'addon-unsupported', 'skipped',
    ],
  ];

  it.each(cases)('%s', (_name, make, id, risk, status) => {
    const e = entry(make(), id);
    expect(risks(e)).toContain(risk);
    expect(e.status).toBe(status);
    if (status === 'blocked' || status === 'skipped') {
      expect(e.reason).toBeTruthy();
      expect(e.fix).toBeTruthy();
    }
  });
});

describe('planMigration: pods of Jobs and CronJobs', () => {
  const all = opts({ restart: true, removeOidcTrust: true, removeAnnotations: true });

  it('defers annotation and OIDC-trust removal while a run-to-completion pod still runs with IRSA (as apply would)', () => {
    const plan = planMigration(factsFrom(withJob()), all);
    const reports = entry(plan, 'batch/reports');
    expect(stepKinds(plan, 'batch/reports')).toEqual(['add-trust', 'create-association']);
    const deferred = reports.risks.find((r) => r.id === 'oidc-deferred')!;
    expect(deferred.level).toBe('warn');
    expect(deferred.fix).toMatch(/running pods of cronjob\/reports finish/);
    expect(JSON.stringify(plan.trustChanges.find((t) => t.roleArn === REPORTS_ROLE)!.after)).toContain('system:serviceaccount:batch:reports');
  });

  it('plans the removals once the Job pod has finished', () => {
    const s = withJob();
    s.clusters[0].pods.find((p) => p.name.startsWith('reports-'))!.phase = 'Succeeded';
    const plan = planMigration(factsFrom(s), all);
    expect(stepKinds(plan, 'batch/reports')).toEqual(['add-trust', 'create-association', 'remove-oidc-trust', 'remove-annotation']);
    expect(risks(entry(plan, 'batch/reports'))).not.toContain('oidc-deferred');
  });
});

describe('planMigration: idempotence and limits', () => {
  it('plans nothing for a role that already trusts the SA and an equivalent association', () => {
    const s = world();
    const web = s.roles.find((r) => r.arn === WEB_ROLE)!;
    web.trustPolicy.Statement = [...(web.trustPolicy.Statement as object[]), trustStatementFor({ clusterArn: CLUSTER_ARN, namespace: 'apps', serviceAccount: 'web' })] as typeof web.trustPolicy.Statement;
    s.clusters[0].associations.push({ associationId: 'a-web', associationArn: 'arn:a', clusterName: 'demo', namespace: 'apps', serviceAccount: 'web', roleArn: WEB_ROLE, disableSessionTags: false, tags: {}, createdAt: '2026-01-01T00:00:00Z', modifiedAt: '2026-01-01T00:00:00Z' });
    s.clusters[0].pods = s.clusters[0].pods.filter((p) => p.serviceAccountName !== 'web');
    const plan = planMigration(factsFrom(s), opts());
    expect(entry(plan, 'apps/web').status).toBe('done');
    expect(stepKinds(plan, 'apps/web')).toEqual([]);
  });

  it('keeps the trust within the quota: earlier tuples fit, the one over it is blocked with the fix', () => {
    const plan = planMigration(factsFrom(world()), opts({ trustQuota: 1300 }));
    const a = entry(plan, 'apps/a');
    const b = entry(plan, 'apps/b');
    expect(a.status).toBe('pending');
    expect(b.reason).toMatch(/over the quota of 1300/);
    expect(b.fix).toMatch(/L-C07B4B0D/);
    // Only ways out that migrate-irsa has: --trust-quota after a quota increase, or fewer SAs per role (it has no --scope).
    expect(b.fix).toContain('then run again with --trust-quota <N> (now 1300)');
    expect(b.fix).toContain(`Or give some of the service accounts that share ${SHARED_ROLE} a role of their own.`);
    expect(b.fix).not.toContain('--scope');
    const shared = plan.trustChanges.find((t) => t.roleArn === SHARED_ROLE)!;
    expect(shared.peakSize).toBeLessThanOrEqual(1300);
    expect(policySize(shared.after)).toBe(shared.peakSize);
  });

  it('says once why an annotation is not a role ARN', () => {
    const s = world();
    s.clusters[0].serviceAccounts.push({ namespace: 'bad', name: 'typo', uid: 'uid-typo', annotations: { 'eks.amazonaws.com/role-arn': 'not-an-arn' }, creationTimestamp: '2026-11-20T10:00:00.000Z' });
    const typo = entry(planMigration(factsFrom(s), opts()), 'bad/typo');
    expect(typo.status).toBe('blocked');
    expect(typo.reason).toBe("eks.amazonaws.com/role-arn: 'not-an-arn' is not a valid IAM role ARN");
  });

  it('does not touch the add-on SA as a plain service account', () => {
    const plan = planMigration(factsFrom(world()), opts());
    expect(plan.entries.some((e) => e.id === 'kube-system/ebs-csi-controller-sa')).toBe(false);
    expect(entry(plan, 'addon:aws-ebs-csi-driver').irsaRoleArn).toBe(EBS_ROLE);
  });

  it('with no IRSA at all, the plan is empty', () => {
    const s = world();
    for (const sa of s.clusters[0].serviceAccounts) sa.annotations = {};
    s.clusters[0].addons = s.clusters[0].addons.filter((a) => !a.serviceAccountRoleArn);
    const plan = planMigration(factsFrom(s), opts());
    expect(plan.entries).toEqual([]);
    expect(plan.steps).toEqual([]);
  });
});

describe('planMigration: removals that wait stay pending', () => {
  /** apps/web migrated (trust accepts it, association exists), its Deployment's pods still on IRSA. */
  const migrated = () => {
    const s = world();
    const web = s.roles.find((r) => r.arn === WEB_ROLE)!;
    web.trustPolicy.Statement = [...(web.trustPolicy.Statement as object[]), trustStatementFor({ clusterArn: CLUSTER_ARN, namespace: 'apps', serviceAccount: 'web' })] as typeof web.trustPolicy.Statement;
    s.clusters[0].associations.push({ associationId: 'a-web', associationArn: 'arn:a', clusterName: 'demo', namespace: 'apps', serviceAccount: 'web', roleArn: WEB_ROLE, disableSessionTags: false, tags: {}, createdAt: '2026-01-01T00:00:00Z', modifiedAt: '2026-01-01T00:00:00Z' });
    return s;
  };

  it.each([
    ['both removals', { removeAnnotations: true, removeOidcTrust: true }, ['annotation removal', 'OIDC-trust removal']],
    ['annotation removal', { removeAnnotations: true }, ['annotation removal']],
    ['OIDC-trust removal', { removeOidcTrust: true }, ['OIDC-trust removal']],
  ])('%s asked for, pods still on IRSA, no --restart: pending with no step, and why', (_name, flags, removals) => {
    const plan = planMigration(factsFrom(migrated()), opts(flags));
    const web = entry(plan, 'apps/web');
    expect(stepKinds(plan, 'apps/web')).toEqual([]);
    expect(web.status).toBe('pending');
    expect(web.waiting).toEqual({ removals, reason: `${removals.join(' and ')} ${removals.length > 1 ? 'wait' : 'waits'}: pods of this service account still run with IRSA credentials`, fix: 'Restart deployment/web (or pass --restart); then run again.' });
    expect(plan.summary.waiting).toBeGreaterThanOrEqual(1);
  });

  it('without the removal flags nothing waits: done', () => {
    const plan = planMigration(factsFrom(migrated()), opts());
    expect(entry(plan, 'apps/web')).toMatchObject({ status: 'done' });
    expect(entry(plan, 'apps/web').waiting).toBeUndefined();
    expect(plan.summary.waiting).toBe(0);
  });

  it('a removal with nothing to remove does not wait (an add-on has no annotation to remove)', () => {
    const s = world();
    const ebs = s.roles.find((r) => r.arn === EBS_ROLE)!;
    ebs.trustPolicy.Statement = [trustStatementFor({ clusterArn: CLUSTER_ARN, namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa' })] as typeof ebs.trustPolicy.Statement;
    s.clusters[0].addons.find((a) => a.name === 'aws-ebs-csi-driver')!.podIdentityAssociations = ['arn:assoc'];
    const addon = entry(planMigration(factsFrom(s), opts({ removeAnnotations: true, removeOidcTrust: true })), 'addon:aws-ebs-csi-driver');
    expect(addon.waiting).toBeUndefined();
    expect(addon.status).toBe('done');
  });
});
