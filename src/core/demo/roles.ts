import { parseRoleArn } from '../arn.js';
import type { InlinePolicy, ManagedPolicy, Role } from '../model.js';
import type { PolicyDocument } from '../iam/types.js';
import { DEMO_CLUSTER, FOREIGN_ACCOUNT, TARGET_ACCOUNT, demoRoleArn, plusMinutes } from './ids.js';
import { ABAC_POLICY, CLOUDWATCH_AGENT_POLICY, EBS_CSI_POLICY, EC2_TRUST, POD_IDENTITY_ACTIONS, WORKER_NODE_POLICY, allow, inline, irsaTrust, podIdentityTrust, targetTrust } from './policies.js';

// The IAM roles of the demo world. Seeded problems are marked with their letter (fixtures/demo/README.md).

export const ROLE = {
  /** (i) a role with a path — works. */
  paymentsApi: demoRoleArn('payments-api', '/teams/payments/'),
  ordersWorker: demoRoleArn('orders-worker'),
  /** (c) used by a pod that predates its association. */
  orderNotifier: demoRoleArn('order-notifier'),
  checkoutApi: demoRoleArn('checkout-api'),
  checkoutLedger: demoRoleArn('checkout-ledger-access', '/', TARGET_ACCOUNT),
  /** (h) shared by analytics/report-builder and data-pipeline/ingest. */
  sharedReporting: demoRoleArn('shared-reporting-reader'),
  /** (g) trust scoped to analytics-staging instead of analytics. */
  modelTrainer: demoRoleArn('analytics-model-trainer'),
  /** (f) its association names a service account that does not exist. */
  sparkDriver: demoRoleArn('data-spark-driver'),
  /** (a) trust without sts:TagSession. */
  inventorySync: demoRoleArn('inventory-sync'),
  /** (b) in another account, used without targetRoleArn. */
  searchIndexer: demoRoleArn('search-indexer', '/', FOREIGN_ACCOUNT),
  /** (d) used by a hostNetwork pod. */
  edgeGateway: demoRoleArn('edge-gateway'),
  /** (e) used by a pod that also carries static access keys. */
  campaignMailer: demoRoleArn('campaign-mailer'),
  fluentBit: demoRoleArn('fluent-bit-cloudwatch'),
  ebsCsi: demoRoleArn('AmazonEKS_EBS_CSI_DriverRole'),
  webFrontend: demoRoleArn('web-frontend'),
  grafana: demoRoleArn('grafana-cloudwatch-read'),
  paymentsReconciler: demoRoleArn('payments-reconciler'),
  /** The managed node group's instance role: the agent calls EKS Auth with it. */
  nodeRole: demoRoleArn('demo-node-role'),
} as const;

interface RoleSpec {
  arn: string;
  trust: PolicyDocument;
  inline?: InlinePolicy[];
  attached?: ManagedPolicy[];
  tags?: Record<string, string>;
}

const pi = (namespace: string, serviceAccount: string) => ({ namespace, serviceAccount });
const s3 = (bucket: string, actions: string[], prefix = '*') => allow(actions, [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/${prefix}`]);
const table = (account: string, name: string) => `arn:aws:dynamodb:us-west-2:${account}:table/${name}`;

const SPECS: RoleSpec[] = [
  {
    arn: ROLE.paymentsApi,
    trust: podIdentityTrust([pi('payments', 'payments-api')]),
    inline: [inline('payments-tables', allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], [table('111122223333', 'payments'), table('111122223333', 'payments/index/*')]))],
    tags: { team: 'payments' },
  },
  { arn: ROLE.ordersWorker, trust: podIdentityTrust([pi('orders', 'orders-worker')]), attached: [ABAC_POLICY], tags: { team: 'orders' } },
  {
    arn: ROLE.orderNotifier,
    trust: podIdentityTrust([pi('orders', 'order-notifier')]),
    inline: [inline('order-events', allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], 'arn:aws:sqs:us-west-2:111122223333:order-events'), allow('sns:Publish', 'arn:aws:sns:us-west-2:111122223333:order-notifications'))],
    tags: { team: 'orders' },
  },
  {
    arn: ROLE.checkoutApi,
    trust: podIdentityTrust([pi('checkout', 'checkout-api')]),
    inline: [inline('assume-checkout-ledger-access', allow(POD_IDENTITY_ACTIONS, ROLE.checkoutLedger, 'ChainToLedgerAccount'))],
    tags: { team: 'checkout' },
  },
  {
    arn: ROLE.checkoutLedger,
    trust: targetTrust(ROLE.checkoutApi, pi('checkout', 'checkout-api')),
    inline: [inline('ledger-read-write', allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], table(TARGET_ACCOUNT, 'ledger')))],
    tags: { team: 'finance' },
  },
  { arn: ROLE.sharedReporting, trust: podIdentityTrust([pi('analytics', 'report-builder'), pi('data-pipeline', 'ingest')]), attached: [ABAC_POLICY], tags: { team: 'data' } },
  {
    arn: ROLE.modelTrainer,
    trust: podIdentityTrust([pi('analytics-staging', 'model-trainer')]),
    inline: [inline('model-artifacts', s3('podid-demo-ml-models-111122223333', ['s3:ListBucket', 's3:GetObject', 's3:PutObject']))],
    tags: { team: 'data' },
  },
  {
    arn: ROLE.sparkDriver,
    trust: podIdentityTrust([pi('data-pipeline', 'spark-driver')]),
    inline: [inline('spark-scratch', s3('podid-demo-spark-scratch-111122223333', ['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject']))],
    tags: { team: 'data' },
  },
  {
    arn: ROLE.inventorySync,
    trust: podIdentityTrust([pi('inventory', 'inventory-sync')], { actions: ['sts:AssumeRole'] }),
    inline: [inline('inventory-table', allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'], table('111122223333', 'inventory')))],
    tags: { team: 'inventory' },
  },
  {
    arn: ROLE.searchIndexer,
    trust: podIdentityTrust([pi('inventory', 'search-indexer')]),
    inline: [inline('search-domain', allow(['es:ESHttpGet', 'es:ESHttpPost', 'es:ESHttpPut'], `arn:aws:es:us-west-2:${FOREIGN_ACCOUNT}:domain/catalog/*`))],
    tags: { team: 'search' },
  },
  {
    arn: ROLE.edgeGateway,
    trust: podIdentityTrust([pi('ingress', 'edge-gateway')]),
    inline: [inline('edge-certificates', allow(['acm:DescribeCertificate', 'acm:GetCertificate'], 'arn:aws:acm:us-west-2:111122223333:certificate/*'))],
    tags: { team: 'platform' },
  },
  {
    arn: ROLE.campaignMailer,
    trust: podIdentityTrust([pi('marketing', 'campaign-mailer')]),
    inline: [inline('send-campaign-mail', allow(['ses:SendEmail', 'ses:SendRawEmail'], 'arn:aws:ses:us-west-2:111122223333:identity/example.com'))],
    tags: { team: 'marketing' },
  },
  { arn: ROLE.fluentBit, trust: podIdentityTrust([pi('observability', 'fluent-bit')]), attached: [CLOUDWATCH_AGENT_POLICY], tags: { team: 'platform' } },
  { arn: ROLE.ebsCsi, trust: irsaTrust(pi('kube-system', 'ebs-csi-controller-sa')), attached: [EBS_CSI_POLICY], tags: { 'alpha.eksctl.io/cluster-name': DEMO_CLUSTER } },
  { arn: ROLE.webFrontend, trust: irsaTrust(pi('web', 'frontend')), inline: [inline('static-assets', s3('podid-demo-static-assets-111122223333', ['s3:ListBucket', 's3:GetObject']))], tags: { team: 'web' } },
  {
    arn: ROLE.grafana,
    trust: irsaTrust(pi('observability', 'grafana')),
    inline: [inline('cloudwatch-read', allow(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'logs:StartQuery', 'logs:GetQueryResults', 'logs:DescribeLogGroups'], '*'))],
    tags: { team: 'platform' },
  },
  {
    arn: ROLE.paymentsReconciler,
    trust: irsaTrust(pi('payments', 'payments-reconciler')),
    inline: [inline('settlement-files', s3('podid-demo-settlements-111122223333', ['s3:ListBucket', 's3:GetObject'], 'incoming/*'))],
    tags: { team: 'payments' },
  },
  { arn: ROLE.nodeRole, trust: EC2_TRUST, attached: [WORKER_NODE_POLICY], tags: { 'alpha.eksctl.io/cluster-name': DEMO_CLUSTER } },
];

const ROLE_CREATED = '2026-11-03T09:00:00Z';

/** AROA + 17 characters, like IAM's unique role ids. */
const roleId = (n: number) => `AROADEMOROLE${String(n).padStart(9, '0')}`;

export function buildRoles(): Role[] {
  return SPECS.map((spec, i) => {
    const parsed = parseRoleArn(spec.arn);
    return {
      arn: spec.arn,
      name: parsed.name,
      path: parsed.path,
      roleId: roleId(i + 1),
      accountId: parsed.accountId,
      trustPolicy: structuredClone(spec.trust),
      inlinePolicies: structuredClone(spec.inline ?? []),
      attachedPolicies: (spec.attached ?? []).map(({ arn, name }) => ({ arn, name })),
      tags: { ...spec.tags },
      maxSessionDuration: 3600,
      createdAt: plusMinutes(ROLE_CREATED, i * 7),
    };
  });
}
