import { Command, Option } from 'commander';
import { UsageError, UserError } from '../core/errors.js';
import type { TrustScope } from '../core/policy/types.js';
import type { Io } from '../ui/io.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, collect, type ActionEnv, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid policy trust|target-trust|abac|lint|explain`. Generation for cluster ARNs needs no backend:
// the commands get lazy ports and only touch them for cluster names, role ARNs or --association.

/** ABAC templates for --help (kept in step with src/core/policy/abac.ts by test/commands/policy-cli.test.ts). */
export const ABAC_HELP: ReadonlyArray<readonly [string, string]> = [
  ['s3-prefix', 'S3 objects under <bucket>/<cluster-name>/<namespace>/ (ListBucket limited to that prefix)'],
  ['s3-object-tag', "S3 objects whose object tags eks-cluster-name/kubernetes-namespace equal the caller's session tags (writes only under <bucket>/<cluster-name>/<namespace>/)"],
  ['secretsmanager-path', 'Secrets Manager secrets named <cluster-name>/<namespace>/* (the * also covers the random suffix)'],
  ['ssm-parameter-path', 'SSM parameters under /<cluster-name>/<namespace>/ (the path itself for GetParametersByPath)'],
  ['dynamodb-leading-keys', 'DynamoDB items of <table> whose partition key is the namespace (Null guard: Scan is denied)'],
  ['kms-tag', 'KMS keys tagged eks-cluster-name/kubernetes-namespace like the caller (aws:ResourceTag)'],
  ['sqs-tag', 'SQS queues tagged eks-cluster-name/kubernetes-namespace like the caller (aws:ResourceTag)'],
];

const sessionTagsOption = () => new Option('--session-tags <mode>', 'the association\'s session tags: on, or off (disableSessionTags / session policy)').choices(['on', 'off']);
const quotaOption = () => new Option('--trust-quota <n>', 'trust policy quota in characters (Service Quotas L-C07B4B0D)').default(2048).argParser(positiveInt('--trust-quota'));

function positiveInt(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 131072) throw new UsageError(`option '${flag}' expects a whole number of characters (1–131072), got '${value}'`);
    return n;
  };
}

async function readStdin(stdin: Io['stdin']): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  return text;
}

/** File reading for the policy commands, relative to the working directory; '-' is stdin. */
function fileReader(io: Io) {
  return async (path: string): Promise<string> => {
    if (path === '-') return readStdin(io.stdin);
    const [{ readFile }, { resolve }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
    try {
      return await readFile(resolve(io.cwd, path), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new UserError(`cannot read ${path}: ${why}`);
    }
  };
}

async function policyDeps(env: ActionEnv) {
  const deps = await backendFor(env);
  return { ...deps, readText: fileReader(env.io) };
}

/** -w specs plus the -c/-n/-s form. */
async function workloadSpecs(env: ActionEnv, opts: { workload?: string[]; namespace?: string; serviceAccount?: string }, saRequired: boolean) {
  const { parseWorkloadSpec, checkWorkloadSpec } = await import('../core/policy/workload.js');
  const specs = (opts.workload ?? []).map((w) => parseWorkloadSpec(w));
  if (opts.namespace || opts.serviceAccount) {
    const cluster = env.globals.cluster;
    if (!cluster) throw new UsageError("options '-n' and '-s' need '-c, --cluster <name or ARN>'");
    if (!opts.namespace) throw new UsageError("option '-s, --service-account' needs '-n, --namespace'");
    if (saRequired && !opts.serviceAccount) throw new UsageError("missing option '-s, --service-account' (or use --scope namespace)");
    specs.push(checkWorkloadSpec({ cluster, namespace: opts.namespace, serviceAccount: opts.serviceAccount }, '-c/-n/-s'));
  }
  return specs;
}

const workloadOptions = (cmd: Command) =>
  cmd
    .option('-w, --workload <cluster:ns:sa>', 'CLUSTER_ARN_OR_NAME:NAMESPACE:SERVICE_ACCOUNT (repeatable)', collect)
    .option('-n, --namespace <ns>', 'namespace (with -c)')
    .option('-s, --service-account <name>', 'service account (with -c and -n)');

export function registerPolicy(program: Command, ctx: CliContext) {
  const group = program.command('policy').description(summaryOf('policy')).enablePositionalOptions();
  registerTrust(group, ctx);
  registerTargetTrust(group, ctx);
  registerAbac(group, ctx);
  registerLint(group, ctx);
  registerExplain(group, ctx);
}

function registerTrust(group: Command, ctx: CliContext) {
  const cmd = workloadOptions(group.command('trust').description('first-hop trust policy for Pod Identity roles: one statement per (cluster, namespace, service account)'))
    .addOption(new Option('--scope <scope>', 'how far the trust reaches').choices(['workload', 'namespace', 'cluster', 'account', 'org']).default('workload'))
    .option('--org-id <id>', 'with --scope org: the organization id (default: ${aws:ResourceOrgId}, the role\'s own)')
    .option('--account <id>', 'with --scope account and no workload: the cluster account')
    .addOption(sessionTagsOption().default('on'))
    .option('--merge-into <file|role-arn>', 'add to an existing trust policy (file, or the trust of a role) keeping its statements')
    .addOption(quotaOption())
    .addHelpText('after', `
Scopes: workload (default) pins aws:SourceAccount + aws:RequestTag/eks-cluster-arn, kubernetes-namespace and
kubernetes-service-account; namespace drops the service account; cluster keeps only the cluster; account keeps
only aws:SourceAccount; org uses aws:SourceOrgId. Size is checked without whitespace against --trust-quota.

Examples:
  $ podid policy trust -w arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:api
  $ podid policy trust -w demo:orders:orders-worker -w demo:orders:order-notifier --state fixtures/demo/state.json
  $ podid policy trust -c prod -n payments --scope namespace
  $ podid policy trust -w arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:api --merge-into trust.json > trust.new.json
  $ podid policy trust --scope org --org-id o-a1b2c3d4e5`);
  addGlobalOptions(cmd).action(
    action(ctx, async (env) => {
      const opts = cmd.opts<{ workload?: string[]; namespace?: string; serviceAccount?: string; scope: TrustScope; orgId?: string; account?: string; sessionTags: 'on' | 'off'; mergeInto?: string; trustQuota: number }>();
      if (opts.orgId && opts.scope !== 'org') throw new UsageError("option '--org-id' needs '--scope org'");
      if (opts.orgId) (await import('../core/policy/trust.js')).checkOrgId(opts.orgId);
      if (opts.account && !/^\d{12}$/.test(opts.account)) throw new UsageError(`option '--account': '${opts.account}' is not a 12-digit account id`);
      const workloads = opts.scope === 'org' ? [] : await workloadSpecs(env, opts, opts.scope === 'workload');
      const [{ policyTrust }, { renderTrustPolicy }] = await Promise.all([import('../commands/policy-trust.js'), import('../ui/render/policy.js')]);
      const result = await policyTrust(
        { workloads, scope: opts.scope, sessionTags: opts.sessionTags, orgId: opts.orgId, accountId: opts.account, mergeInto: opts.mergeInto, quota: opts.trustQuota },
        await policyDeps(env),
      );
      return { result, renderers: { table: renderTrustPolicy } };
    }),
  );
}

function registerTargetTrust(group: Command, ctx: CliContext) {
  const cmd = workloadOptions(group.command('target-trust').description('both sides of a targetRoleArn chain: the target role trust and the source role permission'))
    .option('--source-role-arn <arn>', 'the Pod Identity role (in the cluster account)')
    .option('--target-role-arn <arn>', 'the role the pod finally gets (any account)')
    .addOption(sessionTagsOption())
    .option('--external-id <id>', "with --session-tags off: the association's externalId")
    .option('--association <id|ns/sa>', 'read roles, workload, session-tag mode and externalId from an association')
    .addOption(quotaOption())
    .addHelpText('after', `
With session tags on, the target trusts the cluster account narrowed by ArnEquals aws:PrincipalArn (the source
role) and the transitive aws:RequestTag/* tags; with them off, by sts:ExternalId (read it from the association).

Examples:
  $ podid policy target-trust --source-role-arn arn:aws:iam::111122223333:role/app \\
      --target-role-arn arn:aws:iam::444455556666:role/data -w arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:api
  $ podid policy target-trust --source-role-arn arn:aws:iam::111122223333:role/app --target-role-arn arn:aws:iam::444455556666:role/data \\
      --session-tags off --external-id us-west-2/111122223333/prod/payments/api
  $ podid policy target-trust --association checkout/checkout-api --state fixtures/demo/state.json -o json`);
  addGlobalOptions(cmd).action(
    action(ctx, async (env) => {
      const opts = cmd.opts<{ workload?: string[]; namespace?: string; serviceAccount?: string; sourceRoleArn?: string; targetRoleArn?: string; sessionTags?: 'on' | 'off'; externalId?: string; association?: string; trustQuota: number }>();
      const specs = await workloadSpecs(env, opts, true);
      if (specs.length > 1) throw new UsageError('target-trust takes one workload (one association); run it once per association');
      const [{ policyTargetTrust }, { renderTargetTrust }] = await Promise.all([import('../commands/policy-target-trust.js'), import('../ui/render/policy.js')]);
      const result = await policyTargetTrust(
        { sourceRoleArn: opts.sourceRoleArn, targetRoleArn: opts.targetRoleArn, workload: specs[0], sessionTags: opts.sessionTags, externalId: opts.externalId, association: opts.association, quota: opts.trustQuota },
        await policyDeps(env),
      );
      return { result, renderers: { table: renderTargetTrust } };
    }),
  );
}

function registerAbac(group: Command, ctx: CliContext) {
  const cmd = group
    .command('abac')
    .description('ABAC permission policy keyed on the EKS session tags (${aws:PrincipalTag/...})')
    .requiredOption('-t, --template <name>', 'the template (see Templates below)')
    .option('--bucket <name>', 'S3 bucket (s3-* templates)')
    .option('--table <name>', 'DynamoDB table (dynamodb-leading-keys)')
    .addOption(new Option('--actions <access>', 'read, write or read-write').choices(['read', 'write', 'read-write']).default('read'))
    .addOption(new Option('--level <level>', 'key on the namespace, or on namespace + service account').choices(['namespace', 'service-account']).default('namespace'))
    .option('--account <id>', 'resource account (default: from --cluster-arn)')
    .option('--partition <p>', 'ARN partition (default: from --cluster-arn, else from --region, else aws)')
    .option('--cluster-arn <arn>', 'pin to one cluster: StringEquals aws:PrincipalTag/eks-cluster-arn')
    .addHelpText('after', `
Templates:
${ABAC_HELP.map(([name, summary]) => `  ${name.padEnd(22)} ${summary}`).join('\n')}

The global --region sets the resources' region (default: from --cluster-arn, else *). Bucket, table, region
and partition are checked, so the ARNs are valid; --partition must be that of --cluster-arn, and --bucket,
--table or --account for a template that does not take it is an error. Access: --actions read|write|read-write;
--level service-account adds /<service-account> to paths and tag matches.

s3-object-tag writes: S3 does not check s3:ExistingObjectTag on PutObject, so an overwrite (which also
retags) cannot be limited by the existing tags. Writes are therefore limited to the caller's own prefix
<bucket>/<cluster-name>/<namespace>/ and must tag the object as the caller (s3:RequestObjectTag/*);
s3:PutObjectTagging (needed to upload with tags) is limited to that prefix and to objects not tagged
for another workload; s3:DeleteObjectTagging is not granted. Reads follow the object tags anywhere.

Examples:
  $ podid policy abac -t s3-prefix --bucket shared-data --actions read-write
  $ podid policy abac -t dynamodb-leading-keys --table orders --cluster-arn arn:aws:eks:us-west-2:111122223333:cluster/prod
  $ podid policy abac -t secretsmanager-path --account 111122223333 --region us-west-2 --level service-account`);
  // The global --region is the resources' region here (default: from --cluster-arn, else *).
  addGlobalOptions(cmd).action(
    action(ctx, async (env) => {
      const opts = cmd.opts<{ template: string; bucket?: string; table?: string; actions: 'read'; level: 'namespace'; account?: string; partition?: string; clusterArn?: string }>();
      const [{ policyAbac }, { renderAbacPolicy }] = await Promise.all([import('../commands/policy-abac.js'), import('../ui/render/policy.js')]);
      const result = await policyAbac(
        { template: opts.template, bucket: opts.bucket, table: opts.table, access: opts.actions, level: opts.level, region: env.globals.region, account: opts.account, partition: opts.partition, clusterArn: opts.clusterArn },
        { reporter: env.reporter },
      );
      return { result, renderers: { table: renderAbacPolicy } };
    }),
  );
}

function registerLint(group: Command, ctx: CliContext) {
  const cmd = group
    .command('lint')
    .description("check trust and permission policies against podid's Pod Identity rules")
    .argument('[files...]', 'policy JSON files (- for stdin)')
    .addOption(new Option('--kind <kind>', 'policy kind (auto: trust when a statement has a Principal and sts:AssumeRole*)').choices(['trust', 'permissions', 'auto']).default('auto'))
    .option('--association <id|ns/sa>', "check that the trust admits this association (PODID-T008), with its session-tag mode and role tags (no files: lint its role's trust)")
    .addOption(sessionTagsOption())
    .addOption(quotaOption())
    .addHelpText('after', `
Rules: PODID-T001…T008 (trust; T008 only with --association), C001…C005 (conditions), A001 (ABAC spoofing),
P001 (iam:PassRole), S001 (size), V001…V005 (validity: JSON shape, Version, statement elements, action syntax).
Exit 1 when any finding is an error.

Examples:
  $ podid policy lint trust.json
  $ podid policy lint policies/*.json -o sarif > podid-policies.sarif
  $ podid policy lint trust.json --session-tags off
  $ podid policy lint --association payments/payments-api --state fixtures/demo/state.json`);
  addGlobalOptions(cmd, ['table', 'json', 'yaml', 'sarif']).action(
    action(ctx, async (env, args) => {
      const opts = cmd.opts<{ kind: 'auto'; association?: string; sessionTags?: 'on' | 'off'; trustQuota: number }>();
      const [{ policyLint, lintFailed }, { renderLintTable, renderLintSarif }, { VERSION }] = await Promise.all([
        import('../commands/policy-lint.js'),
        import('../ui/render/policy-lint.js'),
        import('../version.js'),
      ]);
      const result = await policyLint({ files: args, kind: opts.kind, association: opts.association, sessionTags: opts.sessionTags, quota: opts.trustQuota, stateFile: env.globals.state }, await policyDeps(env));
      return { result, renderers: { table: renderLintTable, sarif: (r: typeof result) => renderLintSarif(r, { version: VERSION }) }, exitCode: lintFailed(result) ? 1 : 0 };
    }),
  );
}

/**
 * `explain` uses --context for the request context (k=v), so it takes the global options except
 * the kubeconfig --context (it never talks to Kubernetes).
 */
function explainGlobals(cmd: Command): Command {
  return cmd
    .option('--region <region>', 'AWS region (default: from the SDK chain: AWS_REGION, profile)')
    .option('--profile <name>', 'AWS shared-config profile')
    .option('-c, --cluster <name>', 'EKS cluster name (for --workload with a cluster name)')
    .option('--state <file>', 'use a local state file instead of AWS and Kubernetes')
    .option('--no-color', 'never colour output (also: NO_COLOR)')
    .option('--debug', 'log API calls and show stack traces')
    .addOption(new Option('-o, --output <format>', 'output format: table|json|yaml').choices(['table', 'json', 'yaml']));
}

function registerExplain(group: Command, ctx: CliContext) {
  const cmd = group
    .command('explain')
    .description("evaluate one request against a policy with podid's IAM evaluator, and say why")
    .argument('<file>', 'policy JSON file (- for stdin)')
    .requiredOption('--principal <p>', 'a service (pods.eks.amazonaws.com), a principal ARN or an account id')
    .requiredOption('--action <action>', 'e.g. sts:AssumeRole, s3:GetObject')
    .option('--resource <arn>', 'resource ARN (trust policies: default a placeholder role ARN)')
    .option('--context <k=v>', 'request context key=value (repeatable; repeat a key for a multivalued key)', collect)
    .option('--workload <cluster:ns:sa>', 'fill the context as EKS does for this workload (aws:SourceAccount, aws:RequestTag/*, aws:TagKeys)')
    .option('--org-id <id>', "with --workload: the cluster account's organization (aws:SourceOrgID, and aws:ResourceOrgID for a role in that account)")
    .addOption(new Option('--kind <kind>', 'policy kind').choices(['trust', 'permissions', 'auto']).default('auto'))
    .addHelpText('after', `
The request context is filled in like IAM does, then --context entries override it:
  --principal          aws:PrincipalArn (a role session arn:<p>:sts::<acct>:assumed-role/<role>/<session> gives
                       arn:<p>:iam::<acct>:role/<role>: the session ARN has no role path, so for a role with a
                       path pass the role ARN itself), aws:PrincipalAccount, and aws:username for IAM users
  --workload           aws:SourceAccount, the aws:RequestTag/* session tags and aws:TagKeys, as EKS sends them
  --org-id             aws:SourceOrgID (what policy trust --scope org checks); needs --workload
--workload fills the trust side (aws:RequestTag/*); for a permissions (ABAC) policy pass the
session's tags as --context aws:PrincipalTag/<key>=<value>, e.g. eks-cluster-name and
kubernetes-namespace for the s3-prefix template.
--action is one action (service:Action); wildcards such as s3:Get* are for policies, not requests.
Exit 0 when allowed, 1 when denied (explicitly or implicitly).

Examples:
  $ podid policy trust -w arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:api > trust.json
  $ podid policy explain trust.json --principal pods.eks.amazonaws.com --action sts:AssumeRole \\
      --workload arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:api
  $ podid policy abac -t s3-prefix --bucket shared > abac.json
  $ podid policy explain abac.json --principal arn:aws:sts::111122223333:assumed-role/app/s --action s3:GetObject \\
      --resource arn:aws:s3:::shared/prod/payments/a.txt \\
      --context aws:PrincipalTag/eks-cluster-name=prod --context aws:PrincipalTag/kubernetes-namespace=payments
  $ podid policy trust --scope org > org-trust.json
  $ podid policy explain org-trust.json --principal pods.eks.amazonaws.com --action sts:AssumeRole \\
      --workload arn:aws:eks:us-west-2:111122223333:cluster/prod:payments:api --org-id o-a1b2c3d4e5`);
  explainGlobals(cmd).action(
    action(ctx, async (env, args) => {
      const opts = cmd.opts<{ principal: string; action: string; resource?: string; context?: string[]; workload?: string; orgId?: string; kind: 'auto' }>();
      const { parseWorkloadSpec } = await import('../core/policy/workload.js');
      const workload = opts.workload ? parseWorkloadSpec(opts.workload, '--workload') : undefined;
      const [{ policyExplain }, { renderExplain }] = await Promise.all([import('../commands/policy-explain.js'), import('../ui/render/policy.js')]);
      const result = await policyExplain({ file: args[0], principal: opts.principal, action: opts.action, resource: opts.resource, context: opts.context, workload, orgId: opts.orgId, kind: opts.kind }, await policyDeps(env));
      return { result, renderers: { table: renderExplain }, exitCode: result.allowed ? 0 : 1 };
    }),
  );
}
