// migrate-irsa plan at scale: 10,000 IRSA service accounts over 5,000 roles, in-process with
// --state. Budget (DESIGN.md §4): ≤ 2 s wall, ≤ 300 MB peak RSS. Each measurement runs in a fresh
// child process so its RSS is its own; the built CLI (dist/, what users run, built by
// bench/run.mjs) is used when present, else the sources through tsx (PODID_BENCH_SRC=1 forces it;
// tsx adds ~35 MB). Modules are loaded by a warm-up run on a small state before the timed run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateScaleState } from './gen-scale-state.js';

const BUDGET_MS = 2000;
const BUDGET_MB = 300;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The child: plain ESM, so the built CLI runs without a TypeScript loader.
const CHILD = `
const [main, big, small, format] = process.argv.slice(1);
const { run } = await import(main);
const { PassThrough } = await import('node:stream');
const sink = { write: () => true, isTTY: false };
const io = (stdout) => ({ stdout, stderr: sink, stdin: new PassThrough(), env: { NO_COLOR: '1', CI: 'true' }, cwd: process.cwd() });
await run(['migrate-irsa', '--state', small, '-o', format], io(sink));
let out = '';
const capture = { write: (c) => ((out += c), true), isTTY: false };
const start = performance.now();
const code = await run(['migrate-irsa', '--state', big, '-o', format], io(capture));
const ms = performance.now() - start;
const rssMb = process.resourceUsage().maxRSS / 1024;
const entries = format === 'json' ? JSON.parse(out).plan.summary.entries : Number(/: (\\d+) IRSA service account/.exec(out)?.[1]);
process.stdout.write(JSON.stringify({ ms, rssMb, code, entries, bytes: out.length }) + '\\n');
`;

interface Measurement {
  ms: number;
  rssMb: number;
  code: number;
  entries: number;
  bytes: number;
}

function measure(big: string, small: string, format: string, dist: boolean): Measurement {
  const main = pathToFileURL(dist ? `${ROOT}dist/main.js` : `${ROOT}src/main.ts`).href;
  const args = [...(dist ? [] : ['--import', 'tsx']), '--input-type=module', '-e', CHILD, main, big, small, format];
  const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error(`bench child failed (${res.status})`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as Measurement;
}

const dir = mkdtempSync(join(tmpdir(), 'podid-bench-migrate-'));
try {
  const big = join(dir, 'scale.json');
  const small = join(dir, 'small.json');
  writeFileSync(big, JSON.stringify(generateScaleState({ serviceAccounts: 10_000, roles: 5_000, pods: 10_000, nodes: 100 })));
  writeFileSync(small, JSON.stringify(generateScaleState({ serviceAccounts: 4, roles: 2, pods: 4, nodes: 1 })));
  const dist = !process.env.PODID_BENCH_SRC && existsSync(`${ROOT}dist/main.js`);
  for (const [name, format] of [['migrate.plan10k', 'table'], ['migrate.plan10k.json', 'json']]) {
    const r = measure(big, small, format, dist);
    if (r.code !== 0 || r.entries !== 10_000) throw new Error(`unexpected plan: exit ${r.code}, ${r.entries} entries`);
    const ratio = Math.max(r.ms / BUDGET_MS, r.rssMb / BUDGET_MB);
    const verdict = ratio <= 1 ? 'within budget' : 'OVER BUDGET';
    const how = `-o ${format}, ${(r.bytes / 1e6).toFixed(1)} MB output, ${dist ? 'dist' : 'src via tsx'}`;
    process.stdout.write(`${name} ms=${r.ms.toFixed(0)} rss=${r.rssMb.toFixed(0)}MB budget=${BUDGET_MS}ms/${BUDGET_MB}MB ratio=${ratio.toFixed(2)} (${verdict}; ${how})\n`);
    if (ratio > 1) process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
