/** Small pure helpers on locations, addresses and hashes used by the features. */

const EARTH_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Great-circle distance in km (haversine). */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(s)));
}

/**
 * The network an address belongs to: IPv4 /24 ("203.0.113"), IPv6 /48 (first three
 * groups), so that hosts of one office or one provider block count as one value.
 */
export function ipNetwork(ip: string): string {
  if (ip.includes(':')) {
    let groups = 0;
    for (let i = 0; i < ip.length; i++) {
      if (ip.charCodeAt(i) === 58 /* : */ && ++groups === 3) return ip.slice(0, i);
    }
    return ip;
  }
  const dot = ip.lastIndexOf('.');
  return dot > 0 ? ip.slice(0, dot) : ip;
}

/** FNV-1a, 32 bits: stable across processes (unlike interned ids), for distinct-count bitmaps. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Linear counting: distinct items estimated from the number of set bits in an m-bit map. */
export function linearCount(setBits: number, m: number): number {
  const zeros = m - setBits;
  if (zeros <= 0) return m * Math.log(m);
  return m * Math.log(m / zeros);
}
