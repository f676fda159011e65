// The one place that decides whether podid may animate, prompt or colour (aesthetics rule 10).

export interface TerminalStreams {
  env: Record<string, string | undefined>;
  stdout: { isTTY?: boolean };
  stderr: { isTTY?: boolean };
  stdin?: { isTTY?: boolean };
}

export interface Terminal {
  /** Colour on the stream the text goes to. */
  color: boolean;
  /** Spinners and live ink views on stderr. */
  canAnimate: boolean;
  /** Interactive questions (stdin and stderr are TTYs, not CI). */
  canPrompt: boolean;
  isCI: boolean;
}

export function isCI(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return true;
  return Boolean(env.GITHUB_ACTIONS || env.GITLAB_CI || env.BUILDKITE || env.JENKINS_URL || env.TF_BUILD || env.CODEBUILD_BUILD_ID);
}

export function detectTerminal(streams: TerminalStreams, flags: { noColor?: boolean; machineOutput?: boolean } = {}): Terminal {
  const { env } = streams;
  const ci = isCI(env);
  const dumb = env.TERM === 'dumb';
  const noColor = flags.noColor || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.FORCE_COLOR === '0';
  const stderrTTY = Boolean(streams.stderr.isTTY);
  return {
    color: !noColor && !flags.machineOutput && Boolean(streams.stdout.isTTY) && !dumb,
    canAnimate: stderrTTY && !ci && !dumb && !flags.machineOutput,
    canPrompt: stderrTTY && Boolean(streams.stdin?.isTTY) && !ci,
    isCI: ci,
  };
}
