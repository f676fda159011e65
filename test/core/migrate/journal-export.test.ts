import { describe, expect, it } from 'vitest';
import { exportCloudFormation, exportEksctl, exportTerraform } from '../../../src/core/migrate/export.js';
import { newJournal, planRollback, validateJournal } from '../../../src/core/migrate/journal.js';
import { planMigration } from '../../../src/core/migrate/plan.js';
import type { Journal, Step } from '../../../src/core/migrate/types.js';
import { factsFrom, opts } from './facts.js';
import { CLUSTER_ARN, CROSS_ROLE, HOST, OTHER_ACCOUNT, WEB_ROLE, withJob, world } from './world.js';

describe('journal', () => {
  it('validates shape and says what is wrong', () => {
    expect(validateJournal({ kind: 'Other' }).problems.join('\n')).toMatch(/kind is "Other"/);
    expect(validateJournal('x').problems).toEqual(['not a JSON object']);
    const j = newJournal({ name: 'demo', arn: CLUSTER_ARN }, opts(), '2026-01-01T00:00:00Z');
    expect(validateJournal(JSON.parse(JSON.stringify(j))).journal).toBeTruthy();
  });

  it('records the filter of the run (only what narrows it) and validates it', () => {
    const j = newJournal({ name: 'demo', arn: CLUSTER_ARN }, opts(), 't', { namespaces: ['apps'], selector: {}, exclude: [], addons: true });
    expect(j.filter).toEqual({ namespaces: ['apps'] });
    expect(newJournal({ name: 'demo', arn: CLUSTER_ARN }, opts(), 't', {}).filter).toBeUndefined();
    expect(validateJournal({ ...j, filter: { namespaces: 'apps' } }).problems.join('\n')).toMatch(/filter: expected/);
  });

  it('rolls back in a safe order, restoring each role and SA to its earliest prior state', () => {
    const j: Journal = newJournal({ name: 'demo', arn: CLUSTER_ARN }, opts(), 't');
    const step = (s: Partial<Step>) => s as Step;
    const rec = (s: Partial<Step>, prior: object, state: 'done' | 'failed' | 'skipped' = 'done', result?: object) => ({ step: step(s), prior, state, result, startedAt: 't' });
    j.records.push(
      rec({ id: 'bridge:x', kind: 'create-role', roleArn: 'arn:aws:iam::1:role/b', roleName: 'b', policyName: 'p' }, { existed: false }),
      rec({ id: 'trust:a', kind: 'add-trust', roleArn: WEB_ROLE }, { trustPolicyJson: '{"first":1}' }, 'failed'),
      rec({ id: 'trust:a', kind: 'add-trust', roleArn: WEB_ROLE }, { trustPolicyJson: '{"second":1}' }),
      rec({ id: 'association:a', kind: 'create-association', namespace: 'apps', serviceAccount: 'web', roleArn: WEB_ROLE }, { existed: false }, 'done', { associationId: 'a-1' }),
      rec({ id: 'restart:x', kind: 'restart', workload: { kind: 'Deployment', namespace: 'apps', name: 'web' } }, {}),
      rec({ id: 'oidc:a', kind: 'remove-oidc-trust', roleArn: WEB_ROLE }, { trustPolicyJson: '{"third":1}' }),
      rec({ id: 'annotation:a', kind: 'remove-annotation', namespace: 'apps', serviceAccount: 'web' }, { annotations: { 'eks.amazonaws.com/role-arn': WEB_ROLE } }),
      rec({ id: 'trust:skipped', kind: 'add-trust', roleArn: CROSS_ROLE }, { trustPolicyJson: '{}' }, 'skipped'),
    );
    const actions = planRollback(j);
    expect(actions.map((a) => a.kind)).toEqual(['restore-annotations', 'restore-trust', 'delete-association', 'restart', 'delete-role']);
    expect(actions[1]).toMatchObject({ kind: 'restore-trust', roleArn: WEB_ROLE, trustPolicyJson: '{"first":1}' });
    // Every trust change of the role, in order, for a statement-level revert (the skipped one is not a change).
    expect((actions[1] as { records: { step: { id: string }; state: string }[] }).records.map((r) => `${r.step.id} ${r.state}`)).toEqual(['trust:a failed', 'trust:a done', 'oidc:a done']);
    expect(actions[2]).toMatchObject({ associationId: 'a-1' });
  });
});

describe('IaC export', () => {
  const plan = planMigration(factsFrom(world()), opts({ removeOidcTrust: true, restart: true }));

  it('terraform: associations, bridge role and trust as jsonencode', () => {
    const tf = exportTerraform(plan);
    expect(tf).toContain('resource "aws_eks_pod_identity_association" "apps_web"');
    expect(tf).toContain('role_arn        = aws_iam_role.podid_bridge_data_cross.arn');
    expect(tf).toContain(`target_role_arn = "${CROSS_ROLE}"`);
    expect(tf).toMatch(/resource "aws_iam_role" "web_role" \{\n {2}name {15}= "web-role"\n {2}path {15}= "\/"\n {2}assume_role_policy = jsonencode\(\{/);
    expect(tf).toContain('pod_identity_association {');
    expect(tf).not.toMatch(/[^$]\$\{aws/);
  });

  it('cloudformation: a valid template with AWS::EKS::PodIdentityAssociation', () => {
    const cfn = JSON.parse(exportCloudFormation(plan));
    const types = Object.values(cfn.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::EKS::PodIdentityAssociation')).toHaveLength(4);
    expect(types).toContain('AWS::IAM::Role');
    expect(cfn.Resources.PodIdentityDataCross.Properties.RoleArn).toEqual({ 'Fn::GetAtt': ['PodidBridgeDataCross', 'Arn'] });
    expect(cfn.Metadata.podid.trustChanges.length).toBeGreaterThan(0);
  });

  it('terraform --remove-oidc-trust keeps the OIDC trust of a service account whose Job pod still runs with IRSA', () => {
    const tf = exportTerraform(planMigration(factsFrom(withJob()), opts({ removeOidcTrust: true, removeAnnotations: true, restart: true })));
    const block = (name: string) => tf.slice(tf.indexOf(`resource "aws_iam_role" "${name}"`), tf.indexOf('\n}\n', tf.indexOf(`resource "aws_iam_role" "${name}"`)));
    expect(block('reports')).toContain(`"${HOST}:sub": "system:serviceaccount:batch:reports"`);
    expect(block('web_role')).not.toContain(`"${HOST}:sub"`);
  });

  it('eksctl: bridge roles are created first (scoped trust, policy, tags); other-account trust is flagged for that account', () => {
    const text = exportEksctl(plan);
    const head = text.slice(0, text.indexOf('apiVersion:'));
    expect(head).toContain("aws iam create-role --role-name podid-bridge-data-cross --assume-role-policy-document '{");
    expect(head).toContain("'Key=podid.io/bridge-for,Value=demo/data/cross' 'Key=podid:managed-by,Value=podid'");
    expect(head).toContain('aws iam put-role-policy --role-name podid-bridge-data-cross --policy-name podid-assume-target');
    expect(head).not.toContain('update-assume-role-policy --role-name podid-bridge-data-cross');
    expect(head).toContain(`# Trust of existing roles in account ${OTHER_ACCOUNT} (another account: apply it there, with that account's credentials):\n#   aws iam update-assume-role-policy --role-name data-reader `);
    expect(head.indexOf('create-role')).toBeLessThan(head.indexOf('update-assume-role-policy'));
    expect(head.indexOf('--role-name web-role')).toBeLessThan(head.indexOf(`account ${OTHER_ACCOUNT}`));
  });

  it('a role podid could not read gets "add these statements", never a whole-document replacement', () => {
    const facts = factsFrom(world());
    facts.roles.delete(CROSS_ROLE);
    const partial = planMigration(facts, opts({ removeOidcTrust: true, restart: true }));
    const text = exportEksctl(partial);
    expect(text).not.toContain('update-assume-role-policy --role-name data-reader');
    expect(text).toMatch(/# {3}role data-reader: podid could not read its trust: add these statements and keep the others:\n# {5}\[\{"Sid":"PodIdentityChainDemoDataCross"/);
    expect(exportTerraform(partial)).not.toContain('resource "aws_iam_role" "data_reader"');
    const cfn = JSON.parse(exportCloudFormation(partial));
    expect(cfn.Metadata.podid.trustChanges.find((t: { RoleArn: string }) => t.RoleArn === CROSS_ROLE)).toMatchObject({ AddStatements: [expect.objectContaining({ Effect: 'Allow' })] });
  });

  it('eksctl: iam.podIdentityAssociations and addons', () => {
    const text = exportEksctl(plan);
    expect(text).toContain('  podIdentityAssociations:\n    - namespace: "apps"\n      serviceAccountName: "a"');
    expect(text).toContain(`      targetRoleARN: "${CROSS_ROLE}"`);
    expect(text).toContain('addons:\n  - name: "aws-ebs-csi-driver"');
    expect(text).toContain('region: "us-west-2"');
  });
});
