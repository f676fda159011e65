import { saKey, IRSA_ROLE_ANNOTATION, type Pod } from '../model.js';
import { hasIrsaInjection, hasPodIdentityInjection, POD_IDENTITY_TOKEN_VOLUME } from '../webhook.js';
import { POD_IDENTITY_AUDIENCE } from '../token/index.js';
import { restartFix } from './fixes.js';
import { AGENT_IPV4, AGENT_IPV6, noProxyCovers } from './no-proxy.js';
import { allContainers, envValue, podCheck, type PodJudge } from './pod-group.js';
import type { CheckDefinition } from './types.js';

// Pods of associated service accounts: did the webhook inject them, and does anything in the pod
// keep the SDK from using the agent (competing credentials, hostNetwork, compute, proxies)?

const STATIC_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
const PROXY = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'];
const NO_PROXY = ['NO_PROXY', 'no_proxy'];
const at = (iso: string) => iso.replace(/:\d\d(\.\d+)?Z$/, 'Z');

const hasToken = (pod: Pod) => pod.projectedTokens.some((t) => t.volume === POD_IDENTITY_TOKEN_VOLUME || t.audience === POD_IDENTITY_AUDIENCE);

const injection: PodJudge = (facts, a, pod) => {
  const env = hasPodIdentityInjection(pod);
  const token = hasToken(pod);
  if (env && token) return undefined;
  const fix = (pods: Pod[]) => restartFix(facts, pods);
  if (Date.parse(pod.creationTimestamp) < Date.parse(a.createdAt)) {
    return {
      status: 'fail',
      reason: 'predates',
      detail: (pods) =>
        `pod has no Pod Identity injection; it was created before the association (pod ${at(pods[0].creationTimestamp)}, association ${at(a.createdAt)}), so it falls back to the node role`,
      fix,
    };
  }
  const missing = [env ? '' : 'the AWS_CONTAINER_* env', token ? '' : `the projected ${POD_IDENTITY_TOKEN_VOLUME} token`].filter(Boolean).join(' and ');
  return {
    status: 'fail',
    reason: `missed:${missing}`,
    detail: () => `pod lacks ${missing} although it was created after the association: the webhook missed it (failurePolicy Ignore, or the association was not visible yet), so it falls back to the node role`,
    fix,
  };
};

const irsaEnv: PodJudge = (facts, a, pod) => {
  if (!hasIrsaInjection(pod)) return undefined;
  const sa = facts.index.saByKey.get(saKey(a.namespace, a.serviceAccount));
  const annotated = sa?.annotations[IRSA_ROLE_ANNOTATION];
  return {
    status: 'fail',
    reason: 'irsa',
    detail: () => 'pod has IRSA env (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE): web identity comes before container credentials in the SDK chain, so the pod uses the IRSA role, not the association',
    fix: (pods) =>
      `${annotated ? `Remove the IRSA annotation: kubectl -n ${a.namespace} annotate serviceaccount ${a.serviceAccount} ${IRSA_ROLE_ANNOTATION}- ; then ` : ''}${restartFix(facts, pods)}`,
  };
};

const staticKeys: PodJudge = (_facts, _a, pod) => {
  const found = new Set(allContainers(pod).flatMap((c) => c.env.filter((e) => STATIC_KEYS.includes(e.name)).map((e) => e.name)));
  if (!found.size) return undefined;
  const names = [...found].sort();
  return {
    status: 'fail',
    reason: names.join(','),
    detail: () => `competing static credentials in the pod's env: ${names.join(', ')} (values not shown); static keys come first in every SDK's chain, so the association is never used`,
    fix: () => 'Remove the keys from the pod spec (and deactivate them in IAM: aws iam update-access-key --access-key-id KEY_ID --status Inactive --user-name USER)',
  };
};

const hostNetwork: PodJudge = (_facts, _a, pod) =>
  pod.hostNetwork
    ? {
        status: 'fail',
        reason: 'host-network',
        detail: () => 'hostNetwork pod uses a Pod Identity association: such pods fail with "EKS does not have permissions to assume the associated role" although the env is injected (aws/eks-pod-identity-agent#139)',
        fix: () => 'Run without hostNetwork (remove spec.hostNetwork from the workload), or keep IRSA for this workload',
      }
    : undefined;

const compute: PodJudge = (facts, _a, pod) => {
  if (!pod.nodeName) return null;
  const node = facts.index.nodesByName.get(pod.nodeName);
  if (!node) return null;
  const what = node.computeType === 'fargate' ? 'Fargate' : node.os === 'windows' ? 'Windows' : undefined;
  if (!what) return undefined;
  return {
    status: 'fail',
    reason: what,
    detail: () => `pod runs on a ${what} node (${node.name}), where EKS Pod Identity is not supported: there is no agent`,
    fix: () => `Schedule it on Linux EC2 nodes (nodeSelector kubernetes.io/os: linux${what === 'Fargate' ? ', and a Fargate profile that does not select it' : ''}), or keep IRSA for this workload`,
  };
};

const proxy: PodJudge = (_facts, _a, pod) => {
  for (const c of allContainers(pod)) {
    const proxyValue = envValue(c.env, PROXY);
    if (proxyValue === undefined || proxyValue === '') continue;
    const noProxy = envValue(c.env, NO_PROXY);
    if (noProxy === null) {
      return { status: 'warn', reason: 'no-proxy-hidden', detail: () => `container ${c.name} sets a proxy and takes NO_PROXY from a Secret/ConfigMap; make sure it lists ${AGENT_IPV4} and ${AGENT_IPV6}` };
    }
    const v4 = noProxyCovers(noProxy ?? '', AGENT_IPV4);
    const v6 = noProxyCovers(noProxy ?? '', AGENT_IPV6);
    if (v4 && v6) continue;
    const missing = [v4 ? '' : AGENT_IPV4, v6 ? '' : AGENT_IPV6].filter(Boolean);
    return {
      status: v4 ? 'warn' : 'fail',
      reason: `no-proxy:${missing.join(',')}`,
      detail: () => `container ${c.name} sets HTTP(S)_PROXY but NO_PROXY does not cover ${missing.join(' and ')}: credential requests to the agent go to the proxy${v4 ? ' (IPv6 clusters only)' : ''}`,
      fix: () => `Add ${missing.join(',')} to NO_PROXY (and no_proxy) in the pod spec`,
    };
  }
  return undefined;
};

export const POD_CHECKS: readonly CheckDefinition[] = [
  { id: 'pod.injection', group: 'pod', title: 'Pod Identity env and token injected', summary: 'pods carry AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and the projected token', run: podCheck('pod.injection', 'Pod Identity env and token injected', injection, (n) => `${n} pod(s) injected (env and projected token)`) },
  { id: 'pod.irsa-env', group: 'pod', title: 'No IRSA env in the pod', summary: 'pods of associated service accounts do not also carry IRSA env (it wins the SDK chain)', run: podCheck('pod.irsa-env', 'No IRSA env in the pod', irsaEnv, (n) => `${n} pod(s) without IRSA env`) },
  { id: 'pod.static-keys', group: 'pod', title: 'No static AWS keys in env', summary: 'no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the pod env (they win the SDK chain)', run: podCheck('pod.static-keys', 'No static AWS keys in env', staticKeys, (n) => `${n} pod(s) without static keys`) },
  { id: 'pod.host-network', group: 'pod', title: 'Not hostNetwork', summary: 'pods using associations do not run with hostNetwork', run: podCheck('pod.host-network', 'Not hostNetwork', hostNetwork, (n) => `${n} pod(s) on the pod network`) },
  { id: 'pod.compute', group: 'pod', title: 'Supported compute', summary: 'pods using associations run on Linux EC2 (not Fargate or Windows)', run: podCheck('pod.compute', 'Supported compute', compute, (n) => `${n} pod(s) on Linux nodes with an agent`) },
  { id: 'pod.proxy', group: 'pod', title: 'Proxy settings exempt the agent', summary: 'HTTP(S)_PROXY comes with NO_PROXY covering 169.254.170.23 and fd00:ec2::23', run: podCheck('pod.proxy', 'Proxy settings exempt the agent', proxy, (n) => `${n} pod(s): no proxy, or NO_PROXY covers the agent`) },
];
