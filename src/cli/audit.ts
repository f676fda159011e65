import type { Command } from 'commander';
import { EXIT } from '../core/errors.js';
import type { KubePort } from '../core/ports.js';
import { addGlobalOptions } from './globals.js';
import { action, collect, type ActionEnv, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// Wiring for `podid audit`. -c and --region repeat here: one backend per region, any number of clusters.

type Globals = ActionEnv['globals'];
const asList = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [String(value)]);

async function backendsFor(env: ActionEnv, clusters: string[]) {
  const { makeDeps } = await import('../deps.js');
  const base = env.globals as Globals;
  const regions = base.state ? [undefined] : asList(base.region).length ? asList(base.region) : [undefined];
  return Promise.all(
    regions.map(async (region) => {
      const deps = await makeDeps({ ...base, region, cluster: clusters.length === 1 ? clusters[0] : undefined }, env.io, env.reporter);
      const kubes = new Map<string, Promise<KubePort | undefined>>();
      const kubeFor = (cluster: string) => {
        if (!kubes.has(cluster)) {
          // The state file has every cluster's objects; live Kubernetes is the kubeconfig's one cluster.
          const port = base.state
            ? makeDeps({ ...base, region, cluster }, env.io, env.reporter).then((d) => d.kube)
            : Promise.resolve(clusters.length === 1 ? deps.kube : undefined);
          kubes.set(cluster, port);
        }
        return kubes.get(cluster)!;
      };
      return { region, eks: deps.eks, iam: deps.iam, kubeFor, defaultCluster: deps.clusterName, local: deps.backend === 'local' };
    }),
  );
}

export function registerAudit(program: Command, ctx: CliContext) {
  const audit = program
    .command('audit')
    .description(summaryOf('audit'))
    .option('--all-clusters', 'every cluster of the account and region(s) (with --state: of the state file)')
    .addHelpText('after', `
Rules: PODID-AUD001 role shared across namespaces/clusters · AUD002 association without service account ·
AUD003 role in another account · AUD004 role missing · AUD005 trust denies the association ·
AUD006 admin permissions · plus every \`podid policy lint\` rule on each role's policies.

Exit codes: 0 no fail finding · 1 a fail finding · 2 usage error

Examples:
  $ podid audit --state fixtures/demo/state.json
  $ podid audit -c prod -c staging -o csv > associations.csv
  $ podid audit --all-clusters --region us-east-1 --region eu-west-1 -o sarif > audit.sarif`);
  addGlobalOptions(audit, ['table', 'json', 'yaml', 'csv', 'markdown', 'sarif']);
  for (const long of ['--cluster', '--region']) {
    const option = audit.options.find((o) => o.long === long);
    option?.argParser(collect);
    if (option) option.description += ' (repeatable)';
  }
  audit.action(
    action(ctx, async (env) => {
      const opts = audit.opts<{ allClusters?: boolean }>();
      const clusters = asList(env.globals.cluster);
      const [{ audit: run }, render] = await Promise.all([import('../commands/audit.js'), import('../ui/render/audit.js')]);
      const backends = await backendsFor(env, clusters);
      const result = await run({ clusters, allClusters: opts.allClusters, statePath: env.globals.state }, { reporter: env.reporter, backends });
      return {
        result,
        renderers: { table: render.renderAuditTable, csv: render.renderAuditCsv, markdown: render.renderAuditMarkdown, sarif: (r: typeof result) => render.renderAuditSarif(r) },
        exitCode: result.passed ? EXIT.ok : EXIT.failure,
      };
    }),
  );
}
