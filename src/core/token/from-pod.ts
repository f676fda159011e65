import { TOKEN_CHECK_IDS, type TokenCheckResult } from './check.js';
import { subjectOf } from './claims.js';

// `podid simulate --pod NS/NAME`: no token, so the claims come from the pod itself (its service
// account, uid and node) and every token check is reported as skipped.

export interface PodIdentityRef {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: { name: string; uid?: string };
  nodeName?: string;
}

export function claimsFromPod(pod: PodIdentityRef): TokenCheckResult {
  const claims: TokenCheckResult['claims'] = {
    sub: subjectOf(pod.namespace, pod.serviceAccount.name),
    namespace: pod.namespace,
    serviceAccount: { ...pod.serviceAccount },
    pod: { name: pod.name, uid: pod.uid },
  };
  if (pod.nodeName) claims.node = { name: pod.nodeName };
  const detail = `skipped: no token; claims taken from pod ${pod.namespace}/${pod.name}`;
  return { claims, checks: TOKEN_CHECK_IDS.map((id) => ({ id, status: 'skip' as const, detail })) };
}
