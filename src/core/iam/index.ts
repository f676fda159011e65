// podid's IAM policy evaluator: public API. Pure code (no I/O, no libraries).
export type * from './types.js';
export { evaluatePolicy, resourceMatches } from './evaluate.js';
export { authorize } from './authorize.js';
export { evaluateCondition, evaluateConditions, parseOperator } from './conditions.js';
export { matchPrincipal, type PrincipalMatch } from './principal.js';
export { wildcardMatch, actionMatches } from './match.js';
export { contextLookup, resolveValue, resolveVariable } from './variables.js';
export { explainPolicy, closestStatement, whyNot, conditionText, statementLabel } from './explain.js';
