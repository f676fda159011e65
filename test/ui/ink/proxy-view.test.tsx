import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHttpServer } from '../../../src/adapters/http/server.js';
import type { ProxyStarted } from '../../../src/commands/proxy.js';
import type { RequestEvent } from '../../../src/core/proxy/log.js';
import type { ProxyOutcome } from '../../../src/core/proxy/types.js';
import { formatUptime, LiveProxyView, ProxyView } from '../../../src/ui/ink/ProxyView.js';
import { ProxyCounters, ProxyFeed, upstreamCode } from '../../../src/ui/ink/proxy-model.js';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');
const STARTED: ProxyStarted = { url: 'http://127.0.0.1:41234/v1/credentials', host: '127.0.0.1', port: 41234, cluster: 'demo', source: 'local', hostCheck: 'loopback' };
const HASH = '0123456789ab';

const ok = (cache: RequestEvent['cache'], durationMs = 1.25): RequestEvent => ({ method: 'GET', path: '/v1/credentials', status: 200, durationMs, cache, tokenHash: HASH });
const EXPIRED: RequestEvent = { method: 'GET', path: '/v1/credentials', status: 400, durationMs: 0.4, tokenHash: 'fedcba987654', error: 'Service account token failed basic claim validations: token is expired' };
const UPSTREAM = (code: string, status = 400): RequestEvent => ({ method: 'GET', path: '/v1/credentials', status, durationMs: 12, cache: 'miss', tokenHash: HASH, error: `[req-1]: (${code}): no association, fault: client` });

/** Times, durations and the uptime vary; the frames below are otherwise exact. */
const frameOf = (text: string | undefined) => (text ?? '').split('\n').map((line) => line.trimEnd()).join('\n');

describe('ProxyCounters (aggregation)', () => {
  it('counts statuses, cache use and upstream errors by code; keeps the last rows in order', () => {
    const counters = new ProxyCounters(T0, 3);
    const events = [ok('miss'), ok('hit'), ok('hit'), ok('shared'), EXPIRED, UPSTREAM('AccessDeniedException'), UPSTREAM('AccessDeniedException'), { ...UPSTREAM('x', 500), error: '[]' }];
    events.forEach((event, i) => counters.record(event, T0 + i * 1000));
    counters.record({ method: 'GET', path: '/v1//credentials', status: 301, durationMs: 0.1 }, T0 + 9000);
    const stats = counters.snapshot(T0 + 10_000);
    expect(stats).toMatchObject({
      requests: 9,
      status: { '2xx': 4, '3xx': 1, '4xx': 3, '5xx': 1 },
      cache: { hit: 2, miss: 4, shared: 1 },
      upstreamErrors: [['AccessDeniedException', 2], ['500', 1]],
      lastError: { at: T0 + 7000, status: 500, message: '[]' },
    });
    expect(stats.rows.map((r) => [r.at - T0, r.status])).toEqual([[6000, 400], [7000, 500], [9000, 301]]);
  });

  it('keeps the newest `rows` requests, oldest first', () => {
    const counters = new ProxyCounters(T0, 3);
    for (let i = 0; i < 5; i++) counters.record({ ...ok('hit'), status: 200 + i }, T0 + i);
    expect(counters.snapshot(T0).rows.map((r) => r.status)).toEqual([202, 203, 204]);
  });

  it('reads the code of an agent error body, else the status', () => {
    expect(upstreamCode('[a1b2]: (InvalidTokenException): token is expired, fault: client', 400)).toBe('InvalidTokenException');
    expect(upstreamCode('[]', 500)).toBe('500');
    expect(upstreamCode('connect ECONNREFUSED 127.0.0.1:1', 500)).toBe('500');
  });

  it('a snapshot does not change when more events arrive', () => {
    const counters = new ProxyCounters(T0);
    counters.record(ok('miss'), T0);
    const before = counters.snapshot(T0);
    counters.record(EXPIRED, T0);
    expect(before.requests).toBe(1);
    expect(before.status['4xx']).toBe(0);
  });
});

describe('ProxyFeed (throttling)', () => {
  afterEach(() => void vi.useRealTimers());

  it('publishes at most one snapshot per 100 ms however many requests arrive, and none per request', () => {
    vi.useFakeTimers({ now: T0 });
    const feed = new ProxyFeed();
    let published = 0;
    const unsubscribe = feed.subscribe(() => published++);
    for (let ms = 0; ms < 1000; ms++) {
      for (let i = 0; i < 50; i++) feed.record(ok('hit'));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    expect(feed.getSnapshot().requests).toBe(50_000);
    expect(published).toBeGreaterThanOrEqual(9);
    expect(published).toBeLessThanOrEqual(11);
    unsubscribe();
  });

  it('the first request shows at once; the snapshot object is stable between publications', () => {
    vi.useFakeTimers({ now: T0 });
    const feed = new ProxyFeed();
    const unsubscribe = feed.subscribe(() => {});
    const idle = feed.getSnapshot();
    expect(feed.getSnapshot()).toBe(idle);
    feed.record(ok('miss'));
    expect(feed.getSnapshot()).toBe(idle);
    vi.advanceTimersByTime(0);
    expect(feed.getSnapshot().requests).toBe(1);
    unsubscribe();
  });

  it('ticks once a second while someone listens (uptime), and stops when nobody does', () => {
    vi.useFakeTimers({ now: T0 });
    const feed = new ProxyFeed();
    const unsubscribe = feed.subscribe(() => {});
    vi.advanceTimersByTime(3000);
    expect(feed.getSnapshot().now - feed.getSnapshot().startedAt).toBe(3000);
    unsubscribe();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('flush publishes immediately (before the view unmounts)', () => {
    vi.useFakeTimers({ now: T0 });
    const feed = new ProxyFeed();
    feed.record(EXPIRED);
    feed.flush();
    expect(feed.getSnapshot().status['4xx']).toBe(1);
    feed.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('ProxyView', () => {
  it('shows where it listens, the counters and the last requests', () => {
    const counters = new ProxyCounters(T0);
    counters.record(ok('miss', 41.75), T0 + 1000);
    counters.record(ok('hit', 0.21), T0 + 2000);
    counters.record(EXPIRED, T0 + 3000);
    counters.record(UPSTREAM('AccessDeniedException', 403), T0 + 4000);
    const { lastFrame } = render(<ProxyView started={{ ...STARTED, probeUrl: 'http://127.0.0.1:2703' }} stats={counters.snapshot(T0 + 83_000)} color={false} />);
    expect(frameOf(lastFrame())).toBe(
      [
        'podid proxy http://127.0.0.1:41234/v1/credentials',
        '  cluster demo · source local · host check loopback · up 0:01:23',
        '  probes http://127.0.0.1:2703/healthz /readyz /metrics',
        '',
        '  requests 4   2xx 2   4xx 2   5xx 0   ·   cache hits 1  misses 2  shared 0',
        '  upstream errors AccessDeniedException ×1',
        '',
        '  TIME (UTC)  METHOD  PATH                      STATUS  DURATION  CACHE   TOKEN',
        '  12:00:01    GET     /v1/credentials           200     41.8ms    miss    sha256:0123456789ab',
        '  12:00:02    GET     /v1/credentials           200     0.2ms     hit     sha256:0123456789ab',
        '  12:00:03    GET     /v1/credentials           400     0.4ms     -       sha256:fedcba987654',
        '  12:00:04    GET     /v1/credentials           403     12.0ms    miss    sha256:0123456789ab',
        '  last error 12:00:04 403 [req-1]: (AccessDeniedException): no association, fault: client',
        '  Ctrl-C to stop · the last 8 requests · podid proxy env -n NS -s SA --port 41234',
      ].join('\n'),
    );
  });

  it('before any request: zero counters and a waiting line', () => {
    const { lastFrame } = render(<ProxyView started={STARTED} stats={new ProxyCounters(T0).snapshot(T0)} color={false} />);
    const frame = frameOf(lastFrame());
    expect(frame).toContain('requests 0   2xx 0   4xx 0   5xx 0');
    expect(frame).toContain('upstream errors none');
    expect(frame).toContain('waiting for requests…');
    expect(frame).not.toContain('3xx');
    expect(frame).not.toContain('last error');
  });

  it('long paths are cut to their column; control characters never reach the terminal', () => {
    const counters = new ProxyCounters(T0);
    counters.record({ method: 'GET', path: `/v1/credentials/${'x'.repeat(40)}\u001b[2J`, status: 404, durationMs: 0.1, error: '404 page not found' }, T0);
    const frame = frameOf(render(<ProxyView started={STARTED} stats={counters.snapshot(T0)} color={false} />).lastFrame());
    expect(frame).toContain('  12:00:00    GET     /v1/credentials/xxxxxxxx… 404');
    expect(frame).not.toContain('\u001b');
  });

  it('formats the uptime as h:mm:ss', () => {
    expect([0, 59_999, 3_600_000, 90_061_000].map(formatUptime)).toEqual(['0:00:00', '0:00:59', '1:00:00', '25:01:01']);
  });
});

describe('LiveProxyView over the real server', () => {
  it('renders the events of real requests and never shows a token', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cGF5bWVudHM6YXBpIn0.c2lnbmF0dXJlLXNlY3JldA';
    const replies: ProxyOutcome[] = [
      { status: 200, headers: {}, body: '{"AccessKeyId":"ASIAEXAMPLE"}', cache: 'miss', token },
      { status: 200, headers: {}, body: '{"AccessKeyId":"ASIAEXAMPLE"}', cache: 'hit', token },
      { status: 400, headers: {}, body: `Service account token cannot be parsed: ${token} is bad\n`, token },
      { status: 500, headers: {}, body: '[abc]: (InternalServerException): boom, fault: server\n', cache: 'miss', token },
    ];
    const feed = new ProxyFeed();
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, handle: () => replies.shift()!, onRequest: feed.record });
    const app = render(<LiveProxyView started={{ ...STARTED, port: server.port }} feed={feed} color={false} />);
    try {
      for (let i = 0; i < 4; i++) await (await fetch(`http://127.0.0.1:${server.port}/v1/credentials`, { headers: { authorization: token } })).text();
      await vi.waitFor(() => expect(app.lastFrame()).toContain('requests 4'), { timeout: 2000 });
      const frame = frameOf(app.lastFrame());
      expect(frame).toContain('2xx 2   4xx 1   5xx 1   ·   cache hits 1  misses 2  shared 0');
      expect(frame).toContain('upstream errors InternalServerException ×1');
      expect(frame.match(/sha256:[0-9a-f]{12}/g)).toHaveLength(4);
      for (const frameText of app.frames) {
        expect(frameText).not.toContain(token);
        expect(frameText).not.toContain(token.split('.')[2]);
        expect(frameText).not.toContain('ASIAEXAMPLE');
      }
    } finally {
      app.unmount();
      feed.stop();
      await server.close(0);
    }
  });
});
