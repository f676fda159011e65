import { assumedRoleArn, parseRoleArn } from '../arn.js';
import { evaluateChain, evaluateFirstHop, packedPercent, PACKED_WARN_PERCENT } from '../exchange/index.js';
import { IRSA_ROLE_ANNOTATION, POD_IDENTITY_ADDON, POD_IDENTITY_PRINCIPAL, type Association } from '../model.js';
import { checkTrustSize, raiseTrustQuotaHint, sourceRolePermissionStatement, TRUST_QUOTA_DEFAULT } from '../policy/index.js';
import { eksSessionTags, firstHop, isManagedRole, scopedTrust, tagsFor, TARGET_POLICY_NAME } from './plan.js';
import { unsupportedPods } from './restart.js';
import type { AssociateFacts, AssociatePlan, AssociationSpec, CheckStatus, PreflightCheck } from './types.js';
import { addonNameOf } from '../associations/view.js';
import { ENTRY_KEYS, shownKey, type EntryInput } from './file.js';
import { podidCommand } from '../shell.js';

// The preflight of `associate`: independent named checks over the gathered facts and the plan
// (the role is judged as it will be after the plan). Pure.

const MAX_SESSION_POLICY = 2048;

// Titles name what is checked, never a verdict: the checklist shows a title next to the check's
// status, so "role exists" beside a fail (or beside "will be created") would contradict it.
const check = (id: string, title: string, status: CheckStatus, detail: string, hint?: string): PreflightCheck => ({ id, title, status, detail, ...(hint ? { hint } : {}) });

/** Where the input came from: `associate` flags, or an entry of a `podid apply` file (hints then name its keys). */
export type InputStyle = 'flags' | 'file';

/** In a podid.yaml entry a placeholder takes the form the schema wants: lists for ARNs and templates, the policy document itself (not a file) for the inline policy. */
const FILE_FORMS: Partial<Record<EntryInput, (value: string) => string>> = {
  policyArns: (v) => `role.policyArns: [${v}]`,
  policyFile: () => 'role.inlinePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: …, Resource: …}]}',
  abacTemplates: (v) => `role.abacTemplates: [${v}]`,
};

/** Names an input (flag or file key) in hints; `podid` writes a podid command that acts on the same backend (--state FILE when the run used one). */
type Name = ((input: EntryInput, value?: string) => string) & { style: InputStyle; podid: (args: string) => string };
const namer = (style: InputStyle, statePath?: string): Name =>
  Object.assign(
    (input: EntryInput, value?: string) => {
      const form = FILE_FORMS[input];
      if (style === 'file' && value && form) return form(value);
      return `${style === 'file' ? shownKey(input) : `--${ENTRY_KEYS[input].flag}`}${value ? ` ${value}` : ''}`;
    },
    { style, podid: (args: string) => podidCommand(args, statePath) },
  );

export const addonOf = (ownerArn: string): string => addonNameOf(ownerArn) ?? ownerArn;

function clusterCheck(f: AssociateFacts): PreflightCheck {
  const c = f.cluster;
  if (c.status === 'ACTIVE') return check('cluster.active', 'cluster status', 'ok', `cluster ${c.name} (${c.arn}) is ACTIVE`);
  return check('cluster.active', 'cluster status', 'fail', `cluster ${c.name} is ${c.status}`, 'Wait until the cluster is ACTIVE, then run again.');
}

function agentCheck(f: AssociateFacts, n: Name): PreflightCheck {
  const title = 'Pod Identity Agent';
  const install = `aws eks create-addon --cluster-name ${f.cluster.name} --addon-name ${POD_IDENTITY_ADDON}`;
  if (f.cluster.autoMode) return check('agent.installed', title, 'ok', 'EKS Auto Mode runs the Pod Identity Agent (no add-on needed)');
  if (f.agentAddon === undefined) return check('agent.installed', title, 'warn', `could not read the ${POD_IDENTITY_ADDON} add-on`, `Check eks:DescribeAddon permission, or verify with: ${n.podid('doctor')}`);
  if (f.agentAddon === null) return check('agent.installed', title, 'fail', `the ${POD_IDENTITY_ADDON} add-on is not installed; pods would get no credentials`, `Install it: ${install}`);
  if (f.agentAddon.status !== 'ACTIVE') return check('agent.installed', title, 'warn', `${POD_IDENTITY_ADDON} ${f.agentAddon.version} is ${f.agentAddon.status}`, `Check the add-on: aws eks describe-addon; ${n.podid('doctor')}`);
  return check('agent.installed', title, 'ok', `${POD_IDENTITY_ADDON} ${f.agentAddon.version} is ACTIVE`);
}

function ownerCheck(existing: Association | undefined): PreflightCheck[] {
  if (!existing?.ownerArn) return [];
  const addon = addonOf(existing.ownerArn);
  return [check('association.owner', 'association owner', 'fail', `the association ${existing.associationId} is owned by the EKS add-on ${addon}; podid does not change it`, `Change it through the add-on: aws eks update-addon --addon-name ${addon} --pod-identity-associations …`)];
}

function roleExistsCheck(f: AssociateFacts, spec: AssociationSpec, n: Name): PreflightCheck {
  const title = 'role';
  const arn = spec.roleArn;
  if (spec.createRole) {
    if (f.role === null) return check('role.exists', title, 'ok', `role ${arn} will be created (tagged podid:managed-by=podid)`);
    if (f.role && isManagedRole(f.role) && f.role.arn === arn) return check('role.exists', title, 'ok', `role ${arn} exists and is managed by podid`);
    if (f.role) {
      const why = isManagedRole(f.role) ? `at another path (${f.role.arn})` : `and is not managed by podid (${f.role.arn})`;
      return check('role.exists', title, 'fail', `a role named ${spec.createRole.name} already exists ${why}`, `Use it with ${n('roleArn', f.role.arn)} (and ${n('fixTrust')}), or pick another ${n('roleName')}.`);
    }
    // Unknown is not "absent": creating the association would pass a role that may not exist (or not be podid's).
    return check('role.exists', title, 'fail', `could not read role ${spec.createRole.name}; podid cannot tell whether to create it or whether it is podid's`, `Grant iam:GetRole on ${arn}, or create the role yourself and pass it with ${n('roleArn', 'ARN')}.`);
  }
  if (f.role === null) return check('role.exists', title, 'fail', `role ${arn} does not exist`, `Check the ARN, or let podid create a role with ${n('createRole')}.`);
  if (f.role === undefined) return check('role.exists', title, 'warn', `could not read role ${arn}`, 'Grant iam:GetRole, or verify the role by hand.');
  return check('role.exists', title, 'ok', `role ${arn} exists`);
}

function accountCheck(f: AssociateFacts, spec: AssociationSpec, n: Name): PreflightCheck {
  const role = parseRoleArn(spec.roleArn);
  const title = 'role account';
  if (role.accountId === f.cluster.accountId) return check('role.account', title, 'ok', `role is in the cluster's account ${role.accountId}`);
  return check(
    'role.account',
    title,
    'fail',
    `role ${spec.roleArn} is in account ${role.accountId}, but cluster ${f.cluster.name} is in ${f.cluster.accountId}; EKS can only pass a role of the cluster's account`,
    `Use a role in ${f.cluster.accountId} (${n('createRole')}) and pass this one as ${n('targetRoleArn', spec.roleArn)}; give it the trust from: ${n.podid(`policy target-trust --source-role-arn <new role> --target-role-arn ${spec.roleArn} -w ${f.cluster.name}:${spec.namespace}:${spec.serviceAccount}`)}`,
  );
}

function trustChecks(f: AssociateFacts, spec: AssociationSpec, plan: AssociatePlan, n: Name): PreflightCheck[] {
  const role = plan.effectiveRole;
  const title = `role trust for ${spec.namespace}/${spec.serviceAccount}`;
  if (!role) return [check('role.trust', title, 'skip', 'the role could not be read')];
  const actions = spec.disableSessionTags ? 'sts:AssumeRole' : 'sts:AssumeRole and sts:TagSession';
  const verdict = firstHop(role, f.cluster, spec);
  const fix = plan.steps.find((s) => s.kind === 'update-trust' || s.kind === 'create-role');
  const out: PreflightCheck[] = [];
  const generated = scopedTrust(f.cluster, spec);
  if (!verdict.allowed) {
    const sids = generated.statements.map((s) => s.Sid).join(', ');
    const flags = `${spec.trustScope !== 'workload' ? ` --scope ${spec.trustScope}` : ''}${spec.disableSessionTags ? ' --session-tags off' : ''}`;
    out.push(check('role.trust', title, 'fail', `${verdict.explanation}`, `${n.style === 'file' ? `Set ${n('fixTrust')} on the entry` : `Run again with ${n('fixTrust')}`} to merge the scoped statement ${sids}, or generate it with: ${n.podid(`policy trust -w ${f.cluster.name}:${spec.namespace}:${spec.serviceAccount}${flags}`)}`));
  } else {
    const how = fix?.kind === 'update-trust' ? ` after the planned trust update (adds ${fix.added.join(', ')})` : fix?.kind === 'create-role' ? ' (generated trust of the new role)' : '';
    const sent = spec.disableSessionTags ? 'without session tags' : 'with the session tags EKS sends';
    out.push(check('role.trust', title, 'ok', `${verdict.decidedBy ?? 'the trust policy'} allows ${actions} ${sent}${how}`));
    const weaker = trustScopeWarning(f, spec, generated.warnings, n);
    if (weaker) out.push(weaker);
    else if (!spec.disableSessionTags) {
      const neighbour = evaluateFirstHop(role, f.cluster, eksSessionTags(f.cluster, spec.namespace, `${spec.serviceAccount}-x-podid-probe`));
      if (neighbour.allowed) {
        out.push(check('role.trust-scope', 'trust scope', 'warn', `the trust also admits other service accounts (${neighbour.decidedBy ?? 'a statement'} matches any SA in ${spec.namespace} or wider)`, `Narrow it to one statement per (cluster, namespace, SA): ${n.podid(`policy trust -w ${f.cluster.name}:${spec.namespace}:${spec.serviceAccount}`)}`));
      }
    }
  }
  if (fix) {
    const doc = fix.kind === 'update-trust' || fix.kind === 'create-role' ? fix.trustPolicy : role.trustPolicy;
    const size = checkTrustSize(doc, TRUST_QUOTA_DEFAULT);
    if (!size.ok) out.push(check('role.trust-size', 'trust policy size', 'fail', `the trust policy would be ${size.size} characters, over the default quota of ${size.quota}`, raiseTrustQuotaHint(size.quota)));
  }
  return out;
}

/**
 * Session tags off or --scope org: the trust cannot tell service accounts apart (the generator's
 * warning, as `podid policy trust` prints it); org also rests on an assumption podid cannot check.
 */
function trustScopeWarning(f: AssociateFacts, spec: AssociationSpec, warnings: string[], n: Name): PreflightCheck | undefined {
  const title = 'trust scope';
  if (spec.trustScope === 'org') {
    return check('role.trust-scope', title, 'warn', `${warnings.join(' ')} podid assumes account ${f.cluster.accountId} belongs to an AWS Organization (it cannot read Organizations); without one, aws:SourceOrgId is absent and the trust admits nothing.`, `For a trust scoped to this service account: --scope workload (${n.podid(`policy trust -w ${f.cluster.name}:${spec.namespace}:${spec.serviceAccount}`)})`);
  }
  if (!spec.disableSessionTags) return undefined;
  const detail = warnings.find((w) => w.startsWith('session tags are off')) ?? `session tags are off: any association in account ${f.cluster.accountId} that names this role can assume it`;
  const [what, how] = detail.split(/(?<=can assume it\.) /);
  return check('role.trust-scope', title, 'warn', what, how ?? 'For per-workload scoping keep session tags on, or use a target role whose trust requires the association\'s sts:ExternalId (podid policy target-trust --session-tags off --external-id …).');
}

function passRoleCheck(f: AssociateFacts, spec: AssociationSpec, plan: AssociatePlan): PreflightCheck {
  const title = 'iam:PassRole of the role';
  const passes = plan.steps.some((s) => s.kind === 'create-association' || (s.kind === 'update-association' && s.changes.some((c) => c.field === 'roleArn')));
  if (!passes) return check('role.passrole', title, 'skip', 'no association write passes the role');
  const who = f.passRole.principal ?? f.caller?.arn ?? 'the caller';
  const hint = `Allow iam:PassRole on ${spec.roleArn} for ${who} with Condition StringEquals iam:PassedToService = ${POD_IDENTITY_PRINCIPAL}.`;
  if (f.passRole.decision === 'allowed') return check('role.passrole', title, 'ok', `${who} may pass ${spec.roleArn} to ${POD_IDENTITY_PRINCIPAL}`);
  if (f.passRole.decision === 'denied') return check('role.passrole', title, 'fail', `${who} may not iam:PassRole ${spec.roleArn} (${f.passRole.detail ?? 'SimulatePrincipalPolicy: denied'}); EKS would reject the association`, hint);
  return check('role.passrole', title, 'warn', `could not determine whether ${who} may iam:PassRole ${spec.roleArn}${f.passRole.detail ? ` (${f.passRole.detail})` : ''}`, `If the create fails with AccessDenied: ${hint}`);
}

function targetChecks(f: AssociateFacts, spec: AssociationSpec, plan: AssociatePlan, n: Name): PreflightCheck[] {
  if (!spec.targetRoleArn) return [];
  const targetArn = spec.targetRoleArn;
  const source = plan.effectiveRole;
  const trustTitle = 'target role trust';
  const permTitle = 'permission to assume the target role';
  if (!source) return [check('target.trust', trustTitle, 'skip', 'the association role could not be read'), check('target.permission', permTitle, 'skip', 'the association role could not be read')];
  const externalId = f.existing?.targetRoleArn === targetArn ? f.existing.externalId : undefined;
  const association: Association = {
    associationId: f.existing?.associationId ?? 'a-planned', associationArn: '', clusterName: f.cluster.name, namespace: spec.namespace, serviceAccount: spec.serviceAccount,
    roleArn: source.arn, targetRoleArn: targetArn, disableSessionTags: spec.disableSessionTags, externalId, tags: {}, createdAt: '', modifiedAt: '',
  };
  const tags = tagsFor(f.cluster, spec);
  const chain = evaluateChain({ source, sourceSessionArn: assumedRoleArn(parseRoleArn(source.arn), 'eks-podid-preflight'), target: f.targetRole ?? undefined, targetArn, association, tags });
  const out: PreflightCheck[] = [];
  const generate = n.podid(`policy target-trust --source-role-arn ${source.arn} --target-role-arn ${targetArn} -w ${f.cluster.name}:${spec.namespace}:${spec.serviceAccount}`);
  if (f.targetRole === null) out.push(check('target.trust', trustTitle, 'fail', `target role ${targetArn} does not exist`, 'Check the ARN or create the role in its account.'));
  else if (f.targetRole === undefined) out.push(check('target.trust', trustTitle, 'warn', `could not read target role ${targetArn} (another account?); its trust was not evaluated`, `Make sure its trust matches: ${generate}`));
  else if (spec.disableSessionTags && !externalId) out.push(check('target.trust', trustTitle, 'warn', 'with session tags off the target trust should require the association\'s externalId, which EKS assigns when the association is created', `After creating: ${n.podid(`policy target-trust --association ${spec.namespace}/${spec.serviceAccount}`)}`));
  else if (chain.trustAllowed) out.push(check('target.trust', trustTitle, 'ok', `trust policy of ${targetArn} admits ${source.arn}${spec.disableSessionTags ? ' with the externalId' : ' with the session tags'}`));
  else out.push(check('target.trust', trustTitle, 'fail', chain.explanation, `Generate the target trust with: ${generate}`));
  if (chain.identityAllowed) out.push(check('target.permission', permTitle, 'ok', `${source.name} may ${spec.disableSessionTags ? 'sts:AssumeRole' : 'sts:AssumeRole and sts:TagSession'} on ${targetArn}`));
  else out.push(check('target.permission', permTitle, 'fail', `the policies of ${source.name} do not allow sts:AssumeRole + sts:TagSession on ${targetArn}`, `Add to the role: ${JSON.stringify(sourceRolePermissionStatement(targetArn))}`));
  return out;
}

function serviceAccountChecks(f: AssociateFacts, spec: AssociationSpec, n: Name): PreflightCheck[] {
  const title = 'service account';
  const sa = `${spec.namespace}/${spec.serviceAccount}`;
  if (f.namespaceExists === false) return [check('sa.exists', title, 'skip', `namespace ${spec.namespace} does not exist`)];
  if (f.serviceAccount === undefined) return [check('sa.exists', title, 'warn', 'could not read Kubernetes; the service account was not checked', 'Check kubeconfig / --context, or pass --manifests.')];
  if (f.serviceAccount === null) {
    if (spec.createServiceAccount) return [check('sa.exists', title, 'ok', `service account ${sa} will be created`)];
    return [check('sa.exists', title, 'warn', `service account ${sa} does not exist; EKS accepts the association, but no pod can use it yet`, `Create it with ${n('createServiceAccount')}, or: kubectl -n ${spec.namespace} create serviceaccount ${spec.serviceAccount}`)];
  }
  const out = [check('sa.exists', title, 'ok', `service account ${sa} exists`)];
  const irsa = f.serviceAccount.annotations[IRSA_ROLE_ANNOTATION];
  if (irsa) out.push(check('sa.irsa', 'IRSA annotation', 'warn', `${sa} also has ${IRSA_ROLE_ANNOTATION}=${irsa}; Pod Identity takes precedence for pods admitted after the association`, 'Remove the annotation once the workload runs on Pod Identity (podid migrate-irsa handles both).'));
  return out;
}

function sessionCheck(f: AssociateFacts, spec: AssociationSpec, n: Name): PreflightCheck {
  const title = 'session tags + policy size';
  const policy = spec.sessionPolicy ? JSON.parse(spec.sessionPolicy) : undefined;
  if (spec.sessionPolicy && spec.sessionPolicy.length > MAX_SESSION_POLICY) {
    return check('session.size', title, 'fail', `the session policy is ${spec.sessionPolicy.length} characters, over STS's ${MAX_SESSION_POLICY}`, 'Shorten the session policy (or move the permissions into the role).');
  }
  const percent = packedPercent(tagsFor(f.cluster, spec), policy);
  const what = spec.disableSessionTags ? (policy ? 'session policy' : 'no session tags or policy') : 'the six EKS session tags';
  if (percent > PACKED_WARN_PERCENT) {
    return check('session.size', title, 'warn', `${what}: about ${percent}% of STS's packed-size limit (podid's estimate); above 100% STS fails with PackedPolicyTooLarge`, spec.disableSessionTags ? 'Shorten the session policy.' : `Shorter names help; or set ${n('disableSessionTags')} (trust and ABAC then cannot use the tags).`);
  }
  return check('session.size', title, 'ok', `${what}: about ${percent}% of the packed-size limit (podid's estimate)`);
}

/** Kubernetes creates the `default` service account in every namespace, so a namespace with no object at all does not exist — unless the objects are a partial view (manifests). */
export function namespaceExists(objects: { serviceAccounts?: readonly { namespace: string }[]; pods?: readonly { namespace: string }[]; workloads?: readonly { namespace: string }[]; namespaces?: readonly string[] }, namespace: string, partial: boolean): boolean | undefined {
  // A Namespace object (manifests) is the namespace itself.
  if (objects.namespaces?.includes(namespace)) return true;
  if (objects.serviceAccounts === undefined) return undefined;
  const found = [objects.serviceAccounts, objects.pods ?? [], objects.workloads ?? []].some((list) => list.some((o) => o.namespace === namespace));
  return found ? true : partial ? undefined : false;
}

function namespaceCheck(f: AssociateFacts, spec: AssociationSpec): PreflightCheck {
  const ns = spec.namespace;
  if (f.namespaceExists === true) return check('namespace.exists', 'namespace', 'ok', `namespace ${ns} exists`);
  // EKS accepts an association before its namespace exists (GitOps creates both); only creating the SA needs it now.
  if (f.namespaceExists === false) {
    const status = spec.createServiceAccount ? 'fail' : 'warn';
    return check('namespace.exists', 'namespace', status, `namespace ${ns} does not exist (no service account, not even 'default', and no pod in it)`, `Create it: kubectl create namespace ${ns}`);
  }
  const why = f.serviceAccount === undefined ? 'Kubernetes could not be read' : `the manifests hold no object of namespace ${ns}`;
  return check('namespace.exists', 'namespace', 'skip', `not checked: ${why}`);
}

/** Pods of the SA on Fargate or Windows nodes: Pod Identity does not work there, and a restart does not help. */
function computeCheck(f: AssociateFacts, spec: AssociationSpec): PreflightCheck[] {
  const pods = unsupportedPods(f, spec);
  if (!pods.length) return [];
  const list = pods.map((p) => `${p.pod} (${p.compute} node ${p.node})`).join(', ');
  const fargate = pods.some((p) => p.compute === 'Fargate') ? ', and a Fargate profile that does not select them' : '';
  return [check('pods.compute', 'pod compute', 'warn', `${list}: EKS Pod Identity does not work on ${[...new Set(pods.map((p) => p.compute))].join(' or ')} nodes (no agent there); these pods get no credentials from the association, restarted or not`, `Schedule them on Linux EC2 nodes (nodeSelector kubernetes.io/os: linux${fargate}), or keep IRSA for these workloads.`)];
}

/** A role podid creates with no permissions policy: every AWS call of the pods is denied. */
function permissionsCheck(spec: AssociationSpec, plan: AssociatePlan, n: Name): PreflightCheck[] {
  const role = plan.effectiveRole;
  if (!spec.createRole || !role || spec.targetRoleArn) return [];
  if (role.attachedPolicies.length || role.inlinePolicies.some((p) => p.name !== TARGET_POLICY_NAME)) return [];
  const which = plan.steps.some((s) => s.kind === 'create-role') ? 'the new role' : `role ${role.name}`;
  return [check('role.permissions', 'role permissions', 'warn', `${which} has no permissions policy; pods will be denied every AWS call`, `Add permissions with ${n('policyArns', 'ARN')}, ${n('policyFile', 'FILE')} or ${n('abacTemplates', 'TEMPLATE')} (see podid policy abac).`)];
}

/** Every preflight check, in a stable order. */
export function preflight(facts: AssociateFacts, spec: AssociationSpec, plan: AssociatePlan, style: InputStyle = 'flags', statePath?: string): PreflightCheck[] {
  const n = namer(style, statePath);
  const roleKnown = facts.role !== undefined || spec.createRole;
  return [
    clusterCheck(facts),
    agentCheck(facts, n),
    ...ownerCheck(facts.existing),
    roleExistsCheck(facts, spec, n),
    accountCheck(facts, spec, n),
    ...(roleKnown && facts.role !== null || plan.effectiveRole ? trustChecks(facts, spec, plan, n) : [check('role.trust', 'role trust', 'skip', 'the role does not exist')]),
    ...permissionsCheck(spec, plan, n),
    passRoleCheck(facts, spec, plan),
    ...targetChecks(facts, spec, plan, n),
    namespaceCheck(facts, spec),
    ...serviceAccountChecks(facts, spec, n),
    ...computeCheck(facts, spec),
    sessionCheck(facts, spec, n),
  ];
}

export const worstStatus = (checks: readonly PreflightCheck[]): CheckStatus =>
  checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'warn') ? 'warn' : 'ok';
