/**
 * danfojs DataFrames of activities, and DataFrames as HTML tables. danfojs (and the tfjs
 * it loads) is imported on first use only, so the charts stay dependency-free.
 */
import type { DataFrame } from 'danfojs';
import type { Activity } from '../events/activity.js';
import { htmlTable, type TableOptions } from './table.js';

/** Columns of `activityFrame`, in order. */
export const ACTIVITY_COLUMNS = [
  'id', 'time', 'day', 'hour_utc', 'weekday_utc', 'tenant', 'user', 'vendor', 'app', 'action', 'outcome',
  'country', 'city', 'asn', 'device', 'user_agent', 'object_type', 'external', 'bytes', 'malicious', 'scenario',
] as const;

const DAY_MS = 86_400_000;

/** Plain columns (what the DataFrame is built from), with null for missing values. */
export function activityColumns(activities: readonly Activity[]): Record<(typeof ACTIVITY_COLUMNS)[number], unknown[]> {
  const cols = Object.fromEntries(ACTIVITY_COLUMNS.map((c) => [c, [] as unknown[]])) as Record<(typeof ACTIVITY_COLUMNS)[number], unknown[]>;
  for (const a of activities) {
    const date = new Date(a.time);
    cols.id.push(a.id);
    cols.time.push(a.time);
    cols.day.push(date.toISOString().slice(0, 10));
    cols.hour_utc.push(date.getUTCHours());
    cols.weekday_utc.push(date.getUTCDay());
    cols.tenant.push(a.tenant);
    cols.user.push(a.user);
    cols.vendor.push(a.vendor);
    cols.app.push(a.app);
    cols.action.push(a.action);
    cols.outcome.push(a.outcome);
    cols.country.push(a.geo?.country ?? null);
    cols.city.push(a.geo?.city ?? null);
    cols.asn.push(a.asn ?? null);
    cols.device.push(a.device?.family ?? null);
    cols.user_agent.push(a.userAgent ?? null);
    cols.object_type.push(a.object?.type ?? null);
    cols.external.push(a.object?.external ?? false);
    cols.bytes.push(a.object?.bytes ?? null);
    cols.malicious.push(a.label ? a.label.malicious : null);
    cols.scenario.push(a.label?.scenario ?? null);
  }
  return cols;
}

/**
 * One row per activity. Missing categorical values become the string "(none)" so that
 * group-bys count them instead of dropping them: a missing country is a fact worth seeing.
 */
export async function activityFrame(activities: readonly Activity[]): Promise<DataFrame> {
  const dfd = await import('danfojs');
  const cols = activityColumns(activities);
  const numeric = new Set(['time', 'hour_utc', 'weekday_utc', 'asn', 'bytes']);
  const data: Record<string, unknown[]> = {};
  for (const [name, values] of Object.entries(cols)) {
    data[name] = numeric.has(name) ? values.map((v) => (v === null ? NaN : v)) : values.map((v) => (v === null ? '(none)' : String(v)));
  }
  return new dfd.DataFrame(data);
}

/** A DataFrame (or the first `maxRows` rows of one) as an HTML table for `display.html`. */
export function frameHtml(df: DataFrame, options: TableOptions = {}): string {
  const columns = df.columns.map(String);
  const values = df.values as unknown[][];
  const index = df.index;
  // A named index (describe's count/mean/…) is data; a positional one left by a sort or group-by is noise.
  const withIndex = index.some((v) => typeof v === 'string');
  const rows = values.map((row, r) => {
    const out: Record<string, unknown> = withIndex ? { '': index[r] } : {};
    columns.forEach((c, i) => (out[c] = row[i]));
    return out;
  });
  return htmlTable(rows, { ...options, columns: options.columns ?? (withIndex ? ['', ...columns] : columns) });
}

/** Days spanned by the activities, for rates "per user-day". */
export function daysSpanned(activities: readonly Activity[]): number {
  if (activities.length === 0) return 0;
  let min = Infinity;
  let max = -Infinity;
  for (const a of activities) {
    if (a.time < min) min = a.time;
    if (a.time > max) max = a.time;
  }
  return Math.max(1, Math.ceil((max - min) / DAY_MS));
}
