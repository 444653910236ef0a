/**
 * The enricher: fills an Activity's geo / asn / asnOrg / device from its IP and user
 * agent, offline. Results are LRU-cached by IP and by UA string, because real logs
 * repeat both heavily (a user's office IP, their browser).
 */
import type { Activity, Device, Geo } from '../activity.js';
import { asnOfIpv4, asnOfIpv6, loadAsnV4 } from './asn.js';
import { geoOfIpv4, geoOfIpv6, loadGeoV4 } from './geoip.js';
import { ipv4ToNumber, ipv6Groups, ipv6High64, isSpecialIpv4, isSpecialIpv6 } from './ip.js';
import { LruCache } from './lru.js';
import { parseUserAgent } from './useragent.js';

export interface IpInfo {
  geo: Geo | null;
  asn: number | null;
  asnOrg: string | null;
}

export interface EnricherOptions {
  /** Entries per cache (one for IPs, one for user agents). Default 50 000. */
  cacheSize?: number;
}

export interface Enricher {
  /**
   * Fills what is missing and returns THE SAME object, mutated (no copy: this runs on
   * every event of the stream). Never overwrites a value the vendor gave; only fills
   * null subfields, and location subfields only when the vendor's country agrees.
   */
  enrich(a: Activity): Activity;
  /** Location and AS of an IP (`1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443`, IPv6). Shared, frozen result. */
  lookupIp(ip: string): IpInfo;
  /** Device family, OS and client of a user agent. Shared, frozen result. */
  parseUserAgent(ua: string): Device;
}

const PRIVATE_GEO: Geo = Object.freeze({ country: null, city: null, lat: null, lon: null, timeZone: null, privateIp: true });
const NOTHING: IpInfo = Object.freeze({ geo: null, asn: null, asnOrg: null });

/** Vendors write IPs with ports or brackets (`1.2.3.4:5678`, `[::1]:443`); keep only the address. */
export function bareIp(raw: string): string {
  let ip = raw.trim();
  if (ip.startsWith('[')) {
    const end = ip.indexOf(']');
    return end > 0 ? ip.slice(1, end) : ip;
  }
  const colon = ip.indexOf(':');
  if (colon > 0 && colon === ip.lastIndexOf(':') && ip.includes('.')) ip = ip.slice(0, colon);
  return ip;
}

function freezeInfo(geo: Geo | null, asn: { asn: number; org: string | null } | null): IpInfo {
  return Object.freeze({ geo: geo ? Object.freeze(geo) : null, asn: asn ? asn.asn : null, asnOrg: asn ? asn.org : null });
}

/** Uncached lookup; exported for the generator's table builder and tests. */
export function lookupIpUncached(raw: string): IpInfo {
  const ip = bareIp(raw);
  const v4 = ipv4ToNumber(ip);
  if (v4 >= 0) {
    if (isSpecialIpv4(v4)) return Object.freeze({ geo: PRIVATE_GEO, asn: null, asnOrg: null });
    return freezeInfo(geoOfIpv4(ip), asnOfIpv4(v4));
  }
  const groups = ipv6Groups(ip);
  if (!groups) return NOTHING;
  if (isSpecialIpv6(groups)) return Object.freeze({ geo: PRIVATE_GEO, asn: null, asnOrg: null });
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is an IPv4 client behind a dual-stack front end.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return lookupIpUncached(`${groups[6] >>> 8}.${groups[6] & 255}.${groups[7] >>> 8}.${groups[7] & 255}`);
  }
  return freezeInfo(geoOfIpv6(ip), asnOfIpv6(ipv6High64(ip)!));
}

function fillGeo(target: Geo, found: Geo): void {
  if (target.country !== null && target.country !== found.country) return; // vendor disagrees: trust the vendor, add nothing
  if (target.country === null) target.country = found.country;
  if (target.city === null) target.city = found.city;
  if (target.lat === null || target.lon === null) {
    target.lat = found.lat;
    target.lon = found.lon;
  }
  if (target.timeZone === null || target.timeZone === undefined) target.timeZone = found.timeZone;
  if (found.privateIp && target.privateIp === undefined) target.privateIp = true;
}

export function createEnricher(opts: EnricherOptions = {}): Enricher {
  const size = opts.cacheSize ?? 50_000;
  const ipCache = new LruCache<string, IpInfo>(size);
  const uaCache = new LruCache<string, Device>(size);
  // Pay the one-time load (mmdb ≈ 40 ms, ASN table ≈ 0.3 s) at creation, not on the first event.
  loadGeoV4();
  loadAsnV4();

  function lookupIp(ip: string): IpInfo {
    let info = ipCache.get(ip);
    if (info === undefined) {
      info = lookupIpUncached(ip);
      ipCache.set(ip, info);
    }
    return info;
  }

  function parseUa(ua: string): Device {
    let d = uaCache.get(ua);
    if (d === undefined) {
      d = Object.freeze(parseUserAgent(ua));
      uaCache.set(ua, d);
    }
    return d;
  }

  function enrich(a: Activity): Activity {
    if (a.ip) {
      const info = lookupIp(a.ip);
      if (info.geo) {
        if (a.geo === null) a.geo = { ...info.geo };
        else fillGeo(a.geo, info.geo);
      }
      if (a.asn === null && info.asn !== null) {
        a.asn = info.asn;
        if (a.asnOrg === undefined || a.asnOrg === null) a.asnOrg = info.asnOrg;
      } else if (a.asn !== null && a.asn === info.asn && (a.asnOrg === undefined || a.asnOrg === null)) {
        a.asnOrg = info.asnOrg;
      }
    }
    if (a.userAgent) {
      const d = parseUa(a.userAgent);
      if (a.device === null) a.device = { ...d };
      else {
        if (a.device.family === null) a.device.family = d.family;
        if (a.device.os === null) a.device.os = d.os;
        if (a.device.browser === null) a.device.browser = d.browser;
      }
    }
    return a;
  }

  return { enrich, lookupIp, parseUserAgent: parseUa };
}
