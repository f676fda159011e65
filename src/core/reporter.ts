// How commands tell the user what they are doing without writing to the terminal themselves.
// src/ui implements it (stderr lines, ora spinners at a TTY); tests use a recording fake.

export interface Task {
  succeed(text?: string): void;
  warn(text?: string): void;
  fail(text?: string): void;
  /** Optional: replace a running task's text (progress such as "3/12 clusters"). */
  update?(text: string): void;
}

/** A list of named checks shown as they settle: a live checklist at a terminal, plain lines in CI. */
export interface Checklist {
  /** Starts one check; settle it with succeed (ok or skip), warn or fail. */
  start(title: string): Task & { skip(text?: string): void };
  /** Ends the list (a live view stops and leaves its final frame). */
  end(): Promise<void>;
}

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  task(text: string): Task;
  /** Optional: reporters without a checklist view fall back to `task` lines (see checklistOf). */
  checklist?(title: string): Checklist;
}

/** The reporter's checklist, or one made of its plain tasks. */
export function checklistOf(reporter: Reporter, title: string): Checklist {
  if (reporter.checklist) return reporter.checklist(title);
  return {
    start: (text) => {
      const task = reporter.task(text);
      return { ...task, skip: (t) => task.succeed(t ?? text) };
    },
    end: async () => {},
  };
}

export const silentReporter: Reporter = {
  info: () => {},
  warn: () => {},
  debug: () => {},
  task: () => ({ succeed: () => {}, warn: () => {}, fail: () => {} }),
};
