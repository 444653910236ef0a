/** Turning raw Activity fields into the values the profiles count: agents, IPv4 networks. */

const MAX_UA_LENGTH = 256;

/** "Chrome/120.0.6099.71" → "Chrome/#": version numbers masked, long agents cut, so updates do not look like new agents. */
export function maskVersions(ua: string): string {
  return ua.replace(/\d+(?:[._]\d+)*/g, '#').slice(0, MAX_UA_LENGTH);
}

/** An IPv4 address as an unsigned 32-bit number, or -1 when it is not dotted-quad IPv4. */
export function parseIpv4(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const ch = ip.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      part = part * 10 + (ch - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (ch === 46 && digits > 0 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** "a.b.c" of a /24 network number (the value string ipNetwork gives for IPv4). */
export function ipv4Network(n24: number): string {
  return `${(n24 >>> 16) & 255}.${(n24 >>> 8) & 255}.${n24 & 255}`;
}
