// `podid doctor`: independent pure checks over facts gathered once. Public API.
export type * from './types.js';
export { CHECKS, CHECK_IDS, STATUS_ORDER, countStatuses, doctorExitCode, doctorSteps, runDoctor, selectChecks, worstOf, type DoctorRun } from './run.js';
export { indexFacts, isAgentPod, AGENT_NAME, AGENT_NAMESPACE } from './index-facts.js';
export { MIGRATION_CANDIDATE } from './irsa.js';
export { noProxyCovers, AGENT_IPV4, AGENT_IPV6 } from './no-proxy.js';
export { controllerOf, restartFix } from './fixes.js';
