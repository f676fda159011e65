// Plain aligned columns, like kubectl: no borders, so output stays grep- and copy-friendly.

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | undefined | null;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string) => text.replace(ANSI, '').length;

export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => formatCell(column.value(row))));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = headers.map((header, i) => Math.max(visibleLength(header), ...cells.map((line) => visibleLength(line[i]))));
  const pad = (text: string, i: number) => (i === widths.length - 1 ? text : text + ' '.repeat(widths[i] - visibleLength(text)));
  return [headers, ...cells].map((line) => line.map(pad).join('   ').trimEnd()).join('\n') + '\n';
}

function formatCell(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null || value === '') return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** "Key: value" lines for one object (describe views). */
export function renderFields(fields: ReadonlyArray<readonly [string, string | number | boolean | undefined | null]>): string {
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields.map(([key, value]) => `${(key + ':').padEnd(width + 2)}${formatCell(value)}`).join('\n') + '\n';
}
