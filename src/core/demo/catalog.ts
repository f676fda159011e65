import type { EnvVar } from '../model.js';
import { ROLE } from './roles.js';

// What runs in the demo cluster, as data: namespaces, service accounts, associations and the
// workloads that own pods. kube.ts turns these into Kubernetes objects; index.ts assembles the state.

export const NAMESPACES = ['kube-system', 'payments', 'orders', 'checkout', 'analytics', 'data-pipeline', 'inventory', 'ingress', 'marketing', 'web', 'observability'] as const;

export interface SaSpec {
  namespace: string;
  name: string;
  createdAt: string;
  irsaRoleArn?: string;
}

const SYSTEM_SA_TIME = '2026-11-01T08:00:00Z';
const APP_SA_TIME = '2026-11-04T10:00:00Z';

/** Service accounts besides each namespace's `default`. */
export const SERVICE_ACCOUNTS: SaSpec[] = [
  ...['aws-node', 'kube-proxy', 'coredns', 'eks-pod-identity-agent', 'ebs-csi-node-sa'].map((name) => ({ namespace: 'kube-system', name, createdAt: SYSTEM_SA_TIME })),
  { namespace: 'kube-system', name: 'ebs-csi-controller-sa', createdAt: SYSTEM_SA_TIME, irsaRoleArn: ROLE.ebsCsi },
  { namespace: 'payments', name: 'payments-api', createdAt: APP_SA_TIME },
  { namespace: 'payments', name: 'payments-reconciler', createdAt: APP_SA_TIME, irsaRoleArn: ROLE.paymentsReconciler },
  { namespace: 'orders', name: 'orders-worker', createdAt: APP_SA_TIME },
  { namespace: 'orders', name: 'order-notifier', createdAt: APP_SA_TIME },
  { namespace: 'checkout', name: 'checkout-api', createdAt: APP_SA_TIME },
  { namespace: 'analytics', name: 'report-builder', createdAt: APP_SA_TIME },
  { namespace: 'analytics', name: 'model-trainer', createdAt: APP_SA_TIME },
  // data-pipeline/spark-driver is deliberately missing (seeded problem f).
  { namespace: 'data-pipeline', name: 'ingest', createdAt: APP_SA_TIME },
  { namespace: 'inventory', name: 'inventory-sync', createdAt: APP_SA_TIME },
  { namespace: 'inventory', name: 'search-indexer', createdAt: APP_SA_TIME },
  { namespace: 'ingress', name: 'edge-gateway', createdAt: APP_SA_TIME },
  { namespace: 'marketing', name: 'campaign-mailer', createdAt: APP_SA_TIME },
  { namespace: 'web', name: 'frontend', createdAt: APP_SA_TIME, irsaRoleArn: ROLE.webFrontend },
  { namespace: 'observability', name: 'fluent-bit', createdAt: APP_SA_TIME },
  { namespace: 'observability', name: 'grafana', createdAt: APP_SA_TIME, irsaRoleArn: ROLE.grafana },
];

export interface AssociationSpec {
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  targetRoleArn?: string;
  createdAt: string;
  tags?: Record<string, string>;
}

const tf = { 'managed-by': 'terraform' };

export const ASSOCIATIONS: AssociationSpec[] = [
  { namespace: 'payments', serviceAccount: 'payments-api', roleArn: ROLE.paymentsApi, createdAt: '2026-11-10T14:00:00Z', tags: tf }, // (i)
  { namespace: 'orders', serviceAccount: 'orders-worker', roleArn: ROLE.ordersWorker, createdAt: '2026-11-10T14:05:00Z', tags: tf },
  { namespace: 'orders', serviceAccount: 'order-notifier', roleArn: ROLE.orderNotifier, createdAt: '2026-11-19T15:30:00Z' }, // (c)
  { namespace: 'checkout', serviceAccount: 'checkout-api', roleArn: ROLE.checkoutApi, targetRoleArn: ROLE.checkoutLedger, createdAt: '2026-11-10T14:10:00Z', tags: tf },
  { namespace: 'analytics', serviceAccount: 'report-builder', roleArn: ROLE.sharedReporting, createdAt: '2026-11-11T09:00:00Z' }, // (h)
  { namespace: 'data-pipeline', serviceAccount: 'ingest', roleArn: ROLE.sharedReporting, createdAt: '2026-11-11T09:05:00Z' }, // (h)
  { namespace: 'analytics', serviceAccount: 'model-trainer', roleArn: ROLE.modelTrainer, createdAt: '2026-11-11T09:10:00Z' }, // (g)
  { namespace: 'data-pipeline', serviceAccount: 'spark-driver', roleArn: ROLE.sparkDriver, createdAt: '2026-11-12T11:00:00Z' }, // (f)
  { namespace: 'inventory', serviceAccount: 'inventory-sync', roleArn: ROLE.inventorySync, createdAt: '2026-11-12T11:05:00Z' }, // (a)
  { namespace: 'inventory', serviceAccount: 'search-indexer', roleArn: ROLE.searchIndexer, createdAt: '2026-11-12T11:10:00Z' }, // (b)
  { namespace: 'ingress', serviceAccount: 'edge-gateway', roleArn: ROLE.edgeGateway, createdAt: '2026-11-12T11:15:00Z' }, // (d)
  { namespace: 'marketing', serviceAccount: 'campaign-mailer', roleArn: ROLE.campaignMailer, createdAt: '2026-11-12T11:20:00Z' }, // (e)
  { namespace: 'observability', serviceAccount: 'fluent-bit', roleArn: ROLE.fluentBit, createdAt: '2026-11-10T14:15:00Z', tags: tf },
];

export interface ContainerSpec {
  name: string;
  image: string;
  env?: EnvVar[];
}

export interface AppSpec {
  namespace: string;
  name: string;
  kind: 'Deployment' | 'StatefulSet' | 'CronJob' | 'DaemonSet';
  /** Deployment/StatefulSet replicas; a DaemonSet runs one pod per Linux EC2 node, a CronJob one Job pod. */
  replicas?: number;
  serviceAccount: string;
  containers: ContainerSpec[];
  /** creationTimestamp of the first pod; later pods follow a minute apart. */
  createdAt: string;
  hostNetwork?: boolean;
  placement?: 'fargate' | 'windows';
}

const ECR_EKS = '602401143452.dkr.ecr.us-west-2.amazonaws.com';
const ECR = '111122223333.dkr.ecr.us-west-2.amazonaws.com';
const one = (name: string, image: string, env: EnvVar[] = []): ContainerSpec[] => [{ name, image, env }];
const env = (vars: Record<string, string>): EnvVar[] => Object.entries(vars).map(([name, value]) => ({ name, value }));
const SYSTEM_POD_TIME = '2026-11-01T08:05:00Z';

export const APPS: AppSpec[] = [
  { namespace: 'kube-system', name: 'aws-node', kind: 'DaemonSet', serviceAccount: 'aws-node', hostNetwork: true, createdAt: SYSTEM_POD_TIME, containers: one('aws-node', `${ECR_EKS}/amazon-k8s-cni:v1.19.0-eksbuild.1`, env({ AWS_VPC_K8S_CNI_LOGLEVEL: 'DEBUG', ENABLE_PREFIX_DELEGATION: 'false' })) },
  { namespace: 'kube-system', name: 'kube-proxy', kind: 'DaemonSet', serviceAccount: 'kube-proxy', hostNetwork: true, createdAt: SYSTEM_POD_TIME, containers: one('kube-proxy', `${ECR_EKS}/eks/kube-proxy:v1.31.2-minimal-eksbuild.3`) },
  { namespace: 'kube-system', name: 'eks-pod-identity-agent', kind: 'DaemonSet', serviceAccount: 'eks-pod-identity-agent', hostNetwork: true, createdAt: SYSTEM_POD_TIME, containers: one('eks-pod-identity-agent', `${ECR_EKS}/eks/eks-pod-identity-agent:v0.1.21`) },
  { namespace: 'kube-system', name: 'ebs-csi-node', kind: 'DaemonSet', serviceAccount: 'ebs-csi-node-sa', createdAt: SYSTEM_POD_TIME, containers: one('ebs-plugin', `${ECR_EKS}/eks/aws-ebs-csi-driver:v1.37.0`) },
  { namespace: 'kube-system', name: 'coredns', kind: 'Deployment', replicas: 2, serviceAccount: 'coredns', createdAt: SYSTEM_POD_TIME, containers: one('coredns', `${ECR_EKS}/eks/coredns:v1.11.3-eksbuild.2`) },
  {
    namespace: 'kube-system', name: 'ebs-csi-controller', kind: 'Deployment', replicas: 2, serviceAccount: 'ebs-csi-controller-sa', createdAt: '2026-11-02T07:30:00Z',
    containers: [
      { name: 'ebs-plugin', image: `${ECR_EKS}/eks/aws-ebs-csi-driver:v1.37.0`, env: env({ CSI_ENDPOINT: 'unix:///var/lib/csi/sockets/pluginproxy/csi.sock' }) },
      { name: 'csi-provisioner', image: `${ECR_EKS}/eks/csi-provisioner:v5.1.0-eks-1-31-7` },
    ],
  },
  { namespace: 'payments', name: 'payments-api', kind: 'Deployment', replicas: 3, serviceAccount: 'payments-api', createdAt: '2026-11-18T09:00:00Z', containers: one('api', `${ECR}/payments/api:2026.11.18-3f2a9c1`, env({ PORT: '8080', PAYMENTS_TABLE: 'payments' })) },
  { namespace: 'payments', name: 'payments-reconciler', kind: 'CronJob', serviceAccount: 'payments-reconciler', createdAt: '2026-11-20T01:00:04Z', containers: one('reconciler', `${ECR}/payments/reconciler:2026.11.12-8be04d7`) },
  { namespace: 'orders', name: 'orders-worker', kind: 'Deployment', replicas: 2, serviceAccount: 'orders-worker', createdAt: '2026-11-18T09:20:00Z', containers: one('worker', `${ECR}/orders/worker:2026.11.17-a91c2e0`, env({ QUEUE_URL: 'https://sqs.us-west-2.amazonaws.com/111122223333/orders' })) },
  // (c) created on 2026-11-17, before its association (2026-11-19): admitted without Pod Identity.
  { namespace: 'orders', name: 'order-notifier', kind: 'Deployment', replicas: 1, serviceAccount: 'order-notifier', createdAt: '2026-11-17T08:10:00Z', containers: one('notifier', `${ECR}/orders/notifier:2026.11.16-5d7e113`) },
  { namespace: 'orders', name: 'orders-redis', kind: 'StatefulSet', replicas: 1, serviceAccount: 'default', createdAt: '2026-11-05T12:00:00Z', containers: one('redis', 'public.ecr.aws/docker/library/redis:7.4.1') },
  { namespace: 'checkout', name: 'checkout-api', kind: 'Deployment', replicas: 2, serviceAccount: 'checkout-api', createdAt: '2026-11-18T10:00:00Z', containers: one('api', `${ECR}/checkout/api:2026.11.18-c0ffee1`, env({ LEDGER_TABLE: 'ledger' })) },
  { namespace: 'analytics', name: 'report-builder', kind: 'Deployment', replicas: 1, serviceAccount: 'report-builder', createdAt: '2026-11-18T11:00:00Z', containers: one('report-builder', `${ECR}/analytics/report-builder:2026.11.15-77ab310`) },
  { namespace: 'analytics', name: 'model-trainer', kind: 'Deployment', replicas: 1, serviceAccount: 'model-trainer', createdAt: '2026-11-18T11:30:00Z', containers: one('trainer', `${ECR}/analytics/model-trainer:2026.11.14-19f0d2a`) },
  { namespace: 'data-pipeline', name: 'ingest', kind: 'CronJob', serviceAccount: 'ingest', createdAt: '2026-11-20T02:00:03Z', containers: one('ingest', `${ECR}/data/ingest:2026.11.13-4e8b6f2`) },
  { namespace: 'inventory', name: 'inventory-sync', kind: 'Deployment', replicas: 2, serviceAccount: 'inventory-sync', createdAt: '2026-11-18T12:00:00Z', containers: one('sync', `${ECR}/inventory/sync:2026.11.18-2b9c4d1`) },
  { namespace: 'inventory', name: 'search-indexer', kind: 'StatefulSet', replicas: 2, serviceAccount: 'search-indexer', createdAt: '2026-11-18T12:30:00Z', containers: one('indexer', `${ECR}/inventory/search-indexer:2026.11.17-6a1f0c9`) },
  // (d) hostNetwork with an associated service account.
  { namespace: 'ingress', name: 'edge-gateway', kind: 'Deployment', replicas: 1, serviceAccount: 'edge-gateway', hostNetwork: true, createdAt: '2026-11-18T13:00:00Z', containers: one('envoy', 'public.ecr.aws/envoyproxy/envoy:v1.32.1') },
  // (e) static keys in the pod spec beat Pod Identity in every SDK's chain.
  {
    namespace: 'marketing', name: 'campaign-mailer', kind: 'Deployment', replicas: 1, serviceAccount: 'campaign-mailer', createdAt: '2026-11-18T13:30:00Z',
    containers: one('mailer', `${ECR}/marketing/campaign-mailer:2026.11.10-0d3e5a7`, env({ AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', SES_REGION: 'us-west-2' })),
  },
  { namespace: 'web', name: 'frontend', kind: 'Deployment', replicas: 3, serviceAccount: 'frontend', createdAt: '2026-11-18T14:00:00Z', containers: one('frontend', `${ECR}/web/frontend:2026.11.18-e4d1a2b`) },
  { namespace: 'web', name: 'static-site', kind: 'Deployment', replicas: 1, serviceAccount: 'default', placement: 'fargate', createdAt: '2026-11-18T14:30:00Z', containers: one('nginx', 'public.ecr.aws/nginx/nginx:1.27') },
  { namespace: 'web', name: 'legacy-reports', kind: 'Deployment', replicas: 1, serviceAccount: 'default', placement: 'windows', createdAt: '2026-11-18T15:00:00Z', containers: one('reports', 'mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022') },
  { namespace: 'observability', name: 'fluent-bit', kind: 'DaemonSet', serviceAccount: 'fluent-bit', createdAt: '2026-11-18T06:00:00Z', containers: one('fluent-bit', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4', env({ AWS_REGION: 'us-west-2', LOG_GROUP_NAME: '/eks/demo/containers' })) },
  { namespace: 'observability', name: 'grafana', kind: 'Deployment', replicas: 1, serviceAccount: 'grafana', createdAt: '2026-11-18T06:30:00Z', containers: one('grafana', 'docker.io/grafana/grafana:11.3.0') },
];
