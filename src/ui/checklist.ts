import type { Checklist, Task } from '../core/reporter.js';
import type { OutStream } from './io.js';

// Checklists for the reporter: a live ink view at an interactive terminal, plain lines elsewhere.

type Settle = 'ok' | 'warn' | 'fail' | 'skip';

const MARK: Record<Settle, string> = { ok: '✔', warn: '⚠', fail: '✖', skip: '○' };
const COLOR: Record<Settle, number> = { ok: 32, warn: 33, fail: 31, skip: 90 };

function taskOf(settle: (status: Settle, text?: string) => void): Task & { skip(text?: string): void } {
  return {
    succeed: (text) => settle('ok', text),
    warn: (text) => settle('warn', text),
    fail: (text) => settle('fail', text),
    skip: (text) => settle('skip', text),
  };
}

/** CI and pipes: a heading, then one line per check as it settles. */
export function plainChecklist(stream: OutStream, title: string, color: boolean): Checklist {
  let headed = false;
  return {
    start(checkTitle) {
      if (!headed) stream.write(`${title}\n`);
      headed = true;
      let settled = false;
      return taskOf((status, text) => {
        if (settled) return;
        settled = true;
        const mark = color ? `\u001b[${COLOR[status]}m${MARK[status]}\u001b[39m` : MARK[status];
        stream.write(`  ${mark} ${text ?? checkTitle}\n`);
      });
    },
    end: async () => {},
  };
}

/** At a terminal: the ink LiveChecklist on `stream` (stderr). ink loads in the background on first use. */
export function liveChecklist(stream: OutStream, title: string, color = true): Checklist {
  const view = import('./ink/Checklist.js').then(async ({ ChecklistStore, LiveChecklist }) => {
    const [{ render }, { createElement }] = await Promise.all([import('ink'), import('react')]);
    const store = new ChecklistStore();
    const app = render(createElement(LiveChecklist, { title, store, color }), {
      stdout: stream as NodeJS.WriteStream,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    return { store, app };
  });
  return {
    start(checkTitle) {
      const index = view.then(({ store }) => store.add(checkTitle));
      let settled = false;
      return taskOf((status, text) => {
        if (settled) return;
        settled = true;
        void Promise.all([view, index]).then(([{ store }, i]) => store.settle(i, status, text));
      });
    },
    async end() {
      const { store, app } = await view;
      await new Promise((resolve) => setImmediate(resolve)); // let pending settles land
      store.finish();
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
