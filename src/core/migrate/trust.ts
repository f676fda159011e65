import { assumedRoleArn, parseRoleArn } from '../arn.js';
import { authorize } from '../iam/index.js';
import type { PolicyDocument, Request, Statement } from '../iam/types.js';
import { POD_IDENTITY_PRINCIPAL, SESSION_TAG_KEYS, type Cluster, type Role } from '../model.js';

// Trust-policy facts the migration needs beyond generation (core/policy): the cluster's OIDC
// provider, removing exactly one service account's IRSA trust, and asking podid's evaluator whether
// a trust policy accepts a service account (policies.md §1.3 request context).

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** "oidc.eks.us-west-2.amazonaws.com/id/ABC" from the issuer URL. */
export const oidcHost = (issuer: string) => issuer.replace(/^https:\/\//, '').replace(/\/+$/, '');

export const oidcProviderArn = (cluster: Pick<Cluster, 'partition' | 'accountId' | 'oidcIssuer'>) =>
  cluster.oidcIssuer ? `arn:${cluster.partition}:iam::${cluster.accountId}:oidc-provider/${oidcHost(cluster.oidcIssuer)}` : undefined;

export const irsaSubject = (namespace: string, serviceAccount: string) => `system:serviceaccount:${namespace}:${serviceAccount}`;

/** One statement a removal changed: dropped (no `after`), or with the SA's :sub value taken out. */
export interface OidcEdit {
  before: Statement;
  after?: Statement;
}

export type OidcRemoval =
  | { kind: 'removed'; policy: PolicyDocument; statements: number; values: number; edits: OidcEdit[] }
  | { kind: 'absent' }
  /** A statement for this provider trusts the SA only through a wildcard or without any :sub check. */
  | { kind: 'wildcard'; detail: string };

const isWebIdentity = (s: Statement) => list(s.Action).some((a) => /^sts:(AssumeRoleWithWebIdentity|\*)$/i.test(a) || a === '*');
const federatedOf = (s: Statement) => (s.Principal && s.Principal !== '*' ? list(s.Principal.Federated) : []);
const isSubKey = (key: string, host: string) => key.toLowerCase() === `${host.toLowerCase()}:sub`;

/**
 * Removes THIS cluster's OIDC trust for THIS service account only: a statement whose single
 * Federated principal is this provider and whose :sub is exactly the SA goes; a :sub list loses
 * just the SA's value. Other providers (other clusters), other SAs and wildcard subjects stay.
 */
export function removeOidcSubject(policy: PolicyDocument, providerArn: string, namespace: string, serviceAccount: string): OidcRemoval {
  const host = providerArn.slice(providerArn.indexOf('oidc-provider/') + 'oidc-provider/'.length);
  const subject = irsaSubject(namespace, serviceAccount);
  let statements = 0;
  let values = 0;
  let wildcard: string | undefined;
  const kept: Statement[] = [];
  const edits: OidcEdit[] = [];
  for (const s of list(policy.Statement)) {
    const federated = federatedOf(s);
    if (s.Effect !== 'Allow' || !federated.includes(providerArn) || !isWebIdentity(s)) {
      kept.push(s);
      continue;
    }
    const result = federated.length === 1 ? dropSubject(s, host, subject) : ({ kind: 'wildcard', detail: 'statement shared with other federated principals' } as const);
    if (result.kind === 'wildcard') wildcard ??= result.detail;
    if (result.kind === 'drop-statement') {
      statements++;
      edits.push({ before: s });
      continue;
    }
    if (result.kind === 'drop-value') {
      values++;
      edits.push({ before: s, after: result.statement });
    }
    kept.push(result.kind === 'drop-value' ? result.statement : s);
  }
  if (statements || values) return { kind: 'removed', policy: { ...policy, Statement: kept }, statements, values, edits };
  return wildcard ? { kind: 'wildcard', detail: wildcard } : { kind: 'absent' };
}

type SubjectDrop = { kind: 'drop-statement' } | { kind: 'drop-value'; statement: Statement } | { kind: 'none' } | { kind: 'wildcard'; detail: string };

function dropSubject(s: Statement, host: string, subject: string): SubjectDrop {
  const condition = s.Condition ?? {};
  let found: { op: string; key: string; values: string[] } | undefined;
  for (const [op, block] of Object.entries(condition)) {
    for (const [key, raw] of Object.entries(block)) {
      if (!isSubKey(key, host)) continue;
      const values = list(raw).map(String);
      if (values.includes(subject) && /^String(Equals|Like)$/i.test(op)) found = { op, key, values };
      else if (/Like/i.test(op) && values.some((v) => v.includes('*') || v.includes('?'))) return { kind: 'wildcard', detail: `${op} ${key} ${values.join(', ')}` };
    }
  }
  if (!found) {
    const hasSub = Object.values(condition).some((block) => Object.keys(block).some((k) => isSubKey(k, host)));
    return hasSub ? { kind: 'none' } : { kind: 'wildcard', detail: `no ${host}:sub condition (any service account of the cluster)` };
  }
  if (found.values.length === 1) return { kind: 'drop-statement' };
  const rest = found.values.filter((v) => v !== subject);
  const block = { ...condition[found.op], [found.key]: rest.length === 1 ? rest[0] : rest };
  return { kind: 'drop-value', statement: { ...s, Condition: { ...condition, [found.op]: block } } };
}

/** Does the trust policy (still) let the SA in through this cluster's OIDC provider? */
export function trustsOidcSubject(policy: PolicyDocument, providerArn: string, namespace: string, serviceAccount: string): boolean {
  return removeOidcSubject(policy, providerArn, namespace, serviceAccount).kind !== 'absent';
}

/** The first-hop request context EKS sends for a pod of (namespace, SA) (policies.md §1.3). */
export function podIdentityContext(cluster: Pick<Cluster, 'arn' | 'name' | 'accountId'>, namespace: string, serviceAccount: string): Record<string, string | string[]> {
  const tags: Record<string, string> = {
    'eks-cluster-arn': cluster.arn,
    'eks-cluster-name': cluster.name,
    'kubernetes-namespace': namespace,
    'kubernetes-service-account': serviceAccount,
    'kubernetes-pod-name': `${serviceAccount}-pod`,
    'kubernetes-pod-uid': '00000000-0000-0000-0000-000000000000',
  };
  const context: Record<string, string | string[]> = { 'aws:SourceAccount': cluster.accountId, 'aws:TagKeys': [...SESSION_TAG_KEYS] };
  for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
  return context;
}

/** Would pods.eks.amazonaws.com be allowed sts:AssumeRole and sts:TagSession on the role for this SA? */
export function trustAcceptsPodIdentity(trust: PolicyDocument, roleArn: string, cluster: Pick<Cluster, 'arn' | 'name' | 'accountId'>, namespace: string, serviceAccount: string): boolean {
  if (!list(trust.Statement).some((s) => mayAdmitService(s, serviceAccount))) return false;
  const context = podIdentityContext(cluster, namespace, serviceAccount);
  return ['sts:AssumeRole', 'sts:TagSession'].every((action) => {
    const request: Request = { principal: { type: 'service', service: POD_IDENTITY_PRINCIPAL }, action, resource: roleArn, context };
    return authorize({ request, resourcePolicy: { name: 'trust', document: trust } }).decision === 'allow';
  });
}

/** Cheap pre-check: only an Allow whose principal can be a service can let pods.eks.amazonaws.com in. */
function mayAdmitService(s: Statement, serviceAccount: string): boolean {
  if (s.Effect !== 'Allow') return false;
  if (s.NotPrincipal === undefined && s.Principal !== '*') {
    if (!s.Principal || !(list(s.Principal.Service).length > 0 || list(s.Principal.AWS).includes('*'))) return false;
  }
  // A StringEquals pin on another service account can never match (the common shared-role case).
  for (const [op, block] of Object.entries(s.Condition ?? {})) {
    if (op.toLowerCase() !== 'stringequals') continue;
    for (const [key, values] of Object.entries(block)) {
      if (key.toLowerCase() === 'aws:requesttag/kubernetes-service-account' && !list(values).map(String).includes(serviceAccount)) return false;
    }
  }
  return true;
}

/** Second hop of a bridge: may the bridge role's session assume (and tag) the target role? */
export function targetAccepts(bridge: Pick<Role, 'arn' | 'inlinePolicies'>, target: Pick<Role, 'arn' | 'trustPolicy'>, cluster: Pick<Cluster, 'arn' | 'name' | 'accountId'>, namespace: string, serviceAccount: string): boolean {
  const source = parseRoleArn(bridge.arn);
  const context = { ...podIdentityContext(cluster, namespace, serviceAccount), 'aws:PrincipalArn': bridge.arn, 'aws:PrincipalAccount': source.accountId };
  return ['sts:AssumeRole', 'sts:TagSession'].every((action) => {
    const request: Request = { principal: { type: 'aws', arn: assumedRoleArn(source, 'eks-migrate-check'), accountId: source.accountId }, action, resource: target.arn, context };
    const result = authorize({
      request,
      identityPolicies: bridge.inlinePolicies.map((p) => ({ name: p.name, document: p.document })),
      resourcePolicy: { name: 'target trust', document: target.trustPolicy },
      resourceAccountId: parseRoleArn(target.arn).accountId,
    });
    return result.decision === 'allow';
  });
}

/** A statement lets every association of the account in (Principal pods.eks.amazonaws.com, no RequestTag scoping). */
export function hasUnscopedPodIdentityStatement(trust: PolicyDocument): boolean {
  return list(trust.Statement).some((s) => {
    if (s.Effect !== 'Allow' || !s.Principal || s.Principal === '*' || !list(s.Principal.Service).includes(POD_IDENTITY_PRINCIPAL)) return false;
    const keys = Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block).map((k) => k.toLowerCase()));
    return !keys.some((k) => k.startsWith('aws:requesttag/kubernetes-'));
  });
}
