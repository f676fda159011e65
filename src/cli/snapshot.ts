import type { Command } from 'commander';
import type { CliContext } from './run-action.js';

// Wiring for `podid snapshot`. Until the command lands, src/cli/not-yet.ts lists it as not available.
export function registerSnapshot(_program: Command, _ctx: CliContext) {}
