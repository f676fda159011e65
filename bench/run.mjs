// `npm run bench`: every benchmark prints its figures and the ratio to a baseline measured in the same run.
// Benchmarks are listed here; each returns rows { name, value, ratio?, budget?, higherIsBetter? }.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Always build first: a stale dist/ would measure old code.
spawnSync(process.execPath, [`${root}node_modules/tsup/dist/cli-default.js`, '--silent'], { cwd: root, stdio: 'inherit' });

const only = process.argv[2];
const rows = [];
const { startupBench } = await import('./startup.mjs');
if (!only || only === 'startup') rows.push(...startupBench());

// TypeScript benchmarks (bench/*.ts) run through tsx and print their own `name value ratio` lines.
for (const file of readdirSync(`${root}bench`).filter((f) => f.endsWith('.ts')).sort()) {
  if (only && !file.startsWith(only)) continue;
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${root}bench/${file}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(run.stdout);
  if (run.status !== 0) process.exitCode = 1;
}

let over = 0;
for (const row of rows) {
  const ratio = row.ratio === undefined ? '' : ` ratio=${row.ratio.toFixed(2)}`;
  const ok = row.budget === undefined ? '' : (row.higherIsBetter ? row.ratio >= row.budget : row.ratio <= row.budget) ? ' (within budget)' : ' (OVER BUDGET)';
  if (ok.includes('OVER')) over++;
  console.log(`${row.name}: ${row.value}${ratio}${row.budget === undefined ? '' : ` budget=${row.budget}`}${ok}`);
}
if (over) console.log(`${over} figure(s) over budget`);
