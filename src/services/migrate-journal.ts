import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import { validateJournal } from '../core/migrate/journal.js';
import type { Journal, JournalRecord } from '../core/migrate/types.js';

// Journal files: written atomically (temp file + rename) before every change and after it, so a
// crash leaves either the previous or the next version, never half a file.

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new UserError(`cannot write ${path}: ${fsReason(error)}`, { hint: 'Choose a path in a folder you can write to.' });
  }
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'a part of the path is a file, not a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** A file system error in words (with its code, for searching). */
function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code) return (error as Error).message;
  return FS_REASONS[code] ? `${FS_REASONS[code]} (${code})` : code;
}

export async function readJournal(path: string): Promise<Journal> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read journal ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`journal ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const { journal, problems } = validateJournal(value);
  if (!journal) throw new UserError(`${path} is not a podid migration journal:\n  ${problems.join('\n  ')}`);
  return journal;
}

/** The journal of a running apply: records change in place and every change is saved before returning. */
export class JournalWriter {
  constructor(
    readonly path: string,
    readonly journal: Journal,
    private readonly now: () => Date,
  ) {}

  async save(): Promise<void> {
    this.journal.updatedAt = this.now().toISOString();
    await writeFileAtomic(this.path, JSON.stringify(this.journal, null, 2) + '\n');
  }

  async start(record: Omit<JournalRecord, 'state' | 'startedAt'>): Promise<JournalRecord> {
    const full: JournalRecord = { ...record, state: 'started', startedAt: this.now().toISOString() };
    this.journal.records.push(full);
    await this.save();
    return full;
  }

  async finish(record: JournalRecord, state: JournalRecord['state'], extra: Partial<Pick<JournalRecord, 'result' | 'error'>> = {}): Promise<void> {
    record.state = state;
    record.finishedAt = this.now().toISOString();
    if (extra.result) record.result = { ...record.result, ...extra.result };
    if (extra.error) record.error = extra.error;
    await this.save();
  }
}
