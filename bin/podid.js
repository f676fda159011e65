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

// The run gets a copy of the environment taken before podid changes anything in process.env (it
// turns the AWS SDK's Node-version warning off for itself): what `podid exec` hands its command
// is then the caller's environment, not podid's.
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: { ...process.env }, cwd: process.cwd() };
process.exitCode = await run(process.argv.slice(2), io);
