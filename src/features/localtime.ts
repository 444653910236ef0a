/**
 * UTC offsets of IANA time zones, cached per zone and day: Intl is slow (microseconds per
 * call) and local time is on the hot path. A day whose offset is the same at its start
 * and end is cached as one number; a DST-transition day is computed exactly per call.
 */
import { DAY_MS } from './layout.js';

interface ZoneCache {
  readonly fmt: Intl.DateTimeFormat;
  /** day index → offset in ms, NaN for a transition day. */
  readonly days: Map<number, number>;
}

const MAX_DAYS_PER_ZONE = 512;

export class LocalTime {
  private readonly zones = new Map<string, ZoneCache | null>();

  /** Offset (local - UTC) in ms at `time` in `zone`, or NaN when the zone is unknown to Intl. */
  offsetMs(zone: string, time: number): number {
    let z = this.zones.get(zone);
    if (z === undefined) {
      z = makeZone(zone);
      this.zones.set(zone, z);
    }
    if (z === null) return NaN;
    const day = Math.floor(time / DAY_MS);
    let off = z.days.get(day);
    if (off === undefined) {
      const start = exactOffset(z.fmt, day * DAY_MS);
      const end = exactOffset(z.fmt, (day + 1) * DAY_MS - 1);
      off = start === end ? start : NaN;
      if (z.days.size >= MAX_DAYS_PER_ZONE) z.days.clear();
      z.days.set(day, off);
    }
    return Number.isNaN(off) ? exactOffset(z.fmt, time) : off;
  }
}

function makeZone(zone: string): ZoneCache | null {
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    return { fmt, days: new Map() };
  } catch {
    return null; // RangeError: not an IANA zone this runtime knows
  }
}

function exactOffset(fmt: Intl.DateTimeFormat, time: number): number {
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(time)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (time - (((time % 1000) + 1000) % 1000));
}
