// Startup budget (DESIGN.md §4): `podid --version` and `podid --help` ≤ 1.5× `node -e 0`, medians of several runs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/podid.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(args) {
  const samples = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
    if (i >= 2) samples.push(Number(process.hrtime.bigint() - start) / 1e6); // first two are warm-up
  }
  return median(samples);
}

export function startupBench() {
  // Interleave so machine noise hits every command alike.
  const baseline = time(['-e', '0']);
  const version = time([bin, '--version']);
  const help = time([bin, '--help']);
  const baseline2 = time(['-e', '0']);
  const base = (baseline + baseline2) / 2;
  return [
    { name: 'startup.baseline node -e 0', value: `${base.toFixed(1)} ms` },
    { name: 'startup.version', value: `${version.toFixed(1)} ms`, ratio: version / base, budget: 1.5 },
    { name: 'startup.help', value: `${help.toFixed(1)} ms`, ratio: help / base, budget: 1.5 },
  ];
}
