import type { ProxyResult, ProxyStarted } from '../../commands/proxy.js';

// `podid proxy`: the start-up line on stdout (the URL, or one JSON line under -o json) so a
// script can start it with --port 0 and read where it listens; the summary on stderr at shutdown.

export function renderProxyStarted(started: ProxyStarted, format: 'table' | 'json' | 'yaml'): string {
  if (format === 'json') return JSON.stringify({ schemaVersion: 1, ...started }) + '\n';
  if (format === 'yaml') return `url: ${started.url}\nhost: "${started.host}"\nport: ${started.port}\ncluster: ${started.cluster}\nsource: ${started.source}\n---\n`;
  return `${started.url}\n`;
}

export function renderProxyBanner(started: ProxyStarted): string {
  const lines = [
    `podid proxy: serving cluster ${started.cluster} credentials (source ${started.source}) at ${started.url}`,
    `  host check: ${started.hostCheck === 'strict' ? 'strict (169.254.170.23, fd00:ec2::23 only)' : 'agent addresses and loopback'}`,
  ];
  if (started.probeUrl) lines.push(`  probes: ${started.probeUrl}/healthz ${started.probeUrl}/readyz ${started.probeUrl}/metrics`);
  lines.push(`  use: AWS_CONTAINER_CREDENTIALS_FULL_URI=${started.url} AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=<token file>  (or: podid proxy env)`);
  lines.push('  Ctrl-C to stop');
  return lines.join('\n') + '\n';
}

export function renderProxySummary(result: ProxyResult): string {
  const counts = Object.entries(result.responses).map(([code, n]) => `${code}×${n}`).join(' ');
  return `podid proxy: stopped (${counts || 'no requests'})\n`;
}
