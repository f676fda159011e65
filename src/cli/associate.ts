import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError, UserError } from '../core/errors.js';
import type { TrustScope } from '../core/policy/types.js';
import type { Io } from '../ui/io.js';
import type { RenderContext } from '../ui/output.js';
import { addGlobalOptions } from './globals.js';
import { action, backendFor, parseKeyValues, type ActionEnv, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// Wiring for `podid associate`: flags → AssociateOptions; plan by default, --approve (or a yes at
// a TTY prompt) applies, --check exits 3 when something would change.

const EXAMPLES = `
Without --approve podid prints the preflight and the plan and changes nothing (exit 0; exit 1
when a check fails). At a terminal it asks before applying; in CI pass --approve.

Examples:
  $ podid associate -c prod -n payments -s api --create-role --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
  $ podid associate -c prod -n payments -s api --create-role --abac-template s3-prefix:bucket=team-data --approve
  $ podid associate -c prod -n payments -s api --role-arn arn:aws:iam::111122223333:role/api --fix-trust --approve
  $ podid associate -c prod -n payments -s worker --create-role --scope namespace   # trust for any SA in payments
  $ podid associate -c prod -n ledger -s writer --create-role --target-role-arn arn:aws:iam::444455556666:role/ledger
  $ podid associate -c prod -n payments -s api --role-arn arn:aws:iam::111122223333:role/api --check   # CI: exit 3 if it would change
  $ podid associate --state demo.json -n orders -s fulfilment --create-role --create-service-account --approve`;

/** Reads a text file relative to the working directory; a clear error names the flag and file. */
export async function readTextFile(io: Pick<Io, 'cwd'>, path: string, flag: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    throw new UserError(`option '${flag}': cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** A y/N question on stderr, answered on stdin (only called when env.terminal.canPrompt). */
export async function askYesNo(io: Io, question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: false });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** How a command's result reads for people: in full, as the preview before the prompt, and after a yes. */
interface PromptViews<R> {
  full: (result: R, ctx: RenderContext) => string;
  preview: (result: R, ctx: RenderContext) => string;
  done: (result: R, ctx: RenderContext) => string;
}

/**
 * The TTY confirmation of a plan. `confirm` (undefined when podid may not prompt: CI, no TTY,
 * machine output) writes the preview — preflight and plan, no "run again" line — to stderr and
 * asks. `table` renders the result: in full when nobody was asked; after a yes only what was done
 * (the plan is already on screen); after a no the one line "Nothing was changed.".
 */
export function confirmer<R>(env: ActionEnv, views: PromptViews<R>, question: string): { confirm?: (preview: R) => Promise<boolean>; table: (result: R, ctx: RenderContext) => string } {
  let answer: boolean | undefined;
  const table = (result: R, ctx: RenderContext) => (answer === undefined ? views.full(result, ctx) : answer ? views.done(result, ctx) : 'Nothing was changed.\n');
  if (!env.terminal.canPrompt || env.globals.output !== 'table') return { table };
  const confirm = async (preview: R) => {
    env.io.stderr.write(views.preview(preview, { color: false }) + '\n');
    answer = await askYesNo(env.io, question);
    return answer;
  };
  return { confirm, table };
}

export function parseSeconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`option '${flag}' expects whole seconds, got '${value}'`);
  return n;
}

interface Flags {
  namespace: string;
  serviceAccount: string;
  roleArn?: string;
  createRole?: boolean;
  roleName?: string;
  rolePath?: string;
  policyArn?: string[];
  policyFile?: string;
  abacTemplate?: string[];
  permissionsBoundary?: string;
  maxSessionDuration?: string;
  targetRoleArn?: string;
  disableSessionTags?: boolean;
  sessionPolicy?: string;
  tags?: string[];
  createServiceAccount?: boolean;
  fixTrust?: boolean;
  scope?: TrustScope;
  restart?: boolean;
  approve?: boolean;
  check?: boolean;
  manifests?: string[];
}

/** --manifests is read-only input: it can plan and check, but nothing that writes to Kubernetes. */
export function checkManifestsFlags(f: Pick<Flags, 'manifests' | 'approve' | 'createServiceAccount' | 'restart'>): void {
  if (!f.manifests?.length) return;
  const writes = [f.approve && '--approve', f.createServiceAccount && '--create-service-account', f.restart && '--restart'].filter(Boolean);
  if (writes.length) {
    throw new UsageError(`option '--manifests' is read-only input: use it to plan or check, not with ${writes.map((w) => `'${w}'`).join(', ')}`, {
      hint: 'Drop --manifests to read (and write) the live cluster through kubeconfig, or create the service account / restart the workloads yourself.',
    });
  }
}

/** --policy-file: an unreadable file and content that is not a JSON policy both exit 1, as for --session-policy (bad file content is not a usage error). */
async function policyFileDocument(env: ActionEnv, path: string) {
  const { readPolicyFile } = await import('../commands/policy-io.js');
  const text = await readTextFile(env.io, path, '--policy-file');
  try {
    return await readPolicyFile(path, { reporter: env.reporter, readText: async () => text });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(`option '--policy-file': ${error.message}`, { hint: error.hint });
  }
}

/**
 * Errors about the content of a file flag (a policy IAM would reject, not JSON) name the file:
 * "option '--policy-file': bad.json: …". `files` maps flags to the paths given.
 */
export async function namingFiles<T>(files: Record<string, string | false | undefined>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    for (const [flag, path] of Object.entries(files)) {
      const prefix = `option '${flag}': `;
      if (path && error.message.startsWith(prefix) && !error.message.includes(path)) {
        throw new UserError(`${prefix}${path}: ${error.message.slice(prefix.length)}`, { hint: error.hint?.replace(/\bFILE\b/, path) });
      }
    }
    throw error;
  }
}

export function registerAssociate(program: Command, ctx: CliContext) {
  const cmd = program
    .command('associate')
    .description(summaryOf('associate'))
    .requiredOption('-n, --namespace <ns>', 'namespace of the service account')
    .requiredOption('-s, --service-account <name>', 'service account name')
    .option('--role-arn <arn>', 'use this existing IAM role (same account as the cluster)')
    .option('--create-role', 'create the role, with a trust scoped to this cluster, namespace and service account')
    .option('--role-name <name>', 'name of the created role (default: podid-<cluster>-<ns>-<sa>)')
    .option('--role-path <path>', 'IAM path of the created role (default: /)')
    .option('--policy-arn <arn...>', 'attach these managed policies to the created role')
    .option('--policy-file <file>', 'put this JSON policy on the created role as inline policy podid-inline')
    .option('--abac-template <spec...>', 'inline ABAC policies TEMPLATE[:key=value,…], e.g. s3-prefix:bucket=b (see podid policy abac)')
    .option('--permissions-boundary <arn>', 'permissions boundary of the created (or podid-managed) role')
    .option('--max-session-duration <seconds>', 'max session duration of the created (or podid-managed) role (3600–43200)')
    .option('--target-role-arn <arn>', 'chain to this role (any account): EKS assumes --role-arn, then this one')
    .option('--disable-session-tags', 'do not pass the six EKS session tags (needed for --session-policy)')
    .option('--session-policy <file>', 'inline session policy (JSON) limiting the credentials; requires --disable-session-tags')
    .option('--tags <k=v...>', 'tags for the association (and the created or podid-managed role)')
    .option('--create-service-account', 'create the service account when it does not exist')
    .option('--fix-trust', "merge a statement scoped to this workload into the role's trust policy when it does not admit it")
    .addOption(new Option('--scope <scope>', 'with --create-role / --fix-trust: how far the trust statement podid writes reaches (as podid policy trust --scope)').choices(['workload', 'namespace', 'cluster', 'account', 'org']))
    .option('--restart', 'restart the workloads whose pods started before the association')
    .option('--manifests <path...>', 'read Kubernetes objects from files, folders or - (stdin)')
    .addOption(new Option('--approve', 'apply the plan without asking').conflicts('check'))
    .option('--check', 'change nothing; exit 3 when the association (or role) would change');
  addGlobalOptions(cmd).addHelpText('after', EXAMPLES);
  cmd.action(
    action(ctx, async (env) => {
      const f = cmd.opts<Flags>();
      checkManifestsFlags(f);
      const [{ associate, associateExitCode }, views] = await Promise.all([import('../commands/associate.js'), import('../ui/render/associate.js')]);
      const policyDocument = f.policyFile ? await policyFileDocument(env, f.policyFile) : undefined;
      const sessionPolicy = f.sessionPolicy ? await readTextFile(env.io, f.sessionPolicy, '--session-policy') : undefined;
      const deps = await backendFor(env, { manifests: f.manifests });
      const prompt = confirmer(env, { full: views.renderAssociate, preview: views.renderAssociatePreview, done: views.renderAssociateDone }, 'Apply these changes?');
      const result = await namingFiles({ '--policy-file': f.policyFile, '--session-policy': f.sessionPolicy }, () => associate(
        {
          namespace: f.namespace,
          serviceAccount: f.serviceAccount,
          roleArn: f.roleArn,
          createRole: f.createRole,
          roleName: f.roleName,
          rolePath: f.rolePath,
          policyArns: f.policyArn,
          policyDocument,
          abacTemplates: f.abacTemplate,
          permissionsBoundary: f.permissionsBoundary,
          maxSessionDuration: parseSeconds('--max-session-duration', f.maxSessionDuration),
          targetRoleArn: f.targetRoleArn,
          disableSessionTags: f.disableSessionTags,
          sessionPolicy,
          tags: parseKeyValues('--tags', f.tags),
          createServiceAccount: f.createServiceAccount,
          fixTrust: f.fixTrust,
          trustScope: f.scope,
          restart: f.restart,
          partialKube: Boolean(f.manifests?.length),
          approve: f.approve,
          check: f.check,
          confirm: f.manifests?.length ? undefined : prompt.confirm, // --manifests plans only: no prompt that could lead to writes
          statePath: env.globals.state,
        },
        deps,
      ));
      return { result, renderers: { table: prompt.table }, exitCode: associateExitCode(result, f.check) };
    }),
  );
}
