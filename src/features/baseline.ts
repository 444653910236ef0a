/**
 * The rate baselines: a ring bucket that leaves the 48 h ring is final (no event within
 * the lateness bound can reach it any more) and is folded into the user's hourly baseline
 * (decayed sums of ln(1+x) and its square, 7-day half-life) and daily baseline (raw
 * totals, 14-day half-life). Hours and days without events are applied in closed form,
 * so a dormant user costs nothing and the result does not depend on arrival order.
 */
import * as geoModule from './geo.js';
import * as layoutModule from './layout.js';
import type { UserColumns } from './user-store.js';

// Module-local copies: imported bindings can be getter calls when tsx loads this as CommonJS (see engine.ts).
const { linearCount, popcount32 } = geoModule;
const { BUCKET_COUNTERS, DAY_DECAY, HOUR_DECAY, IP_WORDS, M_BYTES, M_IPS, M_OBJECTS, METRIC_COUNT, METRIC_COUNTER, OBJECT_WORDS } = layoutModule;

const M = METRIC_COUNT;

/** Empties ring bucket `idx` (user row × RING_HOURS + hour slot). */
export function clearBucket(c: UserColumns, idx: number): void {
  c.bucketCounts.fill(0, idx * BUCKET_COUNTERS, (idx + 1) * BUCKET_COUNTERS);
  c.bucketBytes[idx] = 0;
  c.bucketObj.fill(0, idx * OBJECT_WORDS, (idx + 1) * OBJECT_WORDS);
  c.bucketIp[idx] = 0;
}

const finalValues = new Float64Array(M);

/** Folds one finished hour into the hourly (ln scale) and daily baselines; empty hours in between count as zeros. */
export function finalizeHour(c: UserColumns, u: number, hh: number, idx: number): void {
const x = finalValues;
  const q = idx * BUCKET_COUNTERS;
  for (let m = 0; m < M; m++) {
    const k = METRIC_COUNTER[m];
    if (k >= 0) x[m] = c.bucketCounts[q + k];
  }
  x[M_BYTES] = c.bucketBytes[idx];
  let bits = 0;
  for (let i = 0; i < OBJECT_WORDS; i++) bits += popcount32(c.bucketObj[idx * OBJECT_WORDS + i]);
  x[M_OBJECTS] = linearCount(bits, 32 * OBJECT_WORDS);
  x[M_IPS] = linearCount(popcount32(c.bucketIp[idx]), 32 * IP_WORDS);

  const last = c.lastFinalHour[u];
  const d = HOUR_DECAY;
  let w = c.hourW[u];
  if (last > 0 && hh - last > 1) {
    const dn = Math.pow(d, hh - last - 1);
    for (let m = 0; m < M; m++) { c.hourS[u * M + m] *= dn; c.hourQ[u * M + m] *= dn; }
    w = w * dn + (1 - dn) / (1 - d);
  }
  for (let m = 0; m < M; m++) {
    const lx = Math.log1p(x[m]);
    c.hourS[u * M + m] = c.hourS[u * M + m] * d + lx;
    c.hourQ[u * M + m] = c.hourQ[u * M + m] * d + lx * lx;
  }
  c.hourW[u] = w * d + 1;
  c.lastFinalHour[u] = hh;

  const day = Math.floor(hh / 24);
  const accDay = c.accDay[u];
  if (accDay !== 0 && day !== accDay) flushDay(c, u, day - accDay - 1);
  c.accDay[u] = day;
  for (let m = 0; m < M; m++) c.dayAcc[u * M + m] += x[m];
}

function flushDay(c: UserColumns, u: number, zeroDays: number): void {
  const d = DAY_DECAY;
  for (let m = 0; m < M; m++) {
    c.dayS[u * M + m] = c.dayS[u * M + m] * d + c.dayAcc[u * M + m];
    c.dayAcc[u * M + m] = 0;
  }
  let w = c.dayW[u] * d + 1;
  if (zeroDays > 0) {
    const dn = Math.pow(d, zeroDays);
    for (let m = 0; m < M; m++) c.dayS[u * M + m] *= dn;
    w = w * dn + (1 - dn) / (1 - d);
  }
  c.dayW[u] = w;
}
