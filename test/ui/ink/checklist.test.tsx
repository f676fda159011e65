import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { checklistOf, type Reporter } from '../../../src/core/reporter.js';
import { plainChecklist } from '../../../src/ui/checklist.js';
import { ChecklistStore, ChecklistView, LiveChecklist } from '../../../src/ui/ink/Checklist.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ChecklistView', () => {
  it('shows a spinner while running and a mark per settled status', () => {
    const { lastFrame } = render(
      <ChecklistView
        title="Preflight"
        items={[
          { title: 'cluster.active', status: 'ok', text: 'cluster.active: ACTIVE' },
          { title: 'role.trust', status: 'fail', text: 'role.trust: no sts:TagSession' },
          { title: 'sa.exists', status: 'warn' },
          { title: 'session.size', status: 'skip' },
          { title: 'role.passrole', status: 'running' },
        ]}
      />,
    );
    const frame = lastFrame()!;
    expect(frame).toContain('Preflight');
    expect(frame).toContain('✔ cluster.active: ACTIVE');
    expect(frame).toContain('✖ role.trust: no sts:TagSession');
    expect(frame).toContain('⚠ sa.exists');
    expect(frame).toContain('○ session.size');
    expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] role\.passrole/);
  });

  it('follows its store as checks start and settle', async () => {
    const store = new ChecklistStore();
    const { lastFrame, unmount } = render(<LiveChecklist title="Checks" store={store} />);
    const first = store.add('agent.addon');
    await tick();
    expect(lastFrame()).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] agent\.addon/);
    store.settle(first, 'ok', 'agent.addon: ACTIVE');
    store.settle(store.add('pod.injection'), 'fail', 'pod.injection: restart orders/order-notifier');
    await tick();
    expect(lastFrame()).toContain('✔ agent.addon: ACTIVE');
    expect(lastFrame()).toContain('✖ pod.injection: restart orders/order-notifier');
    unmount();
  });
});

describe('plain checklist (CI, pipes)', () => {
  it('prints a heading and one line per settled check, in order', async () => {
    let out = '';
    const list = plainChecklist({ write: (t: string) => (out += t) }, 'Preflight', false);
    const a = list.start('a');
    const b = list.start('b');
    b.warn('b: careful');
    a.succeed();
    a.fail('ignored: a row settles once');
    list.start('c').skip();
    await list.end();
    expect(out).toBe('Preflight\n  ⚠ b: careful\n  ✔ a\n  ○ c\n');
  });

  it('checklistOf falls back to task lines for reporters without a checklist', async () => {
    const lines: string[] = [];
    const reporter: Reporter = {
      info: () => {},
      warn: () => {},
      debug: () => {},
      task: (t) => ({ succeed: (x) => lines.push(`ok ${x ?? t}`), warn: (x) => lines.push(`warn ${x ?? t}`), fail: (x) => lines.push(`fail ${x ?? t}`) }),
    };
    const list = checklistOf(reporter, 'x');
    list.start('one').skip();
    list.start('two').fail('two: broken');
    await list.end();
    expect(lines).toEqual(['ok one', 'fail two: broken']);
  });
});
