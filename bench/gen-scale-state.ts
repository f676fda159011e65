// Big local states for benchmarks (migrate-irsa plan, doctor): N IRSA service accounts over R roles,
// P pods (Deployment → ReplicaSet → Pod, spread over the SAs) on K nodes. Deterministic: the same
// sizes give the same document. Import it; running this file does nothing.

export interface ScaleSizes {
  serviceAccounts: number;
  roles: number;
  pods: number;
  nodes: number;
  /** Namespaces to spread the service accounts over (default 50). */
  namespaces?: number;
}

export const SCALE_ACCOUNT = '111122223333';
export const SCALE_CLUSTER = 'scale';
const ISSUER_HOST = 'oidc.eks.us-west-2.amazonaws.com/id/SCALE0123456789ABCDEF';
const PROVIDER = `arn:aws:iam::${SCALE_ACCOUNT}:oidc-provider/${ISSUER_HOST}`;
const TS = '2026-01-01T00:00:00.000Z';

const roleArnOf = (i: number) => `arn:aws:iam::${SCALE_ACCOUNT}:role/app/irsa-role-${i}`;

export function generateScaleState(sizes: ScaleSizes) {
  const namespaces = Math.max(1, sizes.namespaces ?? 50);
  const roles = Math.max(1, sizes.roles);
  const sas = Array.from({ length: sizes.serviceAccounts }, (_, i) => ({ namespace: `ns-${i % namespaces}`, name: `sa-${i}`, role: i % roles }));
  const subjects = new Map<number, string[]>();
  for (const sa of sas) subjects.set(sa.role, [...(subjects.get(sa.role) ?? []), `system:serviceaccount:${sa.namespace}:${sa.name}`]);

  const nodes = Array.from({ length: sizes.nodes }, (_, i) => ({ name: `ip-10-0-${Math.floor(i / 250)}-${i % 250}.us-west-2.compute.internal`, os: 'linux', computeType: 'ec2', labels: { 'kubernetes.io/os': 'linux' } }));
  const workloads = sas.flatMap((sa) => [
    { kind: 'Deployment', namespace: sa.namespace, name: sa.name, ownerReferences: [] },
    { kind: 'ReplicaSet', namespace: sa.namespace, name: `${sa.name}-5d8f`, ownerReferences: [{ kind: 'Deployment', name: sa.name, controller: true }] },
  ]);
  const pods = Array.from({ length: sizes.pods }, (_, i) => {
    const sa = sas[i % Math.max(1, sas.length)];
    const role = roleArnOf(sa?.role ?? 0);
    return {
      namespace: sa?.namespace ?? 'default',
      name: `${sa?.name ?? 'pod'}-5d8f-${i.toString(36).padStart(5, '0')}`,
      uid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      serviceAccountName: sa?.name ?? 'default',
      nodeName: nodes.length ? nodes[i % nodes.length].name : undefined,
      hostNetwork: false,
      phase: 'Running',
      containers: [{ name: 'app', image: 'registry.example/app:1.0', env: [{ name: 'AWS_ROLE_ARN', value: role }, { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' }], volumeMounts: [{ name: 'aws-iam-token', mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount' }] }],
      initContainers: [],
      projectedTokens: [{ volume: 'aws-iam-token', audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' }],
      ownerReferences: sa ? [{ kind: 'ReplicaSet', name: `${sa.name}-5d8f`, controller: true }] : [],
      labels: { app: sa?.name ?? 'pod' },
      creationTimestamp: TS,
    };
  });

  return {
    schemaVersion: 1 as const,
    kind: 'PodidState' as const,
    caller: { arn: `arn:aws:iam::${SCALE_ACCOUNT}:role/admin`, account: SCALE_ACCOUNT, userId: 'AROASCALEADMIN', policies: [] },
    clusters: [
      {
        cluster: { name: SCALE_CLUSTER, arn: `arn:aws:eks:us-west-2:${SCALE_ACCOUNT}:cluster/${SCALE_CLUSTER}`, accountId: SCALE_ACCOUNT, region: 'us-west-2', partition: 'aws', version: '1.31', status: 'ACTIVE', oidcIssuer: `https://${ISSUER_HOST}`, autoMode: false },
        addons: [{ name: 'eks-pod-identity-agent', version: 'v1.3.4-eksbuild.1', status: 'ACTIVE', podIdentityAssociations: [], podIdentityServiceAccounts: [] }],
        nodes,
        serviceAccounts: sas.map((sa) => ({ namespace: sa.namespace, name: sa.name, uid: `uid-${sa.name}`, annotations: { 'eks.amazonaws.com/role-arn': roleArnOf(sa.role) }, labels: { app: sa.name }, creationTimestamp: TS })),
        pods,
        daemonSets: [],
        workloads,
        associations: [],
      },
    ],
    roles: Array.from({ length: roles }, (_, i) => ({
      arn: roleArnOf(i),
      name: `irsa-role-${i}`,
      path: '/app/',
      roleId: `AROA${i.toString().padStart(17, '0')}`,
      accountId: SCALE_ACCOUNT,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${ISSUER_HOST}:sub`]: subjects.get(i) ?? [], [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com' } } }],
      },
      inlinePolicies: [],
      attachedPolicies: [],
      tags: {},
      maxSessionDuration: 3600,
    })),
    managedPolicies: [],
  };
}
