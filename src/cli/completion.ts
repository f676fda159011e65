import { Argument, type Command } from 'commander';
import type { CliContext } from './run-action.js';
import { summaryOf } from './groups.js';

// `podid completion bash|zsh|fish`: scripts generated from the live command tree, so they never drift.

interface Node {
  path: string[];
  subcommands: string[];
  flags: string[];
}

function walk(cmd: Command, path: string[] = []): Node[] {
  const flags = cmd.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
  const subs = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const node = { path, subcommands: subs.map((c) => c.name()), flags: [...flags, '--help'] };
  return [node, ...subs.flatMap((c) => walk(c, [...path, c.name()]))];
}

/** Flags that take a value (`--state FILE`): the word after them is not a subcommand. */
function valueFlags(cmd: Command): Set<string> {
  const flags = new Set<string>();
  const visit = (c: Command) => {
    for (const o of c.options) if (o.required || o.optional) [o.short, o.long].forEach((f) => f && flags.add(f));
    c.commands.forEach(visit);
  };
  visit(cmd);
  return flags;
}

export function completionScript(program: Command, shell: 'bash' | 'zsh' | 'fish'): string {
  const nodes = walk(program);
  const takesValue = [...valueFlags(program)].sort().join('|');
  if (shell === 'fish') return fishScript(nodes);
  const cases = nodes
    .map((n) => `    "${n.path.join(' ')}") words="${[...n.subcommands, ...n.flags].join(' ')}" ;;`)
    .join('\n');
  const body = `_podid_complete() {
  local cur path word words skip
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  skip=""
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    if [ -n "$skip" ]; then skip=""; continue; fi
    case "$word" in
      ${takesValue}) skip=1 ;;
      -*) ;;
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
    for (const sub of n.subcommands) lines.push(`complete -c podid -f -n '${cond}' -a ${sub}`);
    for (const flag of n.flags.filter((f) => f.startsWith('--'))) lines.push(`complete -c podid -n '${cond}' -l ${flag.slice(2)}`);
  }
  return lines.join('\n') + '\n';
}

export function registerCompletion(program: Command, ctx: CliContext) {
  program
    .command('completion')
    .description(summaryOf('completion'))
    .addArgument(new Argument('<shell>', 'shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText('after', '\nExamples:\n  $ eval "$(podid completion bash)"\n  $ podid completion fish | source')
    .action((shell: 'bash' | 'zsh' | 'fish') => {
      ctx.io.stdout.write(completionScript(program, shell));
    });
}
