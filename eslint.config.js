import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layering (DESIGN.md §2): core is pure; only ui writes to the terminal.
const coreForbidden = {
  patterns: [
    { group: ['node:*'], message: 'src/core is pure: no Node built-ins.' },
    { group: ['@aws-sdk/*', '!@aws-sdk/util-arn-parser', '@smithy/*', '@kubernetes/*'], message: 'src/core is pure: no SDKs (the pure ARN parser is allowed).' },
    { group: ['ink', 'react', 'chalk', 'ora', 'commander'], message: 'src/core is pure: no terminal or CLI libraries.' },
    { group: ['**/adapters/**', '**/services/**', '**/ui/**', '**/commands/**', '**/cli/**'], message: 'src/core imports only src/core.' },
  ],
  paths: ['fs', 'path', 'http', 'https', 'crypto', 'os', 'child_process', 'url', 'util', 'stream', 'events', 'net', 'tls'].map((name) => ({
    name,
    message: 'src/core is pure: no Node built-ins.',
  })),
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/ui/**'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src/core/**/*.ts', 'src/core/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', coreForbidden],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'console'],
      'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: 'src/core is pure: no dynamic import().' }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/ui/**'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'process', property: 'stdout', message: 'Only src/ui writes to the terminal.' },
        { object: 'process', property: 'stderr', message: 'Only src/ui writes to the terminal.' },
        { object: 'process', property: 'exit', message: 'Only src/main.ts decides the exit code.' },
      ],
    },
  },
);
