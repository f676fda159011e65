import { oidcProviderArn, trustsOidcSubject } from '../migrate/trust.js';
import { staticKeysProblems } from '../exchange/pod.js';
import { saKey, IRSA_ROLE_ANNOTATION, type Association, type Pod } from '../model.js';
import { hasIrsaInjection, hasPodIdentityInjection, IRSA_ENV, POD_IDENTITY_TOKEN_VOLUME } from '../webhook.js';
import { POD_IDENTITY_AUDIENCE } from '../token/index.js';
import { controllerOf, restartFix } from './fixes.js';
import { AGENT_IPV4, AGENT_IPV6, noProxyCovers } from './no-proxy.js';
import { allContainers, envValue, podCheck, type PodJudge, type PodVerdict } from './pod-group.js';
import type { CheckDefinition, IndexedFacts } from './types.js';

// Pods of associated service accounts: did the webhook inject them, and does anything in the pod
// keep the SDK from using the agent (competing credentials, hostNetwork, compute, proxies)?

const PROXY = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'];
const NO_PROXY = ['NO_PROXY', 'no_proxy'];
const at = (iso: string) => iso.replace(/:\d\d(\.\d+)?Z$/, 'Z');

const hasToken = (pod: Pod) => pod.projectedTokens.some((t) => t.volume === POD_IDENTITY_TOKEN_VOLUME || t.audience === POD_IDENTITY_AUDIENCE);

/** The IRSA role a pod's env names (AWS_ROLE_ARN), when its value is known. */
/** The pod's IRSA role (AWS_ROLE_ARN of its first container that sets one); doctor-facts reads these roles. */
export const irsaRoleOf = (pod: Pod) => allContainers(pod).map((c) => envValue(c.env, [IRSA_ENV.roleArn])).find((v): v is string => typeof v === 'string' && v !== '');

/**
 * Does the pod's IRSA still work? Its role (AWS_ROLE_ARN) must exist and trust this cluster's OIDC
 * provider for the service account, as migrate-irsa checks before it removes anything.
 * 'unknown' when doctor has no such facts (role not read, no OIDC issuer, value from a Secret).
 */
function irsaWorks(facts: IndexedFacts, pod: Pod): { verdict: 'works' | 'broken' | 'unknown'; roleArn?: string; why?: string } {
  const roleArn = irsaRoleOf(pod);
  const provider = oidcProviderArn(facts.cluster);
  if (!roleArn || !provider) return { verdict: 'unknown', roleArn };
  const role = facts.roles.get(roleArn);
  if (role === undefined) return { verdict: 'unknown', roleArn };
  if (role === null) return { verdict: 'broken', roleArn, why: `role ${roleArn} does not exist` };
  if (!trustsOidcSubject(role.trustPolicy, provider, pod.namespace, pod.serviceAccountName)) {
    return { verdict: 'broken', roleArn, why: `the trust of ${roleArn} no longer admits system:serviceaccount:${pod.namespace}:${pod.serviceAccountName} through this cluster's OIDC provider` };
  }
  return { verdict: 'works', roleArn };
}

/** Job and CronJob pods run to completion: they finish with the credentials they started with. */
const runsToCompletion = (facts: IndexedFacts, pod: Pod) => {
  const kind = controllerOf(facts, pod)?.kind;
  return kind === 'CronJob' || kind === 'Job';
};

/**
 * A pod admitted with IRSA before the association: it keeps IRSA until it is recreated, which is
 * what migrate-irsa plans for (it defers removing the annotation and OIDC trust while such pods
 * run). A warning while its IRSA works; a failure once it does not.
 */
const predatesWithIrsa = (facts: IndexedFacts, a: Association, pod: Pod): PodVerdict => {
  const when = (pods: Pod[]) => `pod ${at(pods[0].creationTimestamp)}, association ${at(a.createdAt)}`;
  const irsa = irsaWorks(facts, pod);
  const fix = (pods: Pod[]) => restartFix(facts, pods);
  if (irsa.verdict === 'broken') {
    return {
      status: 'fail',
      reason: 'predates-irsa-broken',
      detail: (pods) => `pod was created before the association (${when(pods)}) and runs with IRSA env, but its IRSA credentials no longer work: ${irsa.why}; it has no Pod Identity env, so it falls back to the node role`,
      fix,
    };
  }
  const job = runsToCompletion(facts, pod);
  const role = irsa.roleArn ? ` (${irsa.roleArn})` : '';
  const works = irsa.verdict === 'works' ? "its role's OIDC trust still admits it" : "podid could not check its role's OIDC trust";
  return {
    status: 'warn',
    reason: `predates-irsa:${job ? 'job' : 'restart'}:${irsa.verdict}`,
    detail: (pods) =>
      `pod was created before the association (${when(pods)}) and still runs with IRSA${role}; ${works}. ` +
      (job ? 'It finishes with IRSA; its next run gets Pod Identity' : 'It keeps IRSA credentials until it is recreated') +
      `. Keep the IRSA annotation and OIDC trust until no pod of ${a.namespace}/${a.serviceAccount} runs with IRSA (migrate-irsa waits for that too)`,
    fix,
  };
};

const injection: PodJudge = (facts, a, pod) => {
  const env = hasPodIdentityInjection(pod);
  const token = hasToken(pod);
  if (env && token) return undefined;
  const fix = (pods: Pod[]) => restartFix(facts, pods);
  const predates = Date.parse(pod.creationTimestamp) < Date.parse(a.createdAt);
  const irsa = !env && hasIrsaInjection(pod);
  if (predates && irsa) return predatesWithIrsa(facts, a, pod);
  if (predates) {
    return {
      status: 'fail',
      reason: 'predates',
      detail: (pods) =>
        `pod has no Pod Identity injection; it was created before the association (pod ${at(pods[0].creationTimestamp)}, association ${at(a.createdAt)}), so it falls back to the node role`,
      fix,
    };
  }
  const missing = [env ? '' : 'the AWS_CONTAINER_* env', token ? '' : `the projected ${POD_IDENTITY_TOKEN_VOLUME} token`].filter(Boolean).join(' and ');
  const fallback = irsa ? 'so it uses IRSA (AWS_ROLE_ARN), not the association' : 'so it falls back to the node role';
  return {
    status: 'fail',
    reason: `missed:${missing}${irsa ? ':irsa' : ''}`,
    detail: () => `pod lacks ${missing} although it was created after the association: the webhook missed it (failurePolicy Ignore, or the association was not visible yet), ${fallback}`,
    fix,
  };
};

/**
 * IRSA env next to the Pod Identity env: web identity wins the SDK chain. A pod with IRSA env and no
 * Pod Identity env is pod.injection's finding (it says whether the pod predates the association).
 */
const irsaEnv: PodJudge = (facts, a, pod) => {
  if (!hasIrsaInjection(pod)) return undefined;
  if (!hasPodIdentityInjection(pod)) return null;
  const sa = facts.index.saByKey.get(saKey(a.namespace, a.serviceAccount));
  const annotated = sa?.annotations[IRSA_ROLE_ANNOTATION];
  return {
    status: 'fail',
    reason: 'irsa',
    detail: () => 'pod has IRSA env (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE) next to the Pod Identity env: web identity comes before container credentials in the SDK chain, so the pod uses the IRSA role, not the association',
    fix: (pods) =>
      `${restartFix(facts, pods)} (the webhook gives re-admitted pods only the Pod Identity env; if the workload's spec sets AWS_ROLE_ARN itself, remove it there)` +
      (annotated ? `; keep the ${IRSA_ROLE_ANNOTATION} annotation until no pod of ${a.namespace}/${a.serviceAccount} runs with IRSA, then remove it (migrate-irsa --remove-annotations does, once that holds)` : ''),
  };
};

// One reading of static keys for doctor and simulate (src/core/exchange/pod.ts): empty values do
// not count; both keys win the chain (fail); an access key alone breaks botocore only (warn).
const staticKeys: PodJudge = (_facts, _a, pod) => {
  const problems = staticKeysProblems(pod);
  const winning = problems.find((p) => p.code === 'StaticKeysInEnv');
  const problem = winning ?? problems[0];
  if (!problem) return undefined;
  return {
    status: winning ? 'fail' : 'warn',
    reason: problem.code,
    detail: () => (winning ? `competing static credentials in the pod's env: ${problem.message}` : problem.message),
    fix: () =>
      winning
        ? 'Remove the keys from the pod spec (and deactivate them in IAM: aws iam update-access-key --access-key-id KEY_ID --status Inactive --user-name USER)'
        : 'Remove AWS_ACCESS_KEY_ID from the pod spec',
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
  { id: 'pod.injection', group: 'pod', title: 'Pod Identity env and token injected', summary: 'pods carry AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and the projected token (a pod admitted with IRSA before the association warns while its IRSA works)', run: podCheck('pod.injection', 'Pod Identity env and token injected', injection, (n) => `${n} pod(s) injected (env and projected token)`) },
  { id: 'pod.irsa-env', group: 'pod', title: 'No IRSA env in the pod', summary: 'Pod Identity-injected pods do not also carry IRSA env (it wins the SDK chain)', run: podCheck('pod.irsa-env', 'No IRSA env in the pod', irsaEnv, (n) => `${n} pod(s) without IRSA env`) },
  { id: 'pod.static-keys', group: 'pod', title: 'No static AWS keys in env', summary: 'no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the pod env (they win the SDK chain)', run: podCheck('pod.static-keys', 'No static AWS keys in env', staticKeys, (n) => `${n} pod(s) without static keys`) },
  { id: 'pod.host-network', group: 'pod', title: 'Not hostNetwork', summary: 'pods using associations do not run with hostNetwork', run: podCheck('pod.host-network', 'Not hostNetwork', hostNetwork, (n) => `${n} pod(s) on the pod network`) },
  { id: 'pod.compute', group: 'pod', title: 'Supported compute', summary: 'pods using associations run on Linux EC2 (not Fargate or Windows)', run: podCheck('pod.compute', 'Supported compute', compute, (n) => `${n} pod(s) on Linux nodes with an agent`) },
  { id: 'pod.proxy', group: 'pod', title: 'Proxy settings exempt the agent', summary: 'HTTP(S)_PROXY comes with NO_PROXY covering 169.254.170.23 and fd00:ec2::23', run: podCheck('pod.proxy', 'Proxy settings exempt the agent', proxy, (n) => `${n} pod(s): no proxy, or NO_PROXY covers the agent`) },
];
