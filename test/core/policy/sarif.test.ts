import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { lintText, type PolicyLintResult } from '../../../src/commands/policy-lint.js';
import { renderLintSarif } from '../../../src/ui/render/policy-lint.js';
import { buildSarif, sarifLevel } from '../../../src/ui/render/sarif.js';
import { POLICIES, ROOT } from './helpers.js';

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
