import type { Checklist } from '../core/reporter.js';

// Shows computed checks (preflight) as rows of a checklist on stderr: a live view at a terminal,
// plain lines in CI. The checks themselves are pure; this only reports them, one row each, after
// the rows of the reads that produced their facts. The caller ends the list.

export interface ShownCheck {
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
}

export async function showChecks(list: Checklist, checks: readonly ShownCheck[]): Promise<void> {
  for (const check of checks) {
    // Titles only: the details and fixes are in the result on stdout.
    const text = `${check.id}: ${check.title}`;
    const row = list.start(text);
    if (check.status === 'fail') row.fail(text);
    else if (check.status === 'warn') row.warn(text);
    else if (check.status === 'skip') row.skip(text);
    else row.succeed(text);
    await new Promise((resolve) => setImmediate(resolve)); // let a live view draw the row
  }
}
