import type { Deps } from '../../src/deps.js';

// Fault injection for apply/resume tests: the n-th mutating call through the ports throws, either
// before it happens or after it (a lost response). Reads pass through.

/** Every mutating call of the ports. */
export const MUTATIONS = [
  'createAssociation', 'updateAssociation', 'deleteAssociation', 'updateAddonPodIdentity',
  'createRole', 'updateTrustPolicy', 'putRolePolicy', 'deleteRolePolicy', 'attachRolePolicy', 'detachRolePolicy', 'deleteRole',
  'updateRole', 'putRolePermissionsBoundary', 'tagRole',
  'createServiceAccount', 'annotateServiceAccount', 'restartWorkload',
];

/** `lost: false`: the n-th mutation fails before it happens; `lost: true`: it happens, then the call fails. */
export function faultyDeps<D extends Pick<Deps, 'eks' | 'iam' | 'kube'>>(deps: D, n: number, options: { lost?: boolean } = {}): D & { count: () => number } {
  let count = 0;
  const wrap = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, key) {
        const value = (target as Record<string | symbol, unknown>)[key];
        if (typeof value !== 'function' || !MUTATIONS.includes(String(key))) return value;
        return async (...args: unknown[]) => {
          count++;
          if (count === n && !options.lost) throw new Error(`injected failure before mutation ${n} (${String(key)})`);
          const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (count === n) throw new Error(`injected failure after mutation ${n} (${String(key)})`);
          return out;
        };
      },
    });
  return { ...deps, eks: wrap(deps.eks), iam: wrap(deps.iam), kube: wrap(deps.kube), count: () => count };
}
