import { RemoteError, UsageError, isRemoteError } from '../core/errors.js';
import type { Association, Cluster, Credentials } from '../core/model.js';
import { POD_IDENTITY_PRINCIPAL } from '../core/model.js';
import type { EksAuthErrorCode, EksAuthPort, EksPort, KubePort, PodIdentityCredentialsResponse, StsPort } from '../core/ports.js';
import { parseUnverified } from '../core/proxy/jwt.js';
import type { CredentialSource } from '../core/proxy/types.js';

// Where the proxy gets credentials on a cache miss. Each source is `(token) → EKS Auth response`
// and fails with a RemoteError carrying the EKS Auth error code and HTTP status, which the
// handler puts on the wire as the agent does.
//   local    — the state file's EksAuthPort (podid's offline exchange), with --state
//   eks-auth — the real AssumeRoleForPodIdentity, as the agent calls it
//   sts      — real credentials with the developer's own AWS identity: AssumeRole on the
//              associated role (then the target role) with the six session tags

export const SOURCE_NAMES = ['local', 'sts', 'eks-auth'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export function eksAuthSource(eksAuth: EksAuthPort, clusterName: string): CredentialSource {
  return (token) => eksAuth.assumeRoleForPodIdentity(clusterName, token);
}

/** The default source: the offline exchange with --state, else EKS Auth (proxy) or STS (exec, which mints its own token). */
export function defaultSource(backend: 'local' | 'aws', minted: boolean): SourceName {
  if (backend === 'local') return 'local';
  return minted ? 'sts' : 'eks-auth';
}

export function checkSource(source: SourceName, backend: 'local' | 'aws'): void {
  if (source === 'local' && backend !== 'local') {
    throw new UsageError("option '--source local' needs a state file: pass --state FILE (or use --source sts|eks-auth)");
  }
}

/** An EKS Auth failure. `requestId` is the AWS call's that failed, if any; makeSource fills in one otherwise. */
const eksAuthError = (code: EksAuthErrorCode, httpStatus: number, message: string, cause?: unknown, requestId = '') =>
  new RemoteError(message, {
    kind: httpStatus === 404 ? 'not-found' : code === 'AccessDeniedException' ? 'access-denied' : code === 'ThrottlingException' ? 'throttled' : httpStatus >= 500 ? 'unavailable' : 'invalid',
    service: 'eks-auth',
    operation: 'AssumeRoleForPodIdentity',
    code,
    httpStatus,
    requestId,
    cause,
  });

/** What the STS source reads from a token. No signature check: STS, not the token, authenticates the caller. */
export interface PodClaims {
  namespace: string;
  serviceAccount: string;
  podName: string;
  podUid: string;
  issuer?: string;
  audience: string[];
}

export function podClaimsFromToken(token: string): PodClaims {
  const parsed = parseUnverified(token);
  if (!parsed.ok) throw eksAuthError('InvalidTokenException', 400, `The specified Kubernetes service account token is invalid: ${parsed.error}`);
  const payload = parsed.token.payload;
  const k8s = (payload['kubernetes.io'] ?? {}) as { namespace?: string; serviceaccount?: { name?: string }; pod?: { name?: string; uid?: string } };
  const sub = typeof payload.sub === 'string' ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(payload.sub) : null;
  const namespace = k8s.namespace ?? sub?.[1];
  const serviceAccount = k8s.serviceaccount?.name ?? sub?.[2];
  if (!namespace || !serviceAccount) throw eksAuthError('InvalidTokenException', 400, 'The specified Kubernetes service account token is invalid: it names no service account.');
  const aud = payload.aud;
  const audience = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  return { namespace, serviceAccount, podName: k8s.pod?.name ?? '', podUid: k8s.pod?.uid ?? '', issuer: typeof payload.iss === 'string' ? payload.iss : undefined, audience };
}

/** `eks-<cluster>-<pod>-<uuid>` as EKS names sessions, cut to STS's 64 characters (the uuid is kept whole). */
export function podSessionName(clusterName: string, podName: string, uuid: string): string {
  const clean = (text: string) => text.replace(/[^\w+=,.@-]/g, '-');
  const suffix = `-${clean(uuid)}`;
  const prefix = clean(`eks-${clusterName}-${podName || 'pod'}`).slice(0, Math.max(0, 64 - suffix.length));
  return `${prefix}${suffix}`.slice(0, 64);
}

export function podSessionTags(cluster: Cluster, claims: PodClaims): Record<string, string> {
  return {
    'eks-cluster-arn': cluster.arn,
    'eks-cluster-name': cluster.name,
    'kubernetes-namespace': claims.namespace,
    'kubernetes-service-account': claims.serviceAccount,
    'kubernetes-pod-name': claims.podName,
    'kubernetes-pod-uid': claims.podUid,
  };
}

export interface StsSourceDeps {
  eks: EksPort;
  sts: StsPort;
  /** A random UUID for session names. */
  uuid: () => string;
}

async function findAssociation(eks: EksPort, clusterName: string, claims: PodClaims): Promise<Association> {
  const summaries = await eks.listAssociations(clusterName, { namespace: claims.namespace, serviceAccount: claims.serviceAccount });
  const match = summaries.find((s) => s.namespace === claims.namespace && s.serviceAccount === claims.serviceAccount);
  if (!match) {
    throw eksAuthError('ResourceNotFoundException', 404, `No Pod Identity Association found for service account ${claims.namespace}/${claims.serviceAccount} in cluster ${clusterName}.`);
  }
  return eks.describeAssociation(clusterName, match.associationId);
}

/** STS failures in EKS Auth's terms (EKS reports a role it cannot assume as AccessDeniedException, 400), with STS's request id. */
function asEksAuthError(error: unknown): unknown {
  if (!isRemoteError(error) || error.service === 'eks-auth') return error;
  const id = error.requestId;
  if (error.kind === 'access-denied') return eksAuthError('AccessDeniedException', 400, error.message, error, id);
  if (error.kind === 'throttled') return eksAuthError('ThrottlingException', 429, error.message, error, id);
  if (error.kind === 'not-found') return eksAuthError('ResourceNotFoundException', 404, error.message, error, id);
  if (error.kind === 'invalid') return eksAuthError('InvalidRequestException', 400, error.message, error, id);
  return eksAuthError('InternalServerException', 500, error.message, error, id);
}

export function stsSource(deps: StsSourceDeps, clusterName: string): CredentialSource {
  let cluster: Promise<Cluster> | undefined;
  return async (token) => {
    try {
      const claims = podClaimsFromToken(token);
      if (!claims.audience.includes(POD_IDENTITY_PRINCIPAL)) {
        throw eksAuthError('InvalidTokenException', 400, `The specified Kubernetes service account token is invalid: audience must include ${POD_IDENTITY_PRINCIPAL}.`);
      }
      const facts = await (cluster ??= deps.eks.describeCluster(clusterName).catch((e) => ((cluster = undefined), Promise.reject(e))));
      if (facts.oidcIssuer && claims.issuer && claims.issuer !== facts.oidcIssuer) {
        throw eksAuthError('InvalidTokenException', 400, `The specified Kubernetes service account token is invalid: issuer ${claims.issuer} is not cluster ${clusterName}'s (${facts.oidcIssuer}).`);
      }
      const association = await findAssociation(deps.eks, clusterName, claims);
      return await assumeForPod(deps, facts, association, claims);
    } catch (error) {
      throw asEksAuthError(error);
    }
  };
}

async function assumeForPod(deps: StsSourceDeps, cluster: Cluster, association: Association, claims: PodClaims): Promise<PodIdentityCredentialsResponse> {
  const sessionName = podSessionName(cluster.name, claims.podName, deps.uuid());
  const tags = association.disableSessionTags ? undefined : podSessionTags(cluster, claims);
  const target = association.targetRoleArn;
  const first = await deps.sts.assumeRole({
    roleArn: association.roleArn,
    sessionName,
    tags,
    transitiveTagKeys: tags ? Object.keys(tags) : undefined,
    policy: target ? undefined : association.policy,
  });
  // With a target role the first session's tags are transitive, so the second call carries none.
  const last = target
    ? await deps.sts.assumeRole({ roleArn: target, sessionName, externalId: association.externalId, policy: association.policy }, first.credentials)
    : first;
  return podIdentityResponse(association, claims, last.assumedRoleArn, last.assumedRoleId, last.credentials);
}

export function podIdentityResponse(association: Association, claims: Pick<PodClaims, 'namespace' | 'serviceAccount'>, arn: string, assumeRoleId: string, credentials: Credentials): PodIdentityCredentialsResponse {
  return {
    subject: { namespace: claims.namespace, serviceAccount: claims.serviceAccount },
    audience: POD_IDENTITY_PRINCIPAL,
    podIdentityAssociation: { associationArn: association.associationArn, associationId: association.associationId },
    assumedRoleUser: { arn, assumeRoleId },
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: Math.floor(new Date(credentials.expiration).getTime() / 1000),
    },
  };
}

export interface SourceDeps {
  backend: 'local' | 'aws';
  eks: EksPort;
  sts: StsPort;
  eksAuth: EksAuthPort;
  uuid: () => string;
}

/**
 * EKS Auth answers every HTTP response with a request id, and the agent shows `[]` only when no
 * response came (status 0). Failures podid produces itself (the offline exchange, the STS
 * source's own checks) get a generated one, so their bodies read like the agent's; a request id
 * from AWS is kept.
 */
export function withRequestIds(source: CredentialSource, uuid: () => string): CredentialSource {
  return async (token) => {
    try {
      return await source(token);
    } catch (error) {
      if (!isRemoteError(error) || !error.httpStatus || error.requestId) throw error;
      const { kind, service, operation, code, httpStatus, hint } = error;
      throw new RemoteError(error.message, { kind, service, operation, code, httpStatus, hint, requestId: uuid(), cause: error.cause });
    }
  };
}

export function makeSource(name: SourceName, deps: SourceDeps, clusterName: string): CredentialSource {
  checkSource(name, deps.backend);
  if (name === 'sts') return withRequestIds(stsSource(deps, clusterName), deps.uuid);
  // The real EKS Auth (backend aws) gives its own ids; the local one gives none.
  const source = eksAuthSource(deps.eksAuth, clusterName);
  return deps.backend === 'local' ? withRequestIds(source, deps.uuid) : source;
}

/** Claims for a token `exec` and `proxy env` mint: the SA's uid and one of its pods when the backend knows them. */
export async function podTokenSubject(deps: { kube: KubePort; backend: 'local' | 'aws' }, namespace: string, serviceAccount: string, uuid: () => string) {
  if (deps.backend === 'local') {
    const sa = await deps.kube.getServiceAccount(namespace, serviceAccount);
    const pod = (await deps.kube.listPods(namespace)).find((p) => p.serviceAccountName === serviceAccount);
    return { serviceAccountUid: sa?.uid ?? uuid(), podName: pod?.name ?? `${serviceAccount}-podid-exec`, podUid: pod?.uid ?? uuid() };
  }
  return { serviceAccountUid: uuid(), podName: `${serviceAccount}-podid-exec`, podUid: uuid() };
}
