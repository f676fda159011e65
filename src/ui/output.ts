// Result rendering: one JSON/YAML document with a schemaVersion for machines, renderers for people.

export const SCHEMA_VERSION = 1;

export type OutputFormat = 'table' | 'json' | 'yaml' | 'sarif' | 'markdown' | 'csv';
export const BASE_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

export interface RenderContext {
  color: boolean;
}

/** Renderers a command offers beyond json and yaml, which every command gets for free. */
export type Renderers<R> = Partial<Record<Exclude<OutputFormat, 'json' | 'yaml'>, (result: R, ctx: RenderContext) => string>>;

export function machineDocument(result: object): Record<string, unknown> {
  return { schemaVersion: SCHEMA_VERSION, ...result };
}

export async function renderResult<R extends object>(result: R, format: OutputFormat, renderers: Renderers<R>, ctx: RenderContext): Promise<string> {
  if (format === 'json') return JSON.stringify(machineDocument(result), null, 2) + '\n';
  // yaml is loaded only when asked for: it is the heaviest module on the fast paths (policy trust).
  if (format === 'yaml') return (await import('yaml')).stringify(machineDocument(result));
  const render = renderers[format];
  if (!render) throw new Error(`no ${format} renderer`);
  return render(result, ctx);
}
