import type { OutStream } from './io.js';

// `-o json` output for every command, streamed: the document JSON.stringify would give, written in
// pieces, so a large result (a 10,000-entry migration plan is ~45 MB of JSON) never exists as one string.

const FLUSH_AT = 1 << 16;
const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== 'function';

/** `JSON.stringify(v, null, 2)` as it reads `level` levels deep (lines indented by 2·level): native, wrapped in arrays, then cut out. */
function nestedJson(v: unknown, level: number): string {
  let wrapped = v;
  for (let i = 0; i < level; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2) ?? 'null';
  // Each wrapper adds "[\n" + indent before and "\n" + indent + "]" after.
  return text.slice(2 * level + level * (level + 1), text.length - (2 * level + level * (level - 1)));
}

/**
 * Writes exactly `JSON.stringify(value, null, 2) + '\n'` to `out` in pieces of about 64 KiB,
 * without holding the whole text: a 10,000-SA plan is ~45 MB of JSON, and one string of it (plus
 * its copy on write) would take the run over its memory budget (DESIGN.md §4). Containers down to
 * `depth` are walked here; deeper values (an entry, a step) are stringified natively, one by one:
 * each piece stays a small young-generation string (a batch over ~128 KB would go to V8's
 * large-object space and stay until a full GC).
 */
export function writeJson(out: OutStream, value: unknown, depth = 3): void {
  let buffer = '';
  const push = (text: string) => {
    buffer += text;
    if (buffer.length >= FLUSH_AT) {
      out.write(buffer);
      buffer = '';
    }
  };
  const emit = (v: unknown, indent: string, level: number) => {
    if (level >= depth || !isContainer(v)) return push(nestedJson(v, level));
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (!v.length) return push('[]');
      v.forEach((item, i) => {
        push(i ? `,\n${inner}` : `[\n${inner}`);
        emit(item, inner, level + 1);
      });
      return push(`\n${indent}]`);
    }
    let first = true;
    for (const [key, item] of Object.entries(v)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      push(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
      first = false;
      emit(item, inner, level + 1);
    }
    push(first ? '{}' : `\n${indent}}`);
  };
  emit(value, '', 0);
  out.write(`${buffer}\n`);
}
