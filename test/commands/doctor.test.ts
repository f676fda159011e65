import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { doctor, type DoctorResult } from '../../src/commands/doctor.js';
import { DEMO_PROBLEMS } from '../../src/core/demo/problems.js';
import { CHECK_IDS, type CheckResult } from '../../src/core/doctor/index.js';
import { RemoteError } from '../../src/core/errors.js';
import { renderDoctorMarkdown, renderDoctorSarif, renderDoctorTable } from '../../src/ui/render/doctor.js';
import { fakeDeps, minimalState } from '../helpers/fake-deps.js';
import { DEMO_STATE, ROOT, runCli } from '../helpers/run-cli.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stateSchema } from '../../src/adapters/local/schema.js';

const demoState = () => stateSchema.parse(JSON.parse(readFileSync(DEMO_STATE, 'utf8')));
const runDemo = (opts = {}) => doctor(opts, fakeDeps(demoState()));
const problems = (r: DoctorResult) => r.checks.filter((c) => c.status === 'fail' || c.status === 'warn');

/** The seeded problem a finding belongs to: by its service account, or (h) by its role. */
function problemOf(c: CheckResult): string | undefined {
  return DEMO_PROBLEMS.find((p) => p.workloads.some((w) => w.namespace === c.refs?.namespace && w.serviceAccount === c.refs?.serviceAccount) || (p.id === 'h' && c.refs?.roleArn === p.roleArn))?.id;
}

// The finding each seeded problem must produce (fixtures/demo/README.md), with its fix.
const EXPECTED: Record<string, { id: string; detail: RegExp; fix: RegExp; status?: 'warn' }> = {
  a: { id: 'association.trust', detail: /trust does not allow sts:TagSession for pods.eks.amazonaws.com/, fix: /podid policy trust -w demo:inventory:inventory-sync|--fix-trust --approve/ },
  b: {
    id: 'association.role',
    detail: /role is in another account/,
    fix: /^Chain through a new role in 111122223333, .*: podid policy target-trust --source-role-arn arn:aws:iam::111122223333:role\/podid-demo-inventory-search-indexer --target-role-arn arn:aws:iam::222233334444:role\/search-indexer -w demo:inventory:search-indexer .*; then .*: podid associate -c demo -n inventory -s search-indexer --create-role --target-role-arn arn:aws:iam::222233334444:role\/search-indexer --approve$/,
  },
  c: { id: 'pod.injection', detail: /created before the association/, fix: /kubectl -n orders rollout restart deployment\/order-notifier/ },
  d: { id: 'pod.host-network', detail: /hostNetwork pod uses a Pod Identity association/, fix: /without hostNetwork/ },
  e: { id: 'pod.static-keys', detail: /competing static credentials .*values not shown/, fix: /Remove the keys from the pod spec/ },
  f: { id: 'association.service-account', detail: /service account data-pipeline\/spark-driver not found/, fix: /kubectl -n data-pipeline create serviceaccount spark-driver/ },
  g: { id: 'association.trust', detail: /namespace analytics-staging ≠ analytics/, fix: /podid policy trust -w demo:analytics:model-trainer/ },
  h: { id: 'association.shared-role', detail: /role shared across namespaces/, fix: /own role/, status: 'warn' },
};

describe('doctor on the demo state', () => {
  it('reports every seeded problem with its fix', async () => {
    const result = await runDemo();
    for (const p of DEMO_PROBLEMS.filter((x) => x.verdict !== 'ok')) {
      const want = EXPECTED[p.id];
      const found = result.checks.find((c) => c.id === want.id && problemOf(c) === p.id && c.status === (want.status ?? 'fail'));
      expect(found, `seeded problem (${p.id}) ${p.name}`).toBeDefined();
      expect(found!.detail).toMatch(want.detail);
      expect(found!.fix).toMatch(want.fix);
    }
  });

  it('every fail or warn belongs to a seeded problem; (i) and the IRSA candidates raise nothing', async () => {
    const result = await runDemo();
    const strays = problems(result).filter((c) => !problemOf(c) || problemOf(c) === 'i');
    expect(strays).toEqual([]);
    expect(new Set(problems(result).map(problemOf))).toEqual(new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']));
    expect(problems(result).filter((c) => c.status === 'warn').map(problemOf)).toEqual(['h']);
    expect(result.checks.filter((c) => c.id === 'irsa.candidate').map((c) => c.subject).sort()).toEqual([
      'service account kube-system/ebs-csi-controller-sa', 'service account observability/grafana', 'service account payments/payments-reconciler', 'service account web/frontend',
    ]);
    expect(result.passed).toBe(false);
  });

  it('--pod narrows to one pod and its association', async () => {
    const result = await runDemo({ pod: 'orders/order-notifier-l928xlpqgk-qhgsq' });
    expect(problems(result).map((c) => c.id)).toEqual(['pod.injection']);
    expect(result.checks.every((c) => !c.refs?.namespace || c.refs.namespace === 'orders')).toBe(true);
    const healthy = await runDemo({ pod: 'payments/payments-api-pswcvz7lms-npftc' });
    expect(healthy.passed).toBe(true);
  });

  it('agent.node-role evaluates the node group role with the evaluator', async () => {
    const result = await runDemo({ checks: ['agent.node-role'] });
    expect(result.checks).toEqual([
      expect.objectContaining({ status: 'ok', subject: 'node role arn:aws:iam::111122223333:role/demo-node-role', detail: 'allows eks-auth:AssumeRoleForPodIdentity on the cluster' }),
    ]);
  });

  it('association.exists: a pod or service account without an association fails, unless it uses IRSA', async () => {
    const redis = await runDemo({ pod: 'orders/orders-redis-0' });
    expect(problems(redis).map((c) => `${c.status} ${c.id} ${c.subject}`)).toEqual(['fail association.exists pod orders/orders-redis-0']);
    expect(problems(redis)[0].detail).toMatch(/no Pod Identity association covers service account orders\/default, the pod's service account/);
    expect(problems(redis)[0].fix).toMatch(/podid associate -c demo -n orders -s default --create-role --approve/);
    expect(redis.passed).toBe(false);
    const irsa = await runDemo({ serviceAccount: 'web/frontend' });
    expect(irsa.checks.find((c) => c.id === 'association.exists')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/uses IRSA \(arn:aws:iam::111122223333:role\/web-frontend\)/), fix: 'podid migrate-irsa -c demo -n web --approve --restart' });
    expect(irsa.passed).toBe(true);
    const covered = await runDemo({ pod: 'payments/payments-api-pswcvz7lms-npftc' });
    expect(covered.checks.find((c) => c.id === 'association.exists')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^association a-demo\d+ covers service account payments\/payments-api/) });
  });

  it('-n with nothing in it warns; -n without associations says so', async () => {
    const nope = await runDemo({ namespace: 'nope' });
    expect(problems(nope)).toEqual([expect.objectContaining({ id: 'association.exists', status: 'warn', subject: 'namespace nope', detail: 'namespace nope has no pods, service accounts or associations: nothing was checked' })]);
    expect(nope.passed).toBe(true);
    const web = await runDemo({ namespace: 'web' });
    expect(web.checks.find((c) => c.id === 'association.exists')).toMatchObject({ status: 'skip', detail: 'no association in namespace web: its 5 pod(s) and 1 service account(s) use no Pod Identity, so there was nothing to check' });
    expect(problems(web)).toEqual([]);
  });

  it('fixes repeat the --state file (quoted when needed); the IRSA migration restarts the pods', async () => {
    const result = await runDemo({ statePath: '/tmp/my state.json' });
    const commands = result.checks.flatMap((c) => (c.fix ?? '').split(/[;()]| — /)).filter((clause) => / ?podid /.test(clause));
    expect(commands.length).toBeGreaterThan(10);
    for (const clause of commands) expect(clause.split(/ > | \| /)[0].trimEnd(), clause).toMatch(/ --state '\/tmp\/my state.json'$/);
    expect(result.checks.filter((c) => c.id === 'irsa.candidate').map((c) => c.fix)).toContain("podid migrate-irsa -c demo -n web --approve --restart --state '/tmp/my state.json'");
    expect(renderDoctorTable(result)).toContain("migrate with: podid migrate-irsa -c demo -n kube-system --approve --restart --state '/tmp/my state.json'; podid migrate-irsa -c demo -n payments");
    const plain = await runDemo();
    expect(plain.checks.some((c) => c.fix?.includes('--state'))).toBe(false);
  });

  it('a scoped run still reports the shared role (h): its other users are facts, not the subject', async () => {
    for (const scope of [{ namespace: 'analytics' }, { namespace: 'data-pipeline' }, { serviceAccount: 'analytics/report-builder' }, { pod: 'data-pipeline/ingest-29919000-kxzsc' }]) {
      const result = await runDemo(scope);
      const shared = result.checks.filter((c) => c.id === 'association.shared-role');
      expect(shared, JSON.stringify(scope)).toEqual([expect.objectContaining({ status: 'warn', subject: 'role arn:aws:iam::111122223333:role/shared-reporting-reader' })]);
      expect(shared[0].detail).toMatch(/analytics\/report-builder.*data-pipeline\/ingest|data-pipeline\/ingest.*analytics\/report-builder/);
      // The fix moves the workload in scope, keeping the shared role's managed policy.
      const own = scope.namespace ?? (scope.serviceAccount ?? scope.pod)!.split('/')[0];
      expect(shared[0].fix).toMatch(new RegExp(`podid associate -c demo -n ${own} -s \\S+ --create-role --policy-arn arn:aws:iam::111122223333:policy/eks-namespace-s3-prefix --approve`));
    }
    expect((await runDemo({ namespace: 'orders' })).checks.some((c) => c.id === 'association.shared-role')).toBe(false);
  });

  it('a scoped run whose associations outside the scope cannot be read warns and carries on', async () => {
    const deps = fakeDeps(demoState());
    const list = deps.eks.listAssociations.bind(deps.eks);
    deps.eks.listAssociations = async (cluster, filter) => {
      if (!filter?.namespace) throw new RemoteError('denied', { kind: 'access-denied', service: 'eks', operation: 'ListPodIdentityAssociations' });
      return list(cluster, filter);
    };
    const result = await doctor({ namespace: 'analytics' }, deps);
    expect(result.checks.some((c) => c.id === 'association.shared-role')).toBe(false);
    expect(deps.reporter.lines.join('\n')).toMatch(/cannot read the associations outside the scope \(denied\); association.shared-role sees only the scope/);
  });

  it('the table counts each status as the summary does (migration candidates are ok)', async () => {
    for (const opts of [{}, { namespace: 'web' }, { checks: ['irsa'] }]) {
      const result = await runDemo(opts);
      const table = renderDoctorTable(result);
      for (const [status, heading] of [['fail', 'FAIL'], ['warn', 'WARN'], ['skip', 'SKIPPED'], ['ok', 'OK']] as const) {
        const shown = table.match(new RegExp(`^${heading} \\((\\d+)\\)$`, 'm'))?.[1];
        expect(Number(shown ?? 0), `${heading} ${JSON.stringify(opts)}`).toBe(result.summary[status]);
      }
    }
    expect(renderDoctorTable(await runDemo())).toMatch(/^OK \(146\)$[\s\S]*✓ irsa.candidate +IRSA migration candidates: 4 service accounts \(listed below\)$/m);
  });

  it('--service-account and -n narrow the scope; --check picks checks', async () => {
    expect(problems(await runDemo({ serviceAccount: 'inventory/inventory-sync' })).map((c) => c.id)).toEqual(['association.trust', 'pod.exchange']);
    expect(problems(await runDemo({ namespace: 'marketing' })).map((c) => c.id)).toEqual(['pod.static-keys']);
    const only = await runDemo({ checks: ['pod.host-network'] });
    expect(new Set(only.checks.map((c) => c.id))).toEqual(new Set(['pod.host-network']));
  });

  it('renders table, markdown and sarif; SARIF validates against the 2.1.0 schema', async () => {
    const result = await runDemo();
    const table = renderDoctorTable(result);
    expect(table).toMatch(/^podid doctor: cluster demo, all namespaces\n\nFAIL \(10\)/);
    expect(table).toMatch(/IRSA MIGRATION CANDIDATES \(4\)/);
    expect(table.trimEnd().split('\n').pop()).toBe('10 failed, 1 warning, 1 skipped, 146 ok — doctor failed');
    expect(renderDoctorMarkdown(result)).toMatch(/\| FAIL \| `pod.injection` \| pod orders\/order-notifier/);
    const schema = JSON.parse(readFileSync(join(ROOT, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addFormat('uri', (s: string) => URL.canParse(s));
    ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(renderDoctorSarif(result));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(11);
    expect(JSON.stringify(sarif)).not.toMatch(/AKIAIOSFODNN7EXAMPLE/);
  });
});

describe('podid doctor (CLI)', () => {
  it('exits 1 on the demo state and prints fails with fixes that name the same --state file', async () => {
    const r = await runCli(['doctor', '--state', DEMO_STATE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/fix: Restart so the webhook injects the Pod Identity env and token: kubectl -n orders rollout restart deployment\/order-notifier/);
    expect(r.stdout).toContain(`--role-arn arn:aws:iam::111122223333:role/inventory-sync --fix-trust --approve --state ${DEMO_STATE} (or`);
  });

  it('--help lists every check', async () => {
    const help = (await runCli(['doctor', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const id of CHECK_IDS) expect(help).toMatch(new RegExp(`Checks: .*\\b${id.replace('.', '\\.')}\\b`));
  });

  it('-n nope and --pod without an association are not a silent pass', async () => {
    const nope = await runCli(['doctor', '--state', DEMO_STATE, '-n', 'nope']);
    expect(nope.code).toBe(0);
    expect(nope.stdout).toMatch(/WARN \(1\)\n {2}! association.exists +namespace nope\n {6}namespace nope has no pods, service accounts or associations/);
    expect(nope.stdout.trimEnd().split('\n').pop()).toMatch(/^0 failed, 1 warning, .* — doctor passed$/);
    const redis = await runCli(['doctor', '--state', DEMO_STATE, '--pod', 'orders/orders-redis-0']);
    expect(redis.code).toBe(1);
    expect(redis.stdout).toMatch(/✗ association.exists +pod orders\/orders-redis-0/);
  });

  it('-o json is one document with schemaVersion; -o sarif and markdown work', async () => {
    const json = await runCli(['doctor', '--state', DEMO_STATE, '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, cluster: 'demo', passed: false, summary: { fail: 10, warn: 1 } });
    expect((await runCli(['doctor', '--state', DEMO_STATE, '-o', 'sarif'])).stdout).toMatch(/"version": "2.1.0"/);
    expect((await runCli(['doctor', '--state', DEMO_STATE, '-o', 'markdown'])).stdout).toMatch(/^# podid doctor/);
  });

  it('exits 0 for a healthy pod, and 1 with --strict when a warning remains', async () => {
    expect((await runCli(['doctor', '--state', DEMO_STATE, '--pod', 'payments/payments-api-pswcvz7lms-npftc'])).code).toBe(0);
    expect((await runCli(['doctor', '--state', DEMO_STATE, '--check', 'association.shared-role'])).code).toBe(0);
    expect((await runCli(['doctor', '--state', DEMO_STATE, '--check', 'association.shared-role', '--strict'])).code).toBe(1);
  });

  it('bad input: unknown cluster, missing pod, malformed --pod, unknown check', async () => {
    const cluster = await runCli(['doctor', '--state', DEMO_STATE, '-c', 'nope']);
    expect(cluster.code).toBe(1);
    expect(cluster.stderr).toMatch(/cluster nope not found/);
    expect(cluster.stderr).toMatch(/Clusters here: demo/);
    const pod = await runCli(['doctor', '--state', DEMO_STATE, '--pod', 'orders/ghost']);
    expect(pod.code).toBe(1);
    expect(pod.stderr).toMatch(/pod orders\/ghost not found in cluster demo/);
    expect((await runCli(['doctor', '--state', DEMO_STATE, '--pod', 'ghost'])).code).toBe(2);
    expect((await runCli(['doctor', '--state', DEMO_STATE, '--pod', 'a/b', '-s', 'a/c'])).code).toBe(2);
    const check = await runCli(['doctor', '--state', DEMO_STATE, '--check', 'nope']);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/unknown check 'nope'/);
  });

  it('an empty cluster passes with only cluster and agent checks', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'podid-doctor-')), 'empty.json');
    writeFileSync(file, JSON.stringify(minimalState()));
    const r = await runCli(['doctor', '--state', file, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ fail: 0, warn: 0 });
  });
});
