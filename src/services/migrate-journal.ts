import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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

type LoadedJournal = { journal: Journal } | { unreadable: Error } | { notJson: Error } | { problems: string[] };

/** Reads, parses and validates a journal file, saying which step failed. */
async function loadJournal(path: string): Promise<LoadedJournal> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { unreadable: error as Error };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { notJson: error as Error };
  }
  const { journal, problems } = validateJournal(value);
  return journal ? { journal } : { problems };
}

const errnoOf = (error: Error) => (error as NodeJS.ErrnoException).code;

export async function readJournal(path: string): Promise<Journal> {
  const loaded = await loadJournal(path);
  if ('journal' in loaded) return loaded.journal;
  if ('unreadable' in loaded) throw new UserError(`cannot read journal ${path}: ${errnoOf(loaded.unreadable) === 'ENOENT' ? 'no such file' : loaded.unreadable.message}`);
  if ('notJson' in loaded) throw new UserError(`journal ${path} is not valid JSON: ${loaded.notJson.message}`);
  throw new UserError(`${path} is not a podid migration journal:\n  ${loaded.problems.join('\n  ')}`);
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

/** An explicit --journal: created here, refused when the file exists (exit 1), never overwritten. */
export async function claimJournal(path: string): Promise<string> {
  if (await claim(path)) return path;
  const existing = await existingJournal(path);
  const elsewhere = 'pass another --journal (or none: a new file under .podid/)';
  if (typeof existing === 'string') {
    throw new UserError(`${path} already exists and is not a podid migration journal (${existing}); podid does not overwrite it`, { hint: `Choose another path: ${elsewhere}.` });
  }
  const hint =
    existing.status === 'rolled-back' ? `That run was rolled back and cannot be resumed: ${elsewhere}.`
    : existing.status === 'done' ? `That run finished, so there is nothing to resume: ${elsewhere}.`
    : `Continue that run with: podid migrate-irsa --resume ${path}  — or ${elsewhere}.`;
  throw new UserError(`journal ${path} already exists; a journal is the only record of its run, so podid does not overwrite it`, { hint });
}

/** The journal in an existing file, or why it is not one (so a hint never suggests --resume of a file --resume refuses). */
async function existingJournal(path: string): Promise<Journal | string> {
  const loaded = await loadJournal(path);
  if ('journal' in loaded) return loaded.journal;
  if ('unreadable' in loaded) return `cannot read it: ${errnoOf(loaded.unreadable) ?? loaded.unreadable.message}`;
  if ('notJson' in loaded) return 'not JSON';
  return `${loaded.problems[0]}${loaded.problems.length > 1 ? ', …' : ''}`;
}

/** `.podid/migrate-<cluster>-<time with ms>-<random>.json` under cwd, created exclusively: two runs never share one. */
export async function claimDefaultJournal(cwd: string, cluster: string, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/:/g, '');
  for (let attempt = 0; attempt < 5; attempt++) {
    const path = join(resolve(cwd), '.podid', `migrate-${cluster}-${stamp}-${randomBytes(3).toString('hex')}.json`);
    if (await claim(path)) return path;
  }
  throw new UserError(`cannot create a new journal under ${join(resolve(cwd), '.podid')}: every name tried exists`, { hint: 'Pass --journal FILE.' });
}

/**
 * Creates an empty file at `path` unless one exists (O_EXCL): false when it exists. Other errors are
 * left to the journal's first write, which names the path and the reason.
 */
async function claim(path: string): Promise<boolean> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (error as NodeJS.ErrnoException).path === path) return false;
  }
  return true;
}
