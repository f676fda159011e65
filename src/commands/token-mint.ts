import { UsageError, UserError } from '../core/errors.js';
import type { Pod } from '../core/model.js';
import { projectedTokenPayload, subjectOf, tokenTtlProblem } from '../core/token/index.js';
import type { Deps } from '../deps.js';

// `podid token mint`: a token shaped like the kubelet's projected Pod Identity token, signed with
// the local state's key, for offline use (simulate, the local proxy, `exec`).

export interface TokenMintOptions {
  namespace: string;
  serviceAccount: string;
  /** Bind the token to this pod (default: the first pod of the service account in the state). */
  pod?: string;
  ttlSeconds: number;
}

export interface TokenMintResult {
  /** The signed token (a secret). */
  token: string;
  /** sha256 prefix of the token, to refer to it in logs. */
  fingerprint: string;
  cluster: string;
  claims: { iss: string; sub: string; aud: string[]; iat: string; exp: string; pod: string; node?: string };
}

type MintDeps = Pick<Deps, 'store' | 'now' | 'clusterName' | 'reporter'>;

/** Kubernetes rejects a token bound to objects that do not exist, and so do simulate and the local proxy (check token.binding). */
const REFUSED = 'so simulate and the local proxy refuse it (token.binding)';

export async function tokenMint(opts: TokenMintOptions, deps: MintDeps): Promise<TokenMintResult> {
  const ttlProblem = tokenTtlProblem(opts.ttlSeconds);
  if (ttlProblem) throw new UsageError(`the token lifetime ${ttlProblem}`);
  const store = deps.store;
  if (!store) throw new UserError('podid token mint needs a local state: pass --state FILE', { hint: 'Tokens are signed with the state\'s key; create a state with `podid local init`.' });
  const key = store.doc.signingKey;
  if (!key) throw new UserError(`state file ${store.path} has no signingKey`, { hint: 'Take a new snapshot (`podid snapshot` adds a local signing key), or create a state with `podid local init`.' });
  const state = store.cluster(deps.clusterName);
  const { cluster } = state;
  if (!cluster.oidcIssuer) throw new UserError(`cluster ${cluster.name} in ${store.path} has no oidcIssuer`, { hint: 'Set clusters[].cluster.oidcIssuer (https://oidc.eks.<region>.amazonaws.com/id/<ID>) or recreate the state with `podid local init`.' });
  const { randomUUID } = await import('node:crypto');

  const sa = state.serviceAccounts.find((s) => s.namespace === opts.namespace && s.name === opts.serviceAccount);
  if (!sa) deps.reporter.warn(`service account ${opts.namespace}/${opts.serviceAccount} is not in the state; the token carries a made-up uid, ${REFUSED}`);
  const pod = pickPod(state.pods, opts, deps);
  const nodeName = pod.found?.nodeName;
  const payload = projectedTokenPayload({
    issuer: cluster.oidcIssuer,
    namespace: opts.namespace,
    serviceAccount: { name: opts.serviceAccount, uid: sa?.uid ?? randomUUID() },
    pod: { name: pod.name, uid: pod.found?.uid ?? randomUUID() },
    node: nodeName ? { name: nodeName, uid: randomUUID() } : undefined,
    now: deps.now(),
    ttlSeconds: opts.ttlSeconds,
    jti: randomUUID(),
  });
  const { signToken, tokenFingerprint } = await import('../adapters/local/token.js');
  const token = await signToken(payload, key);
  const at = (s: number) => new Date(s * 1000).toISOString();
  return {
    token,
    fingerprint: tokenFingerprint(token),
    cluster: cluster.name,
    claims: { iss: cluster.oidcIssuer, sub: subjectOf(opts.namespace, opts.serviceAccount), aud: payload.aud as string[], iat: at(payload.iat as number), exp: at(payload.exp as number), pod: pod.name, ...(nodeName ? { node: nodeName } : {}) },
  };
}

function pickPod(pods: Pod[], opts: TokenMintOptions, deps: MintDeps): { name: string; found?: Pod } {
  if (opts.pod) {
    const found = pods.find((p) => p.namespace === opts.namespace && p.name === opts.pod);
    if (found && found.serviceAccountName !== opts.serviceAccount) {
      throw new UserError(`pod ${opts.namespace}/${opts.pod} runs as service account ${found.serviceAccountName}, not ${opts.serviceAccount}`, { hint: `Use -s ${found.serviceAccountName}, or another --pod.` });
    }
    if (!found) deps.reporter.warn(`pod ${opts.namespace}/${opts.pod} is not in the state; the token carries a made-up pod uid, ${REFUSED}`);
    return { name: opts.pod, found };
  }
  const found = pods.find((p) => p.namespace === opts.namespace && p.serviceAccountName === opts.serviceAccount);
  if (found) {
    deps.reporter.info(`token bound to pod ${found.namespace}/${found.name}`);
    return { name: found.name, found };
  }
  const name = `${opts.serviceAccount}-podid`.slice(0, 63);
  deps.reporter.warn(`no pod of ${opts.namespace}/${opts.serviceAccount} in the state; the token is bound to a made-up pod ${name} (choose one with --pod), ${REFUSED}`);
  return { name };
}
