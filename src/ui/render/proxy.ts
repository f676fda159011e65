import type { ProxyResult, ProxyStarted } from '../../commands/proxy.js';
import { shellWord } from '../../core/shell.js';

/**
 * The backend flags a printed podid command needs to reach the same backend: `--state FILE` (without
 * it the command would use AWS, e.g. the eks-auth source against real AWS) and `--source` when it
 * is not the default.
 */
export function backendFlags(options: { statePath?: string; source?: string }): string {
  return `${options.statePath ? ` --state ${shellWord(options.statePath)}` : ''}${options.source ? ` --source ${options.source}` : ''}`;
}

/** `podid proxy env …` for a workload of this proxy (the live view's footer, the banner). */
export function proxyEnvCommand(started: Pick<ProxyStarted, 'port' | 'cluster'>, flags: { statePath?: string; source?: string } = {}): string {
  return `podid proxy env -n NS -s SA --port ${started.port} -c ${shellWord(started.cluster)}${backendFlags(flags)}`;
}

// `podid proxy`: the start-up line on stdout (the URL, or one JSON line under -o json) so a
// script can start it with --port 0 and read where it listens; the summary on stderr at shutdown.

export function renderProxyStarted(started: ProxyStarted, format: 'table' | 'json' | 'yaml'): string {
  if (format === 'json') return JSON.stringify({ schemaVersion: 1, ...started }) + '\n';
  if (format === 'yaml') return `url: ${started.url}\nhost: "${started.host}"\nport: ${started.port}\ncluster: ${started.cluster}\nsource: ${started.source}\n---\n`;
  return `${started.url}\n`;
}

export function renderProxyBanner(started: ProxyStarted, flags: { statePath?: string; source?: string } = {}): string {
  const lines = [
    `podid proxy: serving cluster ${started.cluster} credentials (source ${started.source}) at ${started.url}`,
    `  host check: ${started.hostCheck === 'strict' ? 'strict (169.254.170.23, fd00:ec2::23 only)' : 'agent addresses and loopback'}`,
  ];
  if (started.probeUrl) lines.push(`  probes: ${started.probeUrl}/healthz ${started.probeUrl}/readyz ${started.probeUrl}/metrics`);
  lines.push(`  use: AWS_CONTAINER_CREDENTIALS_FULL_URI=${started.url} AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=<token file>  (or: ${proxyEnvCommand(started, flags)})`);
  lines.push('  Ctrl-C to stop');
  return lines.join('\n') + '\n';
}

export function renderProxySummary(result: ProxyResult): string {
  const counts = Object.entries(result.responses).map(([code, n]) => `${code}×${n}`).join(' ');
  return `podid proxy: stopped (${counts || 'no requests'})\n`;
}
