import { parseArn } from '../arn.js';
import { UsageError } from '../errors.js';
import type { Principal } from '../iam/index.js';
import { SESSION_TAG_KEYS } from '../model.js';
import { requireClusterArn } from './cluster-arn.js';
import type { SessionTagsMode, Workload } from './types.js';

// Turning `podid policy explain` flags into an evaluator request.

/** `pods.eks.amazonaws.com` → a service; an ARN or a 12-digit account id → an AWS principal. */
export function parsePrincipal(text: string): Principal {
  const value = text.trim();
  if (/^\d{12}$/.test(value)) return { type: 'aws', arn: `arn:aws:iam::${value}:root`, accountId: value };
  if (value.startsWith('arn:')) {
    let accountId: string;
    try {
      accountId = parseArn(value, 'principal ARN').accountId;
    } catch (error) {
      throw new UsageError(`option '--principal': ${(error as Error).message}`);
    }
    if (!/^\d{12}$/.test(accountId)) throw new UsageError(`option '--principal': '${value}' has no 12-digit account id`);
    return { type: 'aws', arn: value, accountId };
  }
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(value)) return { type: 'service', service: value };
  throw new UsageError(`option '--principal' expects a service principal (pods.eks.amazonaws.com), an ARN or an account id, got '${text}'`);
}

const SESSION_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const USER_ARN = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/;

/**
 * The request context IAM derives from the caller itself (AWS global condition keys): aws:PrincipalArn
 * (for a role session the role's ARN: arn:<p>:iam::<acct>:role/<name>, the path is not in the session
 * ARN; for users, roles and account roots the ARN itself), aws:PrincipalAccount, and aws:username for
 * IAM users. Nothing for a service principal.
 */
export function principalContext(principal: Principal): Record<string, string> {
  if (principal.type === 'service') return {};
  const session = SESSION_ARN.exec(principal.arn);
  const out: Record<string, string> = {
    'aws:PrincipalArn': session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : principal.arn,
    'aws:PrincipalAccount': principal.accountId,
  };
  const user = USER_ARN.exec(principal.arn);
  if (user) out['aws:username'] = user[1];
  return out;
}

/** `k=v` items; a key given several times becomes a multivalued key (e.g. aws:TagKeys). */
export function parseContext(items: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`option '--context' expects key=value, got '${item}'`);
    const key = item.slice(0, at);
    const value = item.slice(at + 1);
    const prev = out[key];
    out[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

/**
 * The request context EKS builds for the first hop of a workload (policies.md §1.3). Session tags
 * on (default): aws:SourceAccount, the six aws:RequestTag/* keys and aws:TagKeys; off: aws:SourceAccount only.
 */
export function podIdentityContext(w: Workload, opts: { podName?: string; podUid?: string; sessionTags?: SessionTagsMode } = {}): Record<string, string | string[]> {
  const { accountId: account, name } = requireClusterArn(w.clusterArn);
  if (opts.sessionTags === 'off') return { 'aws:SourceAccount': account };
  const tags: Record<string, string> = {
    'eks-cluster-arn': w.clusterArn,
    'eks-cluster-name': name,
    'kubernetes-namespace': w.namespace,
    'kubernetes-service-account': w.serviceAccount,
    'kubernetes-pod-name': opts.podName ?? `${w.serviceAccount}-0`,
    'kubernetes-pod-uid': opts.podUid ?? '00000000-0000-0000-0000-000000000000',
  };
  return {
    'aws:SourceAccount': account,
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    'aws:TagKeys': [...SESSION_TAG_KEYS],
  };
}
