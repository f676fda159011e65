import { UsageError } from '../core/errors.js';
import { COMPETING_VARS, containerCredentialVars } from '../core/proxy/env.js';
import { CREDENTIALS_PATH } from '../core/proxy/wire.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { checkMintable, mintPodToken, type MintDeps } from './exec.js';
import type { SourceName } from '../services/credential-sources.js';

// `podid proxy env -n NS -s SA`: the variables a workload needs to use a proxy started separately
// (`podid proxy --port N`), as shell exports, a docker --env-file or a compose snippet. A token is
// minted into a 0600 file unless --token-file names one.

export const PROXY_ENV_FORMATS = ['export', 'env-file', 'compose'] as const;
export type ProxyEnvFormat = (typeof PROXY_ENV_FORMATS)[number];

/** Where the EKS webhook mounts the token in a container (agent-protocol.md §2.1). */
export const CONTAINER_TOKEN_PATH = '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token';

export interface ProxyEnvOptions {
  namespace: string;
  serviceAccount: string;
  format: ProxyEnvFormat;
  host: string;
  port: number;
  source?: SourceName;
  /** An existing token file to point at (not minted, not rewritten). */
  tokenFile?: string;
  /** Where to write the minted token. */
  tokenOut: string;
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
}

export type ProxyEnvDeps = MintDeps & Pick<Deps, 'clusterName'> & { writeTokenFile: (path: string, token: string) => Promise<void> };

export async function proxyEnv(opts: ProxyEnvOptions, deps: ProxyEnvDeps): Promise<ProxyEnvResult> {
  const cluster = requireCluster(deps);
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new UsageError(`option '--port' must be the proxy's port 1-65535, got '${opts.port}'`);
  checkMintable(opts.source, deps.backend, opts.tokenFile);
  let tokenFile = opts.tokenFile;
  if (!tokenFile) {
    await deps.writeTokenFile(opts.tokenOut, await mintPodToken(deps, cluster, opts.namespace, opts.serviceAccount));
    tokenFile = opts.tokenOut;
  }
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${opts.port}${CREDENTIALS_PATH}`;
  const container = opts.format !== 'export';
  return {
    cluster,
    namespace: opts.namespace,
    serviceAccount: opts.serviceAccount,
    format: opts.format,
    url,
    tokenFile,
    tokenMinted: !opts.tokenFile,
    variables: containerCredentialVars(url, container ? CONTAINER_TOKEN_PATH : tokenFile),
    unset: [...COMPETING_VARS],
    ...(container ? { mount: { source: tokenFile, target: CONTAINER_TOKEN_PATH } } : {}),
  };
}
