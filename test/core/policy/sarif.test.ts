import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { lintText, type PolicyLintResult } from '../../../src/commands/policy-lint.js';
import { renderLintSarif } from '../../../src/ui/render/policy-lint.js';
import { buildSarif, sarifLevel } from '../../../src/ui/render/sarif.js';
import { runCli } from '../../helpers/run-cli.js';
import { POLICIES, ROOT } from './helpers.js';

const LINT = join(POLICIES, 'lint');

// SARIF output validated with ajv against the shipped subset of the OASIS SARIF 2.1.0 schema.

const schema = JSON.parse(readFileSync(join(ROOT, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
const validate = ajv.compile(schema);

function lintResult(paths: string[]): PolicyLintResult {
  const files = paths.map((p) => lintText(p, readFileSync(join(POLICIES, 'lint', p), 'utf8'), { quota: 2048 }));
  const all = files.flatMap((f) => f.findings);
  return { files, summary: { files: files.length, errors: all.filter((f) => f.severity === 'error').length, warnings: all.filter((f) => f.severity === 'warning').length, infos: 0 } };
}

describe('SARIF 2.1.0', () => {
  it('the schema is marked as the required-properties subset of the OASIS schema', () => {
    expect(schema.description).toMatch(/required-properties subset of the OASIS SARIF 2\.1\.0 schema/);
  });

  it('policy lint output validates, with rules, results and line locations', () => {
    const sarif = JSON.parse(renderLintSarif(lintResult(['PODID-T001/fail.json', 'PODID-T007/fail.json', 'PODID-V001/fail.json', 'PODID-S001/fail.json', 'PODID-T001/pass.json']), { version: '0.1.0' }));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.length).toBeGreaterThanOrEqual(12);
    const t001 = run.results.find((r: { ruleId: string }) => r.ruleId === 'PODID-T001');
    expect(t001.level).toBe('error');
    expect(t001.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'PODID-T001/fail.json' }, region: { startLine: 4 } });
    expect(run.tool.driver.rules[t001.ruleIndex].id).toBe('PODID-T001');
    expect(run.results.find((r: { ruleId: string }) => r.ruleId === 'PODID-V001').locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 69 });
  });

  it('an empty run validates too', () => {
    expect(validate(JSON.parse(renderLintSarif({ files: [], summary: { files: 0, errors: 0, warnings: 0, infos: 0 } })))).toBe(true);
  });

  it('the generic builder handles absolute paths, unknown rules and logical locations', () => {
    const log = buildSarif({
      tool: { name: 'podid', version: '0.1.0', informationUri: 'https://example.com/podid' },
      rules: [{ id: 'DOCTOR-001', shortDescription: 'agent missing', defaultLevel: 'error' }],
      results: [
        { ruleId: 'DOCTOR-001', level: 'error', message: 'no agent', locations: [{ uri: '/tmp/a b/state.json', startLine: 3, logicalName: 'cluster/prod' }] },
        { ruleId: 'OTHER', level: sarifLevel('info'), message: 'x' },
      ],
    });
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = (log.runs as { results: { locations?: { physicalLocation: { artifactLocation: { uri: string } } }[]; ruleIndex?: number }[] }[])[0].results;
    expect(results[0].locations?.[0].physicalLocation.artifactLocation.uri).toBe('file:///tmp/a%20b/state.json');
    expect(results[1].ruleIndex).toBeUndefined();
  });

  it('rejects what the schema forbids (the validator is not a no-op)', () => {
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'a', level: 'fatal', message: { text: 'm' } }] }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { region: { startLine: 0 } } }] }] }] })).toBe(false);
  });
});

describe('SARIF for GitHub code scanning, end to end', () => {
  /** What GitHub code scanning needs of each result (sarif-sdk GH1001/GH1003/GH1005): a location with a relative or file: uri and a start line. */
  function expectUploadable(log: { runs: { results: { locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[] }[] }[] }) {
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0].results;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      const physical = r.locations?.[0]?.physicalLocation;
      const uri = physical?.artifactLocation?.uri ?? '';
      expect(uri).not.toBe('');
      expect(uri).not.toBe('-');
      expect(uri.startsWith('file:///') || !/^[a-z][a-z0-9+.-]*:/i.test(uri), uri).toBe(true);
      expect(physical?.region?.startLine).toBeGreaterThanOrEqual(1);
    }
  }

  it('an unreadable file is a result of its own, next to the others: exit 1 and a valid log', async () => {
    const { code, stdout } = await runCli(['policy', 'lint', `${LINT}/PODID-T001/pass.json`, 'does-not-exist.json', `${LINT}/PODID-T004/fail.json`, '-o', 'sarif'], { cwd: ROOT });
    expect(code).toBe(1);
    const log = JSON.parse(stdout);
    expectUploadable(log);
    const uris = log.runs[0].results.map((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri]);
    expect(uris).toEqual([['PODID-V001', 'does-not-exist.json'], ['PODID-T004', `${LINT}/PODID-T004/fail.json`.replace(/^\//, 'file:///')]]);
  });

  it("--association with --state: every result is located in the state file at the role's trust policy, with the role as logical location", async () => {
    for (const association of ['inventory/inventory-sync', 'analytics/model-trainer']) {
      const { code, stdout } = await runCli(['policy', 'lint', '--association', association, '--state', 'fixtures/demo/state.json', '-o', 'sarif'], { cwd: ROOT });
      expect(code).toBe(1);
      const log = JSON.parse(stdout);
      expectUploadable(log);
      const state = readFileSync(join(ROOT, 'fixtures/demo/state.json'), 'utf8').split('\n');
      for (const r of log.runs[0].results) {
        const { artifactLocation, region } = r.locations[0].physicalLocation;
        expect(artifactLocation.uri).toBe('fixtures/demo/state.json');
        // the statement's own line inside the role's trustPolicy
        expect(state[region.startLine - 1].trim()).toBe('{');
        expect(state[region.startLine - 2]).toContain('"Statement"');
        expect(state[region.startLine - 4]).toContain('"trustPolicy"');
        expect(r.locations[0].logicalLocations[0]).toMatchObject({ kind: 'resource', fullyQualifiedName: expect.stringMatching(/^arn:aws:iam::111122223333:role\//) });
      }
    }
  });

  it('stdin is the artifact "stdin", and findings about the whole document are on line 1', async () => {
    const text = readFileSync(join(POLICIES, 'lint/PODID-V002/fail.json'), 'utf8');
    const { stdout } = await runCli(['policy', 'lint', '-', '-o', 'sarif'], { stdin: text });
    const log = JSON.parse(stdout);
    expectUploadable(log);
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'stdin' }, region: { startLine: 1 } });
  });

  it('a role read from AWS (no state file) gets a stable relative uri naming the role', () => {
    const result: PolicyLintResult = {
      files: [{ ...lintText('role:arn:aws:iam::111122223333:role/team/app', readFileSync(join(POLICIES, 'lint/PODID-T001/fail.json'), 'utf8'), { quota: 2048 }), artifact: { uri: 'aws-iam/role/team/app/trust-policy.json', roleArn: 'arn:aws:iam::111122223333:role/team/app' } }],
      summary: { files: 1, errors: 1, warnings: 0, infos: 0 },
    };
    const log = JSON.parse(renderLintSarif(result));
    expectUploadable(log);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('aws-iam/role/team/app/trust-policy.json');
  });
});
