// IPv4/IPv6 address and CIDR parsing for IpAddress / NotIpAddress. Pure code, bigint based.

export interface Cidr {
  v6: boolean;
  net: bigint;
  bits: number;
}

export function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const x = Number(p);
    if (x > 255) return undefined;
    n = (n << 8n) | BigInt(x);
  }
  return n;
}

export function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let groups: string[];
  const dbl = s.split('::');
  if (dbl.length > 2) return undefined;
  const tailV4 = (arr: string[]): string[] | undefined => {
    const last = arr[arr.length - 1];
    if (last === undefined || !last.includes('.')) return arr;
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    return [...arr.slice(0, -1), ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16)];
  };
  if (dbl.length === 2) {
    const head = dbl[0] ? dbl[0].split(':') : [];
    const tail = tailV4(dbl[1] ? dbl[1].split(':') : []);
    if (!tail) return undefined;
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...Array<string>(fill).fill('0'), ...tail];
  } else {
    const all = tailV4(s.split(':'));
    if (!all) return undefined;
    groups = all;
  }
  if (groups.length !== 8) return undefined;
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export function parseIp(s: string): { v6: boolean; addr: bigint } | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { v6: false, addr: v4 };
  const v6 = parseIpv6(s);
  if (v6 !== undefined) return { v6: true, addr: v6 };
  return undefined;
}

/** Parse `a.b.c.d/n`, `x::y/n`, or a bare address (a /32 or /128 block). */
export function parseCidr(s: string): Cidr | undefined {
  const [addr, bitsText, extra] = s.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const max = ip.v6 ? 128 : 32;
  let bits = max;
  if (bitsText !== undefined) {
    if (!/^\d{1,3}$/.test(bitsText)) return undefined;
    bits = Number(bitsText);
    if (bits > max) return undefined;
  }
  const shift = BigInt(max - bits);
  return { v6: ip.v6, net: (ip.addr >> shift) << shift, bits };
}

/** Is the address inside the block? An IPv4 address is never inside an IPv6 block and vice versa. */
export function inCidr(cidr: Cidr, ip: { v6: boolean; addr: bigint }): boolean {
  if (cidr.v6 !== ip.v6) return false;
  const shift = BigInt((cidr.v6 ? 128 : 32) - cidr.bits);
  return (ip.addr >> shift) << shift === cidr.net;
}
