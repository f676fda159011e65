import { describe, expect, it, vi } from 'vitest';
import { associate, associateExitCode, type AssociateOptions } from '../../src/commands/associate.js';
import { RemoteError, UsageError, UserError } from '../../src/core/errors.js';
import { fakeDeps, minimalState } from '../helpers/fake-deps.js';
import { ACCOUNT, PASS_ROLE_POLICY, demoDeps, role, sa, scopedTrust } from '../core/associate/helpers.js';


// Every preflight outcome of `podid associate`, with deps over a temp state file.

type StateOverrides = Parameters<typeof minimalState>[0];

function world(extra: { roles?: object[]; serviceAccounts?: object[]; associations?: object[]; addons?: object[]; cluster?: object; policies?: object[]; pods?: object[]; workloads?: object[] } = {}) {
  const base = minimalState();
  const c = base.clusters[0];
  return minimalState({
    caller: { ...base.caller, policies: (extra.policies ?? [PASS_ROLE_POLICY]) as never },
    roles: (extra.roles ?? [role('app', scopedTrust('apps', 'api'))]) as never,
    clusters: [
      {
        ...c,
        cluster: { ...c.cluster, ...(extra.cluster ?? {}) },
        addons: (extra.addons ?? c.addons) as never,
        serviceAccounts: (extra.serviceAccounts ?? [sa('apps', 'api')]) as never,
        associations: (extra.associations ?? []) as never,
        pods: (extra.pods ?? []) as never,
        workloads: (extra.workloads ?? []) as never,
      },
    ],
  } as StateOverrides);
}

const base: AssociateOptions = { namespace: 'apps', serviceAccount: 'api', roleArn: `arn:aws:iam::${ACCOUNT}:role/app` };
const run = (opts: Partial<AssociateOptions>, state = world()) => {
  const deps = fakeDeps(state);
  return associate({ ...base, ...opts }, deps).then((result) => ({ result, deps }));
};
const byId = (checks: { id: string }[], id: string) => checks.find((c) => c.id === id) as { status: string; detail: string; hint?: string } | undefined;

describe('associate: preflight outcomes', () => {
  it('all ok: plans one create-association, exit 0, nothing written', async () => {
    const { result, deps } = await run({});
    expect(result.status).toBe('planned');
    expect(result.checks.map((c) => `${c.id}:${c.status}`)).toEqual([
      'cluster.active:ok', 'agent.installed:ok', 'role.exists:ok', 'role.account:ok', 'role.trust:ok', 'role.passrole:ok', 'namespace.exists:ok', 'sa.exists:ok', 'session.size:ok',
    ]);
    expect(result.steps.map((s) => s.kind)).toEqual(['create-association']);
    expect(deps.store.doc.clusters[0].associations).toHaveLength(0);
    expect(associateExitCode(result)).toBe(0);
    expect(associateExitCode(result, true)).toBe(3);
  });

  it('cluster not ACTIVE → cluster.active fail, exit 1', async () => {
    const { result } = await run({}, world({ cluster: { status: 'UPDATING' } }));
    expect(byId(result.checks, 'cluster.active')?.status).toBe('fail');
    expect(result.status).toBe('blocked');
    expect(associateExitCode(result)).toBe(1);
  });

  it('agent add-on missing → fail with the create-addon hint; DEGRADED → warn; Auto Mode → ok', async () => {
    const missing = await run({}, world({ addons: [] }));
    expect(byId(missing.result.checks, 'agent.installed')).toMatchObject({ status: 'fail', hint: expect.stringContaining('create-addon') });
    const degraded = await run({}, world({ addons: [{ name: 'eks-pod-identity-agent', version: 'v1', status: 'DEGRADED' }] }));
    expect(byId(degraded.result.checks, 'agent.installed')?.status).toBe('warn');
    const auto = await run({}, world({ addons: [], cluster: { autoMode: true } }));
    expect(byId(auto.result.checks, 'agent.installed')).toMatchObject({ status: 'ok', detail: expect.stringContaining('Auto Mode') });
  });

  it('role missing → role.exists fail', async () => {
    const { result } = await run({ roleArn: `arn:aws:iam::${ACCOUNT}:role/nope` });
    expect(byId(result.checks, 'role.exists')?.status).toBe('fail');
    expect(result.status).toBe('blocked');
  });

  it('role in another account → role.account fail with the --target-role-arn hint', async () => {
    const other = role('x', scopedTrust('apps', 'api'), { accountId: '222233334444' });
    const { result } = await run({ roleArn: other.arn }, world({ roles: [other] }));
    expect(byId(result.checks, 'role.account')).toMatchObject({ status: 'fail', hint: expect.stringContaining(`--target-role-arn ${other.arn}`) });
  });

  it('trust without sts:TagSession → role.trust fail; --fix-trust merges a scoped statement', async () => {
    const state = world({ roles: [role('app', scopedTrust('apps', 'api', ['sts:AssumeRole']))] });
    const plain = await run({}, state);
    expect(byId(plain.result.checks, 'role.trust')).toMatchObject({ status: 'fail', detail: expect.stringContaining('sts:TagSession'), hint: expect.stringContaining('--fix-trust') });
    const fixed = await run({ fixTrust: true, approve: true }, state);
    expect(byId(fixed.result.checks, 'role.trust')).toMatchObject({ status: 'ok', detail: expect.stringContaining('after the planned trust update') });
    expect(fixed.result.steps.map((s) => s.kind)).toEqual(['update-trust', 'create-association']);
    expect(fixed.result.status).toBe('applied');
    const trust = fixed.deps.store.doc.roles[0].trustPolicy.Statement as object[];
    expect(trust).toHaveLength(2);
  });

  it('trust for the wrong namespace → fail; a trust for any SA → role.trust-scope warn', async () => {
    const wrong = await run({}, world({ roles: [role('app', scopedTrust('other', 'api'))] }));
    expect(byId(wrong.result.checks, 'role.trust')?.status).toBe('fail');
    const wide = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
    const loose = await run({}, world({ roles: [role('app', wide)] }));
    expect(byId(loose.result.checks, 'role.trust')?.status).toBe('ok');
    expect(byId(loose.result.checks, 'role.trust-scope')?.status).toBe('warn');
  });

  it('iam:PassRole: denied → fail; not simulable → warn; allowed → ok', async () => {
    const denied = await run({}, world({ policies: [{ name: 'none', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'eks:*', Resource: '*' }] } }] }));
    expect(byId(denied.result.checks, 'role.passrole')).toMatchObject({ status: 'fail', hint: expect.stringContaining('iam:PassedToService') });
    const unknown = await run({}, world({ policies: [] }));
    expect(byId(unknown.result.checks, 'role.passrole')?.status).toBe('warn');
    expect(unknown.result.status).toBe('planned');
  });

  it('an assumed-role caller is simulated as its role', async () => {
    const state = world();
    state.caller.arn = `arn:aws:sts::${ACCOUNT}:assumed-role/admin/session-1`;
    const deps = fakeDeps(state);
    const spy = vi.spyOn(deps.iam, 'simulatePrincipalPolicy');
    await associate(base, deps);
    expect(spy.mock.calls[0][0]).toBe(`arn:aws:iam::${ACCOUNT}:role/admin`);
  });

  it('service account: missing → warn; --create-service-account → step; IRSA annotation → sa.irsa warn', async () => {
    const missing = await run({}, world({ serviceAccounts: [sa('apps', 'default')] }));
    expect(byId(missing.result.checks, 'sa.exists')).toMatchObject({ status: 'warn', hint: expect.stringContaining('--create-service-account') });
    const create = await run({ createServiceAccount: true, approve: true }, world({ serviceAccounts: [sa('apps', 'default')] }));
    expect(create.result.steps.map((s) => s.kind)).toEqual(['create-service-account', 'create-association']);
    expect(create.deps.store.doc.clusters[0].serviceAccounts.map((s) => s.name)).toEqual(['default', 'api']);
    const irsa = await run({}, world({ serviceAccounts: [sa('apps', 'api', { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/old` })] }));
    expect(byId(irsa.result.checks, 'sa.irsa')?.status).toBe('warn');
  });

  it('Kubernetes unreadable → sa.exists warn, the plan still runs', async () => {
    const deps = fakeDeps(world());
    deps.kube.listServiceAccounts = async () => {
      throw new RemoteError('forbidden', { kind: 'access-denied', service: 'kubernetes', operation: 'ListServiceAccounts' });
    };
    const result = await associate(base, deps);
    expect(byId(result.checks, 'sa.exists')?.status).toBe('warn');
    expect(deps.reporter.lines.some((l) => l.startsWith('warn: cannot read Kubernetes'))).toBe(true);
  });

  it('session policy: needs --disable-session-tags (usage error); too long → session.size fail', async () => {
    await expect(run({ sessionPolicy: '{"Statement":[]}' })).rejects.toThrow(/requires --disable-session-tags/);
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 100 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }] });
    const state = world({ roles: [role('app', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] })] });
    const { result } = await run({ disableSessionTags: true, sessionPolicy: big }, state);
    expect(byId(result.checks, 'role.trust')?.status).toBe('ok');
    expect(byId(result.checks, 'session.size')?.status).toBe('fail');
  });

  it('an add-on-owned association for the SA → association.owner fail naming the add-on', async () => {
    const owned = { associationId: 'a-owned', associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-owned', clusterName: 'demo', namespace: 'apps', serviceAccount: 'api', roleArn: `arn:aws:iam::${ACCOUNT}:role/other`, ownerArn: 'arn:aws:eks:us-west-2:111122223333:addon/demo/aws-ebs-csi-driver/x1', createdAt: '2026-11-01T00:00:00Z', modifiedAt: '2026-11-01T00:00:00Z' };
    const { result } = await run({}, world({ associations: [owned] }));
    expect(byId(result.checks, 'association.owner')).toMatchObject({ status: 'fail', detail: expect.stringContaining('aws-ebs-csi-driver') });
  });

  it('target role: ok chain, trust fail, permission fail, unreadable → warn', async () => {
    const d = demoDeps();
    const ok = await associate({ namespace: 'checkout', serviceAccount: 'checkout-api', roleArn: `arn:aws:iam::${ACCOUNT}:role/checkout-api`, targetRoleArn: 'arn:aws:iam::444455556666:role/checkout-ledger-access' }, d);
    expect(ok.status).toBe('up-to-date');
    expect(byId(ok.checks, 'target.trust')?.status).toBe('ok');
    expect(byId(ok.checks, 'target.permission')?.status).toBe('ok');
    // orders-worker may not assume the ledger role, and the ledger role trusts only checkout-api.
    const bad = await associate({ namespace: 'orders', serviceAccount: 'orders-worker', roleArn: `arn:aws:iam::${ACCOUNT}:role/orders-worker`, targetRoleArn: 'arn:aws:iam::444455556666:role/checkout-ledger-access' }, demoDeps());
    expect(byId(bad.checks, 'target.permission')).toMatchObject({ status: 'fail', hint: expect.stringContaining('sts:AssumeRole') });
    expect(byId(bad.checks, 'target.trust')?.status).toBe('fail');
    const hidden = demoDeps();
    const getRole = hidden.iam.getRole.bind(hidden.iam);
    hidden.iam.getRole = async (arn) => {
      if (arn.includes('444455556666')) throw new RemoteError('denied', { kind: 'access-denied', service: 'iam', operation: 'GetRole' });
      return getRole(arn);
    };
    const unreadable = await associate({ namespace: 'checkout', serviceAccount: 'checkout-api', roleArn: `arn:aws:iam::${ACCOUNT}:role/checkout-api`, targetRoleArn: 'arn:aws:iam::444455556666:role/checkout-ledger-access' }, hidden);
    expect(byId(unreadable.checks, 'target.trust')?.status).toBe('warn');
  });

  it('--create-role with --target-role-arn adds the source permission as an inline policy', async () => {
    const d = demoDeps();
    const result = await associate({ namespace: 'checkout', serviceAccount: 'ledger-sync', createRole: true, createServiceAccount: true, targetRoleArn: 'arn:aws:iam::444455556666:role/checkout-ledger-access' }, d);
    expect(result.steps.map((s) => s.kind)).toEqual(['create-role', 'put-role-policy', 'create-service-account', 'create-association']);
    expect(byId(result.checks, 'target.permission')?.status).toBe('ok');
    // The ledger role trusts only checkout/checkout-api: its trust must be extended by its owner.
    expect(byId(result.checks, 'target.trust')).toMatchObject({ status: 'fail', hint: expect.stringContaining('podid policy target-trust') });
  });
});

describe('associate: bad input (nothing is read or created)', () => {
  const cases: [string, Partial<AssociateOptions>, typeof UsageError | typeof UserError, RegExp][] = [
    ['malformed role ARN', { roleArn: 'arn:aws:iam:role/app' }, UsageError, /--role-arn/],
    ['not a role ARN', { roleArn: 'arn:aws:s3:::bucket' }, UsageError, /not an IAM role ARN/],
    ['bad namespace', { namespace: 'Apps_1' }, UsageError, /not a valid Kubernetes namespace/],
    ['bad service account', { serviceAccount: '-api' }, UsageError, /not a valid service account/],
    ['both --role-arn and --create-role', { createRole: true }, UsageError, /exactly one/],
    ['neither', { roleArn: undefined }, UsageError, /exactly one/],
    ['create-only flag without --create-role', { policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }, UsageError, /only works with --create-role/],
    ['bad max session', { roleArn: undefined, createRole: true, maxSessionDuration: 60 }, UsageError, /3600 to 43200/],
    ['bad policy ARN', { roleArn: undefined, createRole: true, policyArns: ['arn:aws:iam::aws:role/x'] }, UsageError, /not an IAM policy ARN/],
    ['unknown ABAC template', { roleArn: undefined, createRole: true, abacTemplates: ['nope'] }, UsageError, /unknown ABAC template/],
    ['role in another partition', { roleArn: `arn:aws-cn:iam::${ACCOUNT}:role/app` }, UserError, /partition aws-cn/],
  ];
  it.each(cases)('%s', async (_name, opts, type, message) => {
    const deps = fakeDeps(world());
    const before = JSON.stringify(deps.store.doc);
    const error = await associate({ ...base, ...opts }, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expect(JSON.stringify(deps.store.doc)).toBe(before);
  });

  it('unknown cluster → UserError with a hint', async () => {
    const deps = fakeDeps(world(), { cluster: 'nope' });
    const error = await associate(base, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ message: "cluster 'nope' not found", hint: expect.stringContaining('--region') });
  });
});

describe('associate: plan, idempotence, update, restart', () => {
  it('an identical association → up to date, no write', async () => {
    const d = demoDeps();
    const result = await associate({ namespace: 'payments', serviceAccount: 'payments-api', roleArn: `arn:aws:iam::${ACCOUNT}:role/teams/payments/payments-api`, approve: true }, d);
    expect(result.status).toBe('up-to-date');
    expect(result.steps).toEqual([]);
    expect(associateExitCode(result, true)).toBe(0);
  });

  it('a different association for the same SA → update with the diff', async () => {
    const d = demoDeps();
    const result = await associate({ namespace: 'orders', serviceAccount: 'orders-worker', roleArn: `arn:aws:iam::${ACCOUNT}:role/order-notifier`, fixTrust: true, approve: true }, d);
    expect(result.changes).toEqual([{ field: 'roleArn', from: `arn:aws:iam::${ACCOUNT}:role/orders-worker`, to: `arn:aws:iam::${ACCOUNT}:role/order-notifier` }]);
    expect(result.steps.map((s) => s.kind)).toEqual(['update-trust', 'update-association']);
    expect(result.status).toBe('applied');
    expect(d.store.doc.clusters[0].associations.find((a) => a.serviceAccount === 'orders-worker')?.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/order-notifier`);
    expect(result.notes.join(' ')).toMatch(/up to 6 h/);
  });

  it('lists pods that predate the association with rollout commands; --restart restarts them', async () => {
    const d = demoDeps();
    const plan = await associate({ namespace: 'orders', serviceAccount: 'order-notifier', roleArn: `arn:aws:iam::${ACCOUNT}:role/order-notifier` }, d);
    expect(plan.status).toBe('up-to-date');
    expect(plan.restart.commands).toEqual(['kubectl -n orders rollout restart deployment/order-notifier']);
    const restarted = await associate({ namespace: 'orders', serviceAccount: 'order-notifier', roleArn: `arn:aws:iam::${ACCOUNT}:role/order-notifier`, restart: true, approve: true }, d);
    expect(restarted.steps.map((s) => s.kind)).toEqual(['restart-workload']);
    expect(restarted.status).toBe('applied');
    const again = await associate({ namespace: 'orders', serviceAccount: 'order-notifier', roleArn: `arn:aws:iam::${ACCOUNT}:role/order-notifier`, restart: true }, d);
    expect(again.status).toBe('up-to-date');
    expect(again.restart.pods).toEqual([]);
  });

  it('asks through confirm when not approved; a no changes nothing', async () => {
    const d = fakeDeps(world());
    const asked: string[] = [];
    const no = await associate({ ...base, confirm: async (r) => (asked.push(r.status), false) }, d);
    expect(asked).toEqual(['planned']);
    expect(no.status).toBe('planned');
    expect(d.store.doc.clusters[0].associations).toHaveLength(0);
    const yes = await associate({ ...base, confirm: async () => true }, d);
    expect(yes.status).toBe('applied');
  });

  it('clientRequestToken: one per request and run; a later run (role A→B→A→B) never reuses an earlier token', async () => {
    const creates: (string | undefined)[] = [];
    for (let i = 0; i < 2; i++) {
      const d = fakeDeps(world());
      const create = d.eks.createAssociation.bind(d.eks);
      d.eks.createAssociation = (input) => (creates.push(input.clientRequestToken), create(input));
      await associate({ ...base, approve: true }, d);
    }
    expect(creates[0]).toMatch(/^podid-[0-9a-f]{32}$/);
    expect(creates[1]).toMatch(/^podid-[0-9a-f]{32}$/);
    expect(creates[1]).not.toBe(creates[0]);

    const d = fakeDeps(world({ roles: [role('app', scopedTrust('apps', 'api')), role('app2', scopedTrust('apps', 'api'))] }));
    await associate({ ...base, approve: true }, d);
    const update = d.eks.updateAssociation.bind(d.eks);
    const updates: (string | undefined)[] = [];
    d.eks.updateAssociation = (cluster, id, input) => (updates.push(input.clientRequestToken), update(cluster, id, input));
    for (const name of ['app2', 'app', 'app2', 'app']) {
      const result = await associate({ ...base, roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`, approve: true }, d);
      expect(result.status).toBe('applied');
    }
    expect(updates).toHaveLength(4);
    expect(new Set(updates).size).toBe(4);
    expect(d.store.doc.clusters[0].associations[0].roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/app`);
  });
});

/** A reporter with a checklist that records rows as they start and settle, in one log with the port calls. */
function checklistReporter(log: string[]) {
  const task = (prefix: string, title: string) => ({
    succeed: (t?: string) => log.push(`${prefix}ok: ${t ?? title}`),
    warn: (t?: string) => log.push(`${prefix}warn: ${t ?? title}`),
    fail: (t?: string) => log.push(`${prefix}fail: ${t ?? title}`),
  });
  return {
    info: () => {},
    warn: (m: string) => log.push(`warning: ${m}`),
    debug: () => {},
    task: (t: string) => task('task ', t),
    checklist: (title: string) => {
      log.push(`list: ${title}`);
      return {
        start: (t: string) => (log.push(`start: ${t}`), { ...task('', t), skip: (x?: string) => log.push(`skip: ${x ?? t}`) }),
        end: async () => void log.push('end'),
      };
    },
  };
}

describe('associate: live progress (checklist rows for the reads, then the preflight)', () => {
  it('starts each read row before its call and settles it when the call returns; preflight rows follow', async () => {
    const log: string[] = [];
    const deps = fakeDeps(world());
    deps.reporter = Object.assign(checklistReporter(log), { lines: [] as string[] });
    const spy = <T extends object>(port: T, name: keyof T, label: string) => {
      const fn = (port[name] as (...a: unknown[]) => Promise<unknown>).bind(port);
      (port as Record<keyof T, unknown>)[name] = async (...a: unknown[]) => {
        log.push(`call: ${label}`);
        return fn(...a);
      };
    };
    spy(deps.eks, 'describeCluster', 'DescribeCluster');
    spy(deps.eks, 'describeAddon', 'DescribeAddon');
    spy(deps.iam, 'getRole', 'GetRole');
    spy(deps.iam, 'simulatePrincipalPolicy', 'SimulatePrincipalPolicy');
    spy(deps.kube, 'listServiceAccounts', 'ListServiceAccounts');
    await associate({ ...base, confirm: async () => (log.push('confirm'), false) }, deps);
    const at = (line: string) => {
      const i = log.indexOf(line);
      expect(i, `${line} in\n${log.join('\n')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(log[0]).toBe('list: Preflight for apps/api in cluster demo');
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/app`;
    const rows: [string, string, string][] = [
      ['start: cluster demo', 'call: DescribeCluster', 'ok: cluster demo: ACTIVE'],
      ['start: add-on eks-pod-identity-agent', 'call: DescribeAddon', 'ok: add-on eks-pod-identity-agent: v1.3.4-eksbuild.1, ACTIVE'],
      ['start: Kubernetes: service accounts and pods in apps', 'call: ListServiceAccounts', 'ok: Kubernetes: 1 service account, 0 pods in apps'],
      [`start: role ${roleArn}`, 'call: GetRole', `ok: role ${roleArn}: exists`],
      [`start: iam:PassRole of ${roleArn}`, 'call: SimulatePrincipalPolicy', `ok: iam:PassRole of ${roleArn}: allowed (simulated for arn:aws:iam::${ACCOUNT}:role/admin)`],
    ];
    for (const [start, call, settle] of rows) {
      expect(at(start)).toBeLessThan(at(call));
      expect(at(call)).toBeLessThan(at(settle));
    }
    expect(at('ok: caller identity: arn:aws:iam::111122223333:role/admin')).toBeGreaterThan(at('start: caller identity'));
    // The preflight rows come after every read settled, and the list ends before the result.
    const lastRead = Math.max(...rows.map(([, , settle]) => at(settle)));
    expect(at('start: cluster.active: cluster status')).toBeGreaterThan(lastRead);
    // The live view is gone before the prompt.
    expect(log.slice(-2)).toEqual(['end', 'confirm']);
  });

  it('an unreadable read settles its row as a warning (no loose stderr line under a live view); a failing read fails its row and ends the list', async () => {
    const log: string[] = [];
    const deps = fakeDeps(world());
    deps.reporter = Object.assign(checklistReporter(log), { lines: [] as string[] });
    deps.kube.listServiceAccounts = async () => {
      throw new RemoteError('forbidden', { kind: 'access-denied', service: 'kubernetes', operation: 'ListServiceAccounts' });
    };
    await associate(base, deps);
    expect(log.filter((l) => l.startsWith('warn: cannot read Kubernetes (forbidden)'))).toHaveLength(1);
    expect(log.some((l) => l.startsWith('warning:'))).toBe(false);

    const failing: string[] = [];
    const broken = fakeDeps(world(), { cluster: 'nope' });
    broken.reporter = Object.assign(checklistReporter(failing), { lines: [] as string[] });
    await expect(associate(base, broken)).rejects.toThrow(/cluster 'nope' not found/);
    expect(failing).toEqual(['list: Preflight for apps/api in cluster nope', 'start: cluster nope', "fail: cluster nope: cluster 'nope' not found", 'end']);
  });
});

describe('associate: podid-managed role drift (boundary, max session duration, tags)', () => {
  const boundary = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
  const create: Partial<AssociateOptions> = { roleArn: undefined, createRole: true, tags: { team: 'a' } };

  it('a re-run with other settings plans put-boundary, update-role, tag-role; --approve converges; extra tags stay', async () => {
    const deps = fakeDeps(world());
    expect((await associate({ ...base, ...create, approve: true }, deps)).status).toBe('applied');
    const same = await associate({ ...base, ...create }, deps);
    expect(same.status).toBe('up-to-date');
    expect(byId(same.checks, 'role.drift')).toBeUndefined();
    const stored = () => deps.store.doc.roles.find((r) => r.name === 'podid-demo-apps-api')!;
    stored().tags.extra = 'kept';

    const wanted = { ...base, ...create, maxSessionDuration: 7200, permissionsBoundary: boundary, tags: { team: 'b' } };
    const drifted = await associate(wanted, deps);
    expect(drifted.status).toBe('planned');
    expect(drifted.steps.map((s) => s.kind)).toEqual(['put-boundary', 'update-role', 'tag-role']);
    expect(drifted.steps[2]).toMatchObject({ tags: { team: 'b' }, from: { team: 'a' } });
    expect(byId(drifted.checks, 'role.drift')).toBeUndefined();
    expect(associateExitCode(drifted, true)).toBe(3);
    expect(associateExitCode(drifted)).toBe(0);
    expect(stored().maxSessionDuration).toBe(3600);

    const applied = await associate({ ...wanted, approve: true }, deps);
    expect(applied.status).toBe('applied');
    expect(applied.applied?.map((o) => `${o.kind} ${o.status}`)).toEqual(['put-boundary done', 'update-role done', 'tag-role done']);
    expect(stored()).toMatchObject({ maxSessionDuration: 7200, permissionsBoundary: { arn: boundary }, tags: { 'podid:managed-by': 'podid', team: 'b', extra: 'kept' } });
    const again = await associate({ ...wanted, check: true }, deps);
    expect(again.status).toBe('up-to-date');
    expect(associateExitCode(again, true)).toBe(0);
  });

  it('a role podid does not manage is never converged', async () => {
    const deps = fakeDeps(world());
    expect((await associate({ ...base, ...create, approve: true }, deps)).status).toBe('applied');
    delete deps.store.doc.roles.find((r) => r.name === 'podid-demo-apps-api')!.tags['podid:managed-by'];
    const result = await associate({ ...base, ...create, maxSessionDuration: 7200 }, deps);
    expect(result.steps.map((s) => s.kind)).not.toContain('update-role');
    expect(byId(result.checks, 'role.exists')?.status).toBe('fail');
  });
});

describe('associate: --create-role when the role cannot be read', () => {
  it('GetRole denied → role.exists fail, nothing created even with --approve', async () => {
    const deps = fakeDeps(world());
    deps.iam.getRole = async () => {
      throw new RemoteError('denied', { kind: 'access-denied', service: 'iam', operation: 'GetRole' });
    };
    const before = JSON.stringify(deps.store.doc);
    const result = await associate({ ...base, roleArn: undefined, createRole: true, approve: true }, deps);
    expect(byId(result.checks, 'role.exists')).toMatchObject({ status: 'fail', detail: expect.stringContaining('could not read role podid-demo-apps-api'), hint: expect.stringContaining('iam:GetRole') });
    expect(result.status).toBe('blocked');
    expect(associateExitCode(result)).toBe(1);
    expect(JSON.stringify(deps.store.doc)).toBe(before);
  });
});

describe('associate: trust scoping (session tags off, --scope)', () => {
  const accountTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] };

  it('session tags off: role.trust ok plus a role.trust-scope warning that the whole account is admitted', async () => {
    const { result } = await run({ disableSessionTags: true }, world({ roles: [role('app', accountTrust)] }));
    expect(byId(result.checks, 'role.trust')).toMatchObject({ status: 'ok', detail: expect.stringContaining('without session tags') });
    expect(byId(result.checks, 'role.trust-scope')).toMatchObject({ status: 'warn', detail: expect.stringContaining(`any association in account ${ACCOUNT} that names this role can assume it`), hint: expect.stringContaining('sts:ExternalId') });
    const created = await run({ roleArn: undefined, createRole: true, disableSessionTags: true });
    expect(byId(created.result.checks, 'role.trust-scope')?.status).toBe('warn');
    expect(created.result.steps[0]).toMatchObject({ kind: 'create-role', scope: 'account' });
  });

  it('--scope namespace: the created trust admits every SA of the namespace, and says so', async () => {
    const { result, deps } = await run({ roleArn: undefined, createRole: true, trustScope: 'namespace', approve: true });
    expect(result.status).toBe('applied');
    const created = deps.store.doc.roles.find((r) => r.name === 'podid-demo-apps-api')!;
    const condition = (created.trustPolicy.Statement as unknown as { Condition: { StringEquals: Record<string, string> } }[])[0].Condition.StringEquals;
    expect(condition['aws:RequestTag/kubernetes-namespace']).toBe('apps');
    expect(condition['aws:RequestTag/kubernetes-service-account']).toBeUndefined();
    expect(byId(result.checks, 'role.trust-scope')?.status).toBe('warn');
  });

  it('--scope org with --fix-trust: merges the aws:SourceOrgId statement; preflight passes and warns about the assumption', async () => {
    const { result, deps } = await run({ trustScope: 'org', fixTrust: true, approve: true }, world({ roles: [role('app', scopedTrust('other', 'api'))] }));
    expect(result.status).toBe('applied');
    expect(byId(result.checks, 'role.trust')?.status).toBe('ok');
    expect(byId(result.checks, 'role.trust-scope')).toMatchObject({ status: 'warn', detail: expect.stringContaining('AWS Organization') });
    expect(JSON.stringify(deps.store.doc.roles[0].trustPolicy)).toContain('"aws:SourceOrgId":"${aws:ResourceOrgId}"');
    const again = await associate({ ...base, trustScope: 'org', fixTrust: true }, deps);
    expect(again.status).toBe('up-to-date');
  });

  it('--scope without --create-role or --fix-trust is a usage error', async () => {
    await expect(run({ trustScope: 'namespace' })).rejects.toThrow(UsageError);
    await expect(run({ trustScope: 'galaxy' as never, fixTrust: true })).rejects.toThrow(/expects one of workload/);
  });
});

describe('associate: the trust update merges into the trust as it is when the step runs', () => {
  it('a statement added between plan and apply (concurrent change) is kept', async () => {
    const deps = fakeDeps(world({ roles: [role('app', scopedTrust('apps', 'api', ['sts:AssumeRole']))] }));
    const other = { Sid: 'SomeoneElse', Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:RequestTag/kubernetes-namespace': 'elsewhere' } } };
    const result = await associate(
      {
        ...base,
        fixTrust: true,
        confirm: async () => {
          const current = await deps.iam.getRole('app');
          await deps.iam.updateTrustPolicy('app', { ...current.trustPolicy, Statement: [...(current.trustPolicy.Statement as object[]), other] as never });
          return true;
        },
      },
      deps,
    );
    expect(result.status).toBe('applied');
    expect(result.applied?.[0]).toMatchObject({ kind: 'update-trust', status: 'done', detail: 'added PodIdentityDemoAppsApi' });
    const sids = (deps.store.doc.roles[0].trustPolicy.Statement as { Sid?: string }[]).map((s) => s.Sid);
    expect(sids).toContain('SomeoneElse');
    expect(sids).toContain('PodIdentityDemoAppsApi');
  });
});
