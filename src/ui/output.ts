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
  if (format === 'yaml') return toPortableYaml(machineDocument(result));
  const render = renderers[format];
  if (!render) throw new Error(`no ${format} renderer`);
  return render(result, ctx);
}

/**
 * YAML that reads back the same under YAML 1.1 (PyYAML, older Go/Ruby parsers) and 1.2: the 1.1
 * schema quotes strings such as "2012-10-17", "on", "no" or "12:30" that 1.1 would read as dates,
 * booleans or numbers; 0o17 is the one plain form only 1.2 reads as a number, and `<<` (merge key)
 * and `=` (value key) are 1.1 tags PyYAML cannot load as strings, so those are quoted too.
 */
export async function toPortableYaml(value: unknown): Promise<string> {
  const { Document, visit } = await import('yaml');
  // Without the merge tag, a `<<` string is a plain scalar that the visitor below can quote.
  const doc = new Document(value, { version: '1.1', customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:merge') });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && (/^[-+]?0o[0-7]+$/.test(node.value) || node.value === '<<' || node.value === '=')) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString();
}
