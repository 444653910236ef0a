/**
 * Features as columns, for notebooks and training: one Float32Array per feature plus
 * the event ids, users and times, and (lazily, so nothing else loads danfojs) a DataFrame.
 */
import type { Activity } from '../events/activity.js';
import type { FeatureEngine } from './engine.js';
import type { FeatureColumns } from './types.js';

export interface ExtractColumnsOptions {
  /** Learn each event after extracting it (default true: a replay). False scores against frozen state. */
  learn?: boolean;
}

export function extractColumns(events: Iterable<Activity>, engine: FeatureEngine, opts: ExtractColumnsOptions = {}): FeatureColumns {
  const learn = opts.learn ?? true;
  const dim = engine.dim;
  const ids: string[] = [];
  const users: string[] = [];
  const times: number[] = [];
  let rows = new Float32Array(dim * 1024);
  let n = 0;
  for (const a of events) {
    if ((n + 1) * dim > rows.length) {
      const grown = new Float32Array(rows.length * 2);
      grown.set(rows);
      rows = grown;
    }
    if (learn) engine.process(a, rows, n * dim);
    else engine.extract(a, rows, n * dim);
    ids.push(a.id);
    users.push(a.user);
    times.push(a.time);
    n++;
  }
  const columns = Array.from({ length: dim }, () => new Float32Array(n));
  for (let r = 0; r < n; r++) {
    const base = r * dim;
    for (let f = 0; f < dim; f++) columns[f][r] = rows[base + f];
  }
  return { spec: engine.spec, ids, users, times: Float64Array.from(times), columns };
}

/** Row-major copy of the columns (what the scorers' FeatureMatrix holds). */
export function columnsToRows(cols: FeatureColumns): Float32Array {
  const dim = cols.columns.length;
  const n = cols.ids.length;
  const out = new Float32Array(n * dim);
  for (let f = 0; f < dim; f++) {
    const col = cols.columns[f];
    for (let r = 0; r < n; r++) out[r * dim + f] = col[r];
  }
  return out;
}

/** A danfojs DataFrame with columns id, user, time and one per feature (danfojs is imported only here, on demand). */
export async function toDataFrame(cols: FeatureColumns): Promise<import('danfojs').DataFrame> {
  const dfd = await import('danfojs');
  const data: Record<string, ArrayLike<number> | string[] | number[]> = { id: cols.ids, user: cols.users, time: Array.from(cols.times) };
  cols.spec.features.forEach((f, i) => { data[f.name] = Array.from(cols.columns[i]); });
  return new dfd.DataFrame(data);
}
