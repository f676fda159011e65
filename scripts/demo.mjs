// `npm run demo`: the main job of podid on the shipped demo state, offline, in one command.
// Works on a copy of fixtures/demo/state.json so the fixture is never changed. Each step lists the
// exit codes that count as its expected outcome (doctor exits 1: the demo has seeded problems);
// the script exits 0 when every step ends as expected.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(join(root, 'dist/main.js'))) spawnSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });

const fixture = join(root, 'fixtures/demo/state.json');
const state = join(mkdtempSync(join(tmpdir(), 'podid-demo-')), 'state.json');
if (existsSync(fixture)) copyFileSync(fixture, state);
const bin = join(root, 'bin/podid.js');
const shown = (argv) => argv.join(' ').replaceAll(state, 'demo.json');

const steps = [
  { argv: ['--version'], ok: [0] },
  { note: 'Every association, joined with its service account, pods, role and session-tag mode.', argv: ['associations', 'list', '-A', '--state', state], ok: [0], needs: fixture },
  { note: 'What is wrong and how to fix it (exit 1: the demo has seeded problems).', argv: ['doctor', '--state', state], ok: [1], needs: fixture },
  { note: 'The IRSA → Pod Identity plan (nothing changes without --approve).', argv: ['migrate-irsa', '-c', 'demo', '--state', state], ok: [0], needs: fixture },
  {
    note: 'A token minted for payments/payments-api, piped into the offline AssumeRoleForPodIdentity.',
    pipe: [['token', 'mint', '-n', 'payments', '-s', 'payments-api', '--state', state], ['simulate', '--token', '-', '--state', state]],
    ok: [0],
    needs: fixture,
  },
];

/** Runs `podid a | podid b` without a shell: the first one's stdout is the second one's stdin. */
function runPipe([first, second]) {
  console.log(`\n$ podid ${shown(first)} | podid ${shown(second)}`);
  const produced = spawnSync(process.execPath, [bin, ...first], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (produced.status !== 0) return produced.status;
  return spawnSync(process.execPath, [bin, ...second], { input: produced.stdout, stdio: ['pipe', 'inherit', 'inherit'] }).status;
}

let failed = 0;
for (const step of steps) {
  if (step.needs && !existsSync(step.needs)) continue;
  if (step.note) console.log(`\n# ${step.note}`);
  let status;
  if (step.pipe) status = runPipe(step.pipe);
  else {
    console.log(`\n$ podid ${shown(step.argv)}`);
    status = spawnSync(process.execPath, [bin, ...step.argv], { stdio: 'inherit' }).status;
  }
  if (!step.ok.includes(status)) {
    console.error(`demo step failed: exit ${status}, expected ${step.ok.join(' or ')}`);
    failed++;
  }
}
rmSync(dirname(state), { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
