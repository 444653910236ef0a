/**
 * Feature scaling shared by the k-means and autoencoder components. Counts and
 * durations in security logs are heavy-tailed (one user with 10⁵ downloads), so each
 * value is first compressed with a signed log1p, then standardised with the training
 * mean and standard deviation, and clipped so one extreme value cannot swamp a row.
 * Non-finite inputs map to the training mean (0 after scaling): missing, not extreme.
 */
import type { FeatureMatrix } from './types.js';

export interface Scaler {
  mean: number[];
  std: number[];
}

/**
 * |z| above this is clipped: 12 standard deviations is already far out. Not exported, on
 * purpose: V8 reads an exported binding through its module cell, so in scaleRow's
 * `z > CLIP ? CLIP : z` the optimiser could not keep z unboxed and allocated a HeapNumber
 * per feature value (~4 KB per event over both scalings, measured).
 */
const SCALED_CLIP = 12;

/** log1p of the integers 0..1023: the same doubles Math.log1p gives, without its call. */
const LOG1P_OF_INT = Float64Array.from({ length: 1024 }, (_, k) => Math.log1p(k));

export function compress(v: number): number {
  // Most feature values are counts (in generated traffic ~46 % zeros and ~26 % small
  // integers): scaling runs over every feature of every event, twice (k-means, autoencoder).
  if (v >= 0) return v < 1024 && (v | 0) === v ? LOG1P_OF_INT[v] : Math.log1p(v);
  return -Math.log1p(-v);
}

export function fitScaler(x: FeatureMatrix, rows?: ArrayLike<number>): Scaler {
  const { dim } = x;
  const idx = rows ?? { length: x.rows } as ArrayLike<number>;
  const count = rows ? rows.length : x.rows;
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  const n = new Float64Array(dim);
  for (let k = 0; k < count; k++) {
    const r = rows ? idx[k] : k;
    const base = r * dim;
    for (let j = 0; j < dim; j++) {
      const v = x.data[base + j];
      if (!Number.isFinite(v)) continue;
      const c = compress(v);
      sum[j] += c;
      sq[j] += c * c;
      n[j]++;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < dim; j++) {
    const m = n[j] > 0 ? sum[j] / n[j] : 0;
    const variance = n[j] > 0 ? Math.max(0, sq[j] / n[j] - m * m) : 0;
    mean.push(m);
    // A constant column carries no information: std 0 marks it, scaling maps it to 0.
    std.push(Math.sqrt(variance) > 1e-9 ? Math.sqrt(variance) : 0);
  }
  return { mean, std };
}

/** Scales row `r` of `x` into `out[outOffset..)`. */
export function scaleRow(s: Scaler, x: FeatureMatrix, r: number, out: Float32Array, outOffset: number): void {
  const { dim } = x;
  const base = r * dim;
  for (let j = 0; j < dim; j++) {
    const v = x.data[base + j];
    const sd = s.std[j];
    if (!Number.isFinite(v) || sd === 0) {
      out[outOffset + j] = 0;
      continue;
    }
    const z = (compress(v) - s.mean[j]) / sd;
    out[outOffset + j] = z > SCALED_CLIP ? SCALED_CLIP : z < -SCALED_CLIP ? -SCALED_CLIP : z;
  }
}

export function scaleMatrix(s: Scaler, x: FeatureMatrix, rows?: ArrayLike<number>): FeatureMatrix {
  const count = rows ? rows.length : x.rows;
  const data = new Float32Array(count * x.dim);
  for (let k = 0; k < count; k++) scaleRow(s, x, rows ? rows[k] : k, data, k * x.dim);
  return { data, rows: count, dim: x.dim };
}

export function isScaler(v: unknown, dim: number): v is Scaler {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const ok = (a: unknown) => Array.isArray(a) && a.length === dim && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  return ok(s.mean) && ok(s.std);
}
