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

  it('yaml reads back the same under YAML 1.1 (PyYAML) and 1.2', async () => {
    const tricky = { Version: '2012-10-17', sessionTags: 'on', off: 'no', time: '12:30', octal: '0o17', hex: '0x1F', tilde: '~', plain: 'Allow', n: 3, b: true, '<<': '=', tags: { '=': '<<' } };
    const text = await renderResult({ tricky }, 'yaml', renderers as never, { color: false });
    expect(parseYaml(text)).toEqual({ schemaVersion: 1, tricky });
    expect(parseYaml(text, { version: '1.1' })).toEqual({ schemaVersion: 1, tricky });
    expect(text).toContain('Version: "2012-10-17"');
    expect(text).toContain('plain: Allow');
  });

  it('table aligns columns and shows empty cells as -', () => {
    const text = renderTable([{ a: 'x', b: '' }, { a: 'longer', b: 'y' }], [{ header: 'a', value: (r) => r.a }, { header: 'b', value: (r) => r.b }]);
    expect(text).toBe('A        B\nx        -\nlonger   y\n');
  });
});
