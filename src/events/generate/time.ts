/** Local-time helpers: UTC offsets of IANA zones (cached per zone and hour), distances. */
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Offset of `timeZone` from UTC at instant `t`, in ms (London in January: 0; New York: -5 h). DST-aware. */
export function utcOffset(timeZone: string, t: number): number {
  const hourKey = `${timeZone}|${Math.floor(t / HOUR)}`;
  const cached = offsetCache.get(hourKey);
  if (cached !== undefined) return cached;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  const offset = asUtc - Math.floor(t / 60_000) * 60_000;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(hourKey, offset);
  return offset;
}

/** UTC instant of local midnight of the local calendar day that contains UTC-day `dayStart` + 12 h. */
export function localMidnight(timeZone: string, utcDayStart: number): number {
  const noon = utcDayStart + 12 * HOUR;
  return utcDayStart - utcOffset(timeZone, noon);
}

/** Day of week (0 = Sunday) of the local date of instant t. */
export function localWeekday(timeZone: string, t: number): number {
  return new Date(t + utcOffset(timeZone, t)).getUTCDay();
}

export function localHour(timeZone: string, t: number): number {
  return new Date(t + utcOffset(timeZone, t)).getUTCHours();
}

/** Great-circle distance in km. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}
