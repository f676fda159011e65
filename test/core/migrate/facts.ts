import type { StateDocument } from '../../../src/adapters/local/schema.js';
import { DEFAULT_OPTIONS, IRSA_ANNOTATIONS, type MigrationFacts, type MigrationOptions } from '../../../src/core/migrate/types.js';
import type { Role } from '../../../src/core/model.js';

/** MigrationFacts straight from a state document (what the gather service would read), for pure planner tests. */
export function factsFrom(state: StateDocument, overrides: Partial<MigrationFacts> = {}): MigrationFacts {
  const c = state.clusters[0];
  const roles = new Map<string, Role | null>();
  const wanted = new Set([...c.serviceAccounts.map((s) => s.annotations[IRSA_ANNOTATIONS.roleArn]), ...c.addons.map((a) => a.serviceAccountRoleArn)].filter(Boolean) as string[]);
  for (const arn of wanted) roles.set(arn, state.roles.find((r) => r.arn === arn) ?? null);
  for (const r of state.roles) if (r.name.startsWith('podid-bridge-')) roles.set(r.arn, r);
  return {
    cluster: c.cluster,
    serviceAccounts: c.serviceAccounts.filter((s) => s.annotations[IRSA_ANNOTATIONS.roleArn] !== undefined),
    associations: c.associations,
    addons: c.addons.filter((a) => a.serviceAccountRoleArn).map(({ podIdentityServiceAccounts, ...addon }) => ({ addon, podIdentityServiceAccounts })),
    agentInstalled: c.cluster.autoMode || c.addons.some((a) => a.name === 'eks-pod-identity-agent'),
    pods: c.pods,
    workloads: c.workloads,
    nodes: c.nodes,
    roles,
    ...overrides,
  };
}

export const opts = (o: Partial<MigrationOptions> = {}): MigrationOptions => ({ ...DEFAULT_OPTIONS, ...o });
