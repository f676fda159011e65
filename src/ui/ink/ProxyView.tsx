import { Box, render, Text, type Instance } from 'ink';
import { useSyncExternalStore } from 'react';
import type { ProxyStarted } from '../../commands/proxy.js';
import type { RequestEvent } from '../../core/proxy/log.js';
import type { Reporter } from '../../core/reporter.js';
import type { OutStream } from '../io.js';
import { ProxyFeed, ROWS, type ProxyRow, type ProxyStats } from './proxy-model.js';

// `podid proxy` at an interactive terminal: where it listens, counters, and the last requests,
// on stderr (stdout keeps the URL line). Tokens appear only as sha256 prefixes.

export interface ProxyViewProps {
  started: ProxyStarted;
  stats: ProxyStats;
  color?: boolean;
  /** The `podid proxy env …` hint of the footer, with the flags the proxy was started with (--state, --source). */
  envCommand?: string;
}

const COLUMNS: [title: string, width: number][] = [['TIME (UTC)', 12], ['METHOD', 8], ['PATH', 26], ['STATUS', 8], ['DURATION', 10], ['CACHE', 8], ['TOKEN', 20]];

export function ProxyView({ started, stats, color = true, envCommand }: ProxyViewProps) {
  const tint = (name?: string) => (color && name ? name : undefined);
  const { status, cache } = stats;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold={color}>podid proxy</Text> <Text color={tint('cyan')}>{started.url}</Text>
      </Text>
      <Text wrap="truncate-end" dimColor={color}>
        {`  cluster ${started.cluster} · source ${started.source} · host check ${started.hostCheck} · up ${formatUptime(stats.now - stats.startedAt)}`}
      </Text>
      {started.probeUrl ? <Text wrap="truncate-end" dimColor={color}>{`  probes ${started.probeUrl}/healthz /readyz /metrics`}</Text> : null}
      <Text> </Text>
      <Text wrap="truncate-end">
        {`  requests ${stats.requests}   `}
        <Text color={tint(status['2xx'] ? 'green' : undefined)}>{`2xx ${status['2xx']}`}</Text>
        {status['3xx'] ? `   3xx ${status['3xx']}` : ''}
        {'   '}
        <Text color={tint(status['4xx'] ? 'yellow' : undefined)}>{`4xx ${status['4xx']}`}</Text>
        {'   '}
        <Text color={tint(status['5xx'] ? 'red' : undefined)}>{`5xx ${status['5xx']}`}</Text>
        {`   ·   cache hits ${cache.hit}  misses ${cache.miss}  shared ${cache.shared}`}
      </Text>
      <Text wrap="truncate-end">
        {'  upstream errors '}
        {stats.upstreamErrors.length === 0 ? 'none' : <Text color={tint('red')}>{stats.upstreamErrors.map(([code, n]) => `${clean(code)} ×${n}`).join('  ')}</Text>}
      </Text>
      <Text> </Text>
      <Text wrap="truncate-end" bold={color}>{'  ' + COLUMNS.map(([title, width]) => title.padEnd(width)).join('').trimEnd()}</Text>
      {stats.rows.length === 0 ? <Text dimColor={color}>  waiting for requests…</Text> : stats.rows.map((row, i) => <RequestRow key={i} row={row} color={color} />)}
      {stats.lastError ? (
        <Text wrap="truncate-end" color={tint('red')}>{`  last error ${formatClock(stats.lastError.at)} ${stats.lastError.status} ${clean(stats.lastError.message)}`}</Text>
      ) : null}
      {stats.notices.map((notice, i) => (
        <Text key={`n${i}`} wrap="truncate-end" color={tint('yellow')}>{`  ${clean(notice)}`}</Text>
      ))}
      <Text dimColor={color}>{`  Ctrl-C to stop · the last ${ROWS} requests · ${envCommand ?? `podid proxy env -n NS -s SA --port ${started.port}`}`}</Text>
    </Box>
  );
}

function RequestRow({ row, color }: { row: ProxyRow; color: boolean }) {
  const statusColor = row.status >= 500 ? 'red' : row.status >= 400 ? 'yellow' : row.status >= 200 && row.status < 300 ? 'green' : undefined;
  const cells = [formatClock(row.at), clean(row.method), clean(row.path), String(row.status), `${row.durationMs.toFixed(1)}ms`, row.cache ?? '-', row.tokenHash ? `sha256:${row.tokenHash}` : '-'];
  const [at, method, path, code, duration, cacheUse, token] = cells.map((cell, i) => fit(cell, COLUMNS[i][1]));
  return (
    <Text wrap="truncate-end">
      {`  ${at}${method}${path}`}
      <Text color={color ? statusColor : undefined}>{code}</Text>
      {`${duration}${cacheUse}${token}`.trimEnd()}
    </Text>
  );
}

/** The feed-bound view: re-renders only when the feed publishes a snapshot (≤ ~10×/s). */
export function LiveProxyView({ started, feed, color, envCommand }: { started: ProxyStarted; feed: ProxyFeed; color?: boolean; envCommand?: string }) {
  const stats = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  return <ProxyView started={started} stats={stats} color={color} envCommand={envCommand} />;
}

export interface ProxyLiveSession {
  /** The proxy's onRequest hook (O(1); see ProxyFeed). */
  record: (event: RequestEvent) => void;
  /** The reporter to give the proxy: its lines show inside the view while it is mounted. */
  reporter: Reporter;
  mount(started: ProxyStarted): void;
  /** Publishes the last counts, leaves the final frame on screen and stops the view. */
  unmount(): Promise<void>;
}

/** The live view on `stream` (stderr). Use only when the terminal can animate (src/ui/env.ts). */
export function proxyLiveSession(options: { stream: OutStream; color: boolean; debug: boolean; reporter: Reporter; envCommand?: (started: ProxyStarted) => string }): ProxyLiveSession {
  const feed = new ProxyFeed();
  const base = options.reporter;
  let app: Instance | undefined;
  const route = (write: (message: string) => void, prefix: string) => (message: string) => (app ? feed.notice(prefix + message) : write(message));
  return {
    record: feed.record,
    reporter: {
      ...base,
      info: route(base.info, ''),
      warn: route(base.warn, 'warning: '),
      debug: options.debug ? route(base.debug, 'debug: ') : base.debug,
    },
    mount(started) {
      app = render(<LiveProxyView started={started} feed={feed} color={options.color} envCommand={options.envCommand?.(started)} />, {
        stdout: options.stream as NodeJS.WriteStream,
        stderr: options.stream as NodeJS.WriteStream,
        exitOnCtrlC: false,
        // console output (an SDK warning) goes above the frame instead of through it.
        patchConsole: true,
        maxFps: 10,
      });
    },
    async unmount() {
      const mounted = app;
      if (!mounted) return;
      feed.flush();
      app = undefined;
      mounted.unmount();
      await mounted.waitUntilExit();
      feed.stop();
    },
  };
}

export function formatUptime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** HH:MM:SS in UTC, like the ISO times of the plain log lines. */
export const formatClock = (at: number) => new Date(at).toISOString().slice(11, 19);

/** Drops control characters (a path or error text must not move the cursor). */
// eslint-disable-next-line no-control-regex
const clean = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

function fit(text: string, width: number): string {
  return text.length < width ? text.padEnd(width) : `${text.slice(0, width - 2)}… `;
}
