import type { ProxyEnvResult } from '../../commands/proxy-env.js';
import { shellWord } from '../../core/shell.js';
import { backendFlags } from './proxy.js';

// `podid proxy env`: shell exports, a docker --env-file, or a compose service snippet.

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

function header(result: ProxyEnvResult): string[] {
  return [
    `# podid proxy env: ${result.namespace}/${result.serviceAccount} in cluster ${result.cluster}`,
    `# start the proxy first: podid proxy --port ${new URL(result.url).port} -c ${shellWord(result.cluster)}${backendFlags({ statePath: result.statePath, source: result.proxySource })}`,
  ];
}

const CONTAINER_NOTE = [
  '# Containers must reach the proxy at a loopback address (run with --network host / network_mode: host)',
  '# or over https: the AWS SDKs refuse other hosts over http (host.docker.internal is refused).',
];

export function renderProxyEnv(result: ProxyEnvResult): string {
  const vars = Object.entries(result.variables);
  if (result.format === 'export') {
    return [...header(result), `unset ${result.unset.join(' ')}`, ...vars.map(([k, v]) => `export ${k}=${quote(v)}`)].join('\n') + '\n';
  }
  if (result.format === 'env-file') {
    return [
      ...header(result),
      ...CONTAINER_NOTE,
      `# mount the token: -v ${result.mount!.source}:${result.mount!.target}:ro`,
      ...vars.map(([k, v]) => `${k}=${v}`),
    ].join('\n') + '\n';
  }
  return [
    ...header(result),
    ...CONTAINER_NOTE,
    'services:',
    '  app:',
    '    network_mode: host',
    '    environment:',
    ...vars.map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`),
    '    volumes:',
    `      - ${JSON.stringify(`${result.mount!.source}:${result.mount!.target}:ro`)}`,
  ].join('\n') + '\n';
}
