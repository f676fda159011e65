// The environment a workload gets from podid exec / podid proxy env: the two variables the EKS
// webhook injects (agent-protocol.md §2.1), and the variables that would win over them in the
// SDKs' default chains (§2.3) removed.

export const FULL_URI_VAR = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
export const TOKEN_FILE_VAR = 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE';

/**
 * Removed from the child's environment: static keys, profiles, web identity (IRSA) and the other
 * container-credential variables. AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE are kept: they
 * only matter with a profile, and AWS_PROFILE / AWS_DEFAULT_PROFILE are removed.
 */
export const COMPETING_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
] as const;

export function containerCredentialVars(url: string, tokenFile: string): Record<string, string> {
  return { [FULL_URI_VAR]: url, [TOKEN_FILE_VAR]: tokenFile };
}

/** The child's environment: the parent's, minus the competing variables, plus the two container variables. */
export function childEnvironment(base: Record<string, string | undefined>, url: string, tokenFile: string): Record<string, string> {
  const out: Record<string, string> = {};
  const drop = new Set<string>(COMPETING_VARS);
  for (const [key, value] of Object.entries(base)) if (value !== undefined && !drop.has(key)) out[key] = value;
  return { ...out, ...containerCredentialVars(url, tokenFile) };
}

/** Which competing variables were set (named in a warning; their values are never shown). */
export const competingVarsSet = (base: Record<string, string | undefined>) => COMPETING_VARS.filter((key) => base[key] !== undefined && base[key] !== '');
