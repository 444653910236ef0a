/** The cities the generator knows, and the shipped table of real IPs located in them. */
import { readFileSync } from 'node:fs';

export interface CitySpec {
  id: string;
  /** Exactly as GeoLite2 City names it. */
  geoName: string;
  country: string;
}

export const CITY_SPECS: readonly CitySpec[] = [
  // Offices of the generated tenant (the last one opens mid-period).
  { id: 'london', geoName: 'London', country: 'GB' },
  { id: 'new-york', geoName: 'New York', country: 'US' },
  { id: 'san-francisco', geoName: 'San Francisco', country: 'US' },
  { id: 'berlin', geoName: 'Berlin', country: 'DE' },
  { id: 'singapore', geoName: 'Singapore', country: 'SG' },
  { id: 'toronto', geoName: 'Toronto', country: 'CA' },
  // Where people travel, and where VPN exits and cloud regions are.
  { id: 'paris', geoName: 'Paris', country: 'FR' },
  { id: 'amsterdam', geoName: 'Amsterdam', country: 'NL' },
  { id: 'frankfurt', geoName: 'Frankfurt am Main', country: 'DE' },
  { id: 'dublin', geoName: 'Dublin', country: 'IE' },
  { id: 'madrid', geoName: 'Madrid', country: 'ES' },
  { id: 'chicago', geoName: 'Chicago', country: 'US' },
  { id: 'boston', geoName: 'Boston', country: 'US' },
  { id: 'seattle', geoName: 'Seattle', country: 'US' },
  { id: 'ashburn', geoName: 'Ashburn', country: 'US' },
  { id: 'tokyo', geoName: 'Tokyo', country: 'JP' },
  { id: 'sydney', geoName: 'Sydney', country: 'AU' },
  { id: 'mumbai', geoName: 'Mumbai', country: 'IN' },
  { id: 'manchester', geoName: 'Manchester', country: 'GB' },
  { id: 'munich', geoName: 'Munich', country: 'DE' },
  // Typical sources of account-takeover traffic in incident reports.
  { id: 'lagos', geoName: 'Lagos', country: 'NG' },
  { id: 'moscow', geoName: 'Moscow', country: 'RU' },
  { id: 'bucharest', geoName: 'Bucharest', country: 'RO' },
  { id: 'sao-paulo', geoName: 'São Paulo', country: 'BR' },
  { id: 'ho-chi-minh', geoName: 'Ho Chi Minh City', country: 'VN' },
  { id: 'istanbul', geoName: 'Istanbul', country: 'TR' },
];

/** Cloud, hosting and commercial-VPN networks: an IP here is a data centre, not a person's ISP. */
export const HOSTING_ASNS: ReadonlySet<number> = new Set([
  16509, 14618, 8987, // Amazon
  8075, 8068, // Microsoft
  15169, 396982, 19527, // Google
  14061, // DigitalOcean
  24940, // Hetzner
  16276, // OVH
  20473, // Vultr (Choopa)
  63949, // Linode / Akamai
  9009, // M247 (many VPN exits)
  212238, // Datacamp (VPN exits)
  60068, // CDN77
  51167, // Contabo
  45102, 37963, // Alibaba
  132203, // Tencent
  36352, // ColoCrossing
  62240, // Clouvider
  13335, // Cloudflare (WARP)
  31898, // Oracle
  46606, // Unified Layer
  53667, // FranTech / BuyVM
  20940, 16625, 21342, 33905, // Akamai
  54113, // Fastly
]);

/** Organisation names that mark hosting networks not in the list above. */
export const HOSTING_ORG = /host|cloud|server|data ?cent|colo|vps|dedicated|cdn|akamai|fastly|amazon|google|microsoft|oracle|vpn/i;

export interface CityEntry {
  id: string;
  name: string;
  country: string;
  lat: number;
  lon: number;
  timeZone: string;
  isp: string[];
  hosting: string[];
}

export interface CityIpTable {
  source: string;
  cities: CityEntry[];
}

let table: Map<string, CityEntry> | null = null;

export function cityTable(): Map<string, CityEntry> {
  if (!table) {
    const raw = JSON.parse(readFileSync(new URL('../../../data/city-ips.json', import.meta.url), 'utf8')) as CityIpTable;
    table = new Map(raw.cities.map((c) => [c.id, c]));
  }
  return table;
}

export function city(id: string): CityEntry {
  const c = cityTable().get(id);
  if (!c) throw new Error(`unknown generator city "${id}"`);
  return c;
}
