import type { TokenCheck, TokenClaims } from '../exchange/types.js';

// Check `token.binding`: the objects a projected token is bound to (its `kubernetes.io` block)
// against the service account and pods the backend knows (the state, or the live cluster).
// Kubernetes' token authenticator (TokenReview, which EKS Auth relies on) rejects a token whose
// service-account uid is not the current one's: the SA was deleted and recreated since. Which EKS
// Auth error that gives is not documented (agent-protocol.md §3.4, §7); InvalidTokenException
// ("the token is invalid") is podid's reading. A missing pod is only a warning: the state may be
// older than the token, or the pod gone since. Pure.

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

export function checkBinding(claims: TokenClaims, subject: { namespace: string; serviceAccount: string } | undefined, objects: BoundObjects | undefined): TokenCheck {
  const id = BINDING_CHECK_ID;
  if (!objects) return { id, status: 'skip', detail: 'not checked: the service account and pod were not looked up' };
  if (objects.unavailable) return { id, status: 'skip', detail: `not checked: ${objects.unavailable}` };
  if (!subject) return { id, status: 'skip', detail: 'not checked: the token names no service account' };
  const who = `${subject.namespace}/${subject.serviceAccount}`;
  const notes: string[] = [];
  const warnings: string[] = [];

  const tokenSaUid = claims.serviceAccount?.uid;
  const sa = objects.serviceAccount;
  if (sa === null) warnings.push(`service account ${who} is not in ${objects.source}, so its uid was not compared (deleted since the token was issued? then Kubernetes rejects the token)`);
  else if (sa?.uid && tokenSaUid && sa.uid !== tokenSaUid) {
    return {
      id,
      status: 'fail',
      detail: `kubernetes.io.serviceaccount.uid ${tokenSaUid} is not the uid of service account ${who} in ${objects.source} (${sa.uid}): the token was issued to an earlier service account of that name (deleted and recreated), which Kubernetes' TokenReview rejects; InvalidTokenException ${PODID_READING}`,
    };
  } else if (sa?.uid && tokenSaUid) notes.push(`service account uid matches ${objects.source}`);

  const pod = claims.pod;
  if (pod?.name && objects.pods) {
    const byName = objects.pods.find((p) => p.name === pod.name);
    const byUid = pod.uid ? objects.pods.find((p) => p.uid === pod.uid) : undefined;
    if (!byName) {
      warnings.push(
        byUid
          ? `pod ${subject.namespace}/${pod.name} is not in ${objects.source}, but its uid ${pod.uid} belongs to pod ${byUid.name}`
          : `pod ${subject.namespace}/${pod.name} (uid ${pod.uid ?? '?'}) is not in ${objects.source}: it may be gone (Kubernetes rejects a token bound to a deleted pod) or newer than ${objects.source}`,
      );
    } else if (pod.uid && byName.uid !== pod.uid) {
      warnings.push(`pod ${subject.namespace}/${pod.name} in ${objects.source} has uid ${byName.uid}, not the token's ${pod.uid}: a recreated pod with the same name? (Kubernetes rejects a token bound to a deleted pod)`);
    } else if (byName.serviceAccountName && byName.serviceAccountName !== subject.serviceAccount) {
      warnings.push(`pod ${subject.namespace}/${pod.name} runs as service account ${byName.serviceAccountName}, not ${subject.serviceAccount}: the kubelet never issues such a token`);
    } else notes.push(`pod ${pod.name} and its uid match ${objects.source}`);
  }

  if (warnings.length) return { id, status: 'warn', detail: warnings.join('; ') };
  if (!notes.length) return { id, status: 'skip', detail: `not compared: ${objects.source} has no uids for ${who} or its pod` };
  return { id, status: 'ok', detail: notes.join('; ') };
}
