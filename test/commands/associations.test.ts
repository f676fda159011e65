import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { associationsDescribe } from '../../src/commands/associations-describe.js';
import { associationsList } from '../../src/commands/associations-list.js';
import { renderAssociationsTable } from '../../src/ui/render/associations.js';
import { fakeDeps, minimalState } from '../helpers/fake-deps.js';
import { runCli } from '../helpers/run-cli.js';

const ROLE = 'arn:aws:iam::111122223333:role/teams/app/app-role';
const OTHER = 'arn:aws:iam::999988887777:role/elsewhere';

function world() {
  const state = minimalState();
  const c = state.clusters[0];
  const ts = '2026-11-20T10:00:00.000Z';
  c.serviceAccounts.push({ namespace: 'apps', name: 'web', uid: 'u1', annotations: {}, creationTimestamp: ts });
  c.pods.push(
    ...['web-1', 'web-2'].map((name) => ({
      namespace: 'apps', name, uid: name, serviceAccountName: 'web', hostNetwork: false, phase: 'Running', containers: [], initContainers: [],
      projectedTokens: [], ownerReferences: [], labels: {}, creationTimestamp: ts,
    })),
  );
  const base = { clusterName: 'demo', disableSessionTags: false, tags: {}, createdAt: ts, modifiedAt: ts };
  c.associations.push(
    { ...base, associationId: 'a-web', associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-web', namespace: 'apps', serviceAccount: 'web', roleArn: ROLE },
    { ...base, associationId: 'a-ghost', associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-ghost', namespace: 'batch', serviceAccount: 'ghost', roleArn: OTHER, disableSessionTags: true },
    {
      ...base, associationId: 'a-ebs', associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-ebs', namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa',
      roleArn: ROLE, ownerArn: 'arn:aws:eks:us-west-2:111122223333:addon/demo/aws-ebs-csi-driver/abc',
    },
  );
  state.roles.push({
    arn: ROLE, name: 'app-role', path: '/teams/app/', roleId: 'AROA1', accountId: '111122223333', trustPolicy: { Version: '2012-10-17', Statement: [] },
    inlinePolicies: [], attachedPolicies: [], tags: {}, maxSessionDuration: 3600,
  });
  return state;
}

describe('associations list', () => {
  it('joins each association with its service account, pods, role and add-on owner', async () => {
    const result = await associationsList({}, fakeDeps(world()));
    expect(result.associations.map((a) => [a.namespace, a.serviceAccount, a.serviceAccountExists, a.pods, a.role.exists, a.role.sameAccount, a.sessionTags, a.ownerAddon])).toEqual([
      ['apps', 'web', true, 2, true, true, 'enabled', undefined],
      ['batch', 'ghost', false, 0, false, false, 'disabled', undefined],
      ['kube-system', 'ebs-csi-controller-sa', false, 0, true, true, 'enabled', 'aws-ebs-csi-driver'],
    ]);
  });

  it('filters by namespace and service account', async () => {
    const deps = fakeDeps(world());
    expect((await associationsList({ namespace: 'apps' }, deps)).associations).toHaveLength(1);
    expect((await associationsList({ serviceAccount: 'ghost' }, deps)).associations[0].namespace).toBe('batch');
  });

  it('renders a readable table', async () => {
    const text = renderAssociationsTable(await associationsList({}, fakeDeps(world())));
    expect(text.split('\n')[0]).toMatch(/^NAMESPACE\s+SERVICE ACCOUNT\s+SA\s+PODS\s+ROLE/);
    expect(text).toContain('MISSING');
    expect(text).toContain(`${OTHER} (missing, account 999988887777)`);
  });

  it('describes by NS/SA and by id', async () => {
    const deps = fakeDeps(world());
    const bySa = await associationsDescribe({ ref: 'apps/web' }, deps);
    expect(bySa.association.associationId).toBe('a-web');
    expect(bySa.pods).toEqual(['web-1', 'web-2']);
    expect(bySa.role?.arn).toBe(ROLE);
    expect((await associationsDescribe({ ref: 'a-ghost' }, deps)).association.serviceAccount).toBe('ghost');
    await expect(associationsDescribe({ ref: 'apps/nobody' }, deps)).rejects.toThrow(/no association for apps\/nobody/);
  });
});

describe('podid associations (CLI, --state)', () => {
  const file = () => {
    const path = `${fakeDeps().store.path}`;
    writeFileSync(path, JSON.stringify(world()));
    return path;
  };

  it('list -o json prints one document with the joined fields', async () => {
    const { code, stdout } = await runCli(['associations', 'list', '--state', file(), '-o', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.associations[0]).toMatchObject({ namespace: 'apps', serviceAccount: 'web', pods: 2, serviceAccountExists: true });
  });

  it('an empty filtered list says no association matches the filter (not that the cluster has none)', async () => {
    const none = await runCli(['associations', 'list', '--state', file(), '-n', 'web']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('No associations match namespace web in cluster demo.\n');
    const both = await runCli(['associations', 'list', '--state', file(), '-n', 'apps', '-s', 'nobody']);
    expect(both.stdout).toBe('No associations match namespace apps, service account nobody in cluster demo.\n');
    expect(renderAssociationsTable({ cluster: 'demo', associations: [] })).toBe('No Pod Identity associations in cluster demo.\n');
  });

  it.each([['-n', 'BAD'], ['-n', 'a_b'], ['-s', 'Bad_SA']])('list %s %s: not a Kubernetes name, usage error (exit 2)', async (flag, value) => {
    const { code, stderr } = await runCli(['associations', 'list', '--state', file(), flag, value]);
    expect(code).toBe(2);
    expect(stderr).toContain(`'${value}' is not a valid`);
  });

  it('-n with -A is a usage error', async () => {
    const { code, stderr } = await runCli(['associations', 'list', '--state', file(), '-n', 'x', '-A']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot be used together');
  });

  it('an unknown cluster is a clear error, exit 1', async () => {
    const { code, stderr } = await runCli(['associations', 'list', '--state', file(), '-c', 'nope']);
    expect(code).toBe(1);
    expect(stderr).toContain('No cluster found for name: nope');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['{"schemaVersion": 1, "caller": ', /not valid JSON/],
    ['{"schemaVersion": 2, "caller": {"arn":"a","account":"1","userId":"u"}}', /schemaVersion: unsupported schemaVersion/],
    ['{"schemaVersion": 1, "caller": {"arn":"a","account":"1","userId":"u"}, "clusters": [{"cluster": {"name": "x"}}]}', /clusters\.0\.cluster\.arn/],
  ])('a bad state file (%s) is a precise error, exit 1', async (text, message) => {
    const path = file();
    writeFileSync(path, text);
    const { code, stderr } = await runCli(['associations', 'list', '--state', path]);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });
});
