import type { TokenMintResult } from '../../commands/token-mint.js';

// `podid token mint`: stdout carries only the token, with no trailing newline (botocore and the JS
// SDK reject a token file that ends in one). When the token went to a file, stdout stays empty.

export type TokenMintOutput = Omit<TokenMintResult, 'token'> & { token?: string; file?: string };

export function renderTokenMint(result: TokenMintOutput): string {
  return result.file ? '' : (result.token ?? '');
}
