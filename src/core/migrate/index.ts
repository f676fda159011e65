// IRSA → Pod Identity migration (pure): planner, journal model and IaC exporters.
export * from './types.js';
export { planMigration } from './plan.js';
export { newJournal, validateJournal, planRollback, rollbackTarget, doneSteps, type RollbackAction } from './journal.js';
export { revertTrust, type TrustRecord, type TrustRevert } from './revert-trust.js';
export { exportPlan, exportTerraform, exportCloudFormation, exportEksctl, EXPORT_FORMATS, type ExportFormat } from './export.js';
export { bridgeRoleName, bridgeRoleArn, BRIDGE_TAG } from './bridge.js';
export { removeOidcSubject, trustAcceptsPodIdentity, targetAccepts, oidcProviderArn } from './trust.js';
export { selectServiceAccounts, podsOf, indexPods } from './pods.js';
export { selectAddons, addonServiceAccount, inScope, ADDON_NAMESPACE, type AddonScope } from './scope.js';
export { selectPlan, initialReview, review, visibleRows, isSelectable, journalSelection, withSelection, type ReviewState, type ReviewAction, type PlanSelection } from './select.js';
