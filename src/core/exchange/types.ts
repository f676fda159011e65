import type { PolicyDocument } from '../iam/types.js';
import type { Association, Cluster, Role } from '../model.js';
import type { EksAuthErrorCode, PodIdentityCredentialsResponse } from '../ports.js';

// The shapes of podid's offline AssumeRoleForPodIdentity: what `simulate` reports and what the
// proxy's local source serves. Implementation: src/core/exchange/ (pure).

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface TokenCheck {
  /** Stable id, e.g. "token.format", "token.audience", "token.expiry", "token.issuer", "token.subject", "token.signature". */
  id: string;
  status: CheckStatus;
  detail: string;
}

/** Claims of a projected service-account token, as podid reads them. */
export interface TokenClaims {
  iss?: string;
  sub?: string;
  aud?: string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  namespace?: string;
  serviceAccount?: { name?: string; uid?: string };
  pod?: { name?: string; uid?: string };
  node?: { name?: string; uid?: string };
}

/** Everything the exchange needs, gathered by a service (state, AWS or live). */
export interface ExchangeFacts {
  cluster: Cluster;
  /** Associations of the token's (namespace, SA): normally zero or one. */
  associations: Association[];
  /** Roles by ARN (role and target role); missing = could not be read. */
  roles: Map<string, Role | null>;
  /** The cluster account's AWS Organizations id, when known (sent as aws:SourceOrgId). */
  organizationId?: string;
}

export interface ExchangeStep {
  id: string;
  status: CheckStatus;
  detail: string;
  /** The statement that decided, e.g. "trust policy of role/x, statement 0 (Sid PodIdentityDemo)". */
  decidedBy?: string;
}

export type ExchangeOutcome =
  | { ok: true; response: PodIdentityCredentialsResponse; sessionTags: Record<string, string>; lifetimeSeconds: number; packedSizePercent: number; warnings?: string[] }
  | { ok: false; error: { code: EksAuthErrorCode; httpStatus: number; message: string } };

export interface ExchangeResult {
  tokenChecks: TokenCheck[];
  steps: ExchangeStep[];
  outcome: ExchangeOutcome;
  /** One or two sentences: why it succeeded or failed, naming the deciding statement and condition. */
  explanation: string;
  /** The session the pod would get (set on success): input of evaluateAction. */
  session?: ExchangeSession;
}

/** The role session a successful exchange produces (the target role's when chaining). */
export interface ExchangeSession {
  role: Role;
  /** arn:<p>:sts::<acct>:assumed-role/<name>/<session name> */
  assumedRoleArn: string;
  sessionName: string;
  /** The six EKS session tags (empty with disableSessionTags); they become aws:PrincipalTag/*. */
  sessionTags: Record<string, string>;
  /** The association's inline session policy, parsed. */
  sessionPolicy?: PolicyDocument;
  /** Set when chaining: the Pod Identity role assumed first. */
  sourceRoleArn?: string;
}
