// Commands podid prints for people to paste: one quoting rule, and `--state FILE` carried along
// when the run was offline, so a printed podid command runs against the same world.

/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
export const shellWord = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** `podid ARGS`, plus `--state FILE` when the run used a state file. */
export const podidCommand = (args: string, statePath?: string): string => `podid ${args}${statePath ? ` --state ${shellWord(statePath)}` : ''}`;
