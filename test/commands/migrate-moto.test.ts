import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsPorts } from '../../src/adapters/aws/index.js';
import { migrateIrsa } from '../../src/commands/migrate-irsa.js';
import { migrateRollback } from '../../src/commands/migrate-rollback.js';
import { DEFAULT_OPTIONS } from '../../src/core/migrate/types.js';
import { silentReporter } from '../../src/core/reporter.js';
import { fakeDeps } from '../helpers/fake-deps.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { ACCOUNT, HOST, SHARED_ROLE, WEB_ROLE, world } from '../core/migrate/world.js';

// IAM trust updates over the wire (moto): IAM is real AWS SDK traffic, EKS and Kubernetes come from
// a local state (moto has no Pod Identity associations). Trust merge, OIDC removal and the
// byte-for-byte rollback are checked on what IAM returns.

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe('migrate-irsa against moto IAM', () => {
  it('adds scoped trust, removes only this SA’s OIDC subject, and rolls back exactly', async () => {
    const env = await moto.accountEnv(ACCOUNT);
    const { iam } = awsPorts({ env, reporter: silentReporter });
    const state = world();
    for (const arn of [WEB_ROLE, SHARED_ROLE]) {
      const role = state.roles.find((r) => r.arn === arn)!;
      await iam.createRole({ name: role.name, path: role.path, trustPolicy: role.trustPolicy });
    }
    const before = { web: (await iam.getRole(WEB_ROLE)).trustPolicy, shared: (await iam.getRole(SHARED_ROLE)).trustPolicy };
    const deps = { ...fakeDeps(state), iam, backend: 'aws' as const };
    const journal = join(mkdtempSync(join(tmpdir(), 'podid-moto-')), 'j.json');
    const options = { ...DEFAULT_OPTIONS, restart: true, removeOidcTrust: true, removeAnnotations: true };
    const result = await migrateIrsa({ filter: { namespaces: ['apps'] }, options, mode: 'apply', journal, cwd: tmpdir() }, deps);
    expect(result.apply?.steps.filter((s) => s.status !== 'done')).toEqual([]);

    const shared = JSON.stringify((await iam.getRole(SHARED_ROLE)).trustPolicy);
    expect(shared).toContain('"aws:RequestTag/kubernetes-service-account":"a"');
    expect(shared).toContain('"aws:RequestTag/kubernetes-service-account":"b"');
    expect(shared).not.toContain(`${HOST}:sub`);
    expect(shared).toContain('OTHERCLUSTER');
    const again = await migrateIrsa({ filter: { namespaces: ['apps'] }, options, mode: 'check', cwd: tmpdir() }, deps);
    expect(again.plan.steps).toEqual([]);

    await migrateRollback({ journal, dryRun: false }, deps);
    expect((await iam.getRole(WEB_ROLE)).trustPolicy).toEqual(before.web);
    expect(JSON.stringify((await iam.getRole(SHARED_ROLE)).trustPolicy)).toBe(JSON.stringify(before.shared));
  });
});
