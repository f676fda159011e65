#!/usr/bin/env node
import { run } from '../dist/main.js';

// `podid … | head`: the reader went away; stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

// Ctrl-C: exit 130 with a word, unless the running command shuts down gracefully itself
// (proxy, exec mark their listeners; see ownSignalHandler in src/cli/run-action.ts).
process.on('SIGINT', () => {
  if (process.listeners('SIGINT').some((listener) => listener[Symbol.for('podid.handlesSignal')])) return;
  process.stderr.write('\npodid: interrupted\n');
  process.exit(130);
});

process.exitCode = await run(process.argv.slice(2));
