import { assumedRoleArn, parseRoleArn } from '../arn.js';
import type { Association, Role } from '../model.js';
import type { PodIdentityCredentialsResponse } from '../ports.js';
import type { TokenCheckResult } from '../token/check.js';
import { POD_IDENTITY_AUDIENCE, parseSubject } from '../token/claims.js';
import { evaluateChain } from './chain.js';
import { checkClusterName, eksAuthError, type EksAuthError } from './errors.js';
import { LIFETIME_SECONDS, packedPercent, parseSessionPolicy, sessionName, sessionTags, sessionWarnings } from './session.js';
import { evaluateFirstHop } from './trust.js';
import type { ExchangeFacts, ExchangeResult, ExchangeSession, ExchangeStep } from './types.js';

// podid's offline AssumeRoleForPodIdentity: token verdict + gathered facts → the response EKS Auth
// would return, or the error it would raise, with the steps that led there. Pure.

export interface ExchangeOptions {
  now: Date;
  /** The random part of the session name (a UUID). */
  sessionId: string;
  /** The clusterName of the request; defaults to facts.cluster.name. */
  clusterName?: string;
}

export const REDACTED = '<redacted>';

class Trail {
  readonly steps: ExchangeStep[] = [];
  add(id: string, status: ExchangeStep['status'], detail: string, decidedBy?: string) {
    this.steps.push(decidedBy ? { id, status, detail, decidedBy } : { id, status, detail });
  }
}

export function exchange(token: TokenCheckResult, facts: ExchangeFacts, options: ExchangeOptions): ExchangeResult {
  const trail = new Trail();
  const fail = (error: EksAuthError, explanation: string): ExchangeResult => ({ tokenChecks: token.checks, steps: trail.steps, outcome: { ok: false, error }, explanation });

  const clusterName = options.clusterName ?? facts.cluster.name;
  const badName = checkClusterName(clusterName);
  if (badName) return trail.add('cluster', 'fail', badName.message), fail(badName, badName.message);
  trail.add('cluster', 'ok', `cluster ${facts.cluster.name} (${facts.cluster.accountId}, ${facts.cluster.region})`);

  if (token.error) {
    trail.add('token', 'fail', `${token.error.code}: ${token.error.message}`);
    return fail(eksAuthError(token.error.code, token.error.message), `EKS Auth rejects the token (${token.error.checkId}): ${token.error.message}.`);
  }
  const subject = parseSubject(token.claims.sub);
  if (!subject) {
    const message = 'the token names no service account';
    return trail.add('token', 'fail', message), fail(eksAuthError('InvalidTokenException', message), `EKS Auth rejects the token: ${message}.`);
  }
  const who = `service account ${subject.namespace}/${subject.serviceAccount}`;
  if (token.checks.every((c) => c.status === 'skip')) trail.add('token', 'skip', `${who} (no token: claims from the pod)`);
  else if (token.checks.some((c) => c.status === 'skip' && c.id === 'token.signature')) trail.add('token', 'warn', `${who} (signature not verified)`);
  else trail.add('token', 'ok', who);

  const matches = facts.associations.filter((a) => a.namespace === subject.namespace && a.serviceAccount === subject.serviceAccount);
  if (!matches.length) {
    const message = `No Pod Identity association found for service account ${subject.namespace}/${subject.serviceAccount} in cluster ${facts.cluster.name}.`;
    trail.add('association', 'fail', message);
    return fail(eksAuthError('ResourceNotFoundException', message), `${message} Create one with \`podid associate -c ${facts.cluster.name} -n ${subject.namespace} -s ${subject.serviceAccount}\`.`);
  }
  const association = matches[0];
  const extra = matches.length > 1 ? `; ${matches.length} associations match, the first is used` : '';
  trail.add('association', matches.length > 1 ? 'warn' : 'ok', `${association.associationId}: role ${association.roleArn}${association.targetRoleArn ? `, target role ${association.targetRoleArn}` : ''}, session tags ${association.disableSessionTags ? 'disabled' : 'enabled'}${extra}`);

  const role = checkRole(association, facts, trail);
  if ('error' in role) return fail(role.error, role.explanation);
  return assume(token, facts, association, role.role, trail, options, fail);
}

function checkRole(association: Association, facts: ExchangeFacts, trail: Trail): { role: Role } | { error: EksAuthError; explanation: string } {
  const { cluster } = facts;
  const malformed = [association.roleArn, association.targetRoleArn].find((arn) => arn !== undefined && !isRoleArn(arn));
  if (malformed) {
    const message = `${malformed} is not a valid IAM role ARN.`;
    trail.add('role', 'fail', message);
    return { error: eksAuthError('AccessDeniedException', message), explanation: `${message} Fix the association's role.` };
  }
  const roleAccount = association.roleArn.split(':')[4];
  if (roleAccount !== cluster.accountId) {
    const message = `Role ${association.roleArn} is in account ${roleAccount}, not the cluster's account ${cluster.accountId}.`;
    trail.add('role', 'fail', message);
    const explanation = association.targetRoleArn
      ? `${message} The association's role must be in the cluster's account; only its targetRoleArn may be in another account.`
      : `${message} EKS Pod Identity assumes only a role in the cluster's account. To reach a role in account ${roleAccount}, use a same-account role plus targetRoleArn (role chaining) whose trust the other account's role grants.`;
    return { error: eksAuthError('AccessDeniedException', message), explanation };
  }
  const role = facts.roles.get(association.roleArn);
  if (role === null || role === undefined) {
    const message = role === null ? `Role ${association.roleArn} does not exist.` : `Role ${association.roleArn} could not be read.`;
    trail.add('role', 'fail', message);
    return { error: eksAuthError('AccessDeniedException', message), explanation: `${message} EKS cannot assume a role that ${role === null ? 'does not exist; create it or point the association at another role' : 'podid cannot read; check iam:GetRole permissions'}.` };
  }
  trail.add('role', 'ok', `${role.arn} (role id ${role.roleId})`);
  return { role };
}

function assume(
  token: TokenCheckResult,
  facts: ExchangeFacts,
  association: Association,
  role: Role,
  trail: Trail,
  options: ExchangeOptions,
  fail: (error: EksAuthError, explanation: string) => ExchangeResult,
): ExchangeResult {
  const { cluster } = facts;
  const tags = sessionTags(cluster, association, token.claims);
  const first = evaluateFirstHop(role, cluster, tags, facts.organizationId);
  trail.add('trust', first.allowed ? 'ok' : 'fail', `trust policy of ${role.name}: ${first.results.map((r) => `${r.action} ${r.auth.decision}`).join(', ')}`, first.decidedBy);
  if (!first.allowed) {
    const denied = first.results.find((r) => r.auth.decision !== 'allow')?.action ?? 'sts:AssumeRole';
    return fail(eksAuthError('AccessDeniedException', `pods.eks.amazonaws.com is not authorized to perform ${denied} on ${role.arn}`), first.explanation);
  }

  const name = sessionName(cluster.name, token.claims.pod?.name ?? association.serviceAccount, options.sessionId);
  const sourceSessionArn = assumedRoleArn(parseRoleArn(role.arn), name);
  const parsed = parseSessionPolicy(association.policy);
  const warnings = sessionWarnings(association, tags, parsed.policy);
  if (parsed.problem) warnings.push(parsed.problem);
  const packedSizePercent = packedPercent(tags, parsed.policy);
  const details = [`session name ${name}`, `${Object.keys(tags).length} session tags`, association.policy ? 'session policy set' : '', `packed size about ${packedSizePercent}% of STS's limit (podid's estimate)`];
  trail.add('session', warnings.length ? 'warn' : 'ok', [...details, ...warnings].filter(Boolean).join('; '));

  let finalRole: Role = role;
  if (association.targetRoleArn) {
    const chained = chainStep(facts, association, role, sourceSessionArn, tags, trail);
    if ('error' in chained) return fail(chained.error, chained.explanation);
    finalRole = chained.target;
  }
  const finalArn = association.targetRoleArn ?? role.arn;
  const chainNote = association.targetRoleArn ? ` then chains to ${finalArn}` : '';
  const lifetimeSeconds = association.targetRoleArn ? LIFETIME_SECONDS.targetRole : LIFETIME_SECONDS.direct;
  const session: ExchangeSession = { role: finalRole, assumedRoleArn: assumedRoleArn(parseRoleArn(finalArn), name), sessionName: name, sessionTags: tags };
  if (parsed.policy) session.sessionPolicy = parsed.policy;
  if (association.targetRoleArn) session.sourceRoleArn = role.arn;
  const response = buildResponse(association, session, finalRole, options.now, lifetimeSeconds);
  trail.add('credentials', 'ok', `credentials for ${session.assumedRoleArn}, valid ${lifetimeSeconds / 60} min`);
  return {
    tokenChecks: token.checks,
    steps: trail.steps,
    outcome: { ok: true, response, sessionTags: tags, lifetimeSeconds, packedSizePercent, ...(warnings.length ? { warnings } : {}) },
    explanation: `EKS Auth would return credentials: ${first.explanation} The pod gets role ${role.name}${chainNote} as session ${name}.`,
    session,
  };
}

/** The second hop (targetRoleArn): the target role (a stand-in when it could not be read), or the error. */
function chainStep(facts: ExchangeFacts, association: Association, role: Role, sourceSessionArn: string, tags: Record<string, string>, trail: Trail): { target: Role } | { error: EksAuthError; explanation: string } {
  const targetArn = association.targetRoleArn as string;
  const target = facts.roles.get(targetArn);
  if (target === null) {
    const message = `Target role ${targetArn} does not exist.`;
    trail.add('target', 'fail', message);
    return { error: eksAuthError('AccessDeniedException', message), explanation: message };
  }
  const chain = evaluateChain({ source: role, sourceSessionArn, target, targetArn, association, tags });
  const unread = target === undefined ? ' (the target role could not be read, so its trust policy was not evaluated)' : '';
  trail.add('target', !chain.allowed ? 'fail' : unread ? 'warn' : 'ok', chain.explanation + unread, chain.decidedBy);
  if (!chain.allowed) return { error: eksAuthError('AccessDeniedException', `${sourceSessionArn} is not authorized to perform sts:AssumeRole on ${targetArn}`), explanation: chain.explanation };
  const standIn: Role = { ...role, arn: targetArn, name: targetArn.split('/').pop() ?? '', roleId: 'AROAUNKNOWN', accountId: targetArn.split(':')[4], tags: {}, inlinePolicies: [], attachedPolicies: [], permissionsBoundary: undefined };
  return { target: target ?? standIn };
}

function isRoleArn(arn: string): boolean {
  try {
    parseRoleArn(arn);
    return true;
  } catch {
    return false;
  }
}

function buildResponse(association: Association, session: ExchangeSession, role: Role, now: Date, lifetimeSeconds: number): PodIdentityCredentialsResponse {
  return {
    subject: { namespace: association.namespace, serviceAccount: association.serviceAccount },
    audience: POD_IDENTITY_AUDIENCE,
    podIdentityAssociation: { associationArn: association.associationArn, associationId: association.associationId },
    assumedRoleUser: { arn: session.assumedRoleArn, assumeRoleId: `${role.roleId}:${session.sessionName}` },
    credentials: { sessionToken: REDACTED, secretAccessKey: REDACTED, accessKeyId: REDACTED, expiration: Math.floor(now.getTime() / 1000) + lifetimeSeconds },
  };
}
