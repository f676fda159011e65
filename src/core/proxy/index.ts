// podid's local Pod Identity Agent, the pure part: wire format, checks, cache, metrics.
export { CredentialCache, IRRECOVERABLE_CODES, ShortLivedCredentialsError, type CacheEvent, type CacheOptions } from './cache.js';
export { fetchCredentials, handleRequest, type CachedCredentials, type HandlerDeps } from './handler.js';
export { allowedHostList, checkHost, hostOnly, isLoopbackHost, type HostMode } from './host.js';
export { decodeRawUrl, parseUnverified, validateBasicClaims, type ParsedToken, type ParseResult } from './jwt.js';
export { tokenBucket, type RateLimiter } from './limiter.js';
export { formatRequestLog, type RequestEvent } from './log.js';
export { ProxyMetrics } from './metrics.js';
export * from './types.js';
export * from './wire.js';
export { createProxyCore, type ProxyCore, type ProxyCoreOptions } from './create.js';
export { childEnvironment, competingVarsSet, COMPETING_VARS, containerCredentialVars, FULL_URI_VAR, REGION_VARS, regionVars, SHARED_FILE_VARS, TOKEN_FILE_VAR, workloadVariables, type WorkloadFiles } from './env.js';
