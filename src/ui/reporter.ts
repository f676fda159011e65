import type { Reporter, Task } from '../core/reporter.js';
import { liveChecklist, plainChecklist } from './checklist.js';
import type { Io } from './io.js';
import type { Terminal } from './env.js';

const style = (color: boolean, code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[39m` : text);

/** stderr progress: an ora spinner per task and a live ink checklist at an interactive terminal, plain lines elsewhere. */
export async function createReporter(io: Io, terminal: Terminal, options: { debug: boolean; quiet?: boolean }): Promise<Reporter> {
  const color = terminal.color && Boolean(io.stderr.isTTY);
  const line = (text: string) => void io.stderr.write(text + '\n');
  const ora = terminal.canAnimate && !options.quiet ? (await import('ora')).default : undefined;
  return {
    info: (message) => !options.quiet && line(message),
    warn: (message) => line(style(color, 33, `warning: ${message}`)),
    debug: (message) => options.debug && line(style(color, 90, `debug: ${message}`)),
    checklist: (title) => (terminal.canAnimate && !options.quiet ? liveChecklist(io.stderr, title, color) : plainChecklist(io.stderr, title, color)),
    task(text): Task {
      if (ora) {
        const spinner = ora({ text, stream: io.stderr as NodeJS.WritableStream, isEnabled: true, color: color ? 'cyan' : false }).start();
        const update = (t: string) => void (spinner.text = t);
        if (color) return { succeed: (t) => spinner.succeed(t), warn: (t) => spinner.warn(t), fail: (t) => spinner.fail(t), update };
        // NO_COLOR / --no-color: the same marks, uncoloured (ora's own symbols carry colour).
        const settle = (symbol: string) => (t?: string) => spinner.stopAndPersist({ symbol, text: t ?? text });
        return { succeed: settle('✔'), warn: settle('⚠'), fail: settle('✖'), update };
      }
      if (options.quiet) return { succeed() {}, warn() {}, fail() {} };
      return {
        succeed: (t) => line(`✔ ${t ?? text}`),
        warn: (t) => line(style(color, 33, `⚠ ${t ?? text}`)),
        fail: (t) => line(style(color, 31, `✖ ${t ?? text}`)),
      };
    },
  };
}
