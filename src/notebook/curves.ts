/**
 * Curves the evaluation notebooks plot: precision–recall, the empirical CDF (is a
 * calibrated score uniform where it should be?), and alert load against the threshold.
 */

export interface PrCurve {
  recall: number[];
  precision: number[];
  /** Score at which each point is reached (alert when score ≥ threshold). */
  threshold: number[];
}

/**
 * Precision and recall at every distinct score, highest first; ties are one point (all
 * events with that score are alerted together). Thinned to about `maxPoints` points.
 */
export function prCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>, maxPoints = 400): PrCurve {
  const order = Array.from({ length: scores.length }, (_, i) => i)
    .filter((i) => Number.isFinite(scores[i]))
    .sort((a, b) => scores[b] - scores[a]);
  let totalPositive = 0;
  for (const i of order) if (positive[i]) totalPositive++;
  const curve: PrCurve = { recall: [], precision: [], threshold: [] };
  if (order.length === 0 || totalPositive === 0) return curve;
  let tp = 0;
  for (let k = 0; k < order.length; k++) {
    if (positive[order[k]]) tp++;
    const last = k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]];
    if (!last) continue;
    curve.recall.push(tp / totalPositive);
    curve.precision.push(tp / (k + 1));
    curve.threshold.push(scores[order[k]]);
  }
  return thin(curve, maxPoints);
}

function thin(c: PrCurve, maxPoints: number): PrCurve {
  const n = c.recall.length;
  if (n <= maxPoints) return c;
  const keep = new Set<number>([0, n - 1]);
  const step = n / maxPoints;
  for (let i = 0; i < n; i += step) keep.add(Math.floor(i));
  const idx = [...keep].sort((a, b) => a - b);
  return { recall: idx.map((i) => c.recall[i]), precision: idx.map((i) => c.precision[i]), threshold: idx.map((i) => c.threshold[i]) };
}

/** (x, share of finite values ≤ x) at `points` evenly spaced x over [lo, hi]. */
export function empiricalCdf(values: ArrayLike<number>, points = 101, domain: readonly [number, number] = [0, 1]): { x: number[]; y: number[] } {
  const sorted = Float64Array.from(Array.from(values).filter(Number.isFinite)).sort();
  const [lo, hi] = domain;
  const x = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / Math.max(1, points - 1));
  const y = x.map((v) => (sorted.length ? upperBound(sorted, v) / sorted.length : NaN));
  return { x, y };
}

/** Number of elements ≤ v in ascending `sorted`. */
function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Alerts per 1000 user-days if the threshold were each of `thresholds` (alert when score ≥ threshold). */
export function alertLoadCurve(scores: ArrayLike<number>, userDays: number, thresholds: readonly number[]): number[] {
  const sorted = Float64Array.from(Array.from(scores).filter(Number.isFinite)).sort();
  return thresholds.map((t) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return userDays > 0 ? ((sorted.length - lo) / userDays) * 1000 : NaN;
  });
}

/** Counts per UTC day (YYYY-MM-DD, ascending) of the rows where `selected` is true. */
export function countPerDay(times: ArrayLike<number>, selected?: ArrayLike<boolean>): { days: string[]; counts: number[] } {
  const byDay = new Map<string, number>();
  for (let i = 0; i < times.length; i++) {
    const day = new Date(times[i]).toISOString().slice(0, 10);
    if (!byDay.has(day)) byDay.set(day, 0);
    if (!selected || selected[i]) byDay.set(day, byDay.get(day)! + 1);
  }
  const days = [...byDay.keys()].sort();
  return { days, counts: days.map((d) => byDay.get(d)!) };
}
