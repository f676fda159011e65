import type { Container, Pod } from './model.js';

// What the EKS pod-identity webhook does to a pod at admission (agent-protocol.md §2). The local
// backend applies it when a workload restarts, so offline runs see pods change as they would in EKS.

export const POD_IDENTITY_ENV = {
  uri: 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  tokenFile: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
} as const;
export const POD_IDENTITY_URI = 'http://169.254.170.23/v1/credentials';
export const POD_IDENTITY_TOKEN_VOLUME = 'eks-pod-identity-token';
export const POD_IDENTITY_TOKEN_DIR = '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount';
export const POD_IDENTITY_TOKEN_PATH = `${POD_IDENTITY_TOKEN_DIR}/eks-pod-identity-token`;
export const IRSA_ENV = { roleArn: 'AWS_ROLE_ARN', tokenFile: 'AWS_WEB_IDENTITY_TOKEN_FILE' } as const;
export const IRSA_TOKEN_VOLUME = 'aws-iam-token';
export const IRSA_TOKEN_PATH = '/var/run/secrets/eks.amazonaws.com/serviceaccount/token';

export interface AdmissionFacts {
  /** The (namespace, SA) has a Pod Identity association. */
  podIdentity: boolean;
  /** The SA's eks.amazonaws.com/role-arn annotation, if any. */
  irsaRoleArn?: string;
}

const hasEnv = (c: Container, name: string) => c.env.some((e) => e.name === name);

/** Returns the pod as admitted: Pod Identity takes precedence over IRSA; containers that set either variable are left alone. */
export function admitPod(pod: Pod, facts: AdmissionFacts): Pod {
  const strip = (c: Container): Container => ({
    ...c,
    env: c.env.filter((e) => ![POD_IDENTITY_ENV.uri, POD_IDENTITY_ENV.tokenFile, IRSA_ENV.roleArn, IRSA_ENV.tokenFile].includes(e.name as never)),
    volumeMounts: c.volumeMounts.filter((m) => m.name !== POD_IDENTITY_TOKEN_VOLUME && m.name !== IRSA_TOKEN_VOLUME),
  });
  // The label marks a pod as injected for Pod Identity; a pod admitted without it must not keep it.
  const { 'eks.amazonaws.com/pod-identity': _injected, ...labels } = pod.labels ?? {};
  const base = { ...pod, ...(pod.labels ? { labels } : {}), containers: pod.containers.map(strip), projectedTokens: pod.projectedTokens.filter((t) => t.volume !== POD_IDENTITY_TOKEN_VOLUME && t.volume !== IRSA_TOKEN_VOLUME) };
  if (facts.podIdentity) {
    return {
      ...base,
      labels: { ...base.labels, 'eks.amazonaws.com/pod-identity': 'enabled' },
      containers: base.containers.map((c) =>
        hasEnv(c, POD_IDENTITY_ENV.uri) || hasEnv(c, POD_IDENTITY_ENV.tokenFile)
          ? c
          : {
              ...c,
              env: [...c.env, { name: POD_IDENTITY_ENV.uri, value: POD_IDENTITY_URI }, { name: POD_IDENTITY_ENV.tokenFile, value: POD_IDENTITY_TOKEN_PATH }],
              volumeMounts: [...c.volumeMounts, { name: POD_IDENTITY_TOKEN_VOLUME, mountPath: POD_IDENTITY_TOKEN_DIR }],
            },
      ),
      projectedTokens: [...base.projectedTokens, { volume: POD_IDENTITY_TOKEN_VOLUME, audience: 'pods.eks.amazonaws.com', expirationSeconds: 86400, path: 'eks-pod-identity-token' }],
    };
  }
  if (facts.irsaRoleArn) {
    return {
      ...base,
      containers: base.containers.map((c) => ({
        ...c,
        env: [...c.env, { name: IRSA_ENV.roleArn, value: facts.irsaRoleArn }, { name: IRSA_ENV.tokenFile, value: IRSA_TOKEN_PATH }],
        volumeMounts: [...c.volumeMounts, { name: IRSA_TOKEN_VOLUME, mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount' }],
      })),
      projectedTokens: [...base.projectedTokens, { volume: IRSA_TOKEN_VOLUME, audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' }],
    };
  }
  return base;
}

export const hasPodIdentityInjection = (pod: Pod) =>
  pod.containers.length > 0 && pod.containers.every((c) => hasEnv(c, POD_IDENTITY_ENV.uri) && hasEnv(c, POD_IDENTITY_ENV.tokenFile));
export const hasIrsaInjection = (pod: Pod) => pod.containers.some((c) => hasEnv(c, IRSA_ENV.roleArn) && hasEnv(c, IRSA_ENV.tokenFile));
