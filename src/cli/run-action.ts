import type { Command } from 'commander';
import { isAwsRegion } from '../core/region.js';
import { UsageError } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import { detectTerminal, type Terminal } from '../ui/env.js';
import type { Io } from '../ui/io.js';
import type { OutputFormat, Renderers } from '../ui/output.js';
import { resolveGlobals, type GlobalOptions } from './globals.js';

export interface CliContext {
  io: Io;
  exitCode: number;
  /** Help that commander prints for a group run without a subcommand (shown with the usage error). */
  helpOnError?: string;
}

export interface ActionEnv {
  globals: GlobalOptions & Record<string, unknown>;
  io: Io;
  terminal: Terminal;
  reporter: Reporter;
}

export interface Outcome<R extends object> {
  result: R;
  renderers: Renderers<R>;
  /** Defaults to 0. */
  exitCode?: number;
}

/**
 * Wraps a commander action: resolves globals, builds the reporter, runs the (lazily imported)
 * command, renders its result on stdout and records the exit code. Errors propagate to main.ts.
 */
export function action<R extends object>(ctx: CliContext, handler: (env: ActionEnv, args: string[]) => Promise<Outcome<R> | void>) {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const args = cmd.args ?? [];
    const globals = resolveGlobals(cmd);
    checkOutputFormat(cmd, globals.output);
    if (globals.region !== undefined && !isAwsRegion(globals.region)) throw new UsageError(`option '--region': '${globals.region}' is not an AWS region (e.g. us-west-2)`);
    const machine = globals.output === 'json' || globals.output === 'yaml' || globals.output === 'sarif' || globals.output === 'csv';
    const terminal = detectTerminal(ctx.io, { noColor: !globals.color, machineOutput: machine });
    const { createReporter } = await import('../ui/reporter.js');
    const reporter = await createReporter(ctx.io, terminal, { debug: globals.debug });
    const outcome = await handler({ globals, io: ctx.io, terminal, reporter }, args);
    if (!outcome) return;
    const { renderResult, machineDocument } = await import('../ui/output.js');
    if (globals.output !== 'json' && globals.output !== 'yaml' && !outcome.renderers[globals.output]) {
      throw new UsageError(`option '-o, --output' does not support '${globals.output}' for this command`);
    }
    if (globals.output === 'json') {
      // Streamed: the same document as JSON.stringify, without holding it as one string.
      const { writeJson } = await import('../ui/json-stream.js');
      writeJson(ctx.io.stdout, machineDocument(outcome.result));
    } else {
      ctx.io.stdout.write(await renderResult(outcome.result, globals.output as OutputFormat, outcome.renderers, { color: terminal.color }));
    }
    ctx.exitCode = outcome.exitCode ?? 0;
  };
}

/** Parses `k=v` flags (tags, contexts) into a record; a malformed item is a usage error naming the flag. */
export function parseKeyValues(flag: string, items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`option '${flag}' expects key=value, got '${item}'`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Builds the ports for the chosen backend (--state, or AWS + Kubernetes; --manifests for Kubernetes objects). */
export async function backendFor(env: ActionEnv, extra: { manifests?: string[] } = {}) {
  const { makeDeps } = await import('../deps.js');
  return makeDeps({ ...env.globals, ...extra }, env.io, env.reporter);
}

/** A format given before the subcommand (`podid -o sarif associate …`) is checked before anything runs. */
function checkOutputFormat(cmd: Command, format: string) {
  const choices = cmd.options.find((o) => o.long === '--output')?.argChoices;
  if (choices && !choices.includes(format)) {
    throw new UsageError(`option '-o, --output' argument '${format}' is invalid for 'podid ${cmd.parent?.parent ? `${cmd.parent.name()} ` : ''}${cmd.name()}'. Allowed choices are ${choices.join(', ')}.`);
  }
}

/**
 * Marks a SIGINT/SIGTERM listener as a command's own graceful handler (proxy, exec). bin/podid.js
 * then leaves the signal to it; otherwise an interrupt ends podid at once with exit 130.
 */
const HANDLES_SIGNAL = Symbol.for('podid.handlesSignal');
export function ownSignalHandler<T extends (...args: never[]) => unknown>(handler: T): T {
  return Object.assign(handler, { [HANDLES_SIGNAL]: true });
}
