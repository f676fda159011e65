import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SigningKey } from '../../src/adapters/local/keys.js';
import { generateSigningKey } from '../../src/adapters/local/keys.js';
import { stateSchema } from '../../src/adapters/local/schema.js';
import { LocalStore } from '../../src/adapters/local/store.js';
import { writeStateFile } from '../../src/adapters/local/state-file.js';
import { localInit, defaultLocalInitDeps, type LocalInitDeps } from '../../src/commands/local-init.js';
import { buildDemoState } from '../../src/core/demo/index.js';
import { UsageError, UserError } from '../../src/core/errors.js';
import { runCli } from '../helpers/run-cli.js';

// `podid local init`: the command function with a fixed key, and the CLI in-process.

const FIXED_KEY: SigningKey = { kid: 'test-kid', alg: 'RS256', privateJwk: { kty: 'RSA', d: 'x' }, publicJwk: { kty: 'RSA', n: 'y', e: 'AQAB' } };
const fixedDeps: LocalInitDeps = { ...defaultLocalInitDeps, generateSigningKey: async () => FIXED_KEY };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podid-local-init-'));
});
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('localInit (command)', () => {
  it('writes an empty state: one cluster, the agent add-on, a caller and the key', async () => {
    const path = join(dir, 'empty.json');
    const result = await localInit({ path, demo: false, force: false }, fixedDeps);
    expect(result).toEqual({
      path,
      kind: 'empty',
      overwritten: false,
      mode: '0600',
      clusters: [{ name: 'demo', region: 'us-west-2', accountId: '111122223333', serviceAccounts: 0, pods: 0, associations: 0 }],
      counts: { clusters: 1, serviceAccounts: 0, pods: 0, associations: 0, roles: 0 },
      signingKey: { kid: 'test-kid', alg: 'RS256' },
    });
    const doc = stateSchema.parse(readJson(path));
    expect(doc.clusters[0].cluster).toMatchObject({ arn: 'arn:aws:eks:us-west-2:111122223333:cluster/demo', status: 'ACTIVE', partition: 'aws' });
    expect(doc.clusters[0].cluster.oidcIssuer).toMatch(/^https:\/\/oidc\.eks\.us-west-2\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    expect(doc.clusters[0].addons.map((a) => [a.name, a.status])).toEqual([['eks-pod-identity-agent', 'ACTIVE']]);
    expect(doc.caller.arn).toBe('arn:aws:iam::111122223333:role/platform-admin');
    expect(doc.signingKey).toEqual(FIXED_KEY);
    expect(mode(path)).toBe('600');
  });

  it('uses --cluster, --region and --account, with the partition of the region', async () => {
    const path = join(dir, 'cn.json');
    await localInit({ path, demo: false, force: false, cluster: 'prod_1', region: 'cn-north-1', account: '444455556666' }, fixedDeps);
    const doc = stateSchema.parse(readJson(path));
    expect(doc.clusters[0].cluster).toMatchObject({ name: 'prod_1', region: 'cn-north-1', accountId: '444455556666', partition: 'aws-cn', arn: 'arn:aws-cn:eks:cn-north-1:444455556666:cluster/prod_1' });
    expect(doc.clusters[0].cluster.oidcIssuer).toMatch(/^https:\/\/oidc\.eks\.cn-north-1\.amazonaws\.com\.cn\/id\//);
    expect(doc.caller.arn).toBe('arn:aws-cn:iam::444455556666:role/platform-admin');
  });

  it('writes the demo state: the builder output plus a fresh key', async () => {
    const path = join(dir, 'demo.json');
    const result = await localInit({ path, demo: true, force: false }, fixedDeps);
    expect(result.counts).toEqual({ clusters: 1, serviceAccounts: 32, pods: 59, associations: 13, roles: 18 });
    const { signingKey, ...rest } = readJson(path);
    expect(rest).toEqual(buildDemoState());
    expect(signingKey).toEqual(FIXED_KEY);
  });

  it('refuses to overwrite an existing file, and replaces it with --force', async () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, 'keep me', { mode: 0o644 });
    await expect(localInit({ path, demo: false, force: false }, fixedDeps)).rejects.toThrow(UserError);
    expect(readFileSync(path, 'utf8')).toBe('keep me');
    const result = await localInit({ path, demo: true, force: true }, fixedDeps);
    expect(result.overwritten).toBe(true);
    expect(mode(path)).toBe('600');
    expect(readJson(path).clusters[0].pods).toHaveLength(59);
  });

  it('refuses a directory even with --force', async () => {
    const path = join(dir, 'sub');
    mkdirSync(path);
    await expect(localInit({ path, demo: false, force: true }, fixedDeps)).rejects.toThrow(/not a regular file/);
  });

  it.each([
    [{ cluster: 'bad name' }, /--cluster/],
    [{ region: 'Oregon' }, /--region/],
    [{ account: '1234' }, /--account/],
  ])('rejects bad input %o as a usage error', async (extra, message) => {
    const attempt = localInit({ path: join(dir, 'x.json'), demo: false, force: false, ...extra }, fixedDeps);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('rejects cluster options with --demo', async () => {
    await expect(localInit({ path: join(dir, 'x.json'), demo: true, force: false, region: 'eu-west-1' }, fixedDeps)).rejects.toThrow(/'--region' cannot be used with '--demo'/);
  });

  it('writes through writeStateFile atomically (no temp file left behind)', async () => {
    const calls: string[] = [];
    const deps: LocalInitDeps = { ...fixedDeps, writeStateFile: async (p, s, o) => (calls.push(p), writeStateFile(p, s, o)) };
    const path = join(dir, 'atomic.json');
    await localInit({ path, demo: false, force: false }, deps);
    expect(calls).toEqual([path]);
    expect(readFileSync(path, 'utf8')).toMatch(/^\{\n {2}"schemaVersion": 1,/);
    expect((await import('node:fs')).readdirSync(dir)).toEqual(['atomic.json']);
  });
});

describe('generateSigningKey', () => {
  it('returns an RS256 key pair whose kid is the thumbprint', async () => {
    const { calculateJwkThumbprint } = await import('jose');
    const key = await generateSigningKey();
    expect(key.alg).toBe('RS256');
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    expect(key.publicJwk).toMatchObject({ kty: 'RSA', kid: key.kid, alg: 'RS256', use: 'sig' });
    expect(key.publicJwk.d).toBeUndefined();
    expect(key.privateJwk.d).toBeTypeOf('string');
    expect((await generateSigningKey()).kid).not.toBe(key.kid);
  });
});

describe('podid local init (CLI)', () => {
  it('prints a short summary table and writes a file LocalStore can open', async () => {
    const r = await runCli(['local', 'init', '--demo', 'demo.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Created demo state ${join(dir, 'demo.json')} (mode 0600)`);
    expect(r.stdout).toMatch(/CLUSTER\s+REGION\s+ACCOUNT\s+SERVICE ACCOUNTS\s+PODS\s+ASSOCIATIONS\n\s*demo\s+us-west-2\s+111122223333\s+32\s+59\s+13/);
    expect(r.stdout).toContain('IAM roles: 18');
    const store = await LocalStore.open(join(dir, 'demo.json'));
    expect(store.cluster().associations).toHaveLength(13);
    expect(store.doc.signingKey?.alg).toBe('RS256');
    expect(mode(join(dir, 'demo.json'))).toBe('600');
  });

  it('-o json prints one document with schemaVersion', async () => {
    const r = await runCli(['local', 'init', '-c', 'prod', '--region', 'eu-west-1', '--account', '444455556666', 'prod.json', '-o', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, kind: 'empty', path: join(dir, 'prod.json'), counts: { clusters: 1, serviceAccounts: 0, pods: 0, associations: 0, roles: 0 } });
    expect(doc.clusters[0]).toMatchObject({ name: 'prod', region: 'eu-west-1', accountId: '444455556666' });
    expect((await LocalStore.open(join(dir, 'prod.json'))).cluster('prod').cluster.region).toBe('eu-west-1');
  });

  it('-o yaml prints the same result as YAML', async () => {
    const r = await runCli(['local', 'init', 'e.json', '-o', 'yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(parseYaml(r.stdout)).toMatchObject({ schemaVersion: 1, kind: 'empty', counts: { roles: 0 } });
  });

  it('refuses to overwrite (exit 1, clear message) and --force replaces', async () => {
    writeFileSync(join(dir, 'state.json'), '{}');
    const refused = await runCli(['local', 'init', 'state.json'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`podid: ${join(dir, 'state.json')} already exists; not overwriting it`);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe('{}');
    const forced = await runCli(['local', 'init', '--force', 'state.json'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Replaced empty state');
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['local', 'init'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['local', 'init', '--demo', '--account', '444455556666', 'x.json'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['local'], { cwd: dir })).code).toBe(2);
  });

  it('--help shows examples', async () => {
    const r = await runCli(['local', 'init', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: podid local init [options] <file>');
    expect(r.stdout).toContain('$ podid local init --demo demo.json');
    expect(r.stdout).toContain('--force');
  });
});
