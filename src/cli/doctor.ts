import type { Command } from 'commander';
import { EXIT } from '../core/errors.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, collect, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// Wiring for `podid doctor`.
export function registerDoctor(program: Command, ctx: CliContext) {
  const doctor = program
    .command('doctor')
    .description(summaryOf('doctor'))
    .option('-n, --namespace <ns>', 'only this namespace')
    .option('--pod <ns/name>', 'only this pod (and its service account and association)')
    .option('-s, --service-account <ns/sa>', 'only this service account')
    .option('--strict', 'warnings fail too (exit 1)')
    .option('--check <id>', 'run only this check, group (agent, association, pod, irsa) or group.*; repeatable', collect)
    .addHelpText('after', `
Checks: cluster.status, agent.addon, agent.daemonset, agent.node-role, association.exists,
association.service-account, association.role, association.session-policy, association.packed-size,
association.in-use, association.shared-role, association.trust, association.target-role, pod.injection,
pod.irsa-env, pod.static-keys, pod.host-network, pod.compute, pod.proxy, pod.stale-injection,
pod.exchange, irsa.candidate

With --state FILE, every podid command in a fix carries --state FILE too.

Exit codes: 0 no failures · 1 a check failed (or warned, with --strict) · 2 usage error

Examples:
  $ podid doctor --state fixtures/demo/state.json
  $ podid doctor -c prod -n payments
  $ podid doctor -c prod --pod orders/order-notifier-5d8f7-abcde
  $ podid doctor -c prod --check association.trust --check pod.injection
  $ podid doctor -c prod --strict -o sarif > doctor.sarif`);
  addGlobalOptions(doctor, ['table', 'json', 'yaml', 'sarif', 'markdown']).action(
    action(ctx, async (env) => {
      const opts = doctor.opts<{ namespace?: string; pod?: string; serviceAccount?: string; strict?: boolean; check?: string[] }>();
      const [{ doctor: run }, render] = await Promise.all([import('../commands/doctor.js'), import('../ui/render/doctor.js')]);
      const deps = await backendFor(env);
      const result = await run({ namespace: opts.namespace, pod: opts.pod, serviceAccount: opts.serviceAccount, strict: opts.strict, checks: opts.check, statePath: env.globals.state }, deps);
      return {
        result,
        renderers: { table: render.renderDoctorTable, markdown: render.renderDoctorMarkdown, sarif: (r: typeof result) => render.renderDoctorSarif(r) },
        exitCode: result.passed ? EXIT.ok : EXIT.failure,
      };
    }),
  );
}
