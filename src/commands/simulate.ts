import { isRemoteError, UsageError } from '../core/errors.js';
import { checkPod, evaluateAction, exchange, REDACTED, sessionTagContextKeys, type ActionVerdict, type PodProblem, type PodVerdict } from '../core/exchange/index.js';
import type { ExchangeFacts, ExchangeResult, ExchangeStep, TokenCheck } from '../core/exchange/types.js';
import type { Cluster, Pod } from '../core/model.js';
import type { PodIdentityCredentialsResponse } from '../core/ports.js';
import { checkToken, claimsFromPod, parseSubject, tokenSubject, type TokenCheckResult } from '../core/token/index.js';
import type { Deps } from '../deps.js';
import { requireCluster } from '../deps.js';
import { findPod, fingerprint, gatherExchangeFacts, newSessionId, tokenSignature } from '../services/exchange.js';
import { boundObjects } from './token-binding.js';

// `podid simulate`: what AssumeRoleForPodIdentity would return for a token (or a pod), why, and
// what the resulting session may do. With --pod, the pod itself is checked first (injected, not
// hostNetwork). With --live, the real EKS Auth answer beside the prediction (not with --state).

export interface SimulateOptions {
  /** The raw token (already read from the flag, a file or stdin). */
  token?: string;
  /** Instead of a token: the pod whose service account, uid and node make the claims. */
  pod?: { namespace: string; name: string };
  /** Evaluate at this time instead of now. */
  at?: Date;
  /** Keys from --jwks FILE (a JWKS or one JWK). */
  jwks?: { keys: unknown; source: string };
  actions?: string[];
  resource?: string;
  context?: Record<string, string>;
  live?: boolean;
  /** Fixed session-name UUID (tests). */
  sessionId?: string;
}

export interface EksAuthErrorShape {
  code: string;
  httpStatus?: number;
  message: string;
}

export interface LiveAnswer {
  ok: boolean;
  response?: PodIdentityCredentialsResponse;
  error?: EksAuthErrorShape;
  agrees: boolean;
  difference?: string;
}

export interface SimulateResult {
  cluster: string;
  at: string;
  input: { kind: 'token' | 'pod'; token?: string; pod?: string; subject?: string };
  tokenChecks: TokenCheck[];
  steps: ExchangeStep[];
  /** The pod (or the token's holder) gets credentials: the exchange succeeds and, with --pod, the pod has no problem. */
  ok: boolean;
  /** With --pod: why this pod gets no credentials even when the exchange itself would succeed. */
  podProblems?: PodProblem[];
  /** The AssumeRoleForPodIdentity response, credentials redacted (with podProblems: what a fresh pod would get). */
  response?: PodIdentityCredentialsResponse;
  error?: EksAuthErrorShape;
  sessionTags?: Record<string, string>;
  lifetimeSeconds?: number;
  /** podid's estimate of the session tags + session policy against STS's packed-size limit. */
  packedSizePercent?: number;
  warnings?: string[];
  explanation: string;
  actions: ActionVerdict[];
  live?: LiveAnswer;
}

type SimulateDeps = Pick<Deps, 'eks' | 'iam' | 'kube' | 'eksAuth' | 'reporter' | 'clusterName' | 'now' | 'store' | 'backend'>;

export async function simulate(opts: SimulateOptions, deps: SimulateDeps): Promise<SimulateResult> {
  // The local backend's EKS Auth is podid's own exchange: comparing it with the prediction proves nothing.
  if (opts.live && deps.backend === 'local') {
    throw new UsageError('--live calls the real EKS Auth API; it cannot be combined with --state', { hint: 'Drop --live for the prediction alone, or run against AWS (without --state).' });
  }
  const clusterName = requireCluster(deps);
  const now = opts.at ?? deps.now();
  const cluster = await deps.eks.describeCluster(clusterName);
  const { checked, input, pod } = await readInput(opts, deps, cluster, now);
  const subject = parseSubject(checked.claims.sub);
  const facts = await gatherExchangeFacts(deps, cluster, subject);
  checkContextKeys(opts, facts.associations, deps);
  if (opts.at) warnIfNewer(opts.at, pod, facts.associations, deps);
  const result = exchange(checked, facts, { now, sessionId: opts.sessionId ?? (await newSessionId()), clusterName });
  const podVerdict = pod ? checkPod(pod, facts.associations) : undefined;
  const out: SimulateResult = {
    cluster: facts.cluster.name,
    at: now.toISOString(),
    input,
    tokenChecks: result.tokenChecks,
    steps: podVerdict ? [podVerdict.step, ...result.steps] : result.steps,
    ok: result.outcome.ok && !podVerdict?.problems.length,
    explanation: explain(result, podVerdict, input.pod),
    actions: evaluateActions(result, opts, deps),
  };
  if (podVerdict?.problems.length) out.podProblems = podVerdict.problems;
  if (result.outcome.ok) {
    const { response, sessionTags, lifetimeSeconds, packedSizePercent } = result.outcome;
    Object.assign(out, { response, sessionTags, lifetimeSeconds, packedSizePercent });
    if (result.outcome.warnings) out.warnings = result.outcome.warnings;
  } else out.error = result.outcome.error;
  if (opts.live) {
    if (opts.token) out.live = await callLive(deps, clusterName, opts.token, out);
    else deps.reporter.warn('--live needs a token: with --pod there is nothing to send to EKS Auth; showing the prediction only');
  }
  return out;
}

/**
 * --context must not stand in for the six session tags: EKS sets them from the token, the caller
 * cannot change them, and overriding them would flip ABAC decisions silently. With session tags
 * disabled for the association there are none to override (role tags may then be simulated).
 */
function checkContextKeys(opts: SimulateOptions, associations: ExchangeFacts['associations'], deps: SimulateDeps): void {
  const keys = sessionTagContextKeys(opts.context ?? {});
  if (!keys.length) return;
  const named = keys.map((k) => `'${k}'`).join(', ');
  if (associations[0]?.disableSessionTags) {
    deps.reporter.warn(`--context ${named}: session tags are disabled for association ${associations[0].associationId}, so EKS sets none; the value stands for a role tag of that name`);
    return;
  }
  throw new UsageError(`option '--context' cannot set ${named}: EKS sets the six session tags (eks-cluster-arn, eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name, kubernetes-pod-uid) from the token, and the caller cannot change them`, {
    hint: 'Simulate another namespace or service account with a token for it (podid token mint -n NS -s SA) or --pod NS/NAME.',
  });
}

/** --at before an object existed: podid evaluates today's objects, so say so (a warning, not an error). */
function warnIfNewer(at: Date, pod: Pod | undefined, associations: ExchangeFacts['associations'], deps: SimulateDeps): void {
  const after = (iso: string | undefined) => iso !== undefined && Date.parse(iso) > at.getTime();
  const when = at.toISOString();
  if (pod && after(pod.creationTimestamp)) deps.reporter.warn(`pod ${pod.namespace}/${pod.name} was created at ${pod.creationTimestamp}, after --at ${when}; it did not exist then`);
  const association = associations[0];
  if (association && after(association.createdAt)) {
    deps.reporter.warn(`association ${association.associationId} was created at ${association.createdAt}, after --at ${when}; at that time EKS Auth would have found none (podid evaluates the association as it is now)`);
  }
}

/** With --pod problems, says both: this pod gets no credentials, and what the exchange itself would do. */
function explain(result: ExchangeResult, pod: PodVerdict | undefined, name: string | undefined): string {
  if (!pod?.problems.length) return result.explanation;
  const none = `Pod ${name} gets no credentials: ${pod.problems.map((p) => p.message).join('; ')}.`;
  if (!result.outcome.ok) return `${none} The exchange would fail too: ${result.explanation}`;
  const has = (code: PodProblem['code']) => pod.problems.some((p) => p.code === code);
  const without = [has('StaticKeysInEnv') ? 'static AWS keys' : '', has('PartialKeysInEnv') ? 'a lone AWS_ACCESS_KEY_ID' : '', has('IrsaEnvWins') ? 'IRSA env' : ''].filter(Boolean).join(' or ');
  const fresh = `a ${has('PodNotInjected') ? 'restarted ' : ''}pod${has('HostNetworkPod') ? ' off hostNetwork' : ''}${without ? ` without ${without}` : ''}`;
  return `${none} The exchange itself would succeed for ${fresh}: ${result.explanation}`;
}

async function readInput(opts: SimulateOptions, deps: SimulateDeps, cluster: Cluster, now: Date): Promise<{ checked: TokenCheckResult; input: SimulateResult['input']; pod?: Pod }> {
  if (opts.pod) {
    const { pod, serviceAccountUid } = await findPod(deps.kube, opts.pod.namespace, opts.pod.name);
    const checked = claimsFromPod({ namespace: pod.namespace, name: pod.name, uid: pod.uid, serviceAccount: { name: pod.serviceAccountName, uid: serviceAccountUid }, nodeName: pod.nodeName });
    return { checked, input: { kind: 'pod', pod: `${pod.namespace}/${pod.name}`, subject: checked.claims.sub }, pod };
  }
  const token = opts.token ?? '';
  const signature = await tokenSignature(
    token,
    { jwks: opts.jwks, statePublicJwk: deps.store?.doc.signingKey?.publicJwk, fetchIssuer: opts.live ? { clusterIssuer: cluster.oidcIssuer } : undefined },
    deps.reporter,
  );
  const read = tokenSubject(token);
  const objects = await boundObjects(deps, read.ok ? read.subject : undefined);
  const checked = checkToken(token, { now, cluster, signature, objects, atGiven: opts.at !== undefined });
  return { checked, input: { kind: 'token', token: await fingerprint(token), subject: checked.claims.sub } };
}

function evaluateActions(result: ExchangeResult, opts: SimulateOptions, deps: SimulateDeps): ActionVerdict[] {
  if (!opts.actions?.length) return [];
  if (!result.session) {
    deps.reporter.warn('actions were not evaluated: the exchange fails, so the pod gets no session');
    return [];
  }
  const session = result.session;
  return opts.actions.map((action) => evaluateAction(session, action, opts.resource ?? '*', opts.context ?? {}));
}

async function callLive(deps: SimulateDeps, clusterName: string, token: string, predicted: SimulateResult): Promise<LiveAnswer> {
  let live: Omit<LiveAnswer, 'agrees' | 'difference'>;
  try {
    const response = await deps.eksAuth.assumeRoleForPodIdentity(clusterName, token);
    live = { ok: true, response: { ...response, credentials: { accessKeyId: REDACTED, secretAccessKey: REDACTED, sessionToken: REDACTED, expiration: response.credentials.expiration } } };
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    live = { ok: false, error: { code: error.code ?? error.kind, httpStatus: error.httpStatus, message: error.message } };
  }
  const difference = compare(predicted, live);
  return { ...live, agrees: !difference, ...(difference ? { difference } : {}) };
}

function compare(predicted: SimulateResult, live: Omit<LiveAnswer, 'agrees' | 'difference'>): string | undefined {
  if (predicted.ok !== live.ok) {
    return predicted.ok ? `podid predicted success, EKS Auth answered ${live.error?.code}` : `podid predicted ${predicted.error?.code}, EKS Auth returned credentials`;
  }
  if (!predicted.ok) return predicted.error?.code === live.error?.code ? undefined : `podid predicted ${predicted.error?.code}, EKS Auth answered ${live.error?.code}`;
  const p = predicted.response!;
  const l = live.response!;
  if (p.podIdentityAssociation.associationId !== l.podIdentityAssociation.associationId) return `association ${p.podIdentityAssociation.associationId} predicted, ${l.podIdentityAssociation.associationId} used`;
  const role = (arn: string) => arn.split('/').slice(0, 2).join('/');
  if (role(p.assumedRoleUser.arn) !== role(l.assumedRoleUser.arn)) return `role ${role(p.assumedRoleUser.arn)} predicted, ${role(l.assumedRoleUser.arn)} returned`;
  return undefined;
}
