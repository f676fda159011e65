// Startup budget (DESIGN.md §4): `podid --version` and `podid --help` ≤ 1.5× `node -e 0`.
// The three commands run round-robin (one of each per round), so machine noise hits them alike;
// the figures are medians over the rounds.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/podid.js', import.meta.url));
const ROUNDS = Number(process.env.BENCH_RUNS ?? 25);
const WARMUP = 2;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function once(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function startupBench() {
  const commands = { baseline: ['-e', '0'], version: [bin, '--version'], help: [bin, '--help'] };
  const samples = { baseline: [], version: [], help: [] };
  for (let round = 0; round < ROUNDS + WARMUP; round++) {
    for (const [name, args] of Object.entries(commands)) {
      const ms = once(args);
      if (round >= WARMUP) samples[name].push(ms);
    }
  }
  const base = median(samples.baseline);
  const version = median(samples.version);
  const help = median(samples.help);
  return [
    { name: 'startup.baseline node -e 0', value: `${base.toFixed(1)} ms` },
    { name: 'startup.version', value: `${version.toFixed(1)} ms`, ratio: version / base, budget: 1.5 },
    { name: 'startup.help', value: `${help.toFixed(1)} ms`, ratio: help / base, budget: 1.5 },
  ];
}
