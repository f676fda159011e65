// Throughput of podid's IAM evaluator (authorize) vs @cloud-copilot/iam-simulate (dev-only oracle),
// on a scoped Pod Identity trust policy and an ABAC identity policy. Run: npx tsx bench/evaluator.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { authorize, type AuthorizationInput, type PolicyDocument } from '../src/core/iam/index.js';

const ACCT = '111122223333';
const ROLE = `arn:aws:iam::${ACCT}:role/podid-app`;
const SESSION = `arn:aws:sts::${ACCT}:assumed-role/podid-app/eks-prod-api-1234`;
const CLUSTER = `arn:aws:eks:us-west-2:${ACCT}:cluster/prod`;
const load = (name: string): PolicyDocument =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/iam/${name}`, import.meta.url)), 'utf8')) as PolicyDocument;

// Alternate matching / non-matching requests so both paths are measured.
const trustContexts = ['team-a', 'team-b'].map((ns) => ({
  'aws:SourceAccount': ACCT,
  'aws:RequestTag/eks-cluster-arn': CLUSTER,
  'aws:RequestTag/kubernetes-namespace': ns,
  'aws:RequestTag/kubernetes-service-account': 'api',
  'aws:TagKeys': ['eks-cluster-arn', 'kubernetes-namespace', 'kubernetes-service-account'],
}));
const trust = load('trust-scoped.json');
const trustInputs: AuthorizationInput[] = trustContexts.map((context) => ({
  request: { principal: { type: 'service', service: 'pods.eks.amazonaws.com' }, action: 'sts:AssumeRole', resource: ROLE, context },
  resourcePolicy: { name: 'trust', document: trust },
  resourceAccountId: ACCT,
}));

const abac = load('abac-s3.json');
const abacContext = { 'aws:PrincipalTag/kubernetes-namespace': 'team-a', 'aws:PrincipalTag/eks-cluster-name': 'prod', 'aws:SecureTransport': 'true' };
const abacInputs: AuthorizationInput[] = ['team-a/config.json', 'team-b/config.json'].map((key) => ({
  request: { principal: { type: 'aws', arn: SESSION, accountId: ACCT }, action: 's3:GetObject', resource: `arn:aws:s3:::shared-bucket/${key}`, context: abacContext },
  identityPolicies: [{ name: 'abac', document: abac }],
  resourceAccountId: ACCT,
}));

function toSimulation(input: AuthorizationInput): Simulation {
  const p = input.request.principal;
  const sim: Simulation = {
    request: {
      principal: p.type === 'service' ? p.service : p.arn,
      action: input.request.action,
      resource: { resource: input.request.resource, accountId: input.resourceAccountId ?? ACCT },
      contextVariables: input.request.context,
    },
    identityPolicies: (input.identityPolicies ?? []).map((x) => ({ name: x.name, policy: x.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  if (input.resourcePolicy) sim.resourcePolicy = input.resourcePolicy.document;
  return sim;
}

function rateSync(run: (i: number) => unknown, minMs: number): number {
  for (let i = 0; i < 200; i++) run(i); // warm-up
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let k = 0; k < 100; k++, n++) run(n);
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

async function rateAsync(run: (i: number) => Promise<unknown>, minMs: number): Promise<number> {
  for (let i = 0; i < 200; i++) await run(i); // warm-up
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let k = 0; k < 100; k++, n++) await run(n);
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

async function bench(name: string, inputs: AuthorizationInput[]): Promise<void> {
  // Same decisions on both sides before timing anything.
  for (const input of inputs) {
    const ours = authorize(input).decision;
    const r = await runSimulation(toSimulation(input), {});
    const theirs = r.resultType === 'error' ? 'error' : r.overallResult;
    const map: Record<string, string> = { Allowed: 'allow', ExplicitlyDenied: 'deny', ImplicitlyDenied: 'implicit-deny' };
    if (map[theirs] !== ours) throw new Error(`${name}: podid=${ours} iam-simulate=${theirs}`);
  }
  const sims = inputs.map(toSimulation);
  const ours = rateSync((i) => authorize(inputs[i % inputs.length]), 1000);
  const theirs = await rateAsync((i) => runSimulation(sims[i % sims.length], {}), 1000);
  console.log(`evaluator.${name} decisions/s=${Math.round(ours)} iam-simulate=${Math.round(theirs)} ratio=${(ours / theirs).toFixed(1)}`);
}

await bench('trust', trustInputs);
await bench('abac', abacInputs);
