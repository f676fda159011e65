// Check 1: golang.org/x/time/rate `NewLimiter(1000, 500)` per route and listener, `Allow()` per request.

export interface RateLimiter {
  allow(nowMs: number): boolean;
}

export function tokenBucket(ratePerSecond = 1000, burst = 500): RateLimiter {
  let tokens = burst;
  let last: number | undefined;
  return {
    allow(nowMs) {
      if (last !== undefined && nowMs > last) tokens = Math.min(burst, tokens + ((nowMs - last) / 1000) * ratePerSecond);
      if (last === undefined || nowMs > last) last = nowMs;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
