import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// e2e tests spawn the built bin/podid.js, so build once before the suite.
export default function setup() {
  if (process.env.PODID_SKIP_BUILD) return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, [`${root}/node_modules/tsup/dist/cli-default.js`, '--silent'], { cwd: root, stdio: 'inherit' });
}
