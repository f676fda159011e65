import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LocalStore, localPorts } from '../../src/adapters/local/index.js';
import { audit } from '../../src/commands/audit.js';
import type { EksPort } from '../../src/core/ports.js';
import { FIXED_NOW, fakeDeps, minimalState } from '../helpers/fake-deps.js';
import { DEMO_STATE, ROOT, runCli } from '../helpers/run-cli.js';

const sarifValidator = () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')));
};

describe('podid audit on the demo state', () => {
  it('json: inventory plus exactly the seeded audit findings', async () => {
    const r = await runCli(['audit', '--state', DEMO_STATE, '-o', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, passed: false, summary: { clusters: 1, associations: 13, irsaServiceAccounts: 4, roles: 17, fail: 4, warn: 1 } });
    expect(doc.findings.map((f: { severity: string; ruleId: string; subject: string }) => `${f.severity} ${f.ruleId} ${f.subject}`)).toEqual([
      'fail PODID-AUD005 association demo:analytics/model-trainer', // (g)
      'fail PODID-AUD002 association demo:data-pipeline/spark-driver', // (f)
      'fail PODID-AUD003 association demo:inventory/search-indexer', // (b)
      'fail PODID-T004 role arn:aws:iam::111122223333:role/inventory-sync (trust policy)', // (a)
      'warn PODID-AUD001 role arn:aws:iam::111122223333:role/shared-reporting-reader', // (h)
    ]);
    const payments = doc.roles.find((x: { arn: string }) => x.arn === 'arn:aws:iam::111122223333:role/teams/payments/payments-api');
    expect(payments).toMatchObject({ name: 'payments-api', exists: true, admin: false, inlinePolicies: ['payments-tables'] }); // (i) the path role
    expect(doc.roles.find((x: { arn: string }) => x.arn.endsWith('role/orders-worker'))).toMatchObject({ abac: true, managedPolicies: ['eks-namespace-s3-prefix'] });
    expect(doc.associations.find((a: { serviceAccount: string }) => a.serviceAccount === 'checkout-api')).toMatchObject({ targetRoleArn: 'arn:aws:iam::444455556666:role/checkout-ledger-access', sessionTags: 'on' });
  });

  it('offline, the podid commands of the fixes carry --state and run as printed', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'podid audit ')), 'demo state.json');
    writeFileSync(state, readFileSync(DEMO_STATE));
    const doc = JSON.parse((await runCli(['audit', '--state', state, '-o', 'json'])).stdout) as { findings: { fix?: string }[] };
    const commands = doc.findings
      .flatMap((f) => (f.fix ?? '').split(/[;()]| — /))
      .map((clause) => clause.match(/\bpodid (.*)$/)?.[1]?.split(/ > | \| /)[0])
      .filter((c): c is string => Boolean(c));
    expect(commands).toContain(`policy trust -w demo:analytics:model-trainer --state '${state}'`);
    // (f): deleting the association is a podid command, so it runs on the state file too (aws eks cannot).
    expect(commands).toContain(`associations delete data-pipeline/spark-driver -c demo --approve --state '${state}'`);
    for (const command of commands) {
      expect(command.endsWith(` --state '${state}'`), command).toBe(true);
      const argv = command.slice(0, -` --state '${state}'`.length).split(' ');
      const r = await runCli([...argv, '--state', state]);
      expect(r.code, `podid ${command}\n${r.stderr}`).toBe(0);
      if (argv[1] === 'target-trust') {
        // What `| jq .targetTrustPolicy > target-trust.json && aws iam update-assume-role-policy …` does in 222233334444.
        const printed = JSON.parse(r.stdout) as { targetRoleArn: string; targetTrustPolicy: never };
        await localPorts(await LocalStore.open(state, () => FIXED_NOW), 'demo').iam.updateTrustPolicy(printed.targetRoleArn, printed.targetTrustPolicy);
      }
    }
    // The cross-account fix (b) is doctor's: the target trust as a bare JSON document, then the chained role.
    expect(commands.filter((c) => c.startsWith('policy target-trust') || c.startsWith('associate'))).toHaveLength(2);
  });

  it('table, csv, markdown and sarif', async () => {
    const table = await runCli(['audit', '--state', DEMO_STATE]);
    expect(table.stdout).toMatch(/^podid audit: 1 cluster\(s\) \(demo\)/);
    expect(table.stdout).toMatch(/ASSOCIATIONS \(13\)[\s\S]*IRSA SERVICE ACCOUNTS \(4\)[\s\S]*ROLES \(17\)[\s\S]*FINDINGS \(4 fail, 1 warn, 0 info\)/);
    const csv = (await runCli(['audit', '--state', DEMO_STATE, '-o', 'csv'])).stdout.trim().split('\n');
    expect(csv[0]).toBe('kind,cluster,region,namespace,service_account,role_arn,target_role_arn,session_tags,session_policy,owner_addon,service_account_exists,findings');
    expect(csv).toHaveLength(1 + 13 + 4);
    // State and single-region audits: the region column is the cluster's region.
    expect(csv).toContain('association,demo,us-west-2,data-pipeline,spark-driver,arn:aws:iam::111122223333:role/data-spark-driver,,on,false,,false,PODID-AUD002');
    expect(csv).toContain('irsa,demo,us-west-2,web,frontend,arn:aws:iam::111122223333:role/web-frontend,,,,,true,');
    expect(csv.slice(1).every((row) => row.split(',')[2] === 'us-west-2')).toBe(true);
    expect((await runCli(['audit', '--state', DEMO_STATE, '-o', 'markdown'])).stdout).toMatch(/^# podid audit\n[\s\S]*## Findings[\s\S]*\| fail \| PODID-AUD003/);
    const sarif = JSON.parse((await runCli(['audit', '--state', DEMO_STATE, '-o', 'sarif'])).stdout);
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(5);
  });

  it('-o yaml is the json document as YAML', async () => {
    const yaml = await runCli(['audit', '--state', DEMO_STATE, '-o', 'yaml']);
    expect(yaml.code).toBe(1);
    expect(yaml.stdout).toMatch(/^schemaVersion: 1\n/);
    expect(yaml.stdout).not.toMatch(/^\s*[{[]/);
    const json = JSON.parse((await runCli(['audit', '--state', DEMO_STATE, '-o', 'json'])).stdout);
    expect(parseYaml(yaml.stdout)).toEqual(json);
    expect(yaml.stdout).toContain('ruleId: PODID-AUD003');
    expect(yaml.stderr).not.toMatch(/schemaVersion/);
  });

  it('bad input: unknown cluster (exit 1), -c with --all-clusters (exit 2)', async () => {
    const unknown = await runCli(['audit', '--state', DEMO_STATE, '-c', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/cluster nope not found/);
    expect((await runCli(['audit', '--state', DEMO_STATE, '-c', 'demo', '--all-clusters'])).code).toBe(2);
  });
});

describe('audit across clusters', () => {
  function twoClusters() {
    const state = minimalState();
    const second = structuredClone(state.clusters[0]);
    second.cluster = { ...second.cluster, name: 'other', arn: second.cluster.arn.replace('/demo', '/other') };
    state.clusters.push(second);
    const role = 'arn:aws:iam::111122223333:role/shared';
    const ts = '2026-11-20T10:00:00.000Z';
    for (const c of state.clusters) {
      c.serviceAccounts.push({ namespace: 'app', name: 'web', uid: 'u', annotations: {}, creationTimestamp: ts });
      c.associations.push({ associationId: `a-${c.cluster.name}`, associationArn: `arn:aws:eks:us-west-2:111122223333:podidentityassociation/${c.cluster.name}/a`, clusterName: c.cluster.name, namespace: 'app', serviceAccount: 'web', roleArn: role, disableSessionTags: false, tags: {}, createdAt: ts, modifiedAt: ts });
    }
    state.roles.push({ arn: role, name: 'shared', path: '/', roleId: 'AROASHARED', accountId: '111122223333', trustPolicy: { Version: '2012-10-17', Statement: [] }, inlinePolicies: [], attachedPolicies: [], tags: {}, maxSessionDuration: 3600 });
    return state;
  }

  it('--state without -c walks every cluster of the file and finds the cross-cluster role', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'podid-audit-')), 'two.json');
    writeFileSync(file, JSON.stringify(twoClusters()));
    const r = await runCli(['audit', '--state', file, '-o', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.clusters.map((c: { name: string }) => c.name)).toEqual(['demo', 'other']);
    expect(doc.findings.find((f: { ruleId: string }) => f.ruleId === 'PODID-AUD001').message).toMatch(/shared across clusters/);
    expect(r.stderr).toMatch(/✔ Audited 2\/2 cluster\(s\): 2 association\(s\)/);
    const one = JSON.parse((await runCli(['audit', '--state', file, '-c', 'other', '-o', 'json'])).stdout);
    expect(one.clusters.map((c: { name: string }) => c.name)).toEqual(['other']);
  });

  it('--all-clusters across two backends (regions) with bounded concurrency and one role read per backend', async () => {
    const deps = fakeDeps(twoClusters());
    let inFlight = 0;
    let peak = 0;
    const eks: EksPort = new Proxy(deps.eks, {
      get: (target, key) => {
        const fn = target[key as keyof EksPort] as (...a: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          try {
            return await fn.apply(target, args);
          } finally {
            inFlight--;
          }
        };
      },
    });
    const getRole = deps.iam.getRole.bind(deps.iam);
    let reads = 0;
    const iam = { ...deps.iam, getRole: (arn: string) => (reads++, getRole(arn)) };
    const backend = (region: string) => ({ region, eks, iam, kubeFor: async (cluster: string) => localPorts(deps.store, cluster).kube, local: false });
    const result = await audit({ allClusters: true }, { reporter: deps.reporter, backends: [backend('us-west-2'), backend('eu-west-1')] });
    expect(result.clusters.map((c) => `${c.name}@${c.region}`)).toEqual(['demo@us-west-2', 'other@us-west-2', 'demo@eu-west-1', 'other@eu-west-1']);
    expect(reads).toBe(2);
    expect(peak).toBeLessThanOrEqual(8 * 4);
    expect(deps.reporter.lines.filter((l) => l.startsWith('ok: '))).toEqual(['ok: Audited 4/4 cluster(s): 4 association(s)']);
  });

  it('one progress task for all clusters (never one spinner per cluster), "N/M clusters", notes after it settles', async () => {
    const state = twoClusters();
    for (const name of ['third', 'fourth', 'fifth', 'sixth']) {
      const extra = structuredClone(state.clusters[0]);
      extra.cluster = { ...extra.cluster, name, arn: extra.cluster.arn.replace('/demo', `/${name}`) };
      extra.associations = [];
      state.clusters.push(extra);
    }
    const deps = fakeDeps(state);
    const events: string[] = [];
    let open = 0;
    let peak = 0;
    const reporter = {
      ...deps.reporter,
      info: (m: string) => events.push(`info(open=${open}): ${m}`),
      task: (text: string) => {
        peak = Math.max(peak, ++open);
        events.push(`start: ${text}`);
        const settle = (kind: string) => (t?: string) => (open--, events.push(`${kind}: ${t}`));
        return { succeed: settle('ok'), warn: settle('warn'), fail: settle('fail'), update: (t: string) => events.push(`update: ${t}`) };
      },
    };
    const slow = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5));
    const backend = (region: string) => ({ region, eks: deps.eks, iam: deps.iam, kubeFor: (c: string) => slow(c === 'demo' ? undefined : localPorts(deps.store, c).kube), local: false });
    await audit({ allClusters: true }, { reporter, backends: [backend('us-west-2'), backend('eu-west-1')] });
    expect(peak).toBe(1);
    expect(events[0]).toBe('start: Auditing 12 cluster(s)');
    expect(events.filter((e) => e.startsWith('update:'))).toEqual(Array.from({ length: 12 }, (_, i) => `update: Auditing clusters: ${i + 1}/12`));
    expect(events.filter((e) => e.startsWith('ok:'))).toEqual(['ok: Audited 12/12 cluster(s): 4 association(s)']);
    // The "no Kubernetes access" notes come after the task settled, not under a live spinner.
    expect(events.filter((e) => e.startsWith('info'))).toEqual(['info(open=0): cluster demo: no Kubernetes access; service-account existence and IRSA are not audited', 'info(open=0): cluster demo: no Kubernetes access; service-account existence and IRSA are not audited']);
  });

  it('on AWS without -c or --all-clusters it asks for one', async () => {
    const deps = fakeDeps(twoClusters());
    await expect(audit({}, { reporter: deps.reporter, backends: [{ eks: deps.eks, iam: deps.iam, kubeFor: async () => undefined }] })).rejects.toThrow(/no cluster given/);
  });
});
