import type { CacheEvent } from './cache.js';

// The agent's Prometheus metrics (agent-protocol.md §1.9), counted in memory and rendered in the
// text exposition format. `hit` counts successful background renewals, as the agent's does.

export class ProxyMetrics {
  private readonly responses = new Map<number, number>();
  private readonly cacheStates = new Map<string, number>();
  private readonly cacheErrors = new Map<string, number>();

  response(status: number) {
    this.responses.set(status, (this.responses.get(status) ?? 0) + 1);
  }

  cacheEvent(event: CacheEvent) {
    if (event.type === 'miss') bump(this.cacheStates, 'miss');
    else if (event.type === 'renewed') bump(this.cacheStates, 'hit');
    else if (event.type === 'evicted') bump(this.cacheStates, 'evicted');
    else bump(this.cacheErrors, `${event.recoverable ? 'Recoverable' : 'NonRecoverable'}\u0000${event.code}`);
  }

  /** Responses by status so far (for the shutdown summary). */
  responseCounts(): Record<string, number> {
    return Object.fromEntries([...this.responses].sort());
  }

  render(): string {
    const lines: string[] = [];
    section(lines, 'pod_identity_cache_errors', 'Errors while renewing cached credentials', [...this.cacheErrors].map(([key, n]) => {
      const [type, code] = key.split('\u0000');
      return [`type="${escape(type)}",code="${escape(code)}"`, n];
    }));
    section(lines, 'pod_identity_cache_state', 'Cache state changes: miss on the request path, hit on a successful renewal, evicted', [...this.cacheStates].map(([state, n]) => [`state="${state}"`, n]));
    section(lines, 'pod_identity_http_response', 'Responses of the credentials endpoint by status code', [...this.responses].map(([code, n]) => [`code="${code}"`, n]));
    return lines.join('\n') + '\n';
  }
}

function bump(map: Map<string, number>, key: string) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function section(lines: string[], name: string, help: string, samples: [string, number][]) {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
  for (const [labels, value] of samples.sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`${name}{${labels}} ${value}`);
}
