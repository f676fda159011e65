import { checklistOf, type Reporter } from '../core/reporter.js';

// Shows computed checks (preflight) as a checklist on stderr: a live view at a terminal, plain
// lines in CI. The checks themselves are pure; this only reports them, one row each.

export interface ShownCheck {
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
}

export async function showChecks(reporter: Reporter, title: string, checks: readonly ShownCheck[]): Promise<void> {
  const list = checklistOf(reporter, title);
  try {
    for (const check of checks) {
      // Titles only: the details and fixes are in the result on stdout.
      const row = list.start(`${check.id}: ${check.title}`);
      const text = `${check.id}: ${check.title}`;
      if (check.status === 'fail') row.fail(text);
      else if (check.status === 'warn') row.warn(text);
      else if (check.status === 'skip') row.skip(text);
      else row.succeed(text);
      await new Promise((resolve) => setImmediate(resolve)); // let a live view draw the row
    }
  } finally {
    await list.end();
  }
}
