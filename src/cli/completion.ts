import { Argument, type Command } from 'commander';
import { addGlobalOptions } from './globals.js';
import { action, type CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid completion bash|zsh|fish`: scripts generated from the live command tree, so they never drift.

interface Node {
  /** Words after `podid` that lead here (a subcommand by name or alias). */
  path: string[];
  /** What may come next: subcommand names and aliases, argument choices, flags. */
  words: string[];
  /** Flags of this command and its parents that take a value: the word after one is not a subcommand. */
  valueFlags: string[];
}

const visible = (cmd: Command) => cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
const flagsOf = (cmd: Command, pick: (o: Command['options'][number]) => boolean) =>
  cmd.options.filter((o) => !o.hidden && pick(o)).flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));

function walk(cmd: Command, path: string[] = [], inherited: string[] = []): Node[] {
  const subs = visible(cmd);
  const valueFlags = [...new Set([...inherited, ...flagsOf(cmd, (o) => o.required || o.optional)])];
  const choices = cmd.registeredArguments.flatMap((a) => a.argChoices ?? []);
  // commander's implicit `help [command]` at the top: it takes a command name.
  const help = path.length === 0 ? [{ path: ['help'], words: subs.map((c) => c.name()), valueFlags: [] }] : [];
  const node = { path, words: [...subs.flatMap((c) => [c.name(), ...c.aliases()]), ...choices, ...flagsOf(cmd, () => true), '--help'], valueFlags };
  const children = subs.flatMap((c) => [c.name(), ...c.aliases()].flatMap((name) => walk(c, [...path, name], valueFlags)));
  return [node, ...help, ...children];
}

function completionScript(program: Command, shell: 'bash' | 'zsh' | 'fish'): string {
  const nodes = walk(program);
  if (shell === 'fish') return fishScript(nodes);
  const quoted = (path: string[]) => `"${path.join(' ')}"`;
  const cases = nodes.map((n) => `    ${quoted(n.path)}) words="${n.words.join(' ')}" ;;`).join('\n');
  const valueCases = nodes.filter((n) => n.valueFlags.length).map((n) => `    ${quoted(n.path)}) echo "|${n.valueFlags.join('|')}|" ;;`).join('\n');
  const body = `_podid_value_flags() {
  case "$1" in
${valueCases}
  esac
}
_podid_complete() {
  local cur path word words skip
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  skip=""
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    if [ -n "$skip" ]; then skip=""; continue; fi
    case "$word" in
      -*) case "$(_podid_value_flags "$path")" in *"|$word|"*) skip=1 ;; esac ;;
      *) [ -z "$path" ] && path="$word" || path="$path $word" ;;
    esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
`;
  if (shell === 'bash') return `# podid bash completion: eval "$(podid completion bash)"\n${body}complete -o default -F _podid_complete podid\n`;
  return `# podid zsh completion: eval "$(podid completion zsh)"\nautoload -U +X bashcompinit && bashcompinit\n${body}complete -o default -F _podid_complete podid\n`;
}

function fishScript(nodes: Node[]): string {
  const lines = ['# podid fish completion: podid completion fish | source'];
  for (const n of nodes) {
    const cond = n.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
    for (const word of n.words.filter((w) => !w.startsWith('-'))) lines.push(`complete -c podid -f -n '${cond}' -a ${word}`);
    for (const flag of n.words.filter((w) => w.startsWith('--'))) lines.push(`complete -c podid -n '${cond}' -l ${flag.slice(2)}`);
  }
  return lines.join('\n') + '\n';
}

export function registerCompletion(program: Command, ctx: CliContext) {
  const cmd = program
    .command('completion')
    .description(summaryOf('completion'))
    .addArgument(new Argument('<shell>', 'shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText('after', '\nExamples:\n  $ eval "$(podid completion bash)"\n  $ podid completion fish | source');
  // The global options are accepted here as on every command; a script has no json or yaml form.
  addGlobalOptions(cmd, ['table']).action(
    action(ctx, async (_env, [shell]) => {
      ctx.io.stdout.write(completionScript(program, shell as 'bash' | 'zsh' | 'fish'));
    }),
  );
}
