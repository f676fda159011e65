import { UsageError, UserError } from '../core/errors.js';
import { COMPETING_VARS, workloadVariables } from '../core/proxy/env.js';
import { CREDENTIALS_PATH } from '../core/proxy/wire.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { checkMintable, mintPodToken, workloadRegion, type MintDeps } from './exec.js';
import { urlHost } from './proxy.js';
import { defaultSource, type SourceName } from '../services/credential-sources.js';

// `podid proxy env -n NS -s SA`: the variables a workload needs to use a proxy started separately
// (`podid proxy --port N`), as shell exports, a docker --env-file or a compose snippet. A token is
// minted into a new 0600 file unless --token-file names one. The shared credentials/config file
// variables point at /dev/null (botocore and the JS SDKs read it as an empty file), so a
// [default] profile cannot win over the proxy; the region is carried over instead.

export const PROXY_ENV_FORMATS = ['export', 'env-file', 'compose'] as const;
export type ProxyEnvFormat = (typeof PROXY_ENV_FORMATS)[number];

/** Where the EKS webhook mounts the token in a container (agent-protocol.md §2.1). */
export const CONTAINER_TOKEN_PATH = '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token';

/** The empty file for AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, on the host and in containers. */
export const EMPTY_FILE = '/dev/null';

export interface ProxyEnvOptions {
  namespace: string;
  serviceAccount: string;
  format: ProxyEnvFormat;
  host: string;
  port: number;
  source?: SourceName;
  /** An existing token file to point at (not minted, not rewritten). */
  tokenFile?: string;
  /** Where to write the minted token: a new file (an existing one is replaced only with `force`). Default: a new private temp dir. */
  tokenOut?: string;
  force?: boolean;
  /** The environment of the shell the exports are for (the CLI passes its own): a region set there is kept. */
  env?: Record<string, string | undefined>;
}

export interface ProxyEnvResult {
  cluster: string;
  namespace: string;
  serviceAccount: string;
  format: ProxyEnvFormat;
  url: string;
  /** The token file on this machine. */
  tokenFile: string;
  tokenMinted: boolean;
  /** For a shell: the variables to set. For docker/compose: with the in-container token path. */
  variables: Record<string, string>;
  /** Variables that would win over the container provider; unset them. */
  unset: string[];
  /** docker/compose: host token file → container path. */
  mount?: { source: string; target: string };
  /** The state file the proxy must be started with (`podid proxy --state FILE`); absent on AWS. */
  statePath?: string;
  /** The proxy's --source, when it is not the proxy's default. */
  proxySource?: SourceName;
}

export type ProxyEnvDeps = MintDeps &
  Pick<Deps, 'clusterName' | 'reporter'> & {
    writeTokenFile: (path: string, token: string, options: { overwrite?: boolean }) => Promise<void>;
    writeTokenFileInTempDir: (token: string) => Promise<string>;
  };

async function writeMinted(opts: ProxyEnvOptions, deps: ProxyEnvDeps, token: string): Promise<string> {
  if (!opts.tokenOut) return deps.writeTokenFileInTempDir(token);
  try {
    await deps.writeTokenFile(opts.tokenOut, token, { overwrite: opts.force });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UserError(`${opts.tokenOut} already exists`, { hint: 'Pass --force to replace it, or leave out --token-out for a new private file.' });
    if (code) throw new UserError(`cannot write ${opts.tokenOut}: ${code}`, { cause: error });
    throw error;
  }
  return opts.tokenOut;
}

/**
 * The --source the "start the proxy first" hint needs: the source these variables are for (a
 * minted token means sts on AWS) whenever the proxy would default to another (eks-auth on AWS).
 */
function proxySourceFlag(opts: Pick<ProxyEnvOptions, 'source' | 'tokenFile'>, backend: 'local' | 'aws'): { proxySource?: SourceName } {
  const source = opts.source ?? defaultSource(backend, !opts.tokenFile);
  return source !== defaultSource(backend, false) ? { proxySource: source } : {};
}

export async function proxyEnv(opts: ProxyEnvOptions, deps: ProxyEnvDeps): Promise<ProxyEnvResult> {
  const cluster = requireCluster(deps);
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new UsageError(`option '--port' must be the proxy's port 1-65535, got '${opts.port}'`);
  checkMintable(opts.source, deps.backend, opts.tokenFile);
  const tokenFile = opts.tokenFile ?? (await writeMinted(opts, deps, await mintPodToken(deps, cluster, opts.namespace, opts.serviceAccount)));
  const url = `http://${urlHost(opts.host)}:${opts.port}${CREDENTIALS_PATH}`;
  const container = opts.format !== 'export';
  // A container starts from an empty environment; a shell keeps the region it has.
  const env = opts.env ?? {};
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (await workloadRegion(deps, cluster, {}));
  return {
    cluster,
    namespace: opts.namespace,
    serviceAccount: opts.serviceAccount,
    format: opts.format,
    url,
    tokenFile,
    tokenMinted: !opts.tokenFile,
    variables: workloadVariables(container ? {} : env, { url, tokenFile: container ? CONTAINER_TOKEN_PATH : tokenFile, emptyFile: EMPTY_FILE, region }),
    unset: [...COMPETING_VARS],
    ...(container ? { mount: { source: tokenFile, target: CONTAINER_TOKEN_PATH } } : {}),
    ...(deps.store ? { statePath: deps.store.path } : {}),
    ...proxySourceFlag(opts, deps.backend),
  };
}
