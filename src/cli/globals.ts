import { Command, Option } from 'commander';
import type { OutputFormat } from '../ui/output.js';

export interface GlobalOptions {
  region?: string;
  profile?: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  output: OutputFormat;
  state?: string;
  color: boolean;
  debug: boolean;
}

const FORMAT_NAMES: readonly OutputFormat[] = ['table', 'json', 'yaml', 'sarif', 'markdown', 'csv'];

/**
 * The global options of DESIGN.md §1. They are declared on the program and on every leaf command,
 * so they work before or after the subcommand; the leaf's value wins.
 */
export function addGlobalOptions(cmd: Command, formats: readonly OutputFormat[] = ['table', 'json', 'yaml'], opts: { output?: boolean } = {}): Command {
  cmd
    .option('--region <region>', 'AWS region (default: from the SDK chain: AWS_REGION, profile)')
    .option('--profile <name>', 'AWS shared-config profile')
    .option('-c, --cluster <name>', 'EKS cluster name (or ARN)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current-context)')
    .option('--state <file>', 'use a local state file instead of AWS and Kubernetes')
    .option('--no-color', 'never colour output (also: NO_COLOR)')
    .option('--debug', 'log API calls and show stack traces');
  if (opts.output !== false) cmd.addOption(new Option('-o, --output <format>', `output format: ${formats.join('|')}`).choices(formats as string[]));
  return cmd;
}

export function programGlobalOptions(program: Command): Command {
  return addGlobalOptions(program, FORMAT_NAMES);
}

/**
 * Merge program and leaf options: a value the user gave (command line or env) wins over a default,
 * and the leaf wins over the program. (commander's optsWithGlobals lets the program's default of
 * `--no-color` override `podid doctor --no-color`.)
 */
export function resolveGlobals(cmd: Command): GlobalOptions & Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const merged: Partial<GlobalOptions> & Record<string, unknown> = {};
  const given = new Set<string>();
  for (const c of chain) {
    for (const [key, value] of Object.entries(c.opts())) {
      const source = c.getOptionValueSource(key);
      const isDefault = source === undefined || source === 'default' || source === 'implied';
      if (value === undefined || (isDefault && given.has(key))) continue;
      merged[key] = value;
      if (!isDefault) given.add(key);
    }
  }
  return { ...merged, output: merged.output ?? 'table', color: merged.color !== false, debug: Boolean(merged.debug) };
}
