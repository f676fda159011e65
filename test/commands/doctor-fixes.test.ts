import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore, localPorts } from '../../src/adapters/local/index.js';
import { admitPod } from '../../src/core/webhook.js';
import { DEMO_STATE, runCli } from '../helpers/run-cli.js';
import { FIXED_NOW } from '../helpers/fake-deps.js';

// The loop a user runs: doctor → the fixes it prints → doctor again, on a copy of the demo state.
// The podid commands in the fixes of the fail findings and of the IRSA migration candidates run
// exactly as printed (doctor ran with --state COPY, so they carry --state COPY). The rest is
// applied the way the fix text says:
// - (b)'s target role is in another account (222233334444): podid writes no role there (the fix
//   says to apply the trust with that account's credentials), so the test applies the trust that
//   the printed `podid policy target-trust` command prints, through the IAM port;
// - kubectl commands go through the Kubernetes port: rollout restart, create serviceaccount,
//   annotate serviceaccount, and `create job --from=cronjob/C J` as a new Job J of C whose pod the
//   webhook admits now (the running Job is never deleted: the test lets it finish);
// - a fix that offers alternatives ("… — or …") is applied with its first one;
// - pod-spec edits without a command (hostNetwork, env keys) are made in the state file, as
//   `kubectl edit` of the workload and its rollout would.
// A second round is needed for one pod: the CronJob's Job that was running when migrate-irsa
// moved payments/payments-reconciler keeps its IRSA pod (migrate restarts Deployments, not Jobs).
// Its IRSA still works, so doctor's re-run warns (it finishes with IRSA; its next run gets Pod
// Identity) instead of failing, with the kubectl command that moves it now.

interface Finding {
  id: string;
  status: string;
  subject: string;
  fix?: string;
}

async function doctorJson(state: string) {
  const r = await runCli(['doctor', '--state', state, '-o', 'json'], { cwd: dirname(state) });
  return { code: r.code, doc: JSON.parse(r.stdout) as { summary: Record<string, number>; checks: Finding[] } };
}

/** The commands of a fix text of `tool` (podid, kubectl): the clauses between ';', '(' and ')', from the tool name on, before a redirect or pipe. */
function commandsIn(fix: string, tool: string): string[][] {
  return fix.split(/[;()]| — /).flatMap((clause) => {
    const at = clause.search(new RegExp(`\\b${tool} `));
    if (at < 0) return [];
    return [clause.slice(at).split(/ > | \| /)[0].trim().split(/\s+/).slice(1)];
  });
}

/** What a fix pipes a command's output through (` | jq .targetTrustPolicy > target-trust.json`). */
const pipesOf = (fix: string) => [...fix.matchAll(/ \| (jq [^ ]+) > ([^ ]+)/g)].map((m) => `${m[1]} > ${m[2]}`);

const KINDS: Record<string, string> = { deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet' };

async function ports(state: string) {
  return localPorts(await LocalStore.open(state, () => FIXED_NOW), 'demo');
}

/**
 * Runs one printed podid command. `policy target-trust … -o json | jq .targetTrustPolicy` is applied
 * to the foreign target role, as the fix's `aws iam update-assume-role-policy` with that account's
 * credentials would.
 */
async function runPodid(state: string, argv: string[]): Promise<void> {
  if (argv[0] === 'policy' && argv[1] === 'target-trust') {
    expect(argv.join(' ')).toMatch(/ -o json /);
    const r = await runCli(argv, { cwd: dirname(state) });
    expect(r.code, `podid ${argv.join(' ')}\n${r.stderr}`).toBe(0);
    const printed = JSON.parse(r.stdout) as { targetRoleArn: string; targetTrustPolicy: never };
    expect(printed.targetRoleArn.split(':')[4]).not.toBe('111122223333');
    await (await ports(state)).iam.updateTrustPolicy(printed.targetRoleArn, printed.targetTrustPolicy);
    return;
  }
  // In the state's folder: migrate-irsa --approve writes its journal under ./.podid.
  const r = await runCli(argv, { cwd: dirname(state) });
  expect(r.code, `podid ${argv.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
}

async function runKubectl(state: string, argv: string[]): Promise<void> {
  const { kube } = await ports(state);
  const [flag, namespace, verb, ...rest] = argv;
  expect(flag).toBe('-n');
  if (verb === 'rollout' && rest[0] === 'restart') {
    const [kind, name] = rest[1].split('/');
    await kube.restartWorkload(KINDS[kind], namespace, name);
  } else if (verb === 'create' && rest[0] === 'serviceaccount') {
    await kube.createServiceAccount(namespace, rest[1]);
  } else if (verb === 'annotate' && rest[0] === 'serviceaccount' && rest[2].endsWith('-')) {
    await kube.annotateServiceAccount(namespace, rest[1], { [rest[2].slice(0, -1)]: null });
  } else if (verb === 'create' && rest[0] === 'job' && rest[1].startsWith('--from=cronjob/')) {
    await createJobFromCronJob(state, namespace, rest[1].slice('--from=cronjob/'.length), rest[2]);
  } else {
    throw new Error(`unexpected kubectl command in a fix: kubectl ${argv.join(' ')}`);
  }
}

/**
 * `kubectl create job --from=cronjob/C J`: a Job J owned by C, whose pod (a copy of a pod of C) the
 * webhook admits now. The running Job is left alone, and the test then lets it finish (Succeeded),
 * as the fix says it will.
 */
async function createJobFromCronJob(state: string, namespace: string, cronJob: string, job: string): Promise<void> {
  expect(job).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  expect(job.length).toBeLessThanOrEqual(63);
  const store = await LocalStore.open(state, () => FIXED_NOW);
  await store.update((doc) => {
    const cluster = doc.clusters[0];
    const jobs = new Set(cluster.workloads.filter((w) => w.kind === 'Job' && w.namespace === namespace && w.ownerReferences.some((o) => o.kind === 'CronJob' && o.name === cronJob)).map((w) => w.name));
    const running = cluster.pods.filter((p) => p.namespace === namespace && p.phase === 'Running' && p.ownerReferences.some((o) => o.kind === 'Job' && jobs.has(o.name)));
    expect(running.length).toBeGreaterThan(0);
    cluster.workloads.push({ kind: 'Job', namespace, name: job, uid: `uid-${job}`, ownerReferences: [{ kind: 'CronJob', name: cronJob, controller: true }] } as never);
    const template = running[0];
    const sa = cluster.serviceAccounts.find((s) => s.namespace === namespace && s.name === template.serviceAccountName);
    const podIdentity = cluster.associations.some((a) => a.namespace === namespace && a.serviceAccount === template.serviceAccountName);
    const pod = admitPod({ ...template, name: `${job}-zzzzz`, uid: `uid-${job}-pod`, creationTimestamp: FIXED_NOW.toISOString(), ownerReferences: [{ kind: 'Job', name: job, controller: true }] } as never, { podIdentity, irsaRoleArn: sa?.annotations['eks.amazonaws.com/role-arn'] });
    cluster.pods.push(pod as never);
    for (const p of running) p.phase = 'Succeeded';
  });
}

/** The fixes that are a pod-spec edit with no command: what `kubectl edit` and the rollout would leave. */
async function editPodSpecs(state: string, findings: Finding[]): Promise<void> {
  const ids = new Set(findings.map((f) => f.id));
  expect(ids).toContain('pod.host-network');
  expect(ids).toContain('pod.static-keys');
  const store = await LocalStore.open(state, () => FIXED_NOW);
  await store.update((doc) => {
    for (const pod of doc.clusters[0].pods) {
      if (pod.namespace === 'ingress' && pod.name.startsWith('edge-gateway')) pod.hostNetwork = false; // (d)
      if (pod.namespace === 'marketing') for (const c of pod.containers) c.env = c.env.filter((e) => e.name !== 'AWS_ACCESS_KEY_ID' && e.name !== 'AWS_SECRET_ACCESS_KEY'); // (e)
    }
  });
}

/** Runs the podid and kubectl commands of the fixes, each once, in the order doctor printed them. */
async function runFixCommands(state: string, findings: Finding[], ran: string[] = []): Promise<string[]> {
  for (const f of findings) {
    const first = (f.fix ?? '').split(' — or ')[0];
    for (const tool of ['podid', 'kubectl'] as const) {
      for (const argv of commandsIn(first, tool)) {
        const key = `${tool} ${argv.join(' ')}`;
        if (ran.includes(key)) continue;
        ran.push(key);
        await (tool === 'podid' ? runPodid(state, argv) : runKubectl(state, argv));
      }
    }
  }
  return ran;
}

const problems = (checks: Finding[]) => checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => `${c.status} ${c.id} ${c.subject}`);

describe('doctor → the fixes it prints → doctor (demo state copy)', () => {
  it('resolves every seeded failure and the IRSA candidates', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'podid-doctor-fix-')), 'state.json');
    copyFileSync(DEMO_STATE, state);

    const before = await doctorJson(state);
    expect(before.code).toBe(1);
    expect(before.doc.summary.fail).toBe(10);
    const todo = before.doc.checks.filter((c) => c.status === 'fail' || c.id === 'irsa.candidate');
    for (const argv of todo.flatMap((c) => commandsIn(c.fix ?? '', 'podid'))) expect(argv.slice(-2), argv.join(' ')).toEqual(['--state', state]);
    // The target trust goes to update-assume-role-policy as one bare JSON document.
    expect(todo.flatMap((c) => pipesOf(c.fix ?? ''))).toEqual(['jq .targetTrustPolicy > target-trust.json']);

    const ran = await runFixCommands(state, todo);
    await editPodSpecs(state, todo);
    // (f): the first alternative (create the service account) ran; the podid delete is offered too, with --state.
    expect(todo.find((c) => c.id === 'association.service-account')?.fix).toMatch(/ — or delete the association: podid associations delete data-pipeline\/spark-driver -c demo --approve --state \S+$/);
    // (b): the target trust first (associate's preflight checks it), then the chained role.
    const b = ran.filter((r) => r.startsWith('podid') && r.includes('search-indexer'));
    expect(b.map((r) => r.split(' ').slice(1, 3).join(' '))).toEqual(['policy target-trust', 'associate -c', 'simulate --pod']);
    expect(b[0]).toContain('--source-role-arn arn:aws:iam::111122223333:role/podid-demo-inventory-search-indexer');
    expect(ran.filter((r) => r.includes('--fix-trust'))).toHaveLength(2); // (a), (g)
    expect(ran.filter((r) => r.startsWith('podid migrate-irsa') && r.includes('--approve --restart'))).toHaveLength(4);
    expect(ran).toContain('kubectl -n orders rollout restart deployment/order-notifier'); // (c)
    expect(ran).toContain('kubectl -n data-pipeline create serviceaccount spark-driver'); // (f)

    // Round 2: no failure is left. The Job pod that was running during the migration still has
    // working IRSA: a warning (it finishes with IRSA), whose fix moves it now.
    const second = await doctorJson(state);
    expect(second.code).toBe(0);
    expect(second.doc.checks.filter((c) => c.status === 'fail')).toEqual([]);
    const job = second.doc.checks.filter((c) => c.status === 'warn' && c.subject.startsWith('pod payments/payments-reconciler-'));
    expect(job.map((c) => c.id)).toEqual(['pod.injection']);
    expect(job[0].fix).not.toMatch(/annotate/);
    // The running Job works (IRSA) and a CronJob does not re-create a deleted Job: never delete it.
    expect(job[0].fix).not.toMatch(/delete/);
    expect(job[0].fix).toMatch(/its next scheduled run gets Pod Identity; to start one now: kubectl -n payments create job --from=cronjob\/payments-reconciler payments-reconciler-podid-\d{10}$/);
    await runFixCommands(state, job);

    const after = await doctorJson(state);
    // (h) the shared role is a design choice, not a failure: it stays a warning. The new
    // spark-driver service account has no pod yet, which doctor says (the driver is not deployed).
    expect(problems(after.doc.checks)).toEqual(['warn association.in-use association data-pipeline/spark-driver', 'warn association.shared-role role arn:aws:iam::111122223333:role/shared-reporting-reader']);
    expect(after.doc.checks.filter((c) => c.id === 'irsa.candidate')).toEqual([]);
    expect(after.doc.checks.find((c) => c.id === 'association.target-role' && c.subject === 'association inventory/search-indexer')?.status).toBe('ok');
    expect(after.code).toBe(0);
    expect((await runCli(['doctor', '--state', state, '--strict'])).code).toBe(1);
  });

  it("the shared role's fix (h) keeps the moved workload's permissions", async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'podid-doctor-shared-')), 'state.json');
    copyFileSync(DEMO_STATE, state);
    const simulate = ['simulate', '--pod', 'data-pipeline/ingest-29919000-kxzsc', '--state', state, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::podid-demo-shared-data-111122223333/demo/data-pipeline/a.csv', '-o', 'json'];
    const allowed = async () => JSON.stringify(JSON.parse((await runCli(simulate)).stdout)).includes('"decision":"allowed"');
    expect(await allowed()).toBe(true);

    const shared = (await doctorJson(state)).doc.checks.find((c) => c.id === 'association.shared-role')!;
    const ran = await runFixCommands(state, [shared]);
    expect(ran).toEqual([`podid associate -c demo -n data-pipeline -s ingest --create-role --policy-arn arn:aws:iam::111122223333:policy/eks-namespace-s3-prefix --approve --state ${state}`]);

    expect(await allowed()).toBe(true);
    const after = await doctorJson(state);
    expect(after.doc.checks.filter((c) => c.id === 'association.shared-role')).toEqual([]);
  });

  it('after its own IRSA fix (migrate-irsa --approve --restart), doctor -n payments warns about the running Job pod and passes', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'podid-doctor-irsa-')), 'state.json');
    copyFileSync(DEMO_STATE, state);
    const [migrate] = (await doctorJson(state)).doc.checks.filter((c) => c.id === 'irsa.candidate' && c.subject === 'service account payments/payments-reconciler');
    await runFixCommands(state, [migrate]);

    const r = await runCli(['doctor', '--state', state, '-n', 'payments', '-o', 'json'], { cwd: dirname(state) });
    expect(r.code).toBe(0);
    const checks = (JSON.parse(r.stdout) as { checks: Finding[] }).checks;
    expect(problems(checks)).toEqual([expect.stringMatching(/^warn pod.injection pod payments\/payments-reconciler-29918940-/)]);
    const warn = checks.find((c) => c.status === 'warn') as Finding & { detail: string };
    expect(warn.detail).toMatch(/still runs with IRSA .*It finishes with IRSA; its next run gets Pod Identity/);
    expect(warn.detail).not.toMatch(/node role/);
    expect(warn.fix).not.toMatch(/annotate|delete/);
    // migrate-irsa agrees: nothing is left to do for payments while that pod runs.
    expect((await runCli(['migrate-irsa', '-c', 'demo', '-n', 'payments', '--check', '--state', state], { cwd: dirname(state) })).code).toBe(0);
  });
});

describe('doctor after changes it did not make (demo state copy)', () => {
  const copy = (prefix: string) => {
    const state = join(mkdtempSync(join(tmpdir(), prefix)), 'state.json');
    copyFileSync(DEMO_STATE, state);
    return state;
  };
  const checksOf = async (state: string, args: string[]) => {
    const r = await runCli(['doctor', '--state', state, ...args, '-o', 'json'], { cwd: dirname(state) });
    return { code: r.code, checks: (JSON.parse(r.stdout) as { checks: (Finding & { detail: string })[] }).checks };
  };

  it('an association deleted under running pods: they still carry its env, so doctor fails (the agent answers 404), and its fix works', async () => {
    const state = copy('podid-doctor-stale-');
    expect((await runCli(['associations', 'delete', 'payments/payments-api', '-c', 'demo', '--approve', '--state', state])).code).toBe(0);
    const pod = (await (await ports(state)).kube.listPods('payments')).find((p) => p.serviceAccountName === 'payments-api')!;
    const simulate = await runCli(['simulate', '--pod', `payments/${pod.name}`, '--state', state]);
    expect(simulate.code).not.toBe(0);

    const before = await checksOf(state, ['-n', 'payments']);
    expect(before.code).toBe(1);
    const stale = before.checks.filter((c) => c.status === 'fail');
    expect(stale.map((c) => `${c.id} ${c.subject}`)).toEqual(['pod.stale-injection pods of payments/payments-api (3)']);
    expect(stale[0].detail).toMatch(/404 \(EKS Auth ResourceNotFoundException\)/);
    // Their node needs the agent: agent.daemonset counts them.
    expect(before.checks.find((c) => c.id === 'agent.daemonset')?.detail).toMatch(/an agent runs on all \d node\(s\) with pods that use Pod Identity/);
    expect(stale[0].fix).toMatch(/^Restart so the webhook admits the pods without the Pod Identity env: kubectl -n payments rollout restart deployment\/payments-api; or recreate the association: podid associate -c demo -n payments -s payments-api --create-role --approve --state /);

    await runFixCommands(state, stale);
    const after = await checksOf(state, ['-n', 'payments']);
    expect(after.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(after.code).toBe(0);
  });

  it("a pod on IRSA whose association now uses another role: doctor reads the pod's IRSA role and checks its OIDC trust", async () => {
    const state = copy('podid-doctor-irsa-role-');
    expect((await runCli(['migrate-irsa', '--state', state, '-n', 'web', '--approve'], { cwd: dirname(state) })).code).toBe(0);
    const update = ['associations', 'update', 'web/frontend', '-c', 'demo', '--role-arn', 'arn:aws:iam::111122223333:role/orders-worker', '--fix-trust', '--approve', '--state', state];
    expect((await runCli(update, { cwd: dirname(state) })).code).toBe(0);
    const { checks } = await checksOf(state, ['-n', 'web']);
    const injection = checks.find((c) => c.id === 'pod.injection' && c.status === 'warn');
    expect(injection?.detail).toMatch(/still runs with IRSA \(arn:aws:iam::111122223333:role\/web-frontend\); its role's OIDC trust still admits it/);
    expect(injection?.detail).not.toMatch(/could not check/);
  });
});
