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

export interface CityEntry {
  id: string;
  name: string;
  country: string;
  lat: number;
  lon: number;
  timeZone: string;
  isp: string[];
  hosting: string[];
  /** IPv6 ISP addresses (mobile networks, home broadband); may be empty. */
  isp6: string[];
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
