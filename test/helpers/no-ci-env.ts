// Vitest setup file: runs in every worker before a test file is imported, so in-process ink
// renders (is-in-ci is read once, at import) and detectTerminal(process.env) behave the same
// on a laptop and on a CI runner.
import { CI_MARKERS } from './terminal-env.js';

for (const key of CI_MARKERS) delete process.env[key];
