// doctor at scale: 20,000 pods / 2,000 service accounts / 300 nodes, --state, in a child process
// (its RSS is its own; modules are loaded by a warm-up run on a small state first).
// Budget (DESIGN.md §4): ≤ 2 s wall, ≤ 300 MB peak RSS. Printed as ratio lines.
//
// The state extends generateScaleState: three quarters of the service accounts get an association
// (role trust scoped to them, pods injected by the webhook), the rest stay IRSA candidates; an
// agent pod runs on every node; a few seeded problems keep the failure paths busy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pod } from '../src/core/model.js';
import { admitPod } from '../src/core/webhook.js';
import { generateScaleState, SCALE_ACCOUNT, SCALE_CLUSTER, type ScaleSizes } from './gen-scale-state.js';

const BUDGET_MS = 2000;
const BUDGET_MB = 300;
const CLUSTER_ARN = `arn:aws:eks:us-west-2:${SCALE_ACCOUNT}:cluster/${SCALE_CLUSTER}`;

export function generateDoctorState(sizes: ScaleSizes) {
  const state = generateScaleState(sizes);
  const c = state.clusters[0];
  const associated = new Set<string>();
  const trust = new Map<string, { namespace: string; name: string }[]>();
  c.serviceAccounts.forEach((sa, i) => {
    if (i % 4 === 3) return; // stays IRSA
    const roleArn = sa.annotations['eks.amazonaws.com/role-arn'];
    sa.annotations = {} as typeof sa.annotations;
    associated.add(`${sa.namespace}/${sa.name}`);
    trust.set(roleArn, [...(trust.get(roleArn) ?? []), { namespace: sa.namespace, name: sa.name }]);
    c.associations.push({
      associationId: `a-${i.toString().padStart(17, '0')}`, associationArn: `arn:aws:eks:us-west-2:${SCALE_ACCOUNT}:podidentityassociation/${SCALE_CLUSTER}/a-${i}`,
      clusterName: SCALE_CLUSTER, namespace: sa.namespace, serviceAccount: sa.name, roleArn, disableSessionTags: false, tags: {}, createdAt: '2025-12-01T00:00:00.000Z', modifiedAt: '2025-12-01T00:00:00.000Z',
    } as never);
  });
  for (const role of state.roles) {
    const subjects = trust.get(role.arn);
    if (!subjects) continue;
    role.trustPolicy = {
      Version: '2012-10-17',
      Statement: subjects.map((s) => ({
        Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { StringEquals: { 'aws:SourceAccount': SCALE_ACCOUNT, 'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN, 'aws:RequestTag/kubernetes-namespace': s.namespace, 'aws:RequestTag/kubernetes-service-account': s.name } },
      })),
    } as never;
  }
  c.pods = c.pods.map((pod, i) => {
    const key = `${pod.namespace}/${pod.serviceAccountName}`;
    if (!associated.has(key)) return pod;
    const admitted = admitPod(pod as unknown as Pod, { podIdentity: true });
    return (i % 997 === 0 ? { ...admitted, hostNetwork: true } : admitted) as unknown as typeof pod;
  });
  const agentPods = c.nodes.map((n, i) => ({
    namespace: 'kube-system', name: `eks-pod-identity-agent-${i}`, uid: `agent-${i}`, serviceAccountName: 'eks-pod-identity-agent', nodeName: n.name, hostNetwork: true, phase: 'Running',
    containers: [], initContainers: [], projectedTokens: [], ownerReferences: [{ kind: 'DaemonSet', name: 'eks-pod-identity-agent', controller: true }], labels: {}, creationTimestamp: '2025-12-01T00:00:00.000Z',
  }));
  c.pods.push(...(agentPods as unknown as typeof c.pods));
  c.daemonSets = [{ namespace: 'kube-system', name: 'eks-pod-identity-agent', desired: c.nodes.length, ready: c.nodes.length, available: c.nodes.length, nodeSelector: {} }] as never;
  return state;
}

async function child(big: string, small: string) {
  const { run } = await import('../src/main.js');
  const { PassThrough } = await import('node:stream');
  const sink = { write: () => true, isTTY: false };
  const io = () => ({ stdout: sink, stderr: sink, stdin: new PassThrough(), env: { NO_COLOR: '1', CI: 'true' }, cwd: process.cwd() });
  await run(['doctor', '--state', small, '-o', 'json'], io());
  let out = '';
  const capture = { write: (chunk: string) => ((out += chunk), true), isTTY: false };
  const start = performance.now();
  const code = await run(['doctor', '--state', big, '-o', 'json'], { ...io(), stdout: capture });
  const ms = performance.now() - start;
  const doc = JSON.parse(out);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, rssMb, code, summary: doc.summary, checks: doc.checks.length }) + '\n');
}

function parent() {
  const dir = mkdtempSync(join(tmpdir(), 'podid-bench-doctor-'));
  try {
    const big = join(dir, 'scale.json');
    const small = join(dir, 'small.json');
    writeFileSync(big, JSON.stringify(generateDoctorState({ serviceAccounts: 2_000, roles: 1_000, pods: 20_000, nodes: 300 })));
    writeFileSync(small, JSON.stringify(generateDoctorState({ serviceAccounts: 8, roles: 4, pods: 16, nodes: 2 })));
    const self = fileURLToPath(import.meta.url);
    const res = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', big, small], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (res.status !== 0) throw new Error(`bench child failed (${res.status})`);
    const r = JSON.parse(res.stdout.trim().split('\n').pop()!) as { ms: number; rssMb: number; code: number; summary: Record<string, number>; checks: number };
    // Seeded hostNetwork pods make doctor exit 1; anything else is a broken run.
    if (r.code !== 1 || !r.summary.fail) throw new Error(`unexpected doctor run: exit ${r.code}, ${JSON.stringify(r.summary)}`);
    const timeRatio = r.ms / BUDGET_MS;
    const memRatio = r.rssMb / BUDGET_MB;
    const verdict = (x: number) => (x <= 1 ? 'within budget' : 'OVER BUDGET');
    process.stdout.write(`doctor.20kpods.time ms=${r.ms.toFixed(0)} budget=${BUDGET_MS}ms ratio=${timeRatio.toFixed(2)} (${verdict(timeRatio)}; ${r.checks} results: ${r.summary.fail} fail, ${r.summary.ok} ok)\n`);
    process.stdout.write(`doctor.20kpods.rss rss=${r.rssMb.toFixed(0)}MB budget=${BUDGET_MB}MB ratio=${memRatio.toFixed(2)} (${verdict(memRatio)})\n`);
    if (timeRatio > 1 || memRatio > 1) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--child');
if (at > 0) await child(process.argv[at + 1], process.argv[at + 2]);
else if (process.argv[1] === fileURLToPath(import.meta.url)) parent();
