// The environment a workload gets from podid exec / podid proxy env: the two variables the EKS
// webhook injects (agent-protocol.md §2.1), and the variables that would win over them in the
// SDKs' default chains (§2.3) removed or neutralised.

export const FULL_URI_VAR = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
export const TOKEN_FILE_VAR = 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE';

/**
 * Removed from the child's environment: static keys, profiles, web identity (IRSA) and the other
 * container-credential variables.
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

/**
 * Pointed at an empty file: without a profile every SDK reads the `default` profile of the shared
 * credentials and config files (~/.aws/credentials, ~/.aws/config), before the container provider.
 */
export const SHARED_FILE_VARS = ['AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'] as const;

/** The JS SDKs read AWS_REGION, botocore AWS_DEFAULT_REGION; with the config file hidden, both are set. */
export const REGION_VARS = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

export interface WorkloadFiles {
  /** The proxy's credentials URL. */
  url: string;
  tokenFile: string;
  /** An empty file for the shared credentials/config variables (an empty temp file, or /dev/null). */
  emptyFile: string;
  /** The cluster's region, used when `base` names none. */
  region?: string;
}

export function containerCredentialVars(url: string, tokenFile: string): Record<string, string> {
  return { [FULL_URI_VAR]: url, [TOKEN_FILE_VAR]: tokenFile };
}

const isSet = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The region variables `base` lacks, set to its region (AWS_REGION, then AWS_DEFAULT_REGION) or else `region`. */
export function regionVars(base: Record<string, string | undefined>, region?: string): Record<string, string> {
  const resolved = [base.AWS_REGION, base.AWS_DEFAULT_REGION, region].find(isSet);
  const out: Record<string, string> = {};
  if (resolved) for (const key of REGION_VARS) if (!isSet(base[key])) out[key] = resolved;
  return out;
}

/** What a workload started from `base` must set: the container variables, the empty shared files and the region. */
export function workloadVariables(base: Record<string, string | undefined>, files: WorkloadFiles): Record<string, string> {
  const shared = Object.fromEntries(SHARED_FILE_VARS.map((key) => [key, files.emptyFile]));
  return { ...containerCredentialVars(files.url, files.tokenFile), ...shared, ...regionVars(base, files.region) };
}

/** The child's environment: the parent's, minus the competing variables, plus the workload variables. */
export function childEnvironment(base: Record<string, string | undefined>, files: WorkloadFiles): Record<string, string> {
  const out: Record<string, string> = {};
  const drop = new Set<string>(COMPETING_VARS);
  for (const [key, value] of Object.entries(base)) if (value !== undefined && !drop.has(key)) out[key] = value;
  return { ...out, ...workloadVariables(base, files) };
}

/** Which competing variables were set (named in a warning; their values are never shown). */
export const competingVarsSet = (base: Record<string, string | undefined>) => COMPETING_VARS.filter((key) => isSet(base[key]));
