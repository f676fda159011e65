import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPodToken } from '../../../src/adapters/http/exec-support.js';
import { startHttpServer } from '../../../src/adapters/http/server.js';
import { startProbeServer } from '../../../src/adapters/http/probe.js';
import { LocalStore, localPorts } from '../../../src/adapters/local/index.js';
import { stateSchema } from '../../../src/adapters/local/schema.js';
import type { Deps } from '../../../src/deps.js';
import { recordingReporter } from '../../helpers/fake-deps.js';
import { DEMO_STATE } from '../../helpers/run-cli.js';

// Deps over a temp copy of the demo state with the real clock (real clients check expirations
// against the wall clock), plus the proxy runtime (real node:http server).

export function demoDeps(overrides: Partial<Deps> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'podid-proxy-'));
  const path = join(dir, 'state.json');
  const doc = stateSchema.parse(JSON.parse(readFileSync(DEMO_STATE, 'utf8')));
  writeFileSync(path, JSON.stringify(doc));
  const now = () => new Date();
  const store = LocalStore.fromDocument(path, doc, now);
  const reporter = recordingReporter();
  return {
    ...localPorts(store, 'demo'),
    backend: 'local' as const,
    store,
    now,
    clusterName: 'demo',
    startHttpServer,
    startProbeServer,
    uuid: randomUUID,
    signPodToken,
    ...overrides,
    reporter,
  };
}
