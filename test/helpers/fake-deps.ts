import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore, localPorts } from '../../src/adapters/local/index.js';
import { stateSchema, type StateDocument } from '../../src/adapters/local/schema.js';
import type { Reporter } from '../../src/core/reporter.js';
import type { Deps } from '../../src/deps.js';

// In-memory-ish deps for command tests: the local state backend over a temp file, and a
// reporter that records what a command said on stderr.

export const FIXED_NOW = new Date('2026-11-26T12:00:00Z');

export function recordingReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    debug: () => {},
    task: (t) => ({ succeed: (x) => lines.push(`ok: ${x ?? t}`), warn: (x) => lines.push(`warn: ${x ?? t}`), fail: (x) => lines.push(`fail: ${x ?? t}`) }),
  };
}

/** A minimal valid state: one cluster "demo" in 111122223333/us-west-2 with the agent add-on. Override parts as needed. */
export function minimalState(overrides: Partial<StateDocument> = {}): StateDocument {
  return stateSchema.parse({
    schemaVersion: 1,
    caller: { arn: 'arn:aws:iam::111122223333:role/admin', account: '111122223333', userId: 'AROAADMIN' },
    clusters: [
      {
        cluster: {
          name: 'demo',
          arn: 'arn:aws:eks:us-west-2:111122223333:cluster/demo',
          accountId: '111122223333',
          region: 'us-west-2',
          partition: 'aws',
          version: '1.31',
          status: 'ACTIVE',
          oidcIssuer: 'https://oidc.eks.us-west-2.amazonaws.com/id/DEMO0123456789',
        },
        addons: [{ name: 'eks-pod-identity-agent', version: 'v1.3.4-eksbuild.1', status: 'ACTIVE' }],
      },
    ],
    ...overrides,
  });
}

/** Deps over a temp copy of `state`; returns the store too so tests can inspect writes. */
export function fakeDeps(state: StateDocument = minimalState(), options: { cluster?: string; now?: Date } = {}): Deps & { store: LocalStore; reporter: ReturnType<typeof recordingReporter> } {
  const dir = mkdtempSync(join(tmpdir(), 'podid-test-'));
  const path = join(dir, 'state.json');
  writeFileSync(path, JSON.stringify(state));
  const now = () => options.now ?? FIXED_NOW;
  const store = LocalStore.fromDocument(path, structuredClone(state), now);
  const clusterName = options.cluster ?? (state.clusters.length === 1 ? state.clusters[0].cluster.name : undefined);
  const reporter = recordingReporter();
  return { ...localPorts(store, clusterName), backend: 'local', store, reporter, now, clusterName };
}
