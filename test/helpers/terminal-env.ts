// CI runners set CI (and friends); podid and ink then refuse live views and prompts by design.
// Tests of terminal behaviour must not depend on where the suite runs, so they start from an
// environment without those markers. Tests of CI behaviour set CI themselves.

/** Variables that make podid (src/ui/env.ts isCI) or ink (is-in-ci) think they run in CI. */
export const CI_MARKERS = ['CI', 'CONTINUOUS_INTEGRATION', 'GITHUB_ACTIONS', 'GITLAB_CI', 'BUILDKITE', 'JENKINS_URL', 'TF_BUILD', 'CODEBUILD_BUILD_ID'];

/** The parent's environment as a developer's terminal would have it: no CI markers, no colour overrides. */
export function terminalEnv(term = 'xterm', base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || CI_MARKERS.includes(key) || key === 'NO_COLOR' || key === 'FORCE_COLOR') continue;
    env[key] = value;
  }
  return { ...env, TERM: term };
}
