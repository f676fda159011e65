import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, ownSignalHandler, type ActionEnv, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid proxy` (the local Pod Identity Agent) and `podid proxy env` (the variables for a workload).

const SOURCES = ['local', 'sts', 'eks-auth'];

export function parsePort(flag: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`option '${flag}' must be a port number 0-65535, got '${value}'`);
  return port;
}

/**
 * Aborts on env.io.signal when the caller provides one, else on the first SIGINT/SIGTERM; a second
 * signal during the graceful close ends the process at once, as it would with no handler. The
 * listener stays until dispose: with one of its own installed, the exit hook ink registers
 * (signal-exit) leaves the first signal to podid instead of re-raising it and killing the process.
 */
export function stopSignal(env: ActionEnv): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  if (env.io.signal) {
    const stop = () => controller.abort();
    env.io.signal.addEventListener('abort', stop, { once: true });
    return { signal: controller.signal, dispose: () => env.io.signal?.removeEventListener('abort', stop) };
  }
  const dispose = () => void (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal));
  function onSignal(signal: NodeJS.Signals) {
    if (!controller.signal.aborted) return controller.abort();
    dispose();
    process.kill(process.pid, signal);
  }
  ownSignalHandler(onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, dispose };
}

/** Colour for the stderr live view: --no-color, NO_COLOR and FORCE_COLOR=0 turn it off. */
function viewColor(env: ActionEnv): boolean {
  const { NO_COLOR, FORCE_COLOR } = env.io.env;
  return env.globals.color && (NO_COLOR === undefined || NO_COLOR === '') && FORCE_COLOR !== '0';
}

export function registerProxy(program: Command, ctx: CliContext) {
  const cmd = program
    .command('proxy')
    .description(summaryOf('proxy'))
    .option('--host <address>', 'address to listen on (loopback unless --allow-remote)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port, printed on stdout)', '0')
    .addOption(new Option('--source <name>', 'where credentials come from (default: local with --state, else eks-auth)').choices(SOURCES))
    .option('--strict-host', "accept only the agent's Host values 169.254.170.23 and fd00:ec2::23, as the real agent does")
    .option('--allow-remote', 'allow a non-loopback --host (anyone who can reach it and holds a token gets credentials)')
    .option('--probe-port <n>', 'also serve /healthz, /readyz and /metrics on this port (probe hits are no credential requests: not logged or counted; --debug shows them)')
    .addHelpText('after', `
Once listening, stdout gets the credentials URL (one JSON line with -o json). At an interactive
terminal stderr shows a live view (counters, upstream errors, the last requests); in CI, in a
pipe or with -o json it gets one log line per request instead.

Examples:
  $ podid proxy --state fixtures/demo/state.json --port 8023
  $ podid proxy -c prod --source sts --port 0 -o json          # {"url":"http://127.0.0.1:41234/v1/credentials",...}
  $ podid proxy --state demo.json --strict-host --probe-port 2703
  $ podid proxy env -n payments -s payments-api --port 8023 --state demo.json   # the variables for a workload`);
  addGlobalOptions(cmd).action(
    action(ctx, async (env) => {
      const opts = cmd.opts<{ host: string; port: string; source?: string; strictHost?: boolean; allowRemote?: boolean; probePort?: string }>();
      const options = {
        host: opts.host,
        port: parsePort('--port', opts.port),
        source: opts.source as 'local' | 'sts' | 'eks-auth' | undefined,
        strictHost: Boolean(opts.strictHost),
        allowRemote: Boolean(opts.allowRemote),
        probePort: opts.probePort === undefined ? undefined : parsePort('--probe-port', opts.probePort),
      };
      // At an interactive terminal the ink live view replaces the banner and the per-request log
      // lines on stderr; elsewhere (CI, pipes, -o json) the plain lines stay as they are.
      const [{ proxy, proxyEnvHintFlags, validateProxyOptions }, render, { startHttpServer }, { startProbeServer }, { randomUUID }, liveView] = await Promise.all([
        import('../commands/proxy.js'),
        import('../ui/render/proxy.js'),
        import('../adapters/http/server.js'),
        import('../adapters/http/probe.js'),
        import('node:crypto'),
        env.terminal.canAnimate ? import('../ui/ink/ProxyView.js') : undefined,
      ]);
      validateProxyOptions(options);
      const deps = await backendFor(env);
      const format = env.globals.output === 'json' || env.globals.output === 'yaml' ? env.globals.output : 'table';
      // Printed commands carry the backend: without --state `podid proxy env` would use AWS.
      const flags = proxyEnvHintFlags(deps.backend, deps.store?.path, options.source);
      const live = liveView?.proxyLiveSession({ stream: env.io.stderr, color: viewColor(env), debug: env.globals.debug, reporter: deps.reporter, envCommand: (started) => render.proxyEnvCommand(started, flags) });
      const stop = stopSignal(env);
      try {
        const result = await proxy(options, {
          ...deps,
          ...(live ? { reporter: live.reporter, onRequest: live.record } : {}),
          startHttpServer,
          startProbeServer,
          uuid: randomUUID,
          signal: stop.signal,
          onListening: (started) => {
            env.io.stdout.write(render.renderProxyStarted(started, format));
            if (live) live.mount(started);
            else env.io.stderr.write(render.renderProxyBanner(started, flags));
          },
        });
        await live?.unmount();
        env.io.stderr.write(render.renderProxySummary(result));
      } finally {
        await live?.unmount();
        stop.dispose();
      }
    }),
  );

  const envCmd = cmd
    .command('env')
    .description('print the variables a workload needs to use a proxy started with --port (shell, docker --env-file, compose)')
    .requiredOption('-n, --namespace <ns>', 'namespace of the service account')
    .requiredOption('-s, --service-account <name>', 'service account')
    .addOption(new Option('--format <format>', 'export (shell), env-file (docker --env-file) or compose').choices(['export', 'env-file', 'compose']).default('export'))
    .option('--host <address>', "the proxy's address as the workload reaches it", '127.0.0.1')
    .requiredOption('--port <n>', "the proxy's port (start it with: podid proxy --port N)")
    .addOption(new Option('--source <name>', 'the source the proxy runs with (decides whether a minted token will be accepted)').choices(SOURCES))
    .option('--token-file <file>', 'point at this token (e.g. from kubectl create token) instead of minting one')
    .option('--token-out <file>', 'write the minted token to this new file (mode 0600; default: a new private temp dir)')
    .option('--force', 'with --token-out: replace an existing file')
    .addHelpText('after', `
The variables also point AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE at /dev/null (a
[default] profile would win over the proxy) and set AWS_REGION / AWS_DEFAULT_REGION when unset.

Examples:
  $ eval "$(podid proxy env -n payments -s payments-api --port 8023 --state demo.json)" && python3 app.py
  $ podid proxy env -n payments -s payments-api --port 8023 --state demo.json --format env-file --token-out pod.token > pod.env
  $ docker run --network host --env-file pod.env -v "$PWD/pod.token:/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token:ro" app
  $ podid proxy env -n payments -s payments-api --port 8023 -c prod --format compose --source sts`);
  addGlobalOptions(envCmd).action(
    action(ctx, async (env) => {
      const opts = envCmd.opts<{ namespace: string; serviceAccount: string; format: 'export' | 'env-file' | 'compose'; host: string; port: string; source?: string; tokenFile?: string; tokenOut?: string; force?: boolean }>();
      const port = parsePort('--port', opts.port);
      const [{ proxyEnv }, { renderProxyEnv }, support, { randomUUID }, { resolve }] = await Promise.all([
        import('../commands/proxy-env.js'),
        import('../ui/render/proxy-env.js'),
        import('../adapters/http/exec-support.js'),
        import('node:crypto'),
        import('node:path'),
      ]);
      const deps = await backendFor(env);
      // Absolute paths: the workload (or docker -v) reads them from another directory.
      const absolute = (path?: string) => (path === undefined ? undefined : resolve(env.io.cwd, path));
      const result = await proxyEnv(
        {
          namespace: opts.namespace,
          serviceAccount: opts.serviceAccount,
          format: opts.format,
          host: opts.host,
          port,
          source: opts.source as 'local' | 'sts' | 'eks-auth' | undefined,
          tokenFile: absolute(opts.tokenFile),
          tokenOut: absolute(opts.tokenOut),
          force: Boolean(opts.force),
          env: env.io.env,
        },
        { ...deps, signPodToken: support.signPodToken, writeTokenFile: support.writeTokenFile, writeTokenFileInTempDir: support.writeTokenFileInTempDir, uuid: randomUUID },
      );
      return { result, renderers: { table: renderProxyEnv } };
    }),
  );
}
