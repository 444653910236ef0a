/**
 * Offline fallback for an IANA time zone when the GeoIP record has none (rare in the
 * GeoLite2 City build, which carries `timezone` for most records). Approximation:
 * single-zone countries map to their zone; a few large multi-zone countries pick the
 * zone band by longitude. Anything else stays null rather than guessing wrongly.
 */
const SINGLE_ZONE: Readonly<Record<string, string>> = {
  GB: 'Europe/London', IE: 'Europe/Dublin', FR: 'Europe/Paris', DE: 'Europe/Berlin', NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels', ES: 'Europe/Madrid', IT: 'Europe/Rome', CH: 'Europe/Zurich', AT: 'Europe/Vienna',
  SE: 'Europe/Stockholm', NO: 'Europe/Oslo', DK: 'Europe/Copenhagen', FI: 'Europe/Helsinki', PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague', PT: 'Europe/Lisbon', GR: 'Europe/Athens', RO: 'Europe/Bucharest', UA: 'Europe/Kyiv',
  TR: 'Europe/Istanbul', IL: 'Asia/Jerusalem', AE: 'Asia/Dubai', SA: 'Asia/Riyadh', IN: 'Asia/Kolkata',
  CN: 'Asia/Shanghai', HK: 'Asia/Hong_Kong', JP: 'Asia/Tokyo', KR: 'Asia/Seoul', SG: 'Asia/Singapore',
  TW: 'Asia/Taipei', TH: 'Asia/Bangkok', VN: 'Asia/Ho_Chi_Minh', PH: 'Asia/Manila', NG: 'Africa/Lagos',
  ZA: 'Africa/Johannesburg', EG: 'Africa/Cairo', KE: 'Africa/Nairobi', NZ: 'Pacific/Auckland', AR: 'America/Argentina/Buenos_Aires',
  CO: 'America/Bogota', PE: 'America/Lima', CL: 'America/Santiago',
};

/** Longitude bands (west edge first) for countries spanning several zones. */
const BANDS: Readonly<Record<string, ReadonlyArray<readonly [number, string]>>> = {
  US: [[-180, 'Pacific/Honolulu'], [-140, 'America/Anchorage'], [-125, 'America/Los_Angeles'], [-114, 'America/Denver'], [-101, 'America/Chicago'], [-86, 'America/New_York']],
  CA: [[-141, 'America/Vancouver'], [-120, 'America/Edmonton'], [-102, 'America/Winnipeg'], [-90, 'America/Toronto'], [-67, 'America/Halifax']],
  AU: [[112, 'Australia/Perth'], [129, 'Australia/Adelaide'], [141, 'Australia/Sydney']],
  BR: [[-74, 'America/Manaus'], [-52, 'America/Sao_Paulo']],
  RU: [[19, 'Europe/Moscow'], [50, 'Asia/Yekaterinburg'], [70, 'Asia/Novosibirsk'], [95, 'Asia/Irkutsk'], [120, 'Asia/Vladivostok']],
  MX: [[-118, 'America/Tijuana'], [-109, 'America/Mazatlan'], [-102, 'America/Mexico_City']],
};

export function fallbackTimeZone(country: string, lon: number | null): string | null {
  const single = SINGLE_ZONE[country];
  if (single) return single;
  const bands = BANDS[country];
  if (!bands) return null;
  if (lon === null) return bands[Math.floor(bands.length / 2)][1];
  let zone = bands[0][1];
  for (const [west, z] of bands) if (lon >= west) zone = z;
  return zone;
}
