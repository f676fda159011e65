// How commands tell the user what they are doing without writing to the terminal themselves.
// src/ui implements it (stderr lines, ora spinners at a TTY); tests use a recording fake.

export interface Task {
  succeed(text?: string): void;
  warn(text?: string): void;
  fail(text?: string): void;
}

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  task(text: string): Task;
}

export const silentReporter: Reporter = {
  info: () => {},
  warn: () => {},
  debug: () => {},
  task: () => ({ succeed: () => {}, warn: () => {}, fail: () => {} }),
};
