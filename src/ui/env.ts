// The one place that decides whether podid may animate, prompt or colour (aesthetics rule 10).

export interface TerminalStreams {
  env: Record<string, string | undefined>;
  stdout: { isTTY?: boolean };
  stderr: { isTTY?: boolean; columns?: number };
  stdin?: { isTTY?: boolean };
}

export interface Terminal {
  /** Colour on the stream the text goes to. */
  color: boolean;
  /** Spinners and live ink views on stderr. */
  canAnimate: boolean;
  /** y/N questions (stdin and stderr are TTYs, not CI). */
  canPrompt: boolean;
  /** Full-screen interactive views (ink): a prompt-capable terminal that also reports its width. */
  canReview: boolean;
  isCI: boolean;
}

/**
 * ink's own CI rule (is-in-ci), so podid never mounts a live view that ink would then not draw:
 * CI or CONTINUOUS_INTEGRATION present (even empty) and not "0"/"false". Plus providers that set neither.
 */
export function isCI(env: Record<string, string | undefined>): boolean {
  const set = (key: string) => env[key] !== undefined && env[key] !== '0' && env[key] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION') || Boolean(env.GITHUB_ACTIONS || env.GITLAB_CI || env.BUILDKITE || env.JENKINS_URL || env.TF_BUILD || env.CODEBUILD_BUILD_ID);
}

export function detectTerminal(streams: TerminalStreams, flags: { noColor?: boolean; machineOutput?: boolean } = {}): Terminal {
  const { env } = streams;
  const ci = isCI(env);
  const dumb = env.TERM === 'dumb';
  const noColor = flags.noColor || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.FORCE_COLOR === '0';
  // A terminal that reports 0 columns (kubectl/docker exec -t before a resize, `script`) cannot be
  // animated: spinners divide by the width and redraw forever.
  // A y/N question needs no width, so such a terminal may still be asked.
  const stderrTTY = Boolean(streams.stderr.isTTY);
  const drawable = stderrTTY && streams.stderr.columns !== 0 && !dumb;
  const canPrompt = stderrTTY && Boolean(streams.stdin?.isTTY) && !ci;
  return {
    color: !noColor && !flags.machineOutput && Boolean(streams.stdout.isTTY) && !dumb,
    canAnimate: drawable && !ci && !flags.machineOutput,
    canPrompt,
    canReview: canPrompt && drawable,
    isCI: ci,
  };
}
