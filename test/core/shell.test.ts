import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { podidCommand, shellWord } from '../../src/core/shell.js';

describe('shellWord', () => {
  it.each(['plain', 'a/b.json', "it's here", 'two words', '$HOME', 'x;rm -rf /', ''])('%j reads back unchanged through sh', (word) => {
    expect(execFileSync('sh', ['-c', `printf %s ${shellWord(word) || "''"}`]).toString()).toBe(word);
  });
  it('leaves safe words bare', () => expect(shellWord('arn:aws:iam::111122223333:role/a-b_c')).toBe('arn:aws:iam::111122223333:role/a-b_c'));
});

describe('podidCommand', () => {
  it('carries --state only for an offline run', () => {
    expect(podidCommand('doctor -c demo')).toBe('podid doctor -c demo');
    expect(podidCommand('doctor -c demo', '/tmp/my state.json')).toBe("podid doctor -c demo --state '/tmp/my state.json'");
  });
});
