import { Box, render, Text, useApp, useInput, type Key } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { initialReview, isSelectable, review, visibleRows, type ReviewAction } from '../../core/migrate/select.js';
import type { MigrationPlan, PlanEntry, Risk } from '../../core/migrate/types.js';
import type { OutStream } from '../io.js';

// `podid migrate-irsa --interactive`: the plan's entries in a list (↑/↓ move, space toggles a
// pending entry, a = all/none, enter applies the chosen ones, q/esc quits) with a details pane
// for the focused entry. Rendered on stderr; it only reports the choice, the CLI applies it.

export type ReviewOutcome = { kind: 'apply'; entries: string[] } | { kind: 'quit' } | { kind: 'interrupt' };

export interface MigrateReviewProps {
  plan: MigrationPlan;
  onDone: (outcome: ReviewOutcome) => void;
  /** Rows of the entry list (it scrolls beyond). */
  height?: number;
  color?: boolean;
}

export const KEY_HELP = '↑/↓ move · space toggle · a all/none · enter apply selected · q quit';

const STATUS_COLOR: Record<PlanEntry['status'], string> = { pending: 'green', done: 'gray', blocked: 'red', skipped: 'yellow' };
const RISK_MARK: Record<Risk['level'], string> = { info: 'ℹ', warn: '⚠', block: '✖', skip: '○' };

/** "role/name" of an ARN; a bridge shows its target too. */
export function roleLabel(entry: PlanEntry): string {
  const short = (arn: string) => (arn.includes(':role/') ? arn.slice(arn.indexOf(':role/') + 1) : arn);
  const a = entry.association;
  if (a?.targetRoleArn) return `${short(a.roleArn)} → ${a.targetRoleArn}`;
  return short(a?.roleArn ?? entry.irsaRoleArn);
}

const riskIds = (entry: PlanEntry) => [...new Set(entry.risks.filter((r) => r.level === 'info' || r.level === 'warn').map((r) => r.id))].join(', ');

function keyAction(input: string, key: Key): ReviewAction | undefined {
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.pageUp) return 'page-up';
  if (key.pageDown) return 'page-down';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (input === ' ') return 'toggle';
  if (input === 'a') return 'all';
  return undefined;
}

export function MigrateReview({ plan, onDone, height = 12, color = true }: MigrateReviewProps) {
  const { exit } = useApp();
  const [state, setState] = useState(() => initialReview(plan.entries));
  const [hint, setHint] = useState<string>();
  const [done, setDone] = useState<ReviewOutcome>();
  const pending = useMemo(() => plan.entries.filter(isSelectable).length, [plan]);
  // Keys can arrive faster than renders: the latest state and the outcome live in refs too.
  const latest = useRef(state);
  const finished = useRef(false);
  const finish = (outcome: ReviewOutcome) => {
    finished.current = true;
    setDone(outcome);
  };

  useInput(
    (input, key) => {
      if (finished.current) return;
      if (key.ctrl && input === 'c') return finish({ kind: 'interrupt' });
      if (input === 'q' || key.escape) return finish({ kind: 'quit' });
      if (key.return) {
        const { selected } = latest.current;
        if (selected.length) return finish({ kind: 'apply', entries: [...selected] });
        return setHint('nothing selected: space selects an entry, q quits without changes');
      }
      const action = keyAction(input, key);
      if (!action) return;
      latest.current = review(plan.entries, latest.current, action, height);
      setHint(undefined);
      setState(latest.current);
    },
    { isActive: !done },
  );

  useEffect(() => {
    if (!done) return;
    onDone(done);
    exit();
  }, [done]);

  if (done) return <Outcome outcome={done} pending={pending} color={color} />;
  const tint = (name?: string) => (color && name ? name : undefined);
  const focused = plan.entries[state.cursor];
  const { start, end } = visibleRows(state.cursor, plan.entries.length, height);
  const shown = plan.entries.slice(start, end);
  const width = { id: Math.max(...shown.map((e) => e.id.length), 5), role: Math.max(...shown.map((e) => roleLabel(e).length), 4) };
  const s = plan.summary;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold={color}>podid migrate-irsa</Text>
        {` — cluster ${plan.cluster.name} · ${s.pending} pending, ${s.done} done, ${s.blocked} blocked, ${s.skipped} skipped · `}
        <Text color={tint('cyan')}>{`${state.selected.length} of ${pending} selected`}</Text>
      </Text>
      <Text wrap="truncate-end" dimColor={color}>{`  ${KEY_HELP}`}</Text>
      <Text> </Text>
      {start > 0 ? <Text dimColor={color}>{`    ↑ ${start} more`}</Text> : null}
      {shown.map((entry, i) => (
        <Row key={entry.id} entry={entry} focused={start + i === state.cursor} chosen={state.selected.includes(entry.id)} width={width} tint={tint} color={color} />
      ))}
      {end < plan.entries.length ? <Text dimColor={color}>{`    ↓ ${plan.entries.length - end} more`}</Text> : null}
      {hint ? <Text color={tint('yellow')}>{`  ${hint}`}</Text> : null}
      {focused ? <Details entry={focused} plan={plan} tint={tint} color={color} /> : null}
    </Box>
  );
}

type Tint = (name?: string) => string | undefined;

function Row({ entry, focused, chosen, width, tint, color }: { entry: PlanEntry; focused: boolean; chosen: boolean; width: { id: number; role: number }; tint: Tint; color: boolean }) {
  const mark = !isSelectable(entry) ? ' – ' : chosen ? '[x]' : '[ ]';
  const steps = `${entry.steps.length} step${entry.steps.length === 1 ? '' : 's'}`;
  const risks = riskIds(entry);
  return (
    <Text wrap="truncate-end" bold={focused && color}>
      <Text color={tint(focused ? 'cyan' : undefined)}>{focused ? '❯ ' : '  '}</Text>
      {`${mark} ${entry.id.padEnd(width.id)}  `}
      <Text color={tint(STATUS_COLOR[entry.status])}>{entry.status.padEnd(7)}</Text>
      {`  ${steps.padEnd(8)}  ${roleLabel(entry).padEnd(width.role)}${risks ? `  ${risks}` : ''}`.trimEnd()}
    </Text>
  );
}

const MAX_STEPS = 8;

function Details({ entry, plan, tint, color }: { entry: PlanEntry; plan: MigrationPlan; tint: Tint; color: boolean }) {
  const steps = useMemo(() => new Map(plan.steps.map((s) => [s.id, s])), [plan]);
  const restarts = entry.restart.map((w) => `${w.kind.toLowerCase()}/${w.name}`);
  const role = entry.association?.targetRoleArn ? `${entry.association.roleArn} → ${entry.association.targetRoleArn}` : (entry.association?.roleArn ?? entry.irsaRoleArn);
  const risks = entry.risks.filter((r) => r.level === 'info' || r.level === 'warn');
  const describe = (id: string) => {
    const step = steps.get(id);
    if (!step) return id;
    return step.kind === 'restart' && !plan.options.restart ? `${step.description} (waits: pass --restart)` : step.description;
  };
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold={color}>{`── ${entry.id} (${entry.status})`}</Text>
      <Text wrap="truncate-end">{`  role   ${role}`}</Text>
      <Text wrap="truncate-end">{`  pods   ${entry.pods}${restarts.length ? ` · restart: ${restarts.join(', ')}` : ''}`}</Text>
      {entry.reason ? <Indented text={`${entry.status}: ${entry.reason}`} by={2} color={tint(STATUS_COLOR[entry.status])} /> : null}
      {entry.fix ? <Indented text={`fix: ${entry.fix}`} by={2} /> : null}
      {entry.steps.length ? <Text>{'  steps'}</Text> : null}
      {entry.steps.slice(0, MAX_STEPS).map((id, i) => (
        <Text key={id} wrap="truncate-end">{`    ${i + 1}. ${describe(id)}`}</Text>
      ))}
      {entry.steps.length > MAX_STEPS ? <Text dimColor={color}>{`    … ${entry.steps.length - MAX_STEPS} more`}</Text> : null}
      {risks.length ? <Text>{'  risks'}</Text> : null}
      {risks.map((r, i) => (
        <Box key={i} flexDirection="column">
          <Indented text={`${RISK_MARK[r.level]} ${r.id}: ${r.message}`} by={4} color={tint(r.level === 'warn' ? 'yellow' : undefined)} />
          {r.fix ? <Indented text={`fix: ${r.fix}`} by={6} /> : null}
        </Box>
      ))}
    </Box>
  );
}

/** Text that wraps under its own first column. */
function Indented({ text, by, color }: { text: string; by: number; color?: string }) {
  return (
    <Box paddingLeft={by}>
      <Text color={color}>{text}</Text>
    </Box>
  );
}

function Outcome({ outcome, pending, color }: { outcome: ReviewOutcome; pending: number; color: boolean }) {
  if (outcome.kind === 'apply') {
    const list = outcome.entries.length > 5 ? `${outcome.entries.slice(0, 5).join(', ')}, …` : outcome.entries.join(', ');
    return <Text wrap="truncate-end" bold={color}>{`Applying ${outcome.entries.length} of ${pending} pending entr${pending === 1 ? 'y' : 'ies'}: ${list}`}</Text>;
  }
  return <Text>{`${outcome.kind === 'quit' ? 'Quit' : 'Interrupted'}: nothing applied.`}</Text>;
}

/** Shows the review on `stderr`, reading keys from `stdin`; resolves with the user's choice once the view is gone. */
export async function reviewPlan(plan: MigrationPlan, streams: { stdin: NodeJS.ReadableStream; stderr: OutStream & { rows?: number } }, opts: { color: boolean }): Promise<ReviewOutcome> {
  let outcome: ReviewOutcome = { kind: 'quit' };
  const rows = streams.stderr.rows ?? 24;
  const height = Math.max(3, Math.min(15, rows - 18));
  const app = render(<MigrateReview plan={plan} height={height} color={opts.color} onDone={(o) => (outcome = o)} />, {
    stdout: streams.stderr as NodeJS.WriteStream,
    stdin: streams.stdin as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await app.waitUntilExit();
  return outcome;
}
