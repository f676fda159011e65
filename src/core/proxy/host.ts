import { AGENT_HOSTS } from './wire.js';

// Check 2 (agent-protocol.md §1.2): the Host header, not the socket address. Strict mode is the
// agent's rule; the default also accepts loopback names, because SDK clients are pointed at
// http://127.0.0.1:PORT on a laptop (§6).

export type HostMode = 'strict' | 'loopback';

/** `net.SplitHostPort` then trim "[]", as the agent does. */
export function hostOnly(hostHeader: string): string {
  let host = hostHeader;
  const bracket = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  if (bracket) host = bracket[1];
  else if (/^[^:]*:\d*$/.test(host)) host = host.slice(0, host.lastIndexOf(':'));
  return host.replace(/^\[+|\]+$/g, '');
}

export const isLoopbackHost = (host: string) =>
  host === 'localhost' || host === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

export function allowedHostList(mode: HostMode): string[] {
  return mode === 'strict' ? [...AGENT_HOSTS] : [...AGENT_HOSTS, '127.0.0.0/8', '::1', 'localhost'];
}

/** undefined when allowed; otherwise the agent's 403 message. */
export function checkHost(hostHeader: string | undefined, mode: HostMode): string | undefined {
  const host = hostOnly(hostHeader ?? '');
  if ((AGENT_HOSTS as readonly string[]).includes(host)) return undefined;
  if (mode === 'loopback' && isLoopbackHost(host.toLowerCase())) return undefined;
  return `Access Denied. Called agent through invalid address, please use either [${allowedHostList(mode).join(' ')}] address not ${host}`;
}
