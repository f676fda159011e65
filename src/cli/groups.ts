import type { Command } from 'commander';
import type { CliContext } from './run-action.js';

// The top-level commands, in help order. buildProgram loads (import()) and registers in full only
// the groups named on the command line; the others are one-line stubs, enough for `podid --help`
// and for commander's "did you mean" (startup budget, DESIGN.md §4). Each registrar takes its
// description from here, so the stub and the real command cannot drift (test/cli/groups.test.ts).

type Register = (program: Command, ctx: CliContext) => void;

export interface Group {
  /** The description shown in `podid --help` and on the group's own help. */
  summary: string;
  /** How `podid --help` lists the command: name, `[options]`, arguments. */
  term: string;
  load: () => Promise<Register>;
}

export const GROUPS = {
  associate: {
    summary: 'create or converge one Pod Identity association (and optionally its role), with preflight checks',
    term: 'associate [options]',
    load: async () => (await import('./associate.js')).registerAssociate,
  },
  associations: {
    summary: 'list, describe, update and delete Pod Identity associations',
    term: 'associations',
    load: async () => (await import('./associations.js')).registerAssociations,
  },
  policy: {
    summary: 'generate scoped trust and ABAC policies; lint and explain policies',
    term: 'policy',
    load: async () => (await import('./policy.js')).registerPolicy,
  },
  'migrate-irsa': {
    summary: 'move IRSA service accounts (and add-ons) to Pod Identity associations: plan, check, apply, roll back',
    term: 'migrate-irsa [options]',
    load: async () => (await import('./migrate-irsa.js')).registerMigrateIrsa,
  },
  simulate: {
    summary: 'predict what EKS Auth AssumeRoleForPodIdentity returns for a token (or a pod), and what the session may do',
    term: 'simulate [options]',
    load: async () => (await import('./simulate.js')).registerSimulate,
  },
  token: {
    summary: 'service-account tokens for offline use',
    term: 'token',
    load: async () => (await import('./token.js')).registerToken,
  },
  proxy: {
    summary: 'a local credential server that behaves like the EKS Pod Identity Agent (/v1/credentials)',
    term: 'proxy [options]',
    load: async () => (await import('./proxy.js')).registerProxy,
  },
  exec: {
    summary: 'run a command with Pod Identity credentials from a local proxy (AWS_CONTAINER_* variables)',
    term: 'exec [options] <command...>',
    load: async () => (await import('./exec.js')).registerExec,
  },
  doctor: {
    summary: 'check a cluster (or one namespace, service account or pod) for Pod Identity problems and say what to fix',
    term: 'doctor [options]',
    load: async () => (await import('./doctor.js')).registerDoctor,
  },
  audit: {
    summary: 'inventory associations, IRSA service accounts and their roles across clusters, with risk findings',
    term: 'audit [options]',
    load: async () => (await import('./audit.js')).registerAudit,
  },
  snapshot: {
    summary: 'capture a live cluster and the roles it uses into a state file (read-only; no Secrets, no credentials)',
    term: 'snapshot [options]',
    load: async () => (await import('./snapshot.js')).registerSnapshot,
  },
  local: {
    summary: 'create local state files for offline use (--state)',
    term: 'local',
    load: async () => (await import('./local.js')).registerLocal,
  },
  apply: {
    summary: 'converge Pod Identity associations (and their roles) to a declarative podid.yaml',
    term: 'apply [options]',
    load: async () => (await import('./apply.js')).registerApply,
  },
  completion: {
    summary: 'print a shell completion script',
    term: 'completion [options] <shell>',
    load: async () => (await import('./completion.js')).registerCompletion,
  },
} satisfies Record<string, Group>;

type GroupName = keyof typeof GROUPS;

export const summaryOf = (name: GroupName): string => GROUPS[name].summary;
