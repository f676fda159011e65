import pLimit from 'p-limit';
import { parseRoleArn } from '../core/arn.js';
import { isRemoteError } from '../core/errors.js';
import { bridgeRoleArn } from '../core/migrate/bridge.js';
import { selectServiceAccounts } from '../core/migrate/pods.js';
import { selectAddons } from '../core/migrate/scope.js';
import { IRSA_ANNOTATIONS, type AddonFacts, type MigrationFacts, type SaFilter } from '../core/migrate/types.js';
import { POD_IDENTITY_ADDON, saKey, type Association, type Cluster } from '../core/model.js';
import type { EksPort, IamPort, KubePort } from '../core/ports.js';
import type { Reporter } from '../core/reporter.js';
import { readRoles } from './associations.js';

// Reads what the migration planner needs, once: the cluster, annotated service accounts (live,
// --state or --manifests), add-ons with IRSA roles, the associations (one list walk per cluster,
// described only for the service accounts in scope), pods, workloads, nodes, and each distinct
// role once with bounded concurrency.

const CONCURRENCY = 8;

export interface GatherDeps {
  eks: EksPort;
  iam: IamPort;
  kube: KubePort;
  reporter: Reporter;
  backend: 'local' | 'aws';
}

export async function gatherMigrationFacts(deps: GatherDeps, clusterName: string, filter: SaFilter): Promise<MigrationFacts> {
  const cluster = await deps.eks.describeCluster(clusterName);
  // One namespace: list just it. In-scope add-ons live there too (the namespace filter applies to them).
  const ns = filter.namespaces?.length === 1 ? filter.namespaces[0] : undefined;
  const [serviceAccounts, summaries, addonFacts, pods, workloads, nodes] = await Promise.all([
    deps.kube.listServiceAccounts(ns),
    deps.eks.listAssociations(cluster.name),
    readAddons(deps, cluster),
    deps.kube.listPods(ns),
    deps.kube.listWorkloads(ns),
    deps.kube.listNodes(),
  ]);
  const withIrsa = serviceAccounts.filter((sa) => sa.annotations[IRSA_ANNOTATIONS.roleArn] !== undefined);
  const selected = selectServiceAccounts(withIrsa, filter);
  const candidates = filter.addons === false ? [] : addonFacts.addons;
  const toRead = roleArnsToRead(deps, cluster, selected.map((sa) => sa.annotations[IRSA_ANNOTATIONS.roleArn]), candidates);
  for (const arn of bridgeArnsFor(cluster, selected.map((sa) => ({ namespace: sa.namespace, name: sa.name, roleArn: sa.annotations[IRSA_ANNOTATIONS.roleArn] })))) toRead.add(arn);
  const roles = await readRoles(deps, toRead);
  // Add-ons by their "ns/sa" (resolved through the roles' trust); the IRSA service accounts of add-ons left out are not migrated as plain ones.
  const scope = selectAddons(addonFacts.addons, serviceAccounts, roles, filter);
  const annotated = selected.filter((sa) => !scope.leftOut(sa));
  const wanted = new Set([...annotated.map((sa) => saKey(sa.namespace, sa.name)), ...scope.keys]);
  const limit = pLimit(CONCURRENCY);
  const associations: Association[] = await Promise.all(
    summaries.filter((s) => wanted.has(saKey(s.namespace, s.serviceAccount))).map((s) => limit(() => deps.eks.describeAssociation(cluster.name, s.associationId))),
  );
  return { cluster, serviceAccounts: annotated, associations, addons: scope.addons, agentInstalled: addonFacts.agentInstalled, pods, workloads, nodes, roles };
}

/**
 * Distinct role ARNs worth a GetRole: parseable, same partition; roles of other accounts only with
 * --state (on AWS, GetRole by name would read a same-named role of the caller's account), plus the
 * bridge role each cross-account SA would use.
 */
function roleArnsToRead(deps: Pick<GatherDeps, 'backend'>, cluster: Cluster, annotations: string[], addons: AddonFacts[]): Set<string> {
  const out = new Set<string>();
  // Distinct first: 10,000 service accounts often share a few thousand roles.
  for (const arn of new Set([...annotations, ...addons.map((a) => a.addon.serviceAccountRoleArn!)])) {
    let parsed;
    try {
      parsed = parseRoleArn(arn);
    } catch {
      continue;
    }
    if (parsed.partition !== cluster.partition) continue;
    if (parsed.accountId === cluster.accountId || deps.backend === 'local') out.add(parsed.arn);
  }
  return out;
}

/** Bridge roles of cross-account service accounts (they may exist from an earlier run). */
function bridgeArnsFor(cluster: Cluster, sas: { namespace: string; name: string; roleArn: string }[]): string[] {
  return sas
    .filter((sa) => {
      try {
        return parseRoleArn(sa.roleArn).accountId !== cluster.accountId;
      } catch {
        return false;
      }
    })
    .map((sa) => bridgeRoleArn(cluster, sa.namespace, sa.name));
}

async function readAddons(deps: Pick<GatherDeps, 'eks' | 'reporter'>, cluster: Cluster): Promise<{ addons: AddonFacts[]; agentInstalled: boolean }> {
  let names: string[];
  try {
    names = await deps.eks.listAddons(cluster.name);
  } catch (error) {
    if (!isRemoteError(error)) throw error;
    deps.reporter.warn(`cannot list add-ons (${error.message}); add-on IRSA roles are not migrated and the agent add-on is assumed present`);
    return { addons: [], agentInstalled: true };
  }
  const limit = pLimit(CONCURRENCY);
  const addons = await Promise.all(
    names.map((name) =>
      limit(async (): Promise<AddonFacts | undefined> => {
        if (name === POD_IDENTITY_ADDON) return undefined;
        const addon = await deps.eks.describeAddon(cluster.name, name);
        if (!addon.serviceAccountRoleArn) return undefined;
        const config = await deps.eks.describeAddonConfiguration(addon.name, addon.version);
        return { addon, podIdentityServiceAccounts: config.podIdentityServiceAccounts };
      }),
    ),
  );
  return { addons: addons.filter((a): a is AddonFacts => Boolean(a)), agentInstalled: cluster.autoMode || names.includes(POD_IDENTITY_ADDON) };
}
