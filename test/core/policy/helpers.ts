import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const POLICIES = join(ROOT, 'fixtures/policies');
export const CLUSTER = 'arn:aws:eks:us-west-2:111122223333:cluster/prod';
export const OTHER_CLUSTER = 'arn:aws:eks:eu-west-1:111122223333:cluster/prod';

export const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Compares `actual` with the golden file; UPDATE_GOLDEN=1 (re)writes it instead. */
export function golden(name: string, actual: unknown): { expected: unknown; actual: unknown } {
  const path = join(POLICIES, 'golden', `${name}.json`);
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (!process.env.UPDATE_GOLDEN && !existsSync(path)) throw new Error(`missing golden file ${path}: run with UPDATE_GOLDEN=1`);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return { expected: readJson(path), actual: JSON.parse(text) };
}
