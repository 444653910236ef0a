/**
 * Source IPs as vendors write them → a bare, valid address or null. Vendors add ports
 * (`1.2.3.4:5678`), brackets (`[2001:db8::1]:443`), IPv4-mapped IPv6 (`::ffff:1.2.3.4`),
 * or put a service name where the IP goes (CloudTrail's `ec2.amazonaws.com`). An invalid
 * IP is dropped (ip: null) — the Activity is kept, since who did what, when, still holds.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function cleanIp(v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) return null;
  let ip = v.trim();
  if (ip.charCodeAt(0) === 91 /* [ */) {
    const end = ip.indexOf(']');
    if (end < 0) return null;
    ip = ip.slice(1, end);
  } else {
    const colon = ip.indexOf(':');
    // One colon after a dotted quad is a port; IPv6 has several colons.
    if (colon > 0 && colon === ip.lastIndexOf(':') && ip.indexOf('.') > 0) ip = ip.slice(0, colon);
  }
  const zone = ip.indexOf('%');
  if (zone > 0) ip = ip.slice(0, zone);
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return null;
  const lower = ip.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  return lower;
}
