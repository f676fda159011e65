#!/usr/bin/env node
import { run } from '../dist/main.js';

// `podid … | head`: the reader went away; stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await run(process.argv.slice(2));
