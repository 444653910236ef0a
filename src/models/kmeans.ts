/**
 * Clustering component: k-means (ml-kmeans, k-means++ initialisation) on scaled
 * features. An event's raw score is its distance to the nearest centroid divided by
 * that cluster's 90th-percentile training distance, so a tight cluster and a loose
 * one flag outliers at the same rate. Reasons are the features furthest from the
 * nearest centroid, in standard deviations.
 *
 * k is chosen by the mean silhouette (on 800 rows of a 2 500-row selection sample;
 * ties within 0.02 go to the larger k, which describes the bulk more finely and so
 * makes outliers stand out more). The chosen k is then refitted on the fit sample
 * (default 20 000 rows) from the selection's centroids: ml-kmeans costs ~1.9 s per
 * iteration at 1M×32, so it never sees the full data.
 */
import { kmeans } from 'ml-kmeans';
import { ThreatlabError } from '../errors/index.js';
import { sampleRows } from './random.js';
import { isScaler, scaleMatrix, scaleRow, fitScaler, type Scaler } from './scaler.js';
import type { FeatureMatrix, Reason, Scorer } from './types.js';

export interface KMeansParams {
  kind: 'kmeans';
  scaler: Scaler;
  centroids: number[][];
  /** Per cluster: 90th percentile of training distances to the centroid. */
  scales: number[];
  silhouette: number;
  /** Sample sizes used, for the manifest. */
  fitRows: number;
}

export interface KMeansFitOptions {
  featureNames: readonly string[];
  seed?: number;
  /** Rows k-means is fitted on (default 20 000). */
  sampleSize?: number;
  /** Candidate numbers of clusters (default 2, 4, 6, 8, 12). */
  candidates?: number[];
  /** Rows k is chosen on (default 2 500). */
  selectionSample?: number;
  /** Rows the silhouette is computed on, out of the selection sample (default 800). */
  silhouetteSample?: number;
}

function rowsOf(m: FeatureMatrix): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim)));
  return out;
}

function sqDist(a: Float32Array | number[], ao: number, b: Float32Array | number[], bo: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[ao + j] - b[bo + j];
    s += d * d;
  }
  return s;
}

/** Pairwise distances of the silhouette sample, computed once and shared by every candidate k. */
function pairwise(x: FeatureMatrix): Float32Array {
  const n = x.rows;
  const d = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.sqrt(sqDist(x.data, i * x.dim, x.data, j * x.dim, x.dim));
      d[i * n + j] = v;
      d[j * n + i] = v;
    }
  }
  return d;
}

function silhouette(dist: Float32Array, n: number, clusters: ArrayLike<number>, k: number): number {
  let total = 0;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[clusters[i]]++;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (i !== j) sums[clusters[j]] += dist[i * n + j];
    const own = clusters[i];
    if (counts[own] <= 1) continue;
    const a = sums[own] / (counts[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c] > 0) b = Math.min(b, sums[c] / counts[c]);
    if (!Number.isFinite(b)) continue;
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return n > 0 ? total / n : 0;
}

function distinctRows(m: FeatureMatrix, cap: number): number {
  const seen = new Set<string>();
  for (let r = 0; r < m.rows && seen.size < cap; r++) seen.add(m.data.subarray(r * m.dim, (r + 1) * m.dim).join(','));
  return seen.size;
}

function quantile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export function fitKMeans(x: FeatureMatrix, opts: KMeansFitOptions): KMeansParams {
  if (x.rows === 0) throw new ThreatlabError('THREATLAB_DEGENERATE_DATA', 'k-means: no training rows');
  const seed = opts.seed ?? 1;
  const sample = sampleRows(x.rows, opts.sampleSize ?? 20_000, seed);
  const scaler = fitScaler(x, sample);
  const scaled = scaleMatrix(scaler, x, sample);
  const distinct = distinctRows(scaled, 64);
  const candidates = (opts.candidates ?? [2, 4, 6, 8, 12]).filter((k) => k < distinct);
  let best: { k: number; centroids: number[][]; clusters: number[]; sil: number } | null = null;
  if (candidates.length > 0) {
    // Choose k on a smaller sample (ml-kmeans costs grow with rows × k × dim), then fit
    // the chosen k on the whole sample starting from those centroids.
    const selectIdx = sampleRows(scaled.rows, opts.selectionSample ?? 2_500, seed + 2);
    const selectData = Array.from(selectIdx, (r) => Array.from(scaled.data.subarray(r * scaled.dim, (r + 1) * scaled.dim)));
    const silIdx = sampleRows(selectIdx.length, opts.silhouetteSample ?? 800, seed + 1);
    const silData = new Float32Array(silIdx.length * scaled.dim);
    silIdx.forEach((r, i) => silData.set(selectData[r], i * scaled.dim));
    const dist = pairwise({ data: silData, rows: silIdx.length, dim: scaled.dim });
    const fits: { k: number; centroids: number[][]; sil: number }[] = [];
    for (const k of candidates) {
      const res = kmeans(selectData, k, { initialization: 'kmeans++', seed, maxIterations: 30, tolerance: 1e-4 });
      const sil = silhouette(dist, silIdx.length, Array.from(silIdx, (r) => res.clusters[r]), k);
      fits.push({ k, centroids: res.centroids, sil });
    }
    const maxSil = Math.max(...fits.map((f) => f.sil));
    const chosen = fits.filter((f) => f.sil >= maxSil - 0.02).sort((a, b) => b.k - a.k)[0];
    const final = scaled.rows > selectIdx.length
      ? kmeans(rowsOf(scaled), chosen.k, { initialization: chosen.centroids, maxIterations: 20, tolerance: 1e-4 })
      : kmeans(selectData, chosen.k, { initialization: chosen.centroids, maxIterations: 1 });
    best = { k: chosen.k, centroids: final.centroids, clusters: final.clusters, sil: chosen.sil };
  }
  if (!best) {
    // Fewer than three distinct rows: one centroid at the mean; documented degenerate model.
    const centroid = new Array<number>(scaled.dim).fill(0);
    for (let r = 0; r < scaled.rows; r++) for (let j = 0; j < scaled.dim; j++) centroid[j] += scaled.data[r * scaled.dim + j] / scaled.rows;
    best = { k: 1, centroids: [centroid], clusters: new Array<number>(scaled.rows).fill(0), sil: 0 };
  }
  const perCluster: number[][] = best.centroids.map(() => []);
  for (let r = 0; r < scaled.rows; r++) {
    const c = best.clusters[r];
    perCluster[c].push(Math.sqrt(sqDist(scaled.data, r * scaled.dim, best.centroids[c], 0, scaled.dim)));
  }
  const all = Float64Array.from(perCluster.flat()).sort();
  // A cluster of identical rows has spread 0; fall back to the global spread, then to 1.
  const globalScale = quantile(all, 0.9) || 1;
  const scales = perCluster.map((d) => {
    const q = quantile(Float64Array.from(d).sort(), 0.9);
    return d.length >= 10 && q > 1e-6 ? q : globalScale;
  });
  return { kind: 'kmeans', scaler, centroids: best.centroids, scales, silhouette: best.sil, fitRows: sample.length };
}

export function isKMeansParams(v: unknown, dim: number): v is KMeansParams {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return p.kind === 'kmeans' && isScaler(p.scaler, dim) && Array.isArray(p.centroids) && p.centroids.length > 0
    && p.centroids.every((c) => Array.isArray(c) && c.length === dim && c.every(Number.isFinite))
    && Array.isArray(p.scales) && p.scales.length === p.centroids.length && p.scales.every((s) => typeof s === 'number' && s > 0 && Number.isFinite(s));
}

/** Centroids compiled into flat typed arrays with precomputed squared norms. */
export class KMeansScorer implements Scorer {
  readonly name = 'cluster';
  private readonly k: number;
  private readonly centroids: Float32Array;
  private readonly norms: Float32Array;
  private readonly scales: Float32Array;
  /** 1 / scale²: the nearest centroid is the one with the smallest scaled squared distance. */
  private readonly invScale2: Float32Array;
  private row: Float32Array;
  /** Set by `nearestCluster` (saves an object per row). */
  private nearestIndex = 0;

  constructor(readonly params: KMeansParams, private readonly featureNames: readonly string[]) {
    const dim = featureNames.length;
    this.k = params.centroids.length;
    this.centroids = new Float32Array(this.k * dim);
    this.norms = new Float32Array(this.k);
    params.centroids.forEach((c, i) => {
      this.centroids.set(c, i * dim);
      this.norms[i] = c.reduce((s, v) => s + v * v, 0);
    });
    this.scales = Float32Array.from(params.scales);
    this.invScale2 = this.scales.map((v) => 1 / (v * v));
    this.row = new Float32Array(dim);
  }

  /** The nearest centroid's index goes to `nearestIndex`; returns the distance to it. */
  private nearestCluster(z: Float32Array): number {
    const dim = z.length;
    const centroids = this.centroids;
    let zn = 0;
    for (let j = 0; j < dim; j++) zn += z[j] * z[j];
    let best = 0;
    let bestScore = Infinity;
    let bestDot = 0;
    for (let c = 0; c < this.k; c++) {
      let dot = 0;
      const base = c * dim;
      for (let j = 0; j < dim; j++) dot += z[j] * centroids[base + j];
      const s = (zn - 2 * dot + this.norms[c]) * this.invScale2[c];
      if (s < bestScore) {
        bestScore = s;
        best = c;
        bestDot = dot;
      }
    }
    this.nearestIndex = best;
    return Math.sqrt(Math.max(0, zn - 2 * bestDot + this.norms[best]));
  }

  scoreMany(x: FeatureMatrix): Float32Array {
    const out = new Float32Array(x.rows);
    for (let r = 0; r < x.rows; r++) out[r] = this.scoreRow(x, r);
    return out;
  }

  scoreRow(x: FeatureMatrix, r: number): number {
    scaleRow(this.params.scaler, x, r, this.row, 0);
    const dist = this.nearestCluster(this.row);
    return dist / this.scales[this.nearestIndex];
  }

  explain(x: FeatureMatrix, row: number, top = 3): Reason[] {
    scaleRow(this.params.scaler, x, row, this.row, 0);
    this.nearestCluster(this.row);
    const cluster = this.nearestIndex;
    const dim = x.dim;
    const diffs = Array.from(this.row, (z, j) => ({ j, d: z - this.centroids[cluster * dim + j] }))
      .sort((a, b) => Math.abs(b.d) - Math.abs(a.d))
      .slice(0, top)
      .filter((e) => Math.abs(e.d) >= 1);
    return diffs.map(({ j, d }) => {
      const typical = this.typicalValue(cluster, j);
      const value = x.data[row * dim + j];
      return {
        feature: this.featureNames[j],
        value: Number.isFinite(value) ? value : 0,
        detail: `${this.featureNames[j]} = ${fmt(value)} is ${Math.abs(d).toFixed(1)} standard deviations ${d > 0 ? 'above' : 'below'} the usual ${fmt(typical)} of the closest group of events (group ${cluster + 1} of ${this.k})`,
      };
    });
  }

  /** The centroid's value of feature j, back in the feature's own units. */
  private typicalValue(cluster: number, j: number): number {
    const { mean, std } = this.params.scaler;
    const c = this.centroids[cluster * this.featureNames.length + j] * std[j] + mean[j];
    return c >= 0 ? Math.expm1(c) : -Math.expm1(-c);
  }
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(1) : v.toPrecision(2);
}
