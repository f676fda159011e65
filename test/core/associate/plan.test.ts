import { describe, expect, it } from 'vitest';
import {
  associationChanges,
  defaultRoleName,
  planAssociate,
  preflight,
  resolveSpec,
  restartInfo,
  convergeRole,
  validateApplyFile,
  type AssociateFacts,
  type RoleSpec,
  type Step,
} from '../../../src/core/associate/index.js';
import type { Association, Cluster, Pod, Role } from '../../../src/core/model.js';
import { renderAssociate, renderRestart } from '../../../src/ui/render/associate.js';
import { checkTags, namespaceExists, parseSessionPolicyText } from '../../../src/core/associate/index.js';
import { UsageError, UserError } from '../../../src/core/errors.js';

// Pure core of associate: spec resolution, plan (idempotent), restart list, file validation.

const cluster: Cluster = { name: 'demo', arn: 'arn:aws:eks:us-west-2:111122223333:cluster/demo', accountId: '111122223333', region: 'us-west-2', partition: 'aws', status: 'ACTIVE', autoMode: false };
const NOW = '2026-11-26T12:00:00.000Z';
const facts = (extra: Partial<AssociateFacts> = {}): AssociateFacts => ({ cluster, agentAddon: { name: 'eks-pod-identity-agent', version: 'v1', status: 'ACTIVE', podIdentityAssociations: [] }, role: null, serviceAccount: null, namespaceExists: true, pods: [], workloads: [], passRole: { decision: 'allowed' }, ...extra });

describe('resolveSpec', () => {
  it('names a created role podid-<cluster>-<ns>-<sa>, cut to 64 with a hash', () => {
    expect(defaultRoleName('demo', 'orders', 'api')).toBe('podid-demo-orders-api');
    const long = defaultRoleName('a-very-long-cluster-name', 'a-very-long-namespace-name', 'a-very-long-service-account-name');
    expect(long).toHaveLength(64);
    expect(long).toBe(defaultRoleName('a-very-long-cluster-name', 'a-very-long-namespace-name', 'a-very-long-service-account-name'));
  });

  it('derives the role ARN (with path) and tags', () => {
    const spec = resolveSpec({ namespace: 'orders', serviceAccount: 'api', createRole: true, rolePath: 'team/x', tags: { a: 'b' } }, cluster);
    expect(spec.roleArn).toBe('arn:aws:iam::111122223333:role/team/x/podid-demo-orders-api');
    expect(spec.tags).toEqual({ a: 'b', 'podid:managed-by': 'podid' });
  });
});

describe('planAssociate', () => {
  const spec = resolveSpec({ namespace: 'orders', serviceAccount: 'api', createRole: true, createServiceAccount: true, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }, cluster);

  it('fresh: create role, attach, create SA, create association', () => {
    const plan = planAssociate(facts(), spec, { now: NOW });
    expect(plan.steps.map((s) => s.kind)).toEqual(['create-role', 'attach-policy', 'create-service-account', 'create-association']);
    expect(preflight(facts(), spec, plan).filter((c) => c.status !== 'ok')).toEqual([]);
  });

  it('converged facts plan nothing (idempotent)', () => {
    const first = planAssociate(facts(), spec, { now: NOW });
    const created = first.steps.find((s) => s.kind === 'create-role')!;
    const role = { ...first.effectiveRole!, trustPolicy: created.kind === 'create-role' ? created.trustPolicy : { Statement: [] } };
    const existing: Association = { associationId: 'a-1', associationArn: 'x', clusterName: 'demo', namespace: 'orders', serviceAccount: 'api', roleArn: spec.roleArn, disableSessionTags: false, tags: spec.tags, createdAt: NOW, modifiedAt: NOW };
    const plan = planAssociate(facts({ role, existing, serviceAccount: { namespace: 'orders', name: 'api', uid: 'u', annotations: {}, creationTimestamp: NOW } }), spec, { now: NOW });
    expect(plan.steps).toEqual([]);
  });

  it('associationChanges compares policies as JSON, not text', () => {
    const a: Association = { associationId: 'a', associationArn: 'x', clusterName: 'demo', namespace: 'n', serviceAccount: 's', roleArn: 'r', disableSessionTags: true, policy: '{ "Statement": [] }', tags: {}, createdAt: NOW, modifiedAt: NOW };
    expect(associationChanges(a, { ...spec, roleArn: 'r', disableSessionTags: true, sessionPolicy: '{"Statement":[]}' })).toEqual([]);
    expect(associationChanges(a, { ...spec, roleArn: 'r2', disableSessionTags: false })).toEqual([
      { field: 'roleArn', from: 'r', to: 'r2' },
      { field: 'disableSessionTags', from: true, to: false },
      { field: 'policy', from: '{"Statement":[]}', to: undefined },
    ]);
  });
});

describe('convergeRole (podid-managed roles)', () => {
  const role: Role = { arn: 'arn:aws:iam::111122223333:role/r', name: 'r', path: '/', roleId: 'R', accountId: '111122223333', trustPolicy: { Statement: [] }, inlinePolicies: [], attachedPolicies: [], tags: { 'podid:managed-by': 'podid', team: 'a' }, maxSessionDuration: 3600 };
  const create: RoleSpec = { name: 'r', path: '/', policyArns: [], inlinePolicies: [], tags: { 'podid:managed-by': 'podid', team: 'a' } };
  const converge = (r: Role, c: RoleSpec) => {
    const steps: Step[] = [];
    return { steps, role: convergeRole(steps, r, c) };
  };

  it('compares only what was requested; extra role tags are left alone', () => {
    expect(converge(role, create).steps).toEqual([]);
    expect(converge({ ...role, tags: { ...role.tags, extra: 'x' }, maxSessionDuration: 7200 }, create).steps).toEqual([]);
  });

  it('one step per setting, with the value as read; the role as it will be (input untouched)', () => {
    const boundary = 'arn:aws:iam::111122223333:policy/b';
    const { steps, role: after } = converge(role, { ...create, maxSessionDuration: 43200, permissionsBoundaryArn: boundary, tags: { ...create.tags, team: 'b', cost: 'c 1' } });
    const base = { target: role.arn, roleName: 'r' };
    expect(steps).toEqual([
      { kind: 'put-boundary', ...base, reason: 'requested with --permissions-boundary', policyArn: boundary },
      { kind: 'update-role', ...base, reason: 'requested with --max-session-duration', maxSessionDuration: 43200, from: 3600 },
      { kind: 'tag-role', ...base, reason: 'requested with --tags', tags: { team: 'b', cost: 'c 1' }, from: { team: 'a' } },
    ]);
    expect(after).toMatchObject({ maxSessionDuration: 43200, permissionsBoundary: { arn: boundary, name: 'b' }, tags: { 'podid:managed-by': 'podid', team: 'b', cost: 'c 1' } });
    expect(role.tags).toEqual({ 'podid:managed-by': 'podid', team: 'a' });
    expect(converge(after, { ...create, maxSessionDuration: 43200, permissionsBoundaryArn: boundary, tags: { ...create.tags, team: 'b', cost: 'c 1' } }).steps).toEqual([]);
    const steps2 = converge({ ...role, permissionsBoundary: { arn: 'arn:aws:iam::111122223333:policy/old', name: 'old' } }, { ...create, permissionsBoundaryArn: boundary }).steps;
    expect(steps2).toEqual([expect.objectContaining({ kind: 'put-boundary', from: 'arn:aws:iam::111122223333:policy/old' })]);
    expect(renderAssociate({ cluster: 'demo', namespace: 'n', serviceAccount: 's', roleArn: role.arn, status: 'planned', checks: [], steps, changes: [], restart: { pods: [], workloads: [], commands: [], manual: [], jobs: [] }, notes: [] })).toContain(
      `Plan (3 changes)\n  ~ set permissions boundary of role r: (none) → ${boundary}\n  ~ update role r: maxSessionDuration 3600 → 43200\n  ~ tag role r: team a → b, cost (none) → c 1\n`,
    );
  });
});

describe('preflight: --create-role when the role cannot be read', () => {
  it('role unknown → role.exists fail (not a plan that creates an association to a role that may not exist)', () => {
    const spec = resolveSpec({ namespace: 'orders', serviceAccount: 'api', createRole: true }, cluster);
    const f = facts({ role: undefined });
    const plan = planAssociate(f, spec, { now: NOW });
    expect(plan.steps.map((s) => s.kind)).not.toContain('create-role');
    expect(preflight(f, spec, plan).find((c) => c.id === 'role.exists')).toMatchObject({ status: 'fail' });
  });
});

describe('restartInfo', () => {
  const pod = (name: string, created: string, owner?: { kind: string; name: string }, injected = false): Pod => ({
    namespace: 'orders', name, uid: name, serviceAccountName: 'api', hostNetwork: false, phase: 'Running', initContainers: [], projectedTokens: [], labels: {}, creationTimestamp: created,
    ownerReferences: owner ? [{ ...owner, controller: true }] : [],
    containers: [{ name: 'c', image: 'i', volumeMounts: [], env: injected ? [{ name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: 'x' }, { name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', value: 'y' }] : [] }],
  });
  const workloads = [{ kind: 'ReplicaSet', namespace: 'orders', name: 'api-7d', ownerReferences: [{ kind: 'Deployment', name: 'api', controller: true }] }];

  it('older or uninjected pods: rollout for the owning Deployment, delete for bare pods', () => {
    const pods = [pod('api-7d-a', '2026-11-01T00:00:00Z', { kind: 'ReplicaSet', name: 'api-7d' }), pod('bare', '2026-11-01T00:00:00Z'), pod('api-7d-new', '2026-11-20T00:00:00Z', { kind: 'ReplicaSet', name: 'api-7d' }, true)];
    const info = restartInfo({ pods, workloads }, { namespace: 'orders', serviceAccount: 'api' }, { createdAt: '2026-11-10T00:00:00Z', now: NOW });
    expect(info.pods).toEqual(['api-7d-a', 'bare']);
    expect(info.commands).toEqual(['kubectl -n orders rollout restart deployment/api', 'kubectl -n orders delete pod bare']);
    expect(info.manual).toEqual(['bare']);
  });

  it('an existing association: injected pods created after it are fine; older or uninjected ones are listed', () => {
    const pods = [pod('api-7d-old', '2026-11-01T00:00:00Z', { kind: 'ReplicaSet', name: 'api-7d' }, true), pod('api-7d-ok', '2026-11-20T00:00:00Z', { kind: 'ReplicaSet', name: 'api-7d' }, true)];
    const spec = resolveSpec({ namespace: 'orders', serviceAccount: 'api', roleArn: 'arn:aws:iam::111122223333:role/old' }, cluster);
    const existing: Association = { associationId: 'a-1', associationArn: 'x', clusterName: 'demo', namespace: 'orders', serviceAccount: 'api', roleArn: 'arn:aws:iam::111122223333:role/old', disableSessionTags: false, tags: spec.tags, createdAt: '2026-11-10T00:00:00Z', modifiedAt: NOW };
    const plan = planAssociate(facts({ pods, workloads, existing }), spec, { now: NOW });
    expect(plan.changes).toEqual([]);
    expect(plan.restart.pods).toEqual(['api-7d-old']);
    expect(plan.restart.update).toBeUndefined();
  });

  it('an existing association that changes: every live pod keeps the old credentials, so all are listed; --restart restarts their workloads', () => {
    const pods = [pod('api-7d-old', '2026-11-01T00:00:00Z', { kind: 'ReplicaSet', name: 'api-7d' }, true), pod('api-7d-ok', '2026-11-20T00:00:00Z', { kind: 'ReplicaSet', name: 'api-7d' }, true)];
    const spec = resolveSpec({ namespace: 'orders', serviceAccount: 'api', roleArn: 'arn:aws:iam::111122223333:role/new' }, cluster);
    const existing: Association = { associationId: 'a-1', associationArn: 'x', clusterName: 'demo', namespace: 'orders', serviceAccount: 'api', roleArn: 'arn:aws:iam::111122223333:role/old', disableSessionTags: false, tags: spec.tags, createdAt: '2026-11-10T00:00:00Z', modifiedAt: NOW };
    const plan = planAssociate(facts({ pods, workloads, existing }), spec, { now: NOW });
    expect(plan.changes.map((c) => c.field)).toEqual(['roleArn']);
    expect(plan.restart).toMatchObject({ pods: ['api-7d-old', 'api-7d-ok'], workloads: [{ kind: 'Deployment', namespace: 'orders', name: 'api' }], update: true });
    expect(renderRestart(plan.restart, { pending: false, planned: false, restarted: false })).toContain("keep the old association's credentials until they are recreated");
    const restarting = planAssociate(facts({ pods, workloads, existing }), spec, { now: NOW, restart: true });
    expect(restarting.steps.map((s) => s.kind)).toEqual(['update-association', 'restart-workload']);
  });

  it('pods on Fargate or Windows nodes are never listed (a restart cannot help); Job pods have no command', () => {
    const nodes = [
      { name: 'fargate-ip-1', os: 'linux' as const, computeType: 'fargate' as const, labels: {} },
      { name: 'win-1', os: 'windows' as const, computeType: 'ec2' as const, labels: {} },
      { name: 'linux-1', os: 'linux' as const, computeType: 'ec2' as const, labels: {} },
    ];
    const on = (p: Pod, nodeName: string): Pod => ({ ...p, nodeName });
    const pods = [on(pod('f', '2026-11-01T00:00:00Z'), 'fargate-ip-1'), on(pod('w', '2026-11-01T00:00:00Z'), 'win-1'), on(pod('job-1', '2026-11-01T00:00:00Z', { kind: 'Job', name: 'nightly' }), 'linux-1')];
    const info = restartInfo({ pods, workloads, nodes }, { namespace: 'orders', serviceAccount: 'api' }, { now: NOW });
    expect(info).toEqual({ pods: ['job-1'], workloads: [], commands: [], manual: [], jobs: ['job-1'] });
    const spec = resolveSpec({ namespace: 'orders', serviceAccount: 'api', roleArn: 'arn:aws:iam::111122223333:role/r' }, cluster);
    const check = preflight(facts({ pods, nodes }), spec, planAssociate(facts({ pods, nodes }), spec, { now: NOW })).find((c) => c.id === 'pods.compute');
    expect(check).toMatchObject({ status: 'warn', detail: expect.stringContaining('f (Fargate node fargate-ip-1), w (Windows node win-1)') });
  });

  it('a new association: every running pod of the SA needs a restart', () => {
    const info = restartInfo({ pods: [pod('api-7d-new', '2026-11-20T00:00:00Z', { kind: 'ReplicaSet', name: 'api-7d' }, true)], workloads }, { namespace: 'orders', serviceAccount: 'api' }, { now: NOW });
    expect(info.workloads).toEqual([{ kind: 'Deployment', namespace: 'orders', name: 'api' }]);
  });
});

describe('renderRestart', () => {
  const info = { pods: ['api-1', 'bare'], workloads: [{ kind: 'Deployment', namespace: 'orders', name: 'api' }], commands: ['kubectl -n orders rollout restart deployment/api', 'kubectl -n orders delete pod bare'], manual: ['bare'], jobs: [] };

  it('plan without --restart: the commands; with --restart: what the plan restarts, only bare pods by hand; after: only what is left', () => {
    expect(renderRestart(info, { pending: true, planned: false, restarted: false })).toContain('Restart them with (--restart runs the rollouts):\n  kubectl -n orders rollout restart deployment/api\n  kubectl -n orders delete pod bare\n');
    const planned = renderRestart(info, { pending: false, planned: true, restarted: false });
    expect(planned).toContain('The plan restarts deployment/api.\nRecreate by hand:\n  kubectl -n orders delete pod bare\n');
    expect(planned).not.toContain('pass --restart');
    const after = renderRestart(info, { pending: false, planned: true, restarted: true });
    expect(after).toContain('get no credentials until they are recreated: bare\n');
    expect(after).not.toContain('api-1');
    expect(renderRestart({ ...info, pods: ['api-1'], manual: [], commands: [info.commands[0]] }, { pending: false, planned: true, restarted: true })).toBe('');
    expect(renderRestart({ pods: ['job-1'], workloads: [], commands: [], manual: [], jobs: ['job-1'] }, { pending: true, planned: false, restarted: false })).toBe('\nPods of Jobs and CronJobs of the service account get credentials on their next run: job-1\n');
  });
});

describe('preflight titles and input checks', () => {
  it('titles name what is checked, never a verdict (the checklist shows them next to any status)', () => {
    const spec = resolveSpec({ namespace: 'orders', serviceAccount: 'api', createRole: true, createServiceAccount: true }, cluster);
    const f = facts();
    const titles = preflight(f, spec, planAssociate(f, spec, { now: NOW })).map((c) => c.title);
    expect(titles).toContain('role');
    expect(titles).toContain('service account');
    expect(titles.join(' | ')).not.toMatch(/exists|is in|admits|may |fits|installed/);
  });

  it('a namespace with no object does not exist, unless the objects are partial (manifests) or unread', () => {
    const objects = { serviceAccounts: [{ namespace: 'web' }], pods: [], workloads: [] };
    expect(namespaceExists(objects, 'web', false)).toBe(true);
    expect(namespaceExists(objects, 'ghost', false)).toBe(false);
    expect(namespaceExists(objects, 'ghost', true)).toBeUndefined();
    expect(namespaceExists({}, 'ghost', false)).toBeUndefined();
    // a Namespace object (manifests) is the namespace itself, with or without other objects
    expect(namespaceExists({ ...objects, namespaces: ['ghost'] }, 'ghost', true)).toBe(true);
    expect(namespaceExists({ namespaces: ['ghost'] }, 'ghost', true)).toBe(true);
    expect(namespaceExists({ ...objects, namespaces: ['other'] }, 'ghost', true)).toBeUndefined();
  });

  it('podid: tag keys are reserved; bad session-policy content is exit 1 like an unreadable file', () => {
    expect(() => checkTags({ 'podid:managed-by': 'other' })).toThrow(UsageError);
    expect(() => checkTags({ 'Podid:x': 'y' })).toThrow(/reserved/);
    expect(() => parseSessionPolicyText('{ nope')).toThrow(UserError);
    expect(() => parseSessionPolicyText('{ nope')).not.toThrow(UsageError);
  });

  it('tags follow the AWS rules: keys 1–128, values 0–256 of letters, digits, spaces and _ . : / = + - @; aws: is reserved', () => {
    for (const tags of [{ team: 'orders' }, { 'cost-center': '' }, { 'a b_c.d:e/f=g+h-i@j': 'Ä ö 1/2=x+y-z@w:v.u_t' }, { ['k'.repeat(128)]: 'v'.repeat(256) }] as Record<string, string>[]) expect(() => checkTags(tags), JSON.stringify(tags)).not.toThrow();
    for (const tags of [{ '<<': '=' }, { team: 'a<b' }, { 'a*': 'x' }, { team: 'x,y' }, { 'key!': 'v' }, { team: 'tab\there' }, { '': 'v' }, { ['k'.repeat(129)]: 'v' }, { k: 'v'.repeat(257) }, { 'aws:x': 'y' }, { 'AWS:x': 'y' }] as Record<string, string>[]) {
      expect(() => checkTags(tags), JSON.stringify(tags)).toThrow(UsageError);
    }
    expect(() => checkTags({ '<<': '=' })).toThrow("the tag key '<<' has characters AWS does not accept in tags");
  });
});

describe('validateApplyFile', () => {
  it.each([
    [{ apiVersion: 'podid/v1', kind: 'Associations', cluster: 'demo', associations: [{ namespace: 'a', serviceAccount: 'b', role: { policyArns: [] } }] }, 0],
    [{ apiVersion: 'podid/v1', kind: 'Associations', cluster: 'demo' }, 0],
    [{ apiVersion: 'podid/v1', kind: 'Other', cluster: 'demo' }, 1],
    [{ apiVersion: 'podid/v1', kind: 'Associations', cluster: 'demo', associations: [{ namespace: 'a', serviceAccount: 'b', roleArn: 'x', role: {} }] }, 1],
    [{ apiVersion: 'podid/v1', kind: 'Associations', cluster: 'demo', associations: [{ namespace: 'a', serviceAccount: 'b', roleArn: 'x', sessionTags: 'no' }] }, 1],
  ])('case %# → %i errors', (raw, errors) => {
    expect(validateApplyFile(raw).errors).toHaveLength(errors);
  });
});

describe('renderAssociate', () => {
  it('prints checks with fixes, the plan and the next step as plain lines', () => {
    const spec = resolveSpec({ namespace: 'orders', serviceAccount: 'api', roleArn: 'arn:aws:iam::222233334444:role/x' }, cluster);
    const f = facts({ role: { arn: spec.roleArn, name: 'x', path: '/', roleId: 'R', accountId: '222233334444', trustPolicy: { Statement: [] }, inlinePolicies: [], attachedPolicies: [], tags: {}, maxSessionDuration: 3600 }, serviceAccount: undefined });
    const plan = planAssociate(f, spec, { now: NOW });
    const text = renderAssociate({ cluster: 'demo', namespace: 'orders', serviceAccount: 'api', roleArn: spec.roleArn, status: 'blocked', checks: preflight(f, spec, plan), steps: plan.steps, changes: [], restart: plan.restart, notes: [] });
    expect(text).toContain('FAIL  role.account');
    expect(text).toMatch(/fix: Use a role in 111122223333/);
    expect(text).toContain('+ create association orders/api → arn:aws:iam::222233334444:role/x');
    expect(text).toContain('Preflight failed: nothing was changed.');
    expect(text.includes(String.fromCharCode(27))).toBe(false);
  });
});
