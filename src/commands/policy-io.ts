import { UserError } from '../core/errors.js';
import type { Association } from '../core/model.js';
import type { PolicyDocument } from '../core/iam/types.js';
import { requireClusterArn } from '../core/policy/cluster-arn.js';
import { RULES } from '../core/policy/lint/catalog.js';
import { parsePolicyText } from '../core/policy/lint/parse.js';
import type { Finding } from '../core/policy/lint/types.js';
import type { WorkloadSpec } from '../core/policy/types.js';
import { isClusterArn } from '../core/policy/workload.js';
import type { Deps } from '../deps.js';

// What the `policy` commands need from the outside world. Ports are optional: generating a trust
// policy for a cluster ARN needs no backend at all (and so loads no SDK).

export interface PolicyDeps extends Partial<Pick<Deps, 'eks' | 'iam' | 'clusterName'>> {
  reporter: Deps['reporter'];
  /** Reads a text file ('-' = stdin). Throws UserError when it cannot. */
  readText(path: string): Promise<string>;
}

/** 1 MiB: far above any IAM policy quota; anything larger is not a policy file. */
export const MAX_POLICY_FILE = 1024 * 1024;

export function need<K extends 'eks' | 'iam'>(deps: PolicyDeps, port: K, why: string): NonNullable<PolicyDeps[K]> {
  const p = deps[port];
  if (!p) throw new UserError(`${why} needs AWS access or --state`, { hint: 'Pass cluster ARNs instead of names, or --state FILE.' });
  return p as NonNullable<PolicyDeps[K]>;
}

/** Cluster names → ARNs (DescribeCluster once per name); ARNs pass through without any call. */
export async function resolveClusterArns(specs: readonly WorkloadSpec[], deps: PolicyDeps): Promise<Map<string, string>> {
  const arns = new Map<string, string>();
  for (const spec of specs) {
    if (arns.has(spec.cluster)) continue;
    if (isClusterArn(spec.cluster)) arns.set(spec.cluster, requireClusterArn(spec.cluster).arn);
    else arns.set(spec.cluster, (await need(deps, 'eks', `cluster name '${spec.cluster}'`).describeCluster(spec.cluster)).arn);
  }
  return arns;
}

/** Reads and parses a JSON policy file; errors name the file. */
export async function readPolicyFile(path: string, deps: PolicyDeps): Promise<PolicyDocument> {
  const text = await deps.readText(path);
  const parsed = parsePolicyText(text);
  if (parsed.error) throw new UserError(`${path}: ${parsed.error.message}`);
  const doc = parsed.document as PolicyDocument;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || doc.Statement === undefined) {
    throw new UserError(`${path} is not an IAM policy document (no Statement)`, { hint: `Check it with: podid policy lint ${path}` });
  }
  return doc;
}

/**
 * Throws a UserError when the linter found the document to be no IAM policy at all (PODID-V001
 * errors: a statement that is not an object, a malformed Condition, …; or errors of `ruleIds`).
 * `what` names the document.
 */
export function assertValidPolicy(findings: readonly Finding[], what: string, hint: string, ruleIds: readonly string[] = [RULES.notAPolicy.id]): void {
  const broken = findings.filter((f) => ruleIds.includes(f.ruleId) && f.severity === 'error');
  if (broken.length) throw new UserError(`${what} is not a valid policy: ${problemList(broken)}`, { hint });
}

const statementLabel = (f: Finding) => `statement #${f.statement}${f.sid ? ` (Sid "${f.sid}")` : ''}`;

/** Each problem once, with the statements it is about: `statement #0 (Sid "Read"), statement #1: trust statement has Resource …`. */
function problemList(findings: readonly Finding[]): string {
  const byMessage = new Map<string, Finding[]>();
  for (const f of findings) byMessage.set(f.message, [...(byMessage.get(f.message) ?? []), f]);
  return [...byMessage.entries()]
    .map(([message, group]) => {
      // V001 messages name their statement already ("statement #1: …").
      const labels = [...new Set(group.filter((f) => f.statement !== undefined && !message.startsWith('statement #')).map(statementLabel))];
      return labels.length ? `${labels.join(', ')}: ${message}` : message;
    })
    .join('; ');
}

export interface AssociationFacts {
  association: Association;
  clusterArn: string;
}

/** An association by id, NS/SA or ARN (parsed as `associations describe` does), with its cluster ARN. */
export async function loadAssociation(text: string, deps: PolicyDeps): Promise<AssociationFacts> {
  const eks = need(deps, 'eks', '--association');
  const { parseAssociationRef } = await import('../core/associate/ref.js');
  const { resolveRef, lookupAssociation, noAssociation } = await import('./associations-ref.js');
  if (!deps.clusterName && parseAssociationRef(text).kind !== 'arn') throw new UserError('--association needs a cluster', { hint: 'Pass -c CLUSTER (or use a state file with one cluster).' });
  const { ref, clusterName } = resolveRef(text, deps);
  const cluster = await eks.describeCluster(clusterName);
  const association = await lookupAssociation(eks, clusterName, ref, cluster);
  if (!association) throw noAssociation(ref, clusterName);
  return { association, clusterArn: cluster.arn };
}
