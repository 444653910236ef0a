/**
 * IP address parsing and classification without allocation-heavy libraries: IPv4 as an
 * unsigned 32-bit number, IPv6 as its top 64 bits (enough to place it in any routed
 * prefix, which are never longer than /64 in the ASN tables).
 */

/** Parses dotted-quad IPv4 into an unsigned 32-bit number, or -1 when it is not one. */
export function ipv4ToNumber(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

export function numberToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Expands an IPv6 address (with `::`, optional zone id or embedded IPv4) to eight 16-bit groups, or null. */
export function ipv6Groups(ip: string): number[] | null {
  let s = ip;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!s.includes(':')) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = ipv4ToNumber(p);
        if (v4 < 0) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** The top 64 bits of an IPv6 address as a bigint (network part), or null when not IPv6. */
export function ipv6High64(ip: string): bigint | null {
  const g = ipv6Groups(ip);
  if (!g) return null;
  return (BigInt(g[0]) << 48n) | (BigInt(g[1]) << 32n) | (BigInt(g[2]) << 16n) | BigInt(g[3]);
}

// IPv4 ranges that are not on the public internet (RFC 6890 special-purpose registry).
const V4_SPECIAL: ReadonlyArray<readonly [number, number]> = ([
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10] /* CGNAT */, ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4] /* multicast */, ['240.0.0.0', 4],
] as const).map(([base, bits]) => {
  const start = ipv4ToNumber(base);
  return [start, start + 2 ** (32 - bits) - 1] as const;
});

export function isSpecialIpv4(n: number): boolean {
  for (const [lo, hi] of V4_SPECIAL) if (n >= lo && n <= hi) return true;
  return false;
}

/** Non-public IPv6: unspecified, loopback, ULA fc00::/7, link-local fe80::/10, multicast, documentation 2001:db8::/32. */
export function isSpecialIpv6(groups: readonly number[]): boolean {
  const g0 = groups[0];
  if (groups.every((g, i) => (i < 7 ? g === 0 : g <= 1))) return true; // :: and ::1
  if ((g0 & 0xfe00) === 0xfc00) return true;
  if ((g0 & 0xffc0) === 0xfe80) return true;
  if ((g0 & 0xff00) === 0xff00) return true;
  if (g0 === 0x2001 && groups[1] === 0x0db8) return true;
  // IPv4-mapped ::ffff:a.b.c.d: classify the embedded IPv4.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return isSpecialIpv4(groups[6] * 65536 + groups[7]);
  }
  return false;
}
