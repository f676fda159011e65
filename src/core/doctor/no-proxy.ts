// Does a NO_PROXY value exempt the Pod Identity Agent's addresses (169.254.170.23, fd00:ec2::23)?
// Entries are hosts, IPs, CIDRs, "*" or domain suffixes, as Go, Python and the AWS SDKs read them.

export const AGENT_IPV4 = '169.254.170.23';
export const AGENT_IPV6 = 'fd00:ec2::23';

function ipv4Bits(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function ipv6Hextets(ip: string): number[] | undefined {
  const [head, tail, ...rest] = ip.split('::');
  if (rest.length) return undefined;
  const parse = (s: string) => (s ? s.split(':').map((h) => (/^[0-9a-f]{1,4}$/i.test(h) ? parseInt(h, 16) : NaN)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (tail === undefined && fill !== 0)) return undefined;
  const all = [...left, ...Array(fill).fill(0), ...right];
  return all.some(Number.isNaN) ? undefined : all;
}

function inCidr(ip: string, entry: string): boolean {
  const [net, lenText] = entry.split('/');
  const len = Number(lenText);
  if (!Number.isInteger(len)) return false;
  const a4 = ipv4Bits(ip);
  const n4 = ipv4Bits(net);
  if (a4 !== undefined && n4 !== undefined) {
    if (len < 0 || len > 32) return false;
    const size = 2 ** (32 - len);
    return Math.floor(a4 / size) === Math.floor(n4 / size);
  }
  const a6 = ipv6Hextets(ip);
  const n6 = ipv6Hextets(net);
  if (!a6 || !n6 || len < 0 || len > 128) return false;
  for (let bit = 0; bit < len; bit++) {
    const word = bit >> 4;
    const mask = 0x8000 >> (bit & 15);
    if ((a6[word] & mask) !== (n6[word] & mask)) return false;
  }
  return true;
}

export function noProxyCovers(noProxy: string, ip: string): boolean {
  const target = ip.toLowerCase();
  return noProxy
    .split(/[,\s]+/)
    .map((e) => e.trim().toLowerCase().replace(/^\[|\]$/g, ''))
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      if (entry.includes('/')) return inCidr(target, entry);
      if (entry === target) return true;
      const six = ipv6Hextets(entry);
      const want = ipv6Hextets(target);
      return Boolean(six && want && six.every((h, i) => h === want[i]));
    });
}
