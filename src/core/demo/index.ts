import { IRSA_ROLE_ANNOTATION, type Association, type ServiceAccount } from '../model.js';
import { ASSOCIATIONS, APPS, NAMESPACES, SERVICE_ACCOUNTS, type SaSpec } from './catalog.js';
import { agentAddon, platformAdmin } from './empty.js';
import { DEMO_ACCOUNT, DEMO_CLUSTER, DEMO_CLUSTER_ARN, DEMO_OIDC_ISSUER, DEMO_PARTITION, DEMO_REGION, uid, uidSequence } from './ids.js';
import { DEMO_NODES, expandApp, type ExpandContext, type KubeObjects } from './kube.js';
import { MANAGED_POLICIES } from './policies.js';
import { ROLE, buildRoles } from './roles.js';
import type { DemoAddon, DemoClusterState, DemoState } from './types.js';

// The demo world shipped as fixtures/demo/state.json (`podid local init --demo`, `npm run demo`):
// one healthy-looking EKS cluster with exactly the seeded problems of problems.ts. Pure and
// deterministic: the same call always returns the same document.

export { DEMO_PROBLEMS, type SeededProblem, type SeededProblemId } from './problems.js';
export { buildEmptyState, partitionOf, type EmptyStateOptions } from './empty.js';
export type { DemoState, DemoClusterState } from './types.js';
export { DEMO_ACCOUNT, DEMO_CLUSTER, DEMO_CLUSTER_ARN, DEMO_REGION, FOREIGN_ACCOUNT, TARGET_ACCOUNT, CALLER_ARN } from './ids.js';
export { ROLE as DEMO_ROLES } from './roles.js';

const SYSTEM_TIME = '2026-11-01T08:00:00Z';
const NAMESPACE_TIME = '2026-11-04T09:55:00Z';

function addons(): DemoAddon[] {
  const addon = (name: string, version: string, extra: Partial<DemoAddon> = {}): DemoAddon => ({
    name,
    version,
    status: 'ACTIVE',
    podIdentityAssociations: [],
    podIdentityServiceAccounts: [],
    ...extra,
  });
  return [
    agentAddon(),
    addon('vpc-cni', 'v1.19.0-eksbuild.1'),
    addon('kube-proxy', 'v1.31.2-eksbuild.3'),
    addon('coredns', 'v1.11.3-eksbuild.2'),
    addon('aws-ebs-csi-driver', 'v1.37.0-eksbuild.1', { serviceAccountRoleArn: ROLE.ebsCsi, podIdentityServiceAccounts: ['ebs-csi-controller-sa'] }),
  ];
}

function serviceAccounts(): ServiceAccount[] {
  const next = uidSequence(100);
  const defaults: SaSpec[] = NAMESPACES.map((namespace) => ({ namespace, name: 'default', createdAt: namespace === 'kube-system' ? SYSTEM_TIME : NAMESPACE_TIME }));
  return [...defaults, ...SERVICE_ACCOUNTS].map((sa): ServiceAccount => ({
    namespace: sa.namespace,
    name: sa.name,
    uid: next(),
    annotations: sa.irsaRoleArn ? { [IRSA_ROLE_ANNOTATION]: sa.irsaRoleArn } : {},
    creationTimestamp: sa.createdAt,
  }));
}

function associations(): Association[] {
  return ASSOCIATIONS.map((spec, i) => {
    const associationId = `a-demo${String(i + 1).padStart(13, '0')}`;
    return {
      associationId,
      associationArn: `arn:${DEMO_PARTITION}:eks:${DEMO_REGION}:${DEMO_ACCOUNT}:podidentityassociation/${DEMO_CLUSTER}/${associationId}`,
      clusterName: DEMO_CLUSTER,
      namespace: spec.namespace,
      serviceAccount: spec.serviceAccount,
      roleArn: spec.roleArn,
      ...(spec.targetRoleArn ? { targetRoleArn: spec.targetRoleArn, externalId: uid(900 + i) } : {}),
      disableSessionTags: false,
      tags: spec.tags ?? {},
      createdAt: spec.createdAt,
      modifiedAt: spec.createdAt,
    };
  });
}

function kubeObjects(sas: ServiceAccount[], assocs: Association[]): KubeObjects {
  const ctx: ExpandContext = {
    nextWorkloadUid: uidSequence(300),
    nextPodUid: uidSequence(500),
    // The webhook injects Pod Identity only into pods created once the association exists.
    admission: (namespace, serviceAccount, createdAt) => ({
      podIdentity: assocs.some((a) => a.namespace === namespace && a.serviceAccount === serviceAccount && Date.parse(a.createdAt) <= Date.parse(createdAt)),
      irsaRoleArn: sas.find((s) => s.namespace === namespace && s.name === serviceAccount)?.annotations[IRSA_ROLE_ANNOTATION],
    }),
  };
  const parts = APPS.map((app) => expandApp(ctx, app));
  return { workloads: parts.flatMap((p) => p.workloads), pods: parts.flatMap((p) => p.pods), daemonSets: parts.flatMap((p) => p.daemonSets) };
}

function demoCluster(): DemoClusterState {
  const sas = serviceAccounts();
  const assocs = associations();
  const { workloads, pods, daemonSets } = kubeObjects(sas, assocs);
  return {
    cluster: {
      name: DEMO_CLUSTER,
      arn: DEMO_CLUSTER_ARN,
      accountId: DEMO_ACCOUNT,
      region: DEMO_REGION,
      partition: DEMO_PARTITION,
      version: '1.31',
      platformVersion: 'eks.18',
      status: 'ACTIVE',
      oidcIssuer: DEMO_OIDC_ISSUER,
      autoMode: false,
    },
    addons: addons(),
    nodes: structuredClone(DEMO_NODES),
    serviceAccounts: sas,
    pods,
    daemonSets,
    workloads,
    associations: assocs,
    nodeRoleArns: [ROLE.nodeRole],
  };
}

/** The demo state document, without a signing key. */
export function buildDemoState(): DemoState {
  return {
    schemaVersion: 1,
    kind: 'PodidState',
    caller: platformAdmin(DEMO_ACCOUNT, DEMO_PARTITION),
    clusters: [demoCluster()],
    roles: buildRoles(),
    managedPolicies: structuredClone(MANAGED_POLICIES),
  };
}
