// `associate`, `associations update|delete` and `apply`: validation, plan and preflight (pure).
export * from './types.js';
export { checkAssociateInput, resolveSpec, parseSessionPolicyText, assertIdentityPolicy, checkTags, defaultRoleName, type AssociateInput } from './validate.js';
export { shortHash } from '../hash.js';
export { planAssociate, associationChanges, eksSessionTags, firstHop, isManagedRole, convergeRole, scopedTrust, tagsFor, TARGET_POLICY_NAME, type PlanOptions } from './plan.js';
export { preflight, worstStatus, addonOf, namespaceExists, type InputStyle } from './preflight.js';
export { restartInfo, restartCommand, unsupportedPods } from './restart.js';
export { validateApplyFile, entryInput, applyFileSchema, sameClusterRef, entryWording, type ApplyFile, type ApplyEntry } from './file.js';
