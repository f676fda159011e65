import { requireClusterArn } from './cluster-arn.js';
import { UsageError } from '../errors.js';
import { POD_IDENTITY_PRINCIPAL } from '../model.js';
import { sidFrom, uniqueSid } from './sid.js';
import { POLICY_VERSION, TRUST_ACTIONS, type PolicyDocument, type SessionTagsMode, type Statement, type TrustScope, type Workload } from './types.js';

// First-hop trust for Pod Identity roles (policies.md §1.2): principal pods.eks.amazonaws.com,
// sts:AssumeRole + sts:TagSession, scoped with aws:SourceAccount and the aws:RequestTag/* session
// tags. One statement per (cluster, namespace, SA) tuple: lists inside one condition block match
// as a cross product, so tuples never share a block.

/** An AWS Organizations id (o-xxxxxxxxxx), as --org-id takes it; a UsageError otherwise. */
export function checkOrgId(orgId: string): void {
  if (!/^o-[a-z0-9]{10,32}$/.test(orgId)) throw new UsageError(`option '--org-id': '${orgId}' is not an organization id (o-xxxxxxxxxx)`);
}

export interface TrustOptions {
  /** Default 'workload'. */
  scope?: TrustScope;
  /** Default 'on'. With 'off' EKS sends no aws:RequestTag/* keys, so none are required. */
  sessionTags?: SessionTagsMode;
  /** Scope 'org': the organization id; default the `${aws:ResourceOrgId}` variable (same org as the role). */
  orgId?: string;
  /** Scope 'account' without workloads: the cluster account. */
  accountId?: string;
}

export interface TrustGeneration {
  policy: PolicyDocument;
  statements: Statement[];
  /** Why the result is weaker than per-workload scoping (printed as warnings). */
  warnings: string[];
}

const REQUEST_TAG = (key: string) => `aws:RequestTag/${key}`;

function podsStatement(sid: string, equals: Record<string, string>): Statement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: POD_IDENTITY_PRINCIPAL },
    Action: [...TRUST_ACTIONS],
    Condition: { StringEquals: equals },
  };
}

const clusterName = (arn: string) => requireClusterArn(arn).name;
const accountOf = (arn: string) => requireClusterArn(arn).accountId;

/**
 * The trust statement for one workload (scope 'workload', session tags on): what `associate` and
 * `migrate-irsa` add to a role. Pass `sessionTags: 'off'` for associations with disableSessionTags.
 */
export function trustStatementFor(workload: Workload, opts: { sessionTags?: SessionTagsMode; sid?: string } = {}): Statement {
  const account = accountOf(workload.clusterArn);
  if (opts.sessionTags === 'off') return podsStatement(opts.sid ?? sidFrom('PodIdentityAccount', account), { 'aws:SourceAccount': account });
  return podsStatement(opts.sid ?? sidFrom('PodIdentity', clusterName(workload.clusterArn), workload.namespace, workload.serviceAccount), {
    'aws:SourceAccount': account,
    [REQUEST_TAG('eks-cluster-arn')]: workload.clusterArn,
    [REQUEST_TAG('kubernetes-namespace')]: workload.namespace,
    [REQUEST_TAG('kubernetes-service-account')]: workload.serviceAccount,
  });
}

interface Group {
  key: string;
  sid: string;
  equals: Record<string, string>;
}

function groupFor(w: Workload, scope: TrustScope, tags: boolean): Group {
  const account = accountOf(w.clusterArn);
  const name = clusterName(w.clusterArn);
  if (!tags || scope === 'account') return { key: `a|${account}`, sid: sidFrom('PodIdentityAccount', account), equals: { 'aws:SourceAccount': account } };
  const base = { 'aws:SourceAccount': account, [REQUEST_TAG('eks-cluster-arn')]: w.clusterArn };
  if (scope === 'cluster') return { key: `c|${w.clusterArn}`, sid: sidFrom('PodIdentity', name, 'AnyNamespace'), equals: base };
  const ns = { ...base, [REQUEST_TAG('kubernetes-namespace')]: w.namespace };
  if (scope === 'namespace') return { key: `n|${w.clusterArn}|${w.namespace}`, sid: sidFrom('PodIdentity', name, 'Ns', w.namespace), equals: ns };
  if (!w.serviceAccount) throw new UsageError(`workload ${name}:${w.namespace} has no service account; pass CLUSTER:NAMESPACE:SERVICE_ACCOUNT or use --scope namespace`);
  return {
    key: `w|${w.clusterArn}|${w.namespace}|${w.serviceAccount}`,
    sid: sidFrom('PodIdentity', name, w.namespace, w.serviceAccount),
    equals: { ...ns, [REQUEST_TAG('kubernetes-service-account')]: w.serviceAccount },
  };
}

/** Trust statements for several workloads: one per distinct tuple of the scope, in input order. */
export function trustStatementsFor(workloads: readonly Workload[], opts: TrustOptions = {}): { statements: Statement[]; warnings: string[] } {
  const scope = opts.scope ?? 'workload';
  const tags = opts.sessionTags !== 'off';
  const warnings: string[] = [];
  if (scope === 'org') {
    const org = opts.orgId ?? '${aws:ResourceOrgId}';
    warnings.push(`scope org: every Pod Identity association in ${opts.orgId ? `organization ${org}` : "the role's organization"} can assume this role; scope access with ABAC permissions (podid policy abac).`);
    return { statements: [podsStatement('PodIdentityOrganization', { 'aws:SourceOrgId': org })], warnings };
  }
  if (scope === 'account' && !workloads.length) {
    if (!opts.accountId) throw new UsageError('scope account needs a workload (-w) or --account');
    warnings.push(accountWarning(opts.accountId));
    return { statements: [podsStatement(sidFrom('PodIdentityAccount', opts.accountId), { 'aws:SourceAccount': opts.accountId })], warnings };
  }
  if (!workloads.length) throw new UsageError('no workload given', { hint: 'Pass -w CLUSTER:NAMESPACE:SERVICE_ACCOUNT (repeatable) or -c/-n/-s.' });
  const groups = new Map<string, Group>();
  for (const w of workloads) {
    const g = groupFor(w, scope, tags);
    if (!groups.has(g.key)) groups.set(g.key, g);
  }
  const taken = new Set<string>();
  const statements = [...groups.values()].map((g) => podsStatement(uniqueSid(g.sid, taken), g.equals));
  const accounts = [...new Set(workloads.map((w) => accountOf(w.clusterArn)))];
  if (!tags) {
    warnings.push(
      `session tags are off: EKS sends no aws:RequestTag/* keys, so this trust cannot tell clusters, namespaces or service accounts apart; ` +
        `any association in account ${accounts.join(', ')} that names this role can assume it. ` +
        'For per-workload scoping use a target role with sts:ExternalId (podid policy target-trust --session-tags off --external-id …).',
    );
  } else if (scope === 'account') warnings.push(...accounts.map(accountWarning));
  if (accounts.length > 1) warnings.push(`workloads span accounts ${accounts.join(', ')}; a Pod Identity role must be in its cluster's account (use a target role for the others).`);
  return { statements, warnings };
}

const accountWarning = (account: string) => `scope account: every Pod Identity association in account ${account} that names this role can assume it.`;

/** The whole trust policy document for workloads (see trustStatementsFor). */
export function trustPolicyFor(workloads: readonly Workload[], opts: TrustOptions = {}): TrustGeneration {
  const { statements, warnings } = trustStatementsFor(workloads, opts);
  return { policy: { Version: POLICY_VERSION, Statement: statements }, statements, warnings };
}
