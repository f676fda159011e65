import { Box, Text } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';

// A live checklist: one row per check, a spinner while it runs, then ✔ / ⚠ / ✖ / ○.
// Rendered on stderr at an interactive terminal only (src/ui/env.ts decides).

export type ItemStatus = 'running' | 'ok' | 'warn' | 'fail' | 'skip';

export interface ChecklistItem {
  title: string;
  status: ItemStatus;
  /** Replaces the title once the check settles (e.g. with its finding). */
  text?: string;
}

/** The items of one checklist; the reporter writes, the view reads. */
export class ChecklistStore {
  private items: ChecklistItem[] = [];
  private readonly listeners = new Set<() => void>();
  done = false;

  add(title: string): number {
    this.items = [...this.items, { title, status: 'running' }];
    this.emit();
    return this.items.length - 1;
  }

  settle(index: number, status: Exclude<ItemStatus, 'running'>, text?: string) {
    this.items = this.items.map((item, i) => (i === index ? { ...item, status, text } : item));
    this.emit();
  }

  finish() {
    this.done = true;
    this.emit();
  }

  snapshot = () => this.items;
  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  private emit() {
    for (const listener of this.listeners) listener();
  }
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARKS: Record<Exclude<ItemStatus, 'running'>, { mark: string; color: string }> = {
  ok: { mark: '✔', color: 'green' },
  warn: { mark: '⚠', color: 'yellow' },
  fail: { mark: '✖', color: 'red' },
  skip: { mark: '○', color: 'gray' },
};

export function ChecklistView({ title, items, frame = 0, color = true }: { title: string; items: readonly ChecklistItem[]; frame?: number; color?: boolean }) {
  return (
    <Box flexDirection="column">
      <Text bold={color}>{title}</Text>
      {items.map((item, i) => {
        const settled = item.status === 'running' ? undefined : MARKS[item.status];
        return (
          <Text key={i}>
            {'  '}
            {settled ? <Text color={color ? settled.color : undefined}>{settled.mark}</Text> : <Text color={color ? 'cyan' : undefined}>{FRAMES[frame % FRAMES.length]}</Text>} {item.text ?? item.title}
          </Text>
        );
      })}
    </Box>
  );
}

/** The store-bound view with its own spinner clock. */
export function LiveChecklist({ title, store, color = true }: { title: string; store: ChecklistStore; color?: boolean }) {
  const items = useSyncExternalStore(store.subscribe, store.snapshot);
  const [frame, setFrame] = useState(0);
  const running = items.some((i) => i.status === 'running');
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setFrame((f) => f + 1), 80);
    return () => clearInterval(timer);
  }, [running]);
  return <ChecklistView title={title} items={items} frame={frame} color={color} />;
}
