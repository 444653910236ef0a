/**
 * Training/serving parity, measured: the same events replayed in event-time order (what
 * training does) and streamed in arrival order (what serving sees), each through a fresh
 * engine; per feature, the share of events whose two values agree. The parity test
 * asserts the guarantee documented in README.md with this; notebooks can show it.
 */
import type { Activity } from '../events/activity.js';
import { FeatureEngine, type FeatureEngineOptions } from './engine.js';
import { HOUR_MS, METRICS } from './layout.js';
import { FEATURE_SPEC, RATE_BASE, RATE_BLOCK, RF } from './spec.js';
import type { FeatureType } from './types.js';

const CLOSE_SLACK: Record<FeatureType, number> = { flag: 0, count: 0, ratio: 0.02, zscore: 0.25, numeric: 0.05, hours: 0.05, km: 0.05, kmh: 0.05 };

export interface ParityReport {
  readonly events: number;
  /** Per feature (spec order): share of events with equal values (relative tolerance 1e-4). */
  readonly agreement: Float64Array;
  /**
   * Per feature: share of events whose values are close: within 10 % of the larger
   * magnitude plus a small absolute slack by type (flags and counts: none, so 0 vs 1
   * never counts as close; ratios 0.02; z-scores 0.25; hours/km/numeric 0.05).
   */
  readonly closeAgreement: Float64Array;
  /**
   * Per feature: for the rate windows (`<metric>_1h`, `<metric>_24h`), share of events
   * whose two values differ by at most one hour bucket (that metric's count in the
   * event's own clock hour once every event has arrived); other features: closeAgreement.
   */
  readonly withinBucket: Float64Array;
  /** Per feature: largest absolute difference seen. */
  readonly maxAbsDiff: Float64Array;
  /** Events the streaming engine counted as too late. */
  readonly tooLate: number;
}

/**
 * `arrival[i]` is when events[i] reaches the stream (ties keep event-time order).
 * `compare(i)` can restrict the comparison to some events (e.g. those with history).
 */
export function measureParity(
  events: readonly Activity[], arrival: ArrayLike<number>, options: FeatureEngineOptions = {}, include: (i: number) => boolean = () => true,
): ParityReport {
  const n = events.length;
  const byTime = Array.from({ length: n }, (_, i) => i).sort((x, y) => events[x].time - events[y].time || x - y);
  const byArrival = Array.from({ length: n }, (_, i) => i).sort((x, y) => arrival[x] - arrival[y] || events[x].time - events[y].time || x - y);
  const replay = new FeatureEngine(options);
  const stream = new FeatureEngine(options);
  const dim = replay.dim;
  const a = new Float32Array(n * dim);
  const b = new Float32Array(n * dim);
  for (const i of byTime) replay.process(events[i], a, i * dim);
  for (const i of byArrival) stream.process(events[i], b, i * dim);
  // Each event's own hour bucket, complete (the tolerance of the window features): a third
  // engine learns a whole (hour, user) group, then extracts each of its events.
  const bucketOf = new Float32Array(n * METRICS.length);
  const grouped = byTime.slice().sort((x, y) => hourOf(events[x]) - hourOf(events[y])
    || (events[x].user < events[y].user ? -1 : events[x].user > events[y].user ? 1 : 0) || events[x].time - events[y].time || x - y);
  const complete = new FeatureEngine(options);
  const row = new Float32Array(dim);
  for (let g = 0; g < n;) {
    let end = g;
    const h = hourOf(events[grouped[g]]);
    while (end < n && hourOf(events[grouped[end]]) === h && events[grouped[end]].user === events[grouped[g]].user) end++;
    for (let k = g; k < end; k++) complete.learn(events[grouped[k]]);
    for (let k = g; k < end; k++) {
      const i = grouped[k];
      complete.extract(events[i], row);
      for (let m = 0; m < METRICS.length; m++) bucketOf[i * METRICS.length + m] = row[RATE_BASE + m * RATE_BLOCK + RF.w1h];
    }
    g = end;
  }
  const windowMetric = new Int32Array(dim).fill(-1);
  for (let m = 0; m < METRICS.length; m++) {
    windowMetric[RATE_BASE + m * RATE_BLOCK + RF.w1h] = m;
    windowMetric[RATE_BASE + m * RATE_BLOCK + RF.w24h] = m;
  }
  const agree = new Float64Array(dim);
  const close = new Float64Array(dim);
  const within = new Float64Array(dim);
  const maxAbsDiff = new Float64Array(dim);
  const slack = FEATURE_SPEC.features.map((f) => CLOSE_SLACK[f.type]);
  let compared = 0;
  for (let i = 0; i < n; i++) {
    if (!include(i)) continue;
    compared++;
    for (let f = 0; f < dim; f++) {
      const x = a[i * dim + f];
      const y = b[i * dim + f];
      const d = Math.abs(x - y);
      const big = Math.max(Math.abs(x), Math.abs(y));
      if (d <= 1e-4 * Math.max(1, big)) agree[f]++;
      const isClose = d <= 0.1 * big + slack[f] + 1e-4 * Math.max(1, big);
      if (isClose) close[f]++;
      const m = windowMetric[f];
      if (m >= 0 ? d <= bucketOf[i * METRICS.length + m] + 1e-4 * Math.max(1, big) : isClose) within[f]++;
      if (d > maxAbsDiff[f]) maxAbsDiff[f] = d;
    }
  }
  for (let f = 0; f < dim; f++) {
    agree[f] /= Math.max(1, compared);
    close[f] /= Math.max(1, compared);
    within[f] /= Math.max(1, compared);
  }
  return { events: compared, agreement: agree, closeAgreement: close, withinBucket: within, maxAbsDiff, tooLate: stream.stats().tooLate };
}

function hourOf(a: Activity): number {
  return Math.floor(a.time / HOUR_MS);
}
