// migrate-irsa plan at scale: 10,000 IRSA service accounts over 5,000 roles, --state. Budget
// (DESIGN.md §4): ≤ 2 s wall, ≤ 300 MB peak RSS. Measured as users run it: the built CLI in a fresh
// process (`node bin/podid.js migrate-irsa --state <generated> -o table|json > file`), no warm-up;
// wall time around the process, peak RSS from `/usr/bin/time -f %M` (GNU time), else from
// process.resourceUsage().maxRSS of the same process at exit (a preloaded hook). Each format runs
// RUNS times: the median wall time and the largest RSS are reported. stdout goes to a regular file
// (the same synchronous write path as `> /dev/null`), so the bench can check the plan it printed.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateScaleState } from './gen-scale-state.js';

const BUDGET_MS = 2000;
const BUDGET_MB = 300;
const RUNS = 3;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/podid.js');
const GNU_TIME = '/usr/bin/time';

// Fallback probe: the CLI process itself writes its peak RSS (KiB) to PODID_BENCH_RSS_FILE at exit.
const RSS_HOOK = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.PODID_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));
`;

interface Measurement {
  ms: number;
  rssMb: number;
  code: number;
  bytes: number;
  out: string;
}

function gnuTimeWorks(dir: string): boolean {
  if (!existsSync(GNU_TIME)) return false;
  const probe = join(dir, 'probe');
  const res = spawnSync(GNU_TIME, ['-f', '%M', '-o', probe, process.execPath, '-e', '0']);
  return res.status === 0 && /^\d+\s*$/.test(readFileSync(probe, 'utf8'));
}

function measure(dir: string, state: string, format: string, gnuTime: boolean): Measurement {
  const rssFile = join(dir, 'rss');
  const outFile = join(dir, `out.${format}`);
  rmSync(rssFile, { force: true });
  const cli = [BIN, 'migrate-irsa', '--state', state, '-o', format];
  const [command, args] = gnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...cli]] : [process.execPath, ['--import', join(dir, 'rss-hook.mjs'), ...cli]];
  const stdout = openSync(outFile, 'w');
  const start = performance.now();
  const res = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', stdout, 'inherit'], env: { ...process.env, NO_COLOR: '1', CI: 'true', PODID_BENCH_RSS_FILE: rssFile } });
  const ms = performance.now() - start;
  closeSync(stdout);
  const out = readFileSync(outFile, 'utf8');
  const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return { ms, rssMb: kib / 1024, code: res.status ?? -1, bytes: Buffer.byteLength(out), out };
}

function entriesIn(format: string, out: string): number {
  return format === 'json' ? (JSON.parse(out) as { plan: { summary: { entries: number } } }).plan.summary.entries : Number(/: (\d+) IRSA service account/.exec(out)?.[1]);
}

if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('bench/migrate.ts measures the built CLI: run npm run build first (npm run bench does)');
const dir = mkdtempSync(join(tmpdir(), 'podid-bench-migrate-'));
try {
  const state = join(dir, 'scale.json');
  writeFileSync(state, JSON.stringify(generateScaleState({ serviceAccounts: 10_000, roles: 5_000, pods: 10_000, nodes: 100 })));
  writeFileSync(join(dir, 'rss-hook.mjs'), RSS_HOOK);
  const gnuTime = gnuTimeWorks(dir);
  for (const [name, format] of [['migrate.plan10k', 'table'], ['migrate.plan10k.json', 'json']]) {
    const runs: Measurement[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = measure(dir, state, format, gnuTime);
      const entries = entriesIn(format, r.out);
      if (r.code !== 0 || entries !== 10_000) throw new Error(`unexpected plan (-o ${format}): exit ${r.code}, ${entries} entries`);
      runs.push({ ...r, out: '' });
    }
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(RUNS / 2)];
    const rssMb = Math.max(...runs.map((r) => r.rssMb));
    const ratio = Math.max(ms / BUDGET_MS, rssMb / BUDGET_MB);
    const verdict = ratio <= 1 ? 'within budget' : 'OVER BUDGET';
    const how = `node bin/podid.js -o ${format}, ${(runs[0].bytes / 1e6).toFixed(1)} MB output, median of ${RUNS} ms, max RSS via ${gnuTime ? '/usr/bin/time' : 'maxRSS at exit'}`;
    process.stdout.write(`${name} ms=${ms.toFixed(0)} rss=${rssMb.toFixed(0)}MB budget=${BUDGET_MS}ms/${BUDGET_MB}MB ratio=${ratio.toFixed(2)} (${verdict}; ${how})\n`);
    if (ratio > 1) process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
