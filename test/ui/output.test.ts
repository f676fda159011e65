import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderResult } from '../../src/ui/output.js';
import { renderTable } from '../../src/ui/render/table.js';

describe('renderResult', () => {
  const result = { items: [{ name: 'a', count: 2 }] };
  const renderers = { table: (r: typeof result) => renderTable(r.items, [{ header: 'name', value: (i) => i.name }, { header: 'count', value: (i) => i.count }]) };

  it('json is one document with schemaVersion', async () => {
    expect(JSON.parse(await renderResult(result, 'json', renderers, { color: false }))).toEqual({ schemaVersion: 1, ...result });
  });

  it('yaml carries the same document', async () => {
    expect(parseYaml(await renderResult(result, 'yaml', renderers, { color: false }))).toEqual({ schemaVersion: 1, ...result });
  });

  it('table aligns columns and shows empty cells as -', () => {
    const text = renderTable([{ a: 'x', b: '' }, { a: 'longer', b: 'y' }], [{ header: 'a', value: (r) => r.a }, { header: 'b', value: (r) => r.b }]);
    expect(text).toBe('A        B\nx        -\nlonger   y\n');
  });
});
