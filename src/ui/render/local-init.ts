import type { LocalInitResult } from '../../commands/local-init.js';
import type { RenderContext } from '../output.js';
import { renderTable } from './table.js';
import { shellWord } from '../../core/shell.js';

// `podid local init` for people: what was written where, what it holds, and what to run next.

export function renderLocalInit(result: LocalInitResult, _ctx: RenderContext): string {
  const what = result.kind === 'demo' ? 'demo state' : 'empty state';
  const lines = [`${result.overwritten ? 'Replaced' : 'Created'} ${what} ${result.path} (mode ${result.mode})`, ''];
  const table = renderTable(result.clusters, [
    { header: 'cluster', value: (c) => c.name },
    { header: 'region', value: (c) => c.region },
    { header: 'account', value: (c) => c.accountId },
    { header: 'service accounts', value: (c) => c.serviceAccounts },
    { header: 'pods', value: (c) => c.pods },
    { header: 'associations', value: (c) => c.associations },
  ]);
  lines.push(table.trimEnd(), '');
  lines.push(`IAM roles: ${result.counts.roles} · signing key: ${result.signingKey.alg} kid ${result.signingKey.kid.slice(0, 12)}…`, '');
  const state = shellWord(result.path);
  lines.push('Next:');
  if (result.kind === 'demo') {
    lines.push(`  $ podid associations list -A --state ${state}`, `  $ podid doctor --state ${state}`);
  } else {
    lines.push(`  $ podid associate -n NAMESPACE -s SERVICE_ACCOUNT --create-role --state ${state}`, `  $ podid associations list -A --state ${state}`);
  }
  return lines.join('\n') + '\n';
}

