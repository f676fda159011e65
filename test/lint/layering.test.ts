import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';

// Proves the layering rules of DESIGN.md §2 are enforced by `npm run lint`, not by good intentions.
describe('lint-enforced layering', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (filePath: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
    return result.messages.map((m) => m.ruleId);
  };

  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ["import fs from 'fs';\nexport const x = fs;\n"],
    ["import { IAMClient } from '@aws-sdk/client-iam';\nexport const x = IAMClient;\n"],
    ["import chalk from 'chalk';\nexport const x = chalk;\n"],
    ["import { Command } from 'commander';\nexport const x = Command;\n"],
    ["import { processIo } from '../ui/io.js';\nexport const x = processIo;\n"],
  ])('src/core rejects %s', async (code) => {
    expect(await lint('src/core/bad.ts', code)).toContain('no-restricted-imports');
  });

  it('src/core may not load modules dynamically either', async () => {
    expect(await lint('src/core/bad.ts', "export const load = () => import('node:fs');\n")).toContain('no-restricted-syntax');
    expect(await lint('src/core/bad.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toContain('no-restricted-imports');
  });

  it('src/core may import src/core', async () => {
    expect(await lint('src/core/good.ts', "import { EXIT } from './errors.js';\nexport const x = EXIT;\n")).toEqual([]);
  });

  it('only src/ui writes to the terminal', async () => {
    const code = "export function f() {\n  console.log('x');\n  process.stdout.write('y');\n}\n";
    expect(await lint('src/commands/bad.ts', code)).toEqual(expect.arrayContaining(['no-console', 'no-restricted-properties']));
    expect(await lint('src/adapters/bad.ts', "export function f() {\n  process.stdout.write('y');\n}\n")).toContain('no-restricted-properties');
    expect(await lint('src/ui/fine.ts', "export function f() {\n  console.log('x');\n}\n")).toEqual([]);
  });
});
