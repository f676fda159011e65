import { stat } from 'node:fs/promises';
import { generateSigningKey, type SigningKey } from '../adapters/local/keys.js';
import type { StateDocument } from '../adapters/local/schema.js';
import { writeStateFile } from '../adapters/local/state-file.js';
import { buildDemoState, buildEmptyState, DEMO_ACCOUNT, DEMO_CLUSTER, DEMO_REGION } from '../core/demo/index.js';
import { UsageError, UserError } from '../core/errors.js';
import { isAwsRegion } from '../core/region.js';

// `podid local init [--demo] [--force] FILE`: write a new local state file — an empty cluster,
// or the demo world of fixtures/demo — with a fresh token signing key, mode 0600, atomically.

export interface LocalInitOptions {
  /** Absolute path of the state file to write. */
  path: string;
  demo: boolean;
  force: boolean;
  /** Empty state only: the cluster (defaults: demo / us-west-2 / 111122223333). */
  cluster?: string;
  region?: string;
  account?: string;
}

export interface LocalInitDeps {
  generateSigningKey: () => Promise<SigningKey>;
  writeStateFile: (path: string, state: StateDocument, options?: { mode?: number }) => Promise<void>;
  /** 'file' | 'directory' | 'other' for an existing path, undefined when nothing is there. */
  pathKind: (path: string) => Promise<'file' | 'directory' | 'other' | undefined>;
}

export interface LocalInitResult {
  path: string;
  kind: 'empty' | 'demo';
  overwritten: boolean;
  mode: '0600';
  clusters: { name: string; region: string; accountId: string; serviceAccounts: number; pods: number; associations: number }[];
  counts: { clusters: number; serviceAccounts: number; pods: number; associations: number; roles: number };
  signingKey: { kid: string; alg: string };
}

export const STATE_FILE_MODE = 0o600;

async function pathKind(path: string): Promise<'file' | 'directory' | 'other' | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot check ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export const defaultLocalInitDeps: LocalInitDeps = { generateSigningKey, writeStateFile, pathKind };

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const ACCOUNT = /^\d{12}$/;

function emptyOptions(opts: LocalInitOptions) {
  if (opts.demo) {
    const given = (['cluster', 'region', 'account'] as const).filter((key) => opts[key] !== undefined);
    if (given.length) {
      throw new UsageError(`option '--${given[0]}' cannot be used with '--demo' (the demo world is fixed: cluster ${DEMO_CLUSTER}, ${DEMO_REGION}, account ${DEMO_ACCOUNT})`);
    }
  }
  const cluster = opts.cluster ?? DEMO_CLUSTER;
  const region = opts.region ?? DEMO_REGION;
  const account = opts.account ?? DEMO_ACCOUNT;
  if (!CLUSTER_NAME.test(cluster)) throw new UsageError(`option '--cluster' expects an EKS cluster name (letters, digits, - and _; up to 100), got '${cluster}'`);
  if (!isAwsRegion(region)) throw new UsageError(`option '--region' expects an AWS region such as us-west-2, got '${region}'`);
  if (!ACCOUNT.test(account)) throw new UsageError(`option '--account' expects a 12-digit AWS account id, got '${account}'`);
  return { cluster, region, account };
}

export function summarize(path: string, kind: 'empty' | 'demo', overwritten: boolean, state: StateDocument): LocalInitResult {
  const clusters = state.clusters.map((c) => ({
    name: c.cluster.name,
    region: c.cluster.region,
    accountId: c.cluster.accountId,
    serviceAccounts: c.serviceAccounts.length,
    pods: c.pods.length,
    associations: c.associations.length,
  }));
  const sum = (key: 'serviceAccounts' | 'pods' | 'associations') => clusters.reduce((n, c) => n + c[key], 0);
  return {
    path,
    kind,
    overwritten,
    mode: '0600',
    clusters,
    counts: { clusters: clusters.length, serviceAccounts: sum('serviceAccounts'), pods: sum('pods'), associations: sum('associations'), roles: state.roles.length },
    signingKey: { kid: state.signingKey?.kid ?? '', alg: state.signingKey?.alg ?? '' },
  };
}

export async function localInit(opts: LocalInitOptions, deps: LocalInitDeps = defaultLocalInitDeps): Promise<LocalInitResult> {
  const empty = emptyOptions(opts);
  const existing = await deps.pathKind(opts.path);
  if (existing === 'directory' || existing === 'other') throw new UserError(`${opts.path} exists and is not a regular file`, { hint: 'Give the path of a file to create.' });
  if (existing === 'file' && !opts.force) {
    throw new UserError(`${opts.path} already exists; not overwriting it`, { hint: 'Pass --force to replace it, or choose another file.' });
  }
  const world = opts.demo ? buildDemoState() : buildEmptyState(empty);
  const state: StateDocument = { ...world, signingKey: await deps.generateSigningKey() };
  await deps.writeStateFile(opts.path, state, { mode: STATE_FILE_MODE });
  return summarize(opts.path, opts.demo ? 'demo' : 'empty', existing === 'file', state);
}
