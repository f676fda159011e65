import { identityPolicies } from '../exchange/index.js';
import { authorize } from '../iam/index.js';
import type { Node, Pod, Role } from '../model.js';
import { nameList } from './fixes.js';
import { AGENT_NAME, AGENT_NAMESPACE, podsInScope } from './index-facts.js';
import { staleInjectionPods } from './stale-injection.js';
import type { CheckDefinition, CheckResult, IndexedFacts } from './types.js';

// The Pod Identity Agent: add-on (or Auto Mode), its DaemonSet on every node that needs it, and
// the node role's permission to call EKS Auth (agent-protocol.md §1.6).

const BAD_ADDON_STATUS = new Set(['CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED', 'DEGRADED', 'DELETING']);

function addon(facts: IndexedFacts): CheckResult[] {
  const base = { id: 'agent.addon', title: 'Pod Identity Agent add-on', subject: `cluster ${facts.cluster.name}` };
  const describe = `aws eks describe-addon --cluster-name ${facts.cluster.name} --addon-name ${AGENT_NAME}`;
  if (facts.cluster.autoMode) return [{ ...base, status: 'ok', detail: 'EKS Auto Mode: the nodes run the Pod Identity Agent without the add-on' }];
  const a = facts.agentAddon;
  if (a === undefined) return [{ ...base, status: 'skip', detail: 'the add-ons could not be read (eks:ListAddons / eks:DescribeAddon)', fix: describe }];
  if (a === null) {
    const used = facts.associations.length > 0;
    return [{
      ...base,
      status: used ? 'fail' : 'warn',
      detail: `${AGENT_NAME} is not installed${used ? `, so the ${facts.associations.length} association(s) give pods no credentials` : ''} (and the cluster is not in Auto Mode)`,
      fix: `aws eks create-addon --cluster-name ${facts.cluster.name} --addon-name ${AGENT_NAME}`,
    }];
  }
  if (a.status === 'ACTIVE') return [{ ...base, status: 'ok', detail: `${a.version}, ACTIVE` }];
  const bad = BAD_ADDON_STATUS.has(a.status);
  return [{ ...base, status: bad ? 'fail' : 'warn', detail: `${a.version}, status ${a.status}`, fix: `${describe} --query addon.health` }];
}

/**
 * Linux EC2 or hybrid nodes that run pods (in scope) that call the agent: pods whose service account
 * has an association, and pods that still carry the Pod Identity env of one that is gone.
 */
function nodesNeedingAgent(facts: IndexedFacts): Map<string, { node?: Node; pods: string[] }> {
  const needed = new Map<string, { node?: Node; pods: string[] }>();
  const add = (pod: Pod) => {
    if (!pod.nodeName) return;
    const node = facts.index.nodesByName.get(pod.nodeName);
    if (node && (node.os !== 'linux' || (node.computeType !== 'ec2' && node.computeType !== 'hybrid'))) return;
    const entry = needed.get(pod.nodeName) ?? { node, pods: [] };
    entry.pods.push(`${pod.namespace}/${pod.name}`);
    needed.set(pod.nodeName, entry);
  };
  for (const a of facts.associations) podsInScope(facts, a.namespace, a.serviceAccount).forEach(add);
  staleInjectionPods(facts).forEach(add);
  return needed;
}

function daemonSet(facts: IndexedFacts): CheckResult[] {
  const base = { id: 'agent.daemonset', title: 'Pod Identity Agent on every node that needs it', subject: `daemonset ${AGENT_NAMESPACE}/${AGENT_NAME}` };
  if (!facts.pods || !facts.nodes || !facts.daemonSets) return [{ ...base, status: 'skip', detail: 'Kubernetes could not be read' }];
  const needed = nodesNeedingAgent(facts);
  if (facts.cluster.autoMode) return [{ ...base, status: 'ok', detail: 'EKS Auto Mode: the agent is part of the node' }];
  const ds = facts.daemonSets.find((d) => d.namespace === AGENT_NAMESPACE && d.name === AGENT_NAME);
  const missing = [...needed].filter(([name]) => !facts.index.agentPodsByNode.get(name)?.length);
  const inspect = `kubectl -n ${AGENT_NAMESPACE} get pods -l app.kubernetes.io/name=${AGENT_NAME} -o wide; kubectl -n ${AGENT_NAMESPACE} describe daemonset ${AGENT_NAME}`;
  if (!ds && needed.size) {
    return [{ ...base, status: 'fail', detail: `the DaemonSet does not exist; ${needed.size} node(s) run pods that use Pod Identity`, fix: `aws eks create-addon --cluster-name ${facts.cluster.name} --addon-name ${AGENT_NAME}` }];
  }
  if (missing.length) {
    const pods = missing.flatMap(([, e]) => e.pods);
    return [{
      ...base,
      status: 'fail',
      subject: `node${missing.length > 1 ? 's' : ''} ${nameList(missing.map(([n]) => n), 3)}`,
      detail: `no running agent pod on ${missing.length} node(s) that run pods that use Pod Identity (${nameList(pods, 3)}); their credential requests to 169.254.170.23 fail`,
      fix: `Check taints, nodeSelector and the agent pod's events: ${inspect}`,
      refs: { node: missing[0][0], pods },
    }];
  }
  const counts = ds ? `DaemonSet ${ds.ready}/${ds.desired} ready` : 'no DaemonSet';
  if (ds && ds.ready < ds.desired) {
    return [{ ...base, status: 'warn', detail: `${counts}; every node that runs pods that use Pod Identity has an agent, but some agent pods are not ready`, fix: inspect }];
  }
  return [{ ...base, status: 'ok', detail: needed.size ? `${counts}; an agent runs on all ${needed.size} node(s) with pods that use Pod Identity` : `${counts}; no pod in scope needs the agent` }];
}

function nodeRole(facts: IndexedFacts): CheckResult[] {
  const base = { id: 'agent.node-role', title: 'Node role may call eks-auth:AssumeRoleForPodIdentity', subject: `cluster ${facts.cluster.name}` };
  const { cluster } = facts;
  if (!facts.nodeRoleArns) {
    return [{
      ...base,
      status: 'skip',
      detail: 'the node groups could not be read (eks:ListNodegroups / eks:DescribeNodegroup); the agent calls EKS Auth with the node role, and AmazonEKSWorkerNodePolicy allows eks-auth:AssumeRoleForPodIdentity',
      fix: `aws eks describe-nodegroup --cluster-name ${cluster.name} --nodegroup-name NODEGROUP --query nodegroup.nodeRole, then aws iam list-attached-role-policies --role-name ROLE`,
    }];
  }
  if (!facts.nodeRoleArns.length) {
    return [{ ...base, status: 'skip', detail: 'no managed node group: EKS does not list the role of self-managed or Karpenter nodes; it needs eks-auth:AssumeRoleForPodIdentity (AmazonEKSWorkerNodePolicy allows it)' }];
  }
  return facts.nodeRoleArns.map((arn) => {
    const role = facts.roles.get(arn);
    const subject = `node role ${arn}`;
    if (role === undefined) return { ...base, subject, status: 'skip', detail: `role ${arn} could not be read (iam:GetRole)`, refs: { roleArn: arn } };
    if (role === null) return { ...base, subject, status: usedStatus(facts), detail: `role ${arn} of a node group does not exist: its nodes cannot call EKS Auth`, refs: { roleArn: arn } };
    return nodeRoleVerdict(facts, role, { ...base, subject });
  });
}

/** A broken agent path fails only when some association in scope depends on it. */
const usedStatus = (facts: IndexedFacts): 'fail' | 'warn' => (facts.associations.length ? 'fail' : 'warn');

function nodeRoleVerdict(facts: IndexedFacts, role: Role, base: { id: string; title: string; subject: string }): CheckResult {
  const auth = authorize({
    request: { principal: { type: 'aws', arn: role.arn, accountId: role.accountId }, action: 'eks-auth:AssumeRoleForPodIdentity', resource: facts.cluster.arn, context: {} },
    identityPolicies: identityPolicies(role),
  });
  if (auth.decision === 'allow') return { ...base, status: 'ok', detail: 'allows eks-auth:AssumeRoleForPodIdentity on the cluster' };
  return {
    ...base,
    status: usedStatus(facts),
    detail: `does not allow eks-auth:AssumeRoleForPodIdentity on ${facts.cluster.arn}, so the agent on its nodes gets no credentials: ${auth.explanation}`,
    fix: `aws iam attach-role-policy --role-name ${role.name} --policy-arn arn:${facts.cluster.partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy`,
    refs: { roleArn: role.arn },
  };
}

export const AGENT_CHECKS: readonly CheckDefinition[] = [
  { id: 'agent.addon', group: 'agent', title: 'Pod Identity Agent add-on', summary: 'the eks-pod-identity-agent add-on is installed and ACTIVE (or the cluster runs Auto Mode)', run: addon },
  { id: 'agent.daemonset', group: 'agent', title: 'Agent on every node that needs it', summary: 'an agent pod runs on every Linux EC2/hybrid node with pods that use Pod Identity (an association, or its env)', run: daemonSet },
  { id: 'agent.node-role', group: 'agent', title: 'Node role may call EKS Auth', summary: 'the role of every managed node group allows eks-auth:AssumeRoleForPodIdentity', run: nodeRole },
];
