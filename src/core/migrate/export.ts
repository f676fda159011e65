import type { MigrationPlan, Step, TrustChange } from './types.js';

// Infrastructure as code for a migration plan, instead of applying it: Terraform, CloudFormation
// or an eksctl ClusterConfig fragment with the associations, bridge roles and trust changes.

export const EXPORT_FORMATS = ['terraform', 'cloudformation', 'eksctl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type CreateRole = Step & { kind: 'create-role' };

const migrating = (plan: MigrationPlan) => plan.entries.filter((e) => (e.status === 'pending' || e.status === 'done') && e.association);
const bridges = (plan: MigrationPlan) => plan.steps.filter((s): s is CreateRole => s.kind === 'create-role');
const existingTrust = (plan: MigrationPlan) => plan.trustChanges.filter((t) => !t.created);
const region = (plan: MigrationPlan) => plan.cluster.arn.split(':')[3];
const statementsOf = (t: TrustChange) => (Array.isArray(t.after.Statement) ? t.after.Statement : [t.after.Statement]);
/** For a role podid could not read (`partial`, another account on AWS): `after` holds only the statements to add. */
const BY_HAND = 'podid could not read its trust: add these statements and keep the others';

/** A Terraform / CloudFormation logical name from free text. */
export function logicalName(text: string, style: 'snake' | 'pascal'): string {
  const parts = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (style === 'pascal') return parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('') || 'Resource';
  const name = parts.join('_').toLowerCase();
  return /^[a-z_]/.test(name) ? name : `r_${name}`;
}

/** HCL-safe JSON inside jsonencode(): `${` and `%{` would be template sequences. */
const hclJson = (doc: unknown, indent: string) => JSON.stringify(doc, null, 2).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{').replace(/\n/g, `\n${indent}`);
const q = (s: string) => JSON.stringify(s);
const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const rolePath = (arn: string) => {
  const resource = arn.slice(arn.indexOf(':role/') + ':role'.length);
  return resource.slice(0, resource.lastIndexOf('/') + 1) || '/';
};

export function exportTerraform(plan: MigrationPlan): string {
  const out: string[] = [`# podid migrate-irsa: cluster ${plan.cluster.name} (${plan.cluster.arn})`, ''];
  const bridgeRef = new Map<string, string>();
  for (const b of bridges(plan)) {
    const name = logicalName(b.roleName, 'snake');
    bridgeRef.set(b.roleArn, `aws_iam_role.${name}.arn`);
    out.push(`resource "aws_iam_role" ${q(name)} {`, `  name               = ${q(b.roleName)}`, `  assume_role_policy = jsonencode(${hclJson(b.trustPolicy, '  ')})`, `  tags = {`, ...Object.entries(b.tags).map(([k, v]) => `    ${q(k)} = ${q(v)}`), `  }`, `}`, '');
    out.push(`resource "aws_iam_role_policy" ${q(`${name}_assume_target`)} {`, `  name   = ${q(b.policyName)}`, `  role   = aws_iam_role.${name}.id`, `  policy = jsonencode(${hclJson(b.permissionPolicy, '  ')})`, `}`, '');
  }
  for (const t of existingTrust(plan)) {
    if (t.partial) {
      out.push(`# Trust of the existing role ${t.roleArn}${t.otherAccount ? ' (another account: apply there)' : ''}: ${BY_HAND}:`, ...JSON.stringify(statementsOf(t), null, 2).split('\n').map((l) => `#   ${l}`), '');
      continue;
    }
    out.push(`# Trust of the existing role ${t.roleArn}${t.otherAccount ? ' (another account: apply there)' : ''}; merge into its aws_iam_role.`);
    out.push(`resource "aws_iam_role" ${q(logicalName(roleName(t.roleArn), 'snake'))} {`, `  name               = ${q(roleName(t.roleArn))}`, `  path               = ${q(rolePath(t.roleArn))}`, `  assume_role_policy = jsonencode(${hclJson(t.after, '  ')})`, `}`, '');
  }
  for (const e of migrating(plan)) {
    const a = e.association!;
    if (e.kind === 'addon') {
      out.push(`# add-on ${e.addon}: add to its aws_eks_addon`, `resource "aws_eks_addon" ${q(logicalName(e.addon!, 'snake'))} {`, `  cluster_name = ${q(plan.cluster.name)}`, `  addon_name   = ${q(e.addon!)}`, `  pod_identity_association {`, `    role_arn        = ${q(a.roleArn)}`, `    service_account = ${q(e.serviceAccount)}`, `  }`, `}`, '');
      continue;
    }
    out.push(`resource "aws_eks_pod_identity_association" ${q(logicalName(`${e.namespace}_${e.serviceAccount}`, 'snake'))} {`, `  cluster_name    = ${q(plan.cluster.name)}`, `  namespace       = ${q(e.namespace)}`, `  service_account = ${q(e.serviceAccount)}`, `  role_arn        = ${bridgeRef.get(a.roleArn) ?? q(a.roleArn)}`);
    if (a.targetRoleArn) out.push(`  target_role_arn = ${q(a.targetRoleArn)}`);
    out.push(`}`, '');
  }
  return out.join('\n');
}

export function exportCloudFormation(plan: MigrationPlan): string {
  const resources: Record<string, unknown> = {};
  const bridgeRef = new Map<string, unknown>();
  for (const b of bridges(plan)) {
    const name = logicalName(b.roleName, 'pascal');
    bridgeRef.set(b.roleArn, { 'Fn::GetAtt': [name, 'Arn'] });
    resources[name] = {
      Type: 'AWS::IAM::Role',
      Properties: { RoleName: b.roleName, AssumeRolePolicyDocument: b.trustPolicy, Policies: [{ PolicyName: b.policyName, PolicyDocument: b.permissionPolicy }], Tags: Object.entries(b.tags).map(([Key, Value]) => ({ Key, Value })) },
    };
  }
  for (const e of migrating(plan).filter((x) => x.kind === 'service-account')) {
    const a = e.association!;
    const props: Record<string, unknown> = { ClusterName: plan.cluster.name, Namespace: e.namespace, ServiceAccount: e.serviceAccount, RoleArn: bridgeRef.get(a.roleArn) ?? a.roleArn };
    if (a.targetRoleArn) props.TargetRoleArn = a.targetRoleArn;
    resources[logicalName(`PodIdentity ${e.namespace} ${e.serviceAccount}`, 'pascal')] = { Type: 'AWS::EKS::PodIdentityAssociation', Properties: props };
  }
  const metadata = {
    podid: {
      cluster: plan.cluster.arn,
      note: 'Trust changes of roles this template does not own: set each AssumeRolePolicyDocument where the role is defined. Add-ons: set PodIdentityAssociations on their AWS::EKS::Addon.',
      trustChanges: existingTrust(plan).map((t) => (t.partial ? { RoleArn: t.roleArn, Note: BY_HAND, AddStatements: statementsOf(t) } : { RoleArn: t.roleArn, AssumeRolePolicyDocument: t.after })),
      addons: migrating(plan).filter((x) => x.kind === 'addon').map((x) => ({ AddonName: x.addon, PodIdentityAssociations: [{ RoleArn: x.association!.roleArn, ServiceAccount: x.serviceAccount }] })),
    },
  };
  const template = { AWSTemplateFormatVersion: '2010-09-09', Description: `podid migrate-irsa: Pod Identity associations for ${plan.cluster.name}`, Metadata: metadata, Resources: resources };
  return JSON.stringify(template, null, 2) + '\n';
}

/** A shell word in single quotes. */
const sh = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const accountOf = (arn: string) => arn.split(':')[4];

/**
 * eksctl creates associations (and add-on associations) for roles given by roleARN, but it neither
 * creates those roles nor changes their trust. So the fragment starts with the AWS CLI commands to
 * run first: create the bridge roles (podid's scoped trust, permission policy and tags), then set
 * the trust of existing roles — a role of another account with that account's credentials.
 */
export function exportEksctl(plan: MigrationPlan): string {
  const out = ['# podid migrate-irsa: eksctl ClusterConfig fragment'];
  const created = bridges(plan);
  const trust = existingTrust(plan);
  if (created.length || trust.length) out.push('# Run these first: eksctl neither creates roles given by roleARN nor changes their trust.');
  if (created.length) out.push(`# Bridge roles, in the cluster's account ${plan.cluster.accountId}:`);
  for (const b of created) {
    const tags = Object.entries(b.tags).map(([k, v]) => sh(`Key=${k},Value=${v}`)).join(' ');
    out.push(
      `#   aws iam create-role --role-name ${b.roleName} --assume-role-policy-document ${sh(JSON.stringify(b.trustPolicy))} --tags ${tags}`,
      `#   aws iam put-role-policy --role-name ${b.roleName} --policy-name ${b.policyName} --policy-document ${sh(JSON.stringify(b.permissionPolicy))}`,
    );
  }
  const accounts = [...new Set(trust.map((t) => accountOf(t.roleArn)))].sort((a, b) => Number(a !== plan.cluster.accountId) - Number(b !== plan.cluster.accountId) || a.localeCompare(b));
  for (const account of accounts) {
    const where = account === plan.cluster.accountId ? `in the cluster's account ${account}` : `in account ${account} (another account: apply it there, with that account's credentials)`;
    out.push(`# Trust of existing roles ${where}:`);
    for (const t of trust.filter((x) => accountOf(x.roleArn) === account)) {
      if (t.partial) out.push(`#   role ${roleName(t.roleArn)}: ${BY_HAND}:`, `#     ${JSON.stringify(statementsOf(t))}`);
      else out.push(`#   aws iam update-assume-role-policy --role-name ${roleName(t.roleArn)} --policy-document ${sh(JSON.stringify(t.after))}`);
    }
  }
  out.push('apiVersion: eksctl.io/v1alpha5', 'kind: ClusterConfig', 'metadata:', `  name: ${q(plan.cluster.name)}`, `  region: ${q(region(plan))}`, 'iam:', '  podIdentityAssociations:');
  const entries = migrating(plan);
  const sas = entries.filter((e) => e.kind === 'service-account');
  if (!sas.length) out.push('    []');
  for (const e of sas) {
    const a = e.association!;
    out.push(`    - namespace: ${q(e.namespace)}`, `      serviceAccountName: ${q(e.serviceAccount)}`, `      roleARN: ${q(a.roleArn)}`);
    if (a.targetRoleArn) out.push(`      targetRoleARN: ${q(a.targetRoleArn)}`);
  }
  const addons = entries.filter((e) => e.kind === 'addon');
  if (addons.length) {
    out.push('addons:');
    for (const e of addons) out.push(`  - name: ${q(e.addon!)}`, '    podIdentityAssociations:', `      - serviceAccountName: ${q(e.serviceAccount)}`, `        roleARN: ${q(e.association!.roleArn)}`);
  }
  return out.join('\n') + '\n';
}

export function exportPlan(plan: MigrationPlan, format: ExportFormat): string {
  if (format === 'terraform') return exportTerraform(plan);
  if (format === 'cloudformation') return exportCloudFormation(plan);
  return exportEksctl(plan);
}

