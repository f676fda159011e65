// Regenerates fixtures/demo/state.json from the pure demo builder (src/core/demo):
//   npx tsx scripts/build-demo-state.ts
// The signing key is generated once and kept on later runs, so re-running changes nothing
// unless the builder changed. Pass --new-key to replace it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSigningKey } from '../src/adapters/local/keys.js';
import { stateSchema, type StateDocument } from '../src/adapters/local/schema.js';
import { buildDemoState } from '../src/core/demo/index.js';

const target = fileURLToPath(new URL('../fixtures/demo/state.json', import.meta.url));

function existingKey(): StateDocument['signingKey'] {
  if (process.argv.includes('--new-key') || !existsSync(target)) return undefined;
  try {
    return (JSON.parse(readFileSync(target, 'utf8')) as Partial<StateDocument>).signingKey;
  } catch {
    return undefined;
  }
}

const state: StateDocument = { ...buildDemoState(), signingKey: existingKey() ?? (await generateSigningKey()) };
const parsed = stateSchema.safeParse(state);
if (!parsed.success) {
  console.error(`demo state does not validate:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  process.exit(1);
}
const text = JSON.stringify(state, null, 2) + '\n';
const previous = existsSync(target) ? readFileSync(target, 'utf8') : '';
if (text === previous) {
  console.log(`${target}: unchanged`);
} else {
  writeFileSync(target, text);
  const cluster = state.clusters[0];
  console.log(`${target}: written (${cluster.serviceAccounts.length} service accounts, ${cluster.pods.length} pods, ${cluster.associations.length} associations, ${state.roles.length} roles)`);
}
