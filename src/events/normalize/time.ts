/**
 * Event times in every spelling the vendors use, to epoch ms: ISO 8601 with or without
 * a zone (`2022-12-12 15:57:57` from O365 and Panther, read as UTC), 7- or 9-digit
 * fractions (Entra, Sentinel), and epoch numbers in seconds (Slack), milliseconds
 * (GitHub) or micro/nanoseconds. Returns NaN when the value is not a date.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseTime(v: unknown): number {
  if (typeof v === 'number') return fromEpoch(v);
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) return NaN;
  const m = ISO.exec(v.trim());
  if (m) {
    const month = +m[2];
    const day = +m[3];
    const frac = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const utc = Date.UTC(+m[1], month - 1, day, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, frac);
    // Date.UTC rolls 2021-02-31 over to March; a real log never says that, so refuse it.
    if (month < 1 || month > 12 || new Date(utc).getUTCDate() !== day) return NaN;
    const zone = m[8];
    if (!zone || zone === 'Z' || zone === 'z') return utc;
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2, 4)) : 0);
    return utc - sign * minutes * 60_000;
  }
  if (/^\d+(\.\d+)?$/.test(v)) return fromEpoch(Number(v));
  // Last resort for RFC 2822 and similar; these always carry a zone or are rejected below.
  return /[a-z]{3},? /i.test(v) && /(GMT|UTC|[+-]\d{4})/.test(v) ? Date.parse(v) : NaN;
}

/** Seconds, ms, µs or ns since the epoch, told apart by magnitude (valid for 2000–2200). */
function fromEpoch(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return NaN;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1e3);
  return Math.round(n / 1e6);
}
