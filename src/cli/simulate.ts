import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, parseKeyValues, type ActionEnv, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid simulate`: predict AssumeRoleForPodIdentity for a token or a pod. Here `--context k=v`
// is request context for --action, so the kubeconfig context moves to `--kube-context` on this leaf.

interface SimulateFlags {
  token?: string;
  pod?: string;
  at?: string;
  jwks?: string;
  action?: string[];
  resource?: string;
  context?: string[];
  kubeContext?: string;
  live?: boolean;
}

export function registerSimulate(program: Command, ctx: CliContext) {
  const cmd = program
    .command('simulate')
    .description(summaryOf('simulate'))
    .option('--token <token>', 'service-account token: the JWT, @FILE, or - for stdin')
    .option('--pod <ns/name>', 'instead of a token: check this pod (injected, not hostNetwork) and use its service account, uid and node (token checks are skipped)')
    .option('--at <time>', 'evaluate at this time instead of now: RFC 3339 / ISO 8601 with a zone (2026-11-26T12:00:00Z), a date (midnight UTC), or unix seconds')
    .option('--jwks <file>', 'verify the token signature with this JWKS (or JWK) file')
    .option('--action <action...>', 'also decide these actions for the resulting session, e.g. s3:GetObject')
    .option('--resource <arn>', 'resource ARN for --action (default *)')
    .option('--live', 'also call the real EKS Auth and show its answer beside the prediction (not with --state)');
  addGlobalOptions(cmd);
  // The global --context (kubeconfig) would clash with the request-context flag this command needs:
  // drop it, and its 'option:context' listener (a commander Command is an EventEmitter), which
  // would otherwise overwrite the repeated values.
  const options = cmd.options as Option[];
  options.splice(options.findIndex((o) => o.long === '--context'), 1);
  (cmd as unknown as NodeJS.EventEmitter).removeAllListeners('option:context');
  cmd
    .addOption(new Option('--context <key=value...>', 'request context for --action, e.g. s3:prefix=demo/payments/ (repeatable)'))
    .option('--kube-context <name>', 'kubeconfig context (the global --context on other commands)')
    .addHelpText('after', `
Exit codes: 0 the exchange would succeed · 1 it would fail, or with --pod the pod gets no credentials or does not use them (not injected, hostNetwork, static AWS keys or IRSA env that win the SDK chain, a lone AWS_ACCESS_KEY_ID that breaks botocore), or with --live EKS Auth disagrees or fails · 2 usage (e.g. --live with --state, a --context key naming one of the six session tags EKS sets, an --at that is not RFC 3339 / ISO 8601 or unix seconds).

Examples:
  $ podid token mint -n payments -s payments-api --state demo.json | podid simulate --token - --state demo.json
  $ podid simulate --pod payments/payments-api-pswcvz7lms-npftc --state demo.json
  $ podid simulate --pod orders/orders-worker-8dl6559sjp-x7kl8 --state demo.json --action s3:GetObject --resource arn:aws:s3:::podid-demo-shared-data-111122223333/demo/orders/a.csv
  $ podid simulate --token @token.jwt -c prod --jwks keys.json -o json
  $ podid simulate --token @/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token -c prod --live`)
    .action(
      action(ctx, async (env) => {
        const flags = cmd.opts<SimulateFlags>();
        const [{ simulate }, { renderSimulate }] = await Promise.all([import('../commands/simulate.js'), import('../ui/render/simulate.js')]);
        const options = await simulateOptions(flags, env);
        const kubeContext = flags.kubeContext ?? (typeof env.globals.context === 'string' ? env.globals.context : undefined);
        const deps = await backendFor({ ...env, globals: { ...env.globals, context: kubeContext } });
        const result = await simulate(options, deps);
        const ok = result.ok && (!result.live || (result.live.ok && result.live.agrees));
        return { result, renderers: { table: renderSimulate }, exitCode: ok ? 0 : 1 };
      }),
    );
}

async function simulateOptions(flags: SimulateFlags, env: ActionEnv) {
  if (flags.token === undefined && flags.pod === undefined) throw new UsageError("one of '--token' or '--pod' is required");
  if (flags.token !== undefined && flags.pod !== undefined) throw new UsageError("options '--token' and '--pod' cannot be used together");
  if ((flags.context?.length || flags.resource) && !flags.action?.length) throw new UsageError("options '--resource' and '--context' need '--action'");
  const adapters = await import('../adapters/local/token.js');
  let token: string | undefined;
  if (flags.token !== undefined) {
    const read = await adapters.readTokenInput(flags.token, env.io.stdin);
    if (read.strippedNewline) env.reporter.warn('the token ended with a newline; podid dropped it (botocore and the JS SDK reject a token file with one)');
    token = read.token;
  }
  let pod: { namespace: string; name: string } | undefined;
  if (flags.pod !== undefined) {
    const [namespace, name, extra] = flags.pod.split('/');
    if (!namespace || !name || extra !== undefined) throw new UsageError(`option '--pod' expects NAMESPACE/NAME, got '${flags.pod}'`);
    pod = { namespace, name };
  }
  const jwks = flags.jwks ? { keys: await adapters.readJwksFile(flags.jwks), source: `--jwks ${flags.jwks}` } : undefined;
  return { token, pod, at: parseTime(flags.at), jwks, actions: flags.action, resource: flags.resource, context: parseKeyValues('--context', flags.context), live: Boolean(flags.live) };
}

const AT_FORMS = "an RFC 3339 / ISO 8601 time (2026-11-26T12:00:00Z, 2026-11-26T13:00:00+01:00, or a date 2026-11-26 for midnight UTC) or unix seconds (1795713416)";
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

/** `--at`: RFC 3339 / ISO 8601 (with a zone, or a bare date = midnight UTC) or unix seconds; anything else is a usage error. */
export function parseTime(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const bad = (why: string) => new UsageError(`option '--at' expects ${AT_FORMS}; '${text}' ${why}`);
  const value = text.trim();
  if (/^\d+$/.test(value)) {
    // Ten digits reach the year 2286; more is almost surely milliseconds (Date.now()).
    if (value.length > 10) throw bad('has more digits than unix seconds (milliseconds? divide by 1000)');
    return new Date(Number(value) * 1000);
  }
  const m = ISO.exec(value);
  if (!m) throw bad('is neither');
  const [, y, mo, d, h, mi, sec, frac, z, sign, oh, om] = m;
  if (h !== undefined && !z && !sign) throw bad('has no time zone (add Z for UTC, or an offset such as +01:00)');
  const [year, month, day, hour, minute, second] = [y, mo, d, h ?? '0', mi ?? '0', sec ?? '0'].map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || Number(oh ?? 0) > 23 || Number(om ?? 0) > 59) throw bad('is not a valid date and time');
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
  // The instant, not the written year: 1969-12-31T23:00:00-02:00 is 1970-01-01T01:00Z.
  if (date.getTime() < 0) throw bad('is before 1970-01-01T00:00:00Z');
  return date;
}
