import { describe, expect, it } from 'vitest';
import { detectTerminal, isCI } from '../../src/ui/env.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('detectTerminal', () => {
  it.each([
    ['interactive terminal', {}, tty, tty, tty, {}, { color: true, canAnimate: true, canPrompt: true, canReview: true }],
    ['CI', { CI: 'true' }, tty, tty, tty, {}, { color: true, canAnimate: false, canPrompt: false, canReview: false }],
    ['NO_COLOR', { NO_COLOR: '1' }, tty, tty, tty, {}, { color: false, canAnimate: true }],
    ['--no-color', {}, tty, tty, tty, { noColor: true }, { color: false }],
    ['stdout piped', {}, pipe, tty, tty, {}, { color: false, canAnimate: true }],
    ['stderr piped', {}, tty, pipe, tty, {}, { canAnimate: false, canPrompt: false }],
    ['-o json', {}, tty, tty, tty, { machineOutput: true }, { color: false, canAnimate: false }],
    ['TERM=dumb', { TERM: 'dumb' }, tty, tty, tty, {}, { color: false, canAnimate: false, canPrompt: true, canReview: false }],
    ['CI=false', { CI: 'false' }, tty, tty, tty, {}, { canAnimate: true, isCI: false }],
    ['a terminal of 0 columns: asked, not drawn', {}, tty, { isTTY: true, columns: 0 }, tty, {}, { canAnimate: false, canPrompt: true, canReview: false }],
    ['stdin piped', {}, tty, tty, pipe, {}, { canAnimate: true, canPrompt: false, canReview: false }],
  ])('%s', (_name, env, stdout, stderr, stdin, flags, expected) => {
    expect(detectTerminal({ env, stdout, stderr, stdin }, flags)).toMatchObject(expected);
  });

  it('recognises CI providers', () => {
    expect(isCI({ GITHUB_ACTIONS: 'true' })).toBe(true);
    expect(isCI({ CI: '0' })).toBe(false);
    expect(isCI({ CI: '' })).toBe(true); // as ink's is-in-ci: present means CI
    expect(isCI({ CONTINUOUS_INTEGRATION: 'true' })).toBe(true);
    expect(isCI({})).toBe(false);
  });
});
