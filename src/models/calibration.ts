/**
 * Empirical-CDF calibration: a raw component score becomes "the share of training
 * events that scored at or below this", so components on different scales become
 * comparable. The grid of quantiles is dense in the upper tail, where alerts live
 * (0.9 → 0.99 → 0.999 → 0.9999), and scores beyond the largest training score keep
 * rising smoothly instead of all collapsing to 1.
 */

export interface Calibration {
  /** Raw score at each probability in `probs`, non-decreasing. */
  values: number[];
  /** Cumulative probabilities of `values`, increasing, in (0, 1). */
  probs: number[];
  /** Number of training scores the calibration was fitted on. */
  n: number;
}

function probabilityGrid(n: number): number[] {
  const grid: number[] = [];
  for (let p = 0; p < 90; p += 2) grid.push(p / 100);
  for (let p = 900; p < 990; p += 3) grid.push(p / 1000);
  for (let p = 9900; p < 9990; p += 5) grid.push(p / 10000);
  for (let p = 99900; p < 99990; p += 10) grid.push(p / 100000);
  // Only keep tail points the sample can actually resolve.
  const finest = 1 - 1 / (n + 1);
  return grid.filter((p) => p <= finest).concat([finest]);
}

/** Fits the calibration on raw training scores. Non-finite scores are ignored. */
export function fitCalibration(raw: ArrayLike<number>): Calibration {
  const sorted = Float64Array.from(Array.from(raw).filter(Number.isFinite)).sort();
  const n = sorted.length;
  if (n === 0) return { values: [0], probs: [0.5], n: 0 };
  const probs = probabilityGrid(n);
  const values = probs.map((p) => sorted[Math.min(n - 1, Math.floor(p * n))]);
  return { values, probs, n };
}

/** Maps a raw score to (0, 1); NaN counts as "not anomalous". */
export function calibrate(c: Calibration, x: number): number {
  const { values, probs } = c;
  const last = values.length - 1;
  if (!(x === x)) return 0;
  if (x <= values[0]) return x < values[0] ? probs[0] * 0.5 : probs[0];
  if (x > values[last]) {
    // Beyond the training maximum: an exponential tail whose scale is the spread of the
    // top 1 % of training scores, so a score twice as far out is ranked higher.
    const lo = values[Math.max(0, lowerIndex(probs, 0.99))];
    const scale = Math.max(values[last] - lo, Math.abs(values[last]) * 1e-3, 1e-6);
    const tail = 1 - probs[last];
    return 1 - tail * Math.exp(-Math.min(50, (x - values[last]) / scale));
  }
  // Upper bound: first index with values[i] >= x.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  // Ties: take the highest probability whose value equals x (share at or below x).
  let i = lo;
  while (i < last && values[i + 1] === x) i++;
  if (values[i] === x) return probs[i];
  const v0 = values[i - 1];
  const v1 = values[i];
  const t = (x - v0) / (v1 - v0);
  return probs[i - 1] + t * (probs[i] - probs[i - 1]);
}

function lowerIndex(probs: number[], p: number): number {
  let i = 0;
  while (i + 1 < probs.length && probs[i + 1] <= p) i++;
  return i;
}

/** Tail surprisal in decades: 0.9 → 1, 0.99 → 2, 0.999 → 3. */
export function surprisal(calibrated: number): number {
  return -Math.log10(Math.max(1e-12, 1 - calibrated));
}

export function isCalibration(v: unknown): v is Calibration {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return Array.isArray(c.values) && Array.isArray(c.probs) && c.values.length === c.probs.length && c.values.length > 0
    && c.values.every((x) => typeof x === 'number' && Number.isFinite(x))
    && c.probs.every((x) => typeof x === 'number' && x >= 0 && x <= 1)
    && typeof c.n === 'number';
}
