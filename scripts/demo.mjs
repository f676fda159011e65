// `npm run demo`: the main job of podid on the shipped demo state, offline, in one command.
// Works on a copy of fixtures/demo/state.json so the fixture is never changed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(join(root, 'dist/main.js'))) spawnSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });

const fixture = join(root, 'fixtures/demo/state.json');
const state = join(mkdtempSync(join(tmpdir(), 'podid-demo-')), 'state.json');
if (existsSync(fixture)) copyFileSync(fixture, state);

// Each step: the argv and the exit codes that count as the expected outcome for the demo.
const steps = [
  { argv: ['--version'], ok: [0] },
  { argv: ['associations', 'list', '-A', '--state', state], ok: [0], needs: fixture },
];

let failed = 0;
for (const step of steps) {
  if (step.needs && !existsSync(step.needs)) continue;
  console.log(`\n$ podid ${step.argv.join(' ').replace(state, 'demo.json')}`);
  const result = spawnSync(process.execPath, [join(root, 'bin/podid.js'), ...step.argv], { stdio: 'inherit' });
  if (!step.ok.includes(result.status)) {
    console.error(`demo step failed with exit ${result.status}`);
    failed++;
  }
}
process.exitCode = failed ? 1 : 0;
