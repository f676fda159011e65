import { saKey, type Role, type ServiceAccount } from '../model.js';
import { IRSA_ANNOTATIONS, type AddonFacts, type PlanEntry, type SaFilter } from './types.js';

// What a run covers: -n / --selector / --exclude apply to service accounts and to add-ons alike,
// an add-on by `<its namespace>/<its service account>` (kube-system unless an annotated service
// account elsewhere carries the add-on's role). Pure.

export const ADDON_NAMESPACE = 'kube-system';

/** Does the service account (namespace, name, labels) pass the filter? */
export function inScope(namespace: string, name: string, labels: Readonly<Record<string, string>> | undefined, filter: SaFilter): boolean {
  if (filter.namespaces?.length && !filter.namespaces.includes(namespace)) return false;
  if (filter.exclude?.includes(saKey(namespace, name))) return false;
  return Object.entries(filter.selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/**
 * The add-on's service account: the annotated one carrying its role (among those it declares),
 * else the only one it declares, else the one its role's trust names. `serviceAccounts` may hold
 * any service accounts; only annotated ones are matched.
 */
export function addonServiceAccount(facts: AddonFacts, serviceAccounts: readonly ServiceAccount[], roles: ReadonlyMap<string, Role | null>): { namespace: string; name: string } | undefined {
  const names = facts.podIdentityServiceAccounts;
  const annotated = serviceAccounts.find((s) => s.annotations[IRSA_ANNOTATIONS.roleArn] === facts.addon.serviceAccountRoleArn && (!names.length || names.includes(s.name)));
  if (annotated) return { namespace: annotated.namespace, name: annotated.name };
  if (names.length === 1) return { namespace: ADDON_NAMESPACE, name: names[0] };
  const role = roles.get(facts.addon.serviceAccountRoleArn!);
  const trust = role ? JSON.stringify(role.trustPolicy) : '';
  const found = names.find((n) => trust.includes(`system:serviceaccount:${ADDON_NAMESPACE}:${n}"`));
  return found ? { namespace: ADDON_NAMESPACE, name: found } : undefined;
}

export interface AddonScope {
  /** Add-ons with an IRSA role that the filter keeps. */
  addons: AddonFacts[];
  /** "ns/sa" keys of the kept add-ons' service accounts (resolved, else every one they declare). */
  keys: string[];
  /** Annotated service accounts of add-ons the filter leaves out: not to be migrated as plain service accounts either. */
  leftOut: (sa: ServiceAccount) => boolean;
}

/**
 * -n / --selector / --exclude over add-ons. An add-on whose service account cannot be resolved
 * (it declares several and its trust names none) counts as in scope when one of the service
 * accounts it declares is. `filter.addons === false` (--manifests without --include-addons)
 * leaves every add-on out.
 */
export function selectAddons(addons: readonly AddonFacts[], serviceAccounts: readonly ServiceAccount[], roles: ReadonlyMap<string, Role | null>, filter: SaFilter): AddonScope {
  const labels = new Map(serviceAccounts.map((s) => [saKey(s.namespace, s.name), s.labels]));
  const kept: AddonFacts[] = [];
  const keys: string[] = [];
  const dropped: { roleArn: string; namespace: string }[] = [];
  for (const facts of addons) {
    if (!facts.addon.serviceAccountRoleArn) continue;
    const resolved = addonServiceAccount(facts, serviceAccounts, roles);
    const candidates = resolved ? [resolved] : facts.podIdentityServiceAccounts.map((name) => ({ namespace: ADDON_NAMESPACE, name }));
    const namespace = resolved?.namespace ?? ADDON_NAMESPACE;
    const inside =
      filter.addons !== false &&
      (candidates.length
        ? candidates.some((c) => inScope(c.namespace, c.name, labels.get(saKey(c.namespace, c.name)), filter))
        : inScope(namespace, '', {}, { ...filter, exclude: [] }));
    if (inside) {
      kept.push(facts);
      keys.push(...candidates.map((c) => saKey(c.namespace, c.name)));
    } else dropped.push({ roleArn: facts.addon.serviceAccountRoleArn, namespace });
  }
  const leftOut = (sa: ServiceAccount) => dropped.some((d) => d.roleArn === sa.annotations[IRSA_ANNOTATIONS.roleArn] && (sa.namespace === d.namespace || sa.namespace === ADDON_NAMESPACE));
  return { addons: kept, keys, leftOut };
}

/** What the gatherer listed: service accounts of every namespace (`all`) or of these, and the add-ons' declared "ns/sa". */
export interface Listed {
  all: boolean;
  namespaces: Set<string>;
  serviceAccounts: ServiceAccount[];
  addonServiceAccounts: string[];
}

/**
 * Filters that matched nothing, as warnings: a -n namespace without any service account, a
 * --selector no service account carries, an --exclude naming none. A typo there would otherwise
 * turn into an empty plan that passes --check. Only what the listings covered is judged.
 */
export function filterWarnings(filter: SaFilter, listed: Listed, entries: readonly Pick<PlanEntry, 'namespace' | 'serviceAccount'>[]): string[] {
  const warnings: string[] = [];
  const covered = (namespace: string) => listed.all || listed.namespaces.has(namespace);
  const namespaces = new Set([...listed.serviceAccounts.map((s) => s.namespace), ...entries.map((e) => e.namespace)]);
  for (const ns of filter.namespaces ?? []) {
    if (covered(ns) && !namespaces.has(ns)) warnings.push(`-n ${ns}: no service account in that namespace (a typo?); nothing there was checked`);
  }
  const selector = Object.entries(filter.selector ?? {});
  if (selector.length) {
    const candidates = listed.serviceAccounts.filter((s) => !filter.namespaces?.length || filter.namespaces.includes(s.namespace));
    if (!candidates.some((s) => selector.every(([k, v]) => s.labels?.[k] === v))) {
      warnings.push(`--selector ${selector.map(([k, v]) => `${k}=${v}`).join(',')}: no service account${filter.namespaces?.length ? ' in the chosen namespaces' : ''} has that label; nothing was selected`);
    }
  }
  const known = new Set([...listed.serviceAccounts.map((s) => saKey(s.namespace, s.name)), ...listed.addonServiceAccounts]);
  for (const key of filter.exclude ?? []) {
    const [ns] = key.split('/');
    if (covered(ns) && !known.has(key)) warnings.push(`--exclude ${key}: no such service account; it excludes nothing`);
  }
  return warnings;
}
