import pLimit from 'p-limit';
import { UserError } from '../core/errors.js';
import type { ExchangeFacts } from '../core/exchange/types.js';
import type { Cluster, Pod } from '../core/model.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import { decodeJwt, readClaims, type SignatureVerdict } from '../core/token/index.js';
import { readRoles } from './associations.js';

// Reads what podid's exchange needs, through ports: the cluster, the associations of one
// (namespace, SA) (list + describe), each distinct role once. Also the token's signature verdict
// (jose, in adapters/local/token.ts) and the pod behind `simulate --pod`.

const CONCURRENCY = 8;

export async function gatherExchangeFacts(
  deps: { eks: EksPort; iam: IamPort; reporter: Reporter },
  clusterOrName: Cluster | string,
  subject?: { namespace: string; serviceAccount: string },
): Promise<ExchangeFacts> {
  const cluster = typeof clusterOrName === 'string' ? await deps.eks.describeCluster(clusterOrName) : clusterOrName;
  if (!subject) return { cluster, associations: [], roles: new Map() };
  const summaries = await deps.eks.listAssociations(cluster.name, subject);
  const limit = pLimit(CONCURRENCY);
  const associations = await Promise.all(summaries.map((s) => limit(() => deps.eks.describeAssociation(cluster.name, s.associationId))));
  const arns = associations.flatMap((a) => [a.roleArn, a.targetRoleArn].filter((r): r is string => Boolean(r)));
  const roles = await readRoles(deps, arns);
  return { cluster, associations, roles };
}

export interface KeySources {
  /** Keys from --jwks FILE. */
  jwks?: { keys: unknown; source: string };
  /** The local state's signingKey.publicJwk. */
  statePublicJwk?: Record<string, unknown>;
  /** Fetch the issuer's JWKS (only when the token's iss is the cluster's issuer). */
  fetchIssuer?: { clusterIssuer?: string; timeoutMs?: number };
}

/** The signature verdict for a token: --jwks, else the state key, else (live) the issuer's JWKS; otherwise unverified. */
export async function tokenSignature(token: string, sources: KeySources, reporter: Reporter): Promise<SignatureVerdict> {
  const jose = await import('../adapters/local/token.js');
  const decoded = decodeJwt(token);
  if (!decoded.ok) return { status: 'skip', detail: 'not checked: the token could not be decoded' };
  if (sources.jwks) return jose.verifySignature(token, jose.toKeySet(sources.jwks.keys), sources.jwks.source);
  if (sources.statePublicJwk) return jose.verifySignature(token, jose.toKeySet(sources.statePublicJwk), 'the state signing key');
  const fetch = sources.fetchIssuer;
  if (fetch) {
    const iss = readClaims(decoded.jwt.payload).iss;
    if (!fetch.clusterIssuer || !iss || iss.replace(/\/+$/, '') !== fetch.clusterIssuer.replace(/\/+$/, '')) {
      return jose.unverified("the token's iss is not the cluster's OIDC issuer, so its keys were not fetched");
    }
    try {
      const keys = await jose.fetchIssuerJwks(fetch.clusterIssuer, fetch.timeoutMs);
      return jose.verifySignature(token, keys, `the issuer's JWKS (${fetch.clusterIssuer})`);
    } catch (error) {
      reporter.debug(`cannot fetch the issuer's JWKS: ${(error as Error).message}`);
      return jose.unverified(`could not fetch the issuer's JWKS (${(error as Error).message})`);
    }
  }
  return jose.unverified('no key available (pass --jwks FILE, use --state with a signing key, or --live to fetch the issuer\'s keys)');
}

/** The pod behind `simulate --pod NS/NAME`, with its service account's uid when Kubernetes has it. */
export async function findPod(kube: KubePort, namespace: string, name: string): Promise<{ pod: Pod; serviceAccountUid?: string }> {
  const pod = (await kube.listPods(namespace)).find((p) => p.name === name);
  if (!pod) throw new UserError(`pod ${namespace}/${name} not found`, { hint: `List pods with \`kubectl get pods -n ${namespace}\` (or check the state file).` });
  const sa = await kube.getServiceAccount(namespace, pod.serviceAccountName);
  return { pod, serviceAccountUid: sa?.uid };
}

export const newSessionId = async () => (await import('node:crypto')).randomUUID();
export const fingerprint = async (token: string) => (await import('../adapters/local/token.js')).tokenFingerprint(token);
