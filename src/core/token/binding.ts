import type { TokenCheck, TokenClaims } from '../exchange/types.js';

// Check `token.binding`: the objects a projected token is bound to (its `kubernetes.io` block)
// against the service account and pods the backend knows (the state, or the live cluster).
// Kubernetes' token authenticator (TokenReview, which EKS Auth relies on) looks the bound objects
// up and rejects the token when the service account or the pod is gone, or has another uid (it was
// deleted and recreated with the same name since the token was issued). uids are compared exactly,
// as Kubernetes does. Which EKS Auth error that gives is not documented (agent-protocol.md §3.4,
// §7); InvalidTokenException ("the token is invalid") is podid's reading. Pure.

export interface BoundObjects {
  /** Where the objects come from, e.g. "the state" or "the cluster". */
  source: string;
  /** The service account named by `sub`; null when it does not exist, undefined when not looked up. */
  serviceAccount?: { uid?: string } | null;
  /** Pods of the token's namespace; undefined when not looked up. */
  pods?: { name: string; uid: string; serviceAccountName?: string }[];
  /** Why the objects could not be looked up (the check is skipped). */
  unavailable?: string;
}

export const BINDING_CHECK_ID = 'token.binding';

/** Marks an error type that AWS does not document for this condition. */
export const PODID_READING = "(podid's reading: AWS does not document which EKS Auth error this gives)";

const REJECTS = "Kubernetes' TokenReview rejects it";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why the token's `kubernetes.io` claim cannot be compared at all; undefined when it is an object. */
function claimProblem(raw: { kubernetes?: unknown } | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw.kubernetes === undefined) return 'the token has no "kubernetes.io" claim';
  if (!isObject(raw.kubernetes)) return 'the token\'s "kubernetes.io" claim is malformed (not a JSON object)';
  return undefined;
}

/** Why the token's service-account uid was not compared (its claim is absent or not a string). */
function tokenUidGap(raw: { kubernetes?: unknown } | undefined): string {
  const sa = isObject(raw?.kubernetes) ? raw.kubernetes.serviceaccount : undefined;
  const uid = isObject(sa) ? sa.uid : undefined;
  return uid !== undefined && typeof uid !== 'string' ? 'kubernetes.io.serviceaccount.uid is not a string' : 'the token has no kubernetes.io.serviceaccount.uid';
}

/**
 * `raw.kubernetes` is the token's `kubernetes.io` claim as decoded (before readClaims drops wrong
 * types), so a malformed claim is named as such rather than read as "no uids".
 */
export function checkBinding(
  claims: TokenClaims,
  subject: { namespace: string; serviceAccount: string } | undefined,
  objects: BoundObjects | undefined,
  raw?: { kubernetes?: unknown },
): TokenCheck {
  const id = BINDING_CHECK_ID;
  const skip = (detail: string): TokenCheck => ({ id, status: 'skip', detail });
  const fail = (detail: string): TokenCheck => ({ id, status: 'fail', detail: `${detail}; InvalidTokenException ${PODID_READING}` });
  if (!objects) return skip('not checked: the service account and pod were not looked up');
  if (objects.unavailable) return skip(`not checked: ${objects.unavailable}`);
  if (!subject) return skip('not checked: the token names no service account');
  const { source } = objects;
  const who = `${subject.namespace}/${subject.serviceAccount}`;

  const sa = objects.serviceAccount;
  if (sa === null) return fail(`service account ${who} is not in ${source}: it was deleted since the token was issued (or never existed), and ${REJECTS}`);
  const problem = claimProblem(raw);
  if (problem) return skip(`not compared: ${problem}`);

  const notes: string[] = [];
  const gaps: string[] = [];
  const tokenSaUid = claims.serviceAccount?.uid;
  if (sa?.uid && tokenSaUid) {
    if (sa.uid !== tokenSaUid) {
      return fail(`kubernetes.io.serviceaccount.uid ${tokenSaUid} is not the uid of service account ${who} in ${source} (${sa.uid}): the token was issued to an earlier service account of that name (deleted and recreated), and ${REJECTS}`);
    }
    notes.push(`service account uid matches ${source}`);
  } else if (sa) gaps.push(sa.uid ? tokenUidGap(raw) : `${source} has no uid for service account ${who}`);

  const pod = claims.pod;
  const warnings: string[] = [];
  if (!pod?.name) gaps.push('the token is not bound to a pod');
  else if (!objects.pods) gaps.push(`the pods of ${subject.namespace} were not listed`);
  else {
    const where = `pod ${subject.namespace}/${pod.name}`;
    const byName = objects.pods.find((p) => p.name === pod.name);
    if (!byName) {
      const byUid = pod.uid ? objects.pods.find((p) => p.uid === pod.uid) : undefined;
      const moved = byUid ? ` (its uid ${pod.uid} belongs to pod ${byUid.name})` : '';
      return fail(`${where} (uid ${pod.uid ?? '?'}) is not in ${source}${moved}: the token is bound to a pod that is gone (or newer than ${source}), and ${REJECTS}`);
    }
    if (pod.uid && byName.uid && byName.uid !== pod.uid) {
      return fail(`${where} in ${source} has uid ${byName.uid}, not the token's ${pod.uid}: the pod was deleted and recreated with the same name since the token was issued, and ${REJECTS}`);
    }
    if (byName.serviceAccountName && byName.serviceAccountName !== subject.serviceAccount) {
      warnings.push(`${where} runs as service account ${byName.serviceAccountName}, not ${subject.serviceAccount}: the kubelet never issues such a token`);
    } else if (pod.uid && byName.uid) notes.push(`pod ${pod.name} and its uid match ${source}`);
    else gaps.push(pod.uid ? `${source} has no uid for ${where}` : 'the token has no kubernetes.io.pod.uid');
  }

  if (warnings.length) return { id, status: 'warn', detail: warnings.join('; ') };
  if (!notes.length) return skip(`not compared: ${gaps.join('; ')}`);
  return { id, status: 'ok', detail: [...notes, ...(gaps.length ? [`not compared: ${gaps.join('; ')}`] : [])].join('; ') };
}
