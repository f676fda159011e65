import { describe, expect, it } from 'vitest';
import { CredentialCache, type CacheEvent } from '../../../src/core/proxy/cache.js';
import { RemoteError } from '../../../src/core/errors.js';
import { createProxyCore } from '../../../src/core/proxy/create.js';
import { errorCode } from '../../../src/core/proxy/create.js';
import { eksAuthResponse, fakeClock, jwt, NOW_MS } from './helpers.js';

// agent-protocol.md §1.5: keyed by token; refresh after min(ttl, 3 h); served with > 15 s left;
// LRU of 2,000; one upstream call per token in flight; irrecoverable errors evict.

interface Value {
  id: number;
  expiresAtMs: number;
}

function setup(options: { maxSize?: number; ttlMs?: number } = {}) {
  const clock = fakeClock();
  const events: CacheEvent[] = [];
  let calls = 0;
  let fail: unknown;
  const fetch = async (): Promise<Value> => {
    calls++;
    await new Promise((r) => setTimeout(r, 5));
    if (fail) throw fail;
    return { id: calls, expiresAtMs: clock.now() + (options.ttlMs ?? 6 * 3600_000) };
  };
  const cache = new CredentialCache<Value>({ now: clock.now, expiresAt: (v) => v.expiresAtMs, maxSize: options.maxSize, errorCode, random: () => 0, onEvent: (e) => events.push(e) });
  return { clock, cache, events, fetch, calls: () => calls, fail: (e: unknown) => void (fail = e) };
}

const denied = (code: string, httpStatus = 400) => new RemoteError('no', { kind: 'access-denied', service: 'eks-auth', operation: 'AssumeRoleForPodIdentity', code, httpStatus });

describe('CredentialCache', () => {
  it('1,000 concurrent requests for one fresh token make exactly one upstream call', async () => {
    const t = setup();
    const results = await Promise.all(Array.from({ length: 1000 }, () => t.cache.get('tok', t.fetch)));
    expect(t.calls()).toBe(1);
    expect(new Set(results.map((r) => r.value.id))).toEqual(new Set([1]));
    expect(results.filter((r) => r.use === 'miss')).toHaveLength(1);
    expect(results.filter((r) => r.use === 'shared')).toHaveLength(999);
  });

  it('1,000 concurrent requests through the whole handler: one source call, all 200', async () => {
    const clock = fakeClock();
    let calls = 0;
    const proxy = createProxyCore({
      source: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 20));
        return eksAuthResponse();
      },
      clock: clock.now,
      rateLimit: false,
    });
    const token = jwt();
    const responses = await Promise.all(Array.from({ length: 1000 }, () => proxy.handle({ method: 'GET', path: '/v1/credentials', headers: { host: '127.0.0.1', authorization: token } })));
    expect(calls).toBe(1);
    expect(responses.every((r) => r.status === 200)).toBe(true);
  });

  it('serves from the cache while more than 15 s are left, then fetches again', async () => {
    const t = setup({ ttlMs: 3600_000 });
    await t.cache.get('tok', t.fetch);
    t.clock.advance(3600_000 - 15_001);
    expect((await t.cache.get('tok', t.fetch)).use).toBe('hit');
    t.clock.advance(1);
    expect((await t.cache.get('tok', t.fetch)).use).toBe('miss');
    expect(t.calls()).toBe(2);
  });

  it('the janitor renews entries after min(ttl, 3 h), keeping one entry per token', async () => {
    const t = setup();
    await t.cache.get('tok', t.fetch);
    t.clock.advance(3 * 3600_000 - 1);
    expect(await t.cache.renewDue()).toBe(0);
    t.clock.advance(1);
    expect(await t.cache.renewDue()).toBe(1);
    expect(t.calls()).toBe(2);
    expect((await t.cache.get('tok', t.fetch)).value.id).toBe(2);
    expect(t.events).toContainEqual({ type: 'renewed' });
  });

  it('short-lived credentials refresh at their ttl', async () => {
    const t = setup({ ttlMs: 59 * 60_000 });
    await t.cache.get('tok', t.fetch);
    t.clock.advance(59 * 60_000);
    expect(await t.cache.renewDue()).toBe(1);
  });

  it('a recoverable renewal failure keeps the old credentials and retries in 1–2 min', async () => {
    const t = setup();
    await t.cache.get('tok', t.fetch);
    t.clock.advance(3 * 3600_000);
    t.fail(denied('ThrottlingException', 429));
    await t.cache.renewDue();
    expect(t.cache.has('tok')).toBe(true);
    expect(t.events).toContainEqual({ type: 'renewal-error', recoverable: true, code: 'ThrottlingException' });
    expect(await t.cache.renewDue()).toBe(0); // not due again before the retry time
    t.clock.advance(60_000);
    expect(await t.cache.renewDue()).toBe(1);
  });

  it.each(['ResourceNotFoundException', 'ExpiredTokenException', 'InvalidTokenException', 'AccessDeniedException'])('an irrecoverable renewal error (%s) evicts', async (code) => {
    const t = setup();
    await t.cache.get('tok', t.fetch);
    t.clock.advance(3 * 3600_000);
    t.fail(denied(code));
    await t.cache.renewDue();
    expect(t.cache.has('tok')).toBe(false);
    expect(t.events).toContainEqual({ type: 'evicted' });
  });

  it('errors are not cached: the next request calls the source again', async () => {
    const t = setup();
    t.fail(denied('AccessDeniedException'));
    await expect(t.cache.get('tok', t.fetch)).rejects.toThrow();
    t.fail(undefined);
    expect((await t.cache.get('tok', t.fetch)).use).toBe('miss');
    expect(t.calls()).toBe(2);
  });

  it('an irrecoverable error on the request path evicts a stale entry', async () => {
    const t = setup({ ttlMs: 60_000 });
    await t.cache.get('tok', t.fetch);
    t.clock.advance(50_000);
    t.fail(denied('ExpiredTokenException'));
    await expect(t.cache.get('tok', t.fetch)).rejects.toThrow();
    expect(t.cache.has('tok')).toBe(false);
  });

  it('LRU: the least recently used token goes first past maxSize (default 2,000)', async () => {
    const t = setup({ maxSize: 3 });
    for (const token of ['a', 'b', 'c']) await t.cache.get(token, t.fetch);
    await t.cache.get('a', t.fetch); // a is now most recent
    await t.cache.get('d', t.fetch);
    expect(['a', 'b', 'c', 'd'].map((k) => t.cache.has(k))).toEqual([true, false, true, true]);
    expect(new CredentialCache<Value>({ now: () => NOW_MS, expiresAt: (v) => v.expiresAtMs }).maxSize).toBe(2000);
  });

  it('holds 2,000 tokens and evicts the 2,001st oldest', async () => {
    const t = setup();
    for (let i = 0; i <= 2000; i++) await t.cache.get(`t${i}`, async () => ({ id: i, expiresAtMs: NOW_MS + 3600_000 }));
    expect(t.cache.size).toBe(2000);
    expect(t.cache.has('t0')).toBe(false);
    expect(t.cache.has('t2000')).toBe(true);
  });
});
