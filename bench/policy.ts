// Budget (DESIGN.md §4): `podid policy trust …` ≤ 2× `node -e 0`, medians of several runs.
// Run through `npm run bench` (tsx), which builds dist/ first. Prints `name: value ratio=… budget=…`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = process.env.PODID_BIN ?? fileURLToPath(new URL('../bin/podid.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ARN = 'arn:aws:eks:us-west-2:111122223333:cluster/prod';

function time(args: string[]): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
    if (i >= 2) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

const trust = [bin, 'policy', 'trust', '-w', `${ARN}:payments:api`, '-w', `${ARN}:payments:worker`];
const lint = [bin, 'policy', 'lint', fileURLToPath(new URL('../fixtures/policies/lint/PODID-T004/pass.json', import.meta.url))];
const base1 = time(['-e', '0']);
const trustMs = time(trust);
const lintMs = time(lint);
const base = (base1 + time(['-e', '0'])) / 2;
const row = (name: string, ms: number, budget?: number) => {
  const ratio = ms / base;
  const verdict = budget === undefined ? '' : ` budget=${budget}${ratio <= budget ? ' (within budget)' : ' (OVER BUDGET)'}`;
  console.log(`${name}: ${ms.toFixed(1)} ms ratio=${ratio.toFixed(2)}${verdict}`);
  return budget === undefined || ratio <= budget;
};
console.log(`policy.baseline node -e 0: ${base.toFixed(1)} ms`);
const ok = [row('policy.trust (cluster ARNs, no backend)', trustMs, 2), row('policy.lint (one file)', lintMs)].every(Boolean);
if (!ok) process.exitCode = 1;
