import { isRemoteError, UsageError, UserError } from '../core/errors.js';
import { tokenSubject } from '../core/token/index.js';
import { childEnvironment, competingVarsSet, SHARED_FILE_VARS } from '../core/proxy/env.js';
import { formatRequestLog } from '../core/proxy/log.js';
import type { CredentialSource } from '../core/proxy/types.js';
import type { ChildRun, ExecFiles, PodTokenClaims, SigningKey } from '../adapters/http/exec-support.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { podTokenSubject, type SourceName } from '../services/credential-sources.js';
import { startProxy, type ProxyDeps } from './proxy.js';

// `podid exec -n NS -s SA -- CMD ARGS…`: the proxy on an ephemeral loopback port, a token file,
// and the command run with the two container-credential variables (and nothing that would win
// over them: competing variables removed, the shared credentials/config files hidden behind an
// empty file, the region carried over). Exits with the command's exit code.

export interface ExecOptions {
  /** -n; with --token-file it may be left out (taken from the token's `sub`). */
  namespace?: string;
  /** -s; with --token-file it may be left out (taken from the token's `sub`). */
  serviceAccount?: string;
  command: string;
  args: string[];
  source?: SourceName;
  /** Use this token (e.g. from `kubectl create token`) instead of minting one. */
  tokenFile?: string;
  /** The environment the child starts from (the CLI passes its own). */
  env: Record<string, string | undefined>;
  cwd: string;
  strictHost?: boolean;
}

export interface ExecResult {
  exitCode: number;
  namespace: string;
  serviceAccount: string;
  url: string;
  source: SourceName;
  cluster: string;
  tokenMinted: boolean;
}

export interface TokenRuntime {
  signPodToken: (claims: PodTokenClaims, key?: SigningKey) => Promise<string>;
  uuid: () => string;
}

export interface ExecRuntime extends TokenRuntime {
  makeExecFiles: () => Promise<ExecFiles>;
  readTokenFile: (path: string) => Promise<string>;
  runChild: (command: string, args: string[], env: Record<string, string | undefined>, cwd: string) => ChildRun;
  /** Subscribes to SIGINT/SIGTERM/SIGHUP (forwarded to the command); returns an unsubscribe function. */
  onSignal?: (forward: (signal: NodeJS.Signals) => void) => () => void;
}

export type MintDeps = Pick<Deps, 'eks' | 'kube' | 'store' | 'now' | 'backend'> & TokenRuntime;
type RegionDeps = Pick<Deps, 'eks' | 'reporter'>;
export type ExecDeps = ProxyDeps & Pick<Deps, 'kube' | 'store'> & ExecRuntime;

export const TOKEN_LIFETIME_SECONDS = 86_400;

/** A projected-SA-shaped token for NS/SA: signed with the state's key, or an ephemeral key on AWS (fine for --source sts). */
export async function mintPodToken(deps: MintDeps, cluster: string, namespace: string, serviceAccount: string): Promise<string> {
  const facts = await deps.eks.describeCluster(cluster);
  const subject = await podTokenSubject(deps, namespace, serviceAccount, deps.uuid);
  const key = deps.store?.doc.signingKey;
  if (deps.backend === 'local' && !key) throw new UserError(`state file ${deps.store?.path ?? ''} has no signing key`, { hint: 'Create the state with `podid local init`, which adds one.' });
  return deps.signPodToken(
    {
      issuer: facts.oidcIssuer ?? `https://oidc.eks.${facts.region}.amazonaws.com/id/PODID`,
      namespace,
      serviceAccount,
      ...subject,
      now: Math.floor(deps.now().getTime() / 1000),
      lifetimeSeconds: TOKEN_LIFETIME_SECONDS,
    },
    key,
  );
}

export function checkMintable(source: SourceName | undefined, backend: 'local' | 'aws', tokenFile: string | undefined): void {
  if (!tokenFile && source === 'eks-auth' && backend === 'aws') {
    throw new UsageError("option '--source eks-auth' needs a token the cluster signed: pass --token-file (e.g. from `kubectl create token SA -n NS --audience pods.eks.amazonaws.com`)");
  }
}

/** The cluster's region, for a workload whose environment names none (best effort: without it the SDK asks for one). */
export async function workloadRegion(deps: RegionDeps, cluster: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  if (env.AWS_REGION || env.AWS_DEFAULT_REGION) return undefined;
  try {
    return (await deps.eks.describeCluster(cluster)).region;
  } catch (error) {
    deps.reporter.debug(`no region for the command (describe cluster ${cluster}: ${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/**
 * With the offline exchange, tries the token once through the proxy's own source (token.binding
 * included) so a refusal is a warning now rather than a mystery in the command.
 */
async function warnIfRefused(source: CredentialSource, deps: Pick<Deps, 'reporter'>, token: string, who: string): Promise<void> {
  try {
    await source(token);
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    deps.reporter.warn(`${who}: ${error.message}${error.code ? ` (${error.code})` : ''} The command will get no credentials.`);
  }
}

/** Reads --token-file; an unreadable path (missing, a directory, no permission) is the user's to fix. */
async function readGivenToken(deps: Pick<ExecRuntime, 'readTokenFile'>, path: string): Promise<string> {
  try {
    return await deps.readTokenFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string') throw error;
    throw new UserError(`cannot read token file ${path}: ${code}`, { hint: 'Pass a readable file holding the token (e.g. from `kubectl create token SA -n NS --audience pods.eks.amazonaws.com`).', cause: error });
  }
}

/**
 * The service account the command runs as. Without --token-file: -n/-s (both required). With it:
 * the token's `sub` decides what the proxy is asked for, so -n/-s must agree with it (exit 2
 * otherwise) and default to it.
 */
function execSubject(opts: Pick<ExecOptions, 'namespace' | 'serviceAccount' | 'tokenFile'>, token: string | undefined): { namespace: string; serviceAccount: string } {
  if (token === undefined) {
    if (!opts.namespace) throw new UsageError("required option '-n, --namespace <ns>' not specified");
    if (!opts.serviceAccount) throw new UsageError("required option '-s, --service-account <name>' not specified");
    return { namespace: opts.namespace, serviceAccount: opts.serviceAccount };
  }
  const read = tokenSubject(token.replace(/\r?\n$/, ''));
  const subject = read.ok ? read.subject : undefined;
  if (!subject) {
    if (opts.namespace && opts.serviceAccount) return { namespace: opts.namespace, serviceAccount: opts.serviceAccount };
    const why = read.ok ? 'its "sub" is not system:serviceaccount:NAMESPACE:NAME' : read.problem;
    throw new UsageError(`cannot tell the service account from --token-file ${opts.tokenFile}: ${why}`, { hint: 'Pass -n NAMESPACE and -s SERVICE_ACCOUNT.' });
  }
  const given = { namespace: opts.namespace ?? subject.namespace, serviceAccount: opts.serviceAccount ?? subject.serviceAccount };
  if (given.namespace !== subject.namespace || given.serviceAccount !== subject.serviceAccount) {
    throw new UsageError(
      `--token-file ${opts.tokenFile} is a token for ${subject.namespace}/${subject.serviceAccount}, but -n/-s name ${given.namespace}/${given.serviceAccount}`,
      { hint: `The credentials follow the token: drop -n/-s, pass -n ${subject.namespace} -s ${subject.serviceAccount}, or use a token for ${given.namespace}/${given.serviceAccount}.` },
    );
  }
  return subject;
}

export async function exec(opts: ExecOptions, deps: ExecDeps): Promise<ExecResult> {
  const cluster = requireCluster(deps);
  checkMintable(opts.source, deps.backend, opts.tokenFile);
  const given = opts.tokenFile ? await readGivenToken(deps, opts.tokenFile) : undefined;
  const { namespace, serviceAccount } = execSubject(opts, given);
  const running = await startProxy(
    { host: '127.0.0.1', port: 0, source: opts.source, strictHost: Boolean(opts.strictHost), allowRemote: false },
    { ...deps, onRequest: deps.onRequest ?? ((event) => deps.reporter.debug(formatRequestLog(event, deps.now()))) },
    { minted: !opts.tokenFile },
  );
  let files: ExecFiles | undefined;
  let unsubscribe: (() => void) | undefined;
  try {
    files = await deps.makeExecFiles();
    const token = given ?? (await mintPodToken(deps, cluster, namespace, serviceAccount));
    const tokenFile = opts.tokenFile ?? (await files.writeToken(token));
    const who = `${namespace}/${serviceAccount}`;
    if (running.started.source === 'local') await warnIfRefused(running.source, deps, token, who);
    const region = await workloadRegion(deps, cluster, opts.env);
    const competing = competingVarsSet(opts.env);
    if (competing.length) deps.reporter.debug(`removed from the command's environment: ${competing.join(', ')}`);
    deps.reporter.debug(`${SHARED_FILE_VARS.join(' and ')} point at an empty file (a default profile would win over the proxy)`);
    deps.reporter.info(`podid: ${who} credentials (${running.started.source}) at ${running.started.url}`);
    const env = childEnvironment(opts.env, { url: running.started.url, tokenFile, emptyFile: files.emptyFile, region });
    const child = deps.runChild(opts.command, opts.args, env, opts.cwd);
    unsubscribe = deps.onSignal?.((signal) => child.kill(signal));
    const exitCode = await child.exited.catch((error: unknown) => {
      if (error instanceof Error && error.name === 'CommandNotFoundError') throw new UserError(`command not found: ${opts.command}`, { hint: 'Check the command after --, and your PATH.' });
      throw error;
    });
    return { exitCode, namespace, serviceAccount, url: running.started.url, source: running.started.source, cluster, tokenMinted: !opts.tokenFile };
  } finally {
    // The signal handlers stay until the token is gone: without them a second Ctrl-C (or SIGTERM,
    // SIGHUP) during the cleanup would end podid at once and leave the signed token on disk.
    try {
      await files?.remove();
    } finally {
      unsubscribe?.();
      await running.close();
    }
  }
}
