import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { UserError } from '../../core/errors.js';
import { parseState, type StateDocument } from './schema.js';

// Reading and atomically writing the local state file.

export async function readStateFile(path: string): Promise<StateDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read state file ${path}: ${code === 'ENOENT' ? 'no such file' : code}`, {
      hint: 'Create one with `podid local init --demo FILE` or `podid snapshot -c CLUSTER -o FILE`.',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`state file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = parseState(json);
  if (!parsed.ok) throw new UserError(`state file ${path} is invalid:\n  ${parsed.problems.join('\n  ')}`);
  return parsed.state;
}

/** Write to a temporary file beside the target, then rename: a crash never leaves a half-written state. */
export async function writeStateFile(path: string, state: StateDocument, options: { mode?: number } = {}): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, JSON.stringify(state, null, 2) + '\n', { mode: options.mode ?? 0o600 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new UserError(`cannot write state file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
