import { stat } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { generateSigningKey } from '../adapters/local/keys.js';
import { writeStateFile } from '../adapters/local/state-file.js';
import { parseState } from '../adapters/local/schema.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { captureCluster } from '../services/snapshot.js';

export interface SnapshotOptions {
  out: string;
  force?: boolean;
}

export interface SnapshotResult {
  path: string;
  cluster: string;
  counts: { serviceAccounts: number; pods: number; associations: number; roles: number; nodes: number };
}

export async function snapshot(opts: SnapshotOptions, deps: Deps): Promise<SnapshotResult> {
  const clusterName = requireCluster(deps);
  if (!opts.force && (await stat(opts.out).catch(() => undefined))) {
    throw new UserError(`${opts.out} already exists`, { hint: 'Pass --force to overwrite it.' });
  }
  // A fresh local key, so `token mint`, `proxy --source local` and `exec` work on the snapshot. It
  // signs offline tokens only: the real cluster never trusts it, so it is not a credential.
  const state = { ...(await captureCluster(deps, clusterName)), signingKey: await generateSigningKey() };
  const checked = parseState(state);
  if (!checked.ok) throw new Error(`snapshot produced an invalid state: ${checked.problems.join('; ')}`);
  await writeStateFile(opts.out, checked.state);
  const [c] = checked.state.clusters;
  return {
    path: opts.out,
    cluster: c.cluster.name,
    counts: { serviceAccounts: c.serviceAccounts.length, pods: c.pods.length, associations: c.associations.length, roles: checked.state.roles.length, nodes: c.nodes.length },
  };
}
