// Reading policy text: JSON.parse with a position for errors, and the line of each statement
// (for SARIF locations) from a small scan of the text, without a full JSON parser.

export interface ParsedText {
  document?: unknown;
  error?: { message: string; line: number; column: number };
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

export function parsePolicyText(text: string): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trim()) return { error: { message: 'the file is empty, not a JSON policy', line: 1, column: 1 } };
  try {
    return { document: JSON.parse(body) };
  } catch {
    const { offset, expected } = jsonError(body);
    const pos = lineColumn(body, offset);
    const found = offset >= body.length ? 'end of file' : `'${body[offset]}'`;
    return { error: { message: `not valid JSON: unexpected ${found} at line ${pos.line}, column ${pos.column} (expected ${expected})`, ...pos } };
  }
}

/** Where JSON text first goes wrong: a small recursive-descent scan (only run after JSON.parse failed). */
export function jsonError(text: string): { offset: number; expected: string } {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (expected: string): never => {
    throw { offset: i, expected };
  };
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail('a closing quote');
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail('a closing quote');
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') return container('}', true);
    if (ch === '[') return container(']', false);
    if (ch === '"') return str();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail('a value');
    i += m![0].length;
  };
  const container = (close: string, object: boolean) => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      if (object) {
        ws();
        if (text[i] !== '"') fail('a "key"');
        str();
        ws();
        if (text[i] !== ':') fail("':'");
        i++;
      }
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) return void i++;
      fail(`',' or '${close}'`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail('end of file');
  } catch (error) {
    if (typeof error === 'object' && error && 'offset' in error) return error as { offset: number; expected: string };
    throw error;
  }
  return { offset: 0, expected: 'JSON' };
}

/**
 * Start line (1-based) of each element of the top-level "Statement" (one entry when it is a single
 * object). Returns [] when the text has no top-level Statement. Strings are skipped correctly.
 */
export function locateStatements(text: string): number[] {
  const stack: string[] = [];
  const lines: number[] = [];
  let line = 1;
  let key: string | undefined;
  /** Stack depth of the Statement array while inside it; -1 otherwise. */
  let arrayDepth = -1;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') continue;
    if (expectElement && ch !== ']') lines.push(line);
    expectElement = false;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (stack.length === 1 && stack[0] === '{' && /^\s*:/.test(text.slice(j + 1, j + 20))) key = text.slice(i + 1, j);
      i = j;
    } else if (ch === '{' || ch === '[') {
      if (stack.length === 1 && key === 'Statement' && arrayDepth < 0 && !lines.length) {
        if (ch === '{') lines.push(line);
        else {
          arrayDepth = stack.length + 1;
          expectElement = true;
        }
      }
      stack.push(ch);
    } else if (ch === '}' || ch === ']') {
      if (stack.length === arrayDepth) arrayDepth = -1;
      stack.pop();
    } else if (ch === ',' && stack.length === arrayDepth) {
      expectElement = true;
    }
  }
  return lines;
}
