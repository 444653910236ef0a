/**
 * Choosing k for the clustering component: fit k-means (the models' own `fitKMeans`)
 * at each candidate k and report the mean silhouette it selects by, the within-cluster
 * spread for an elbow plot, and the cluster sizes.
 *
 * The spread needs the rows in the scaled space the centroids live in; the scaling is
 * repeated here (signed log1p, standardise, clip at ±12, non-finite → 0) because
 * src/models keeps it private. test/notebook/kmeans.test.ts pins it to KMeansScorer:
 * the raw scores computed here must equal the scorer's, so the two cannot drift apart.
 */
import { fitKMeans, type FeatureMatrix, type KMeansParams } from '../models/index.js';

const CLIP = 12;

export interface KCandidate {
  k: number;
  /** Mean silhouette on the fit's sample (what fitKMeans selects k by; higher is better). */
  silhouette: number;
  /** Mean squared Euclidean distance of a row to its nearest centroid: the k-means objective, for the elbow curve. */
  meanSquaredDistance: number;
  /** Rows per cluster among the evaluated rows, largest first. */
  clusterSizes: number[];
}

export interface SweepOptions {
  featureNames: readonly string[];
  candidates?: readonly number[];
  seed?: number;
  /** Rows each k-means fit uses (default 4 000: enough for a curve, fast in a notebook). */
  sampleSize?: number;
  silhouetteSample?: number;
  /** Rows the spread is measured on (default 5 000, evenly spaced). */
  evalRows?: number;
}

export function kmeansSweep(x: FeatureMatrix, opts: SweepOptions): KCandidate[] {
  const out: KCandidate[] = [];
  for (const k of opts.candidates ?? [2, 3, 4, 6, 8, 12]) {
    const params = fitKMeans(x, {
      featureNames: opts.featureNames, candidates: [k], seed: opts.seed ?? 1,
      sampleSize: opts.sampleSize ?? 4_000, silhouetteSample: opts.silhouetteSample ?? 1_000,
    });
    // Fewer distinct rows than k: fitKMeans falls back to one centroid; that k is not available.
    if (params.centroids.length !== k) continue;
    const { inertia, cluster } = nearestCentroids(x, params, opts.evalRows ?? 5_000);
    const sizes = new Array<number>(k).fill(0);
    cluster.forEach((c) => sizes[c]++);
    const mean = inertia.reduce((s, v) => s + v, 0) / Math.max(1, inertia.length);
    out.push({ k, silhouette: params.silhouette, meanSquaredDistance: mean, clusterSizes: sizes.sort((a, b) => b - a) });
  }
  return out;
}

/**
 * For up to `maxRows` evenly spaced rows: the squared Euclidean distance to the nearest
 * centroid (k-means' own objective), and the cluster and raw score as KMeansScorer
 * assigns them (nearest by distance divided by the cluster's spread).
 */
export function nearestCentroids(x: FeatureMatrix, params: KMeansParams, maxRows = Infinity): { rows: number[]; inertia: number[]; cluster: number[]; rawScore: number[] } {
  const step = Math.max(1, Math.ceil(x.rows / maxRows));
  const z = new Float64Array(x.dim);
  const result = { rows: [] as number[], inertia: [] as number[], cluster: [] as number[], rawScore: [] as number[] };
  for (let r = 0; r < x.rows; r += step) {
    for (let j = 0; j < x.dim; j++) z[j] = scaled(x.data[r * x.dim + j], params.scaler.mean[j], params.scaler.std[j]);
    let best = 0;
    let bestNormalised = Infinity;
    let bestSq = 0;
    let minSq = Infinity;
    params.centroids.forEach((c, ci) => {
      let sq = 0;
      for (let j = 0; j < x.dim; j++) sq += (z[j] - c[j]) ** 2;
      minSq = Math.min(minSq, sq);
      const normalised = sq / params.scales[ci] ** 2;
      if (normalised < bestNormalised) [best, bestNormalised, bestSq] = [ci, normalised, sq];
    });
    result.rows.push(r);
    result.inertia.push(minSq);
    result.cluster.push(best);
    result.rawScore.push(Math.sqrt(bestSq) / params.scales[best]);
  }
  return result;
}

function scaled(v: number, mean: number, std: number): number {
  if (!Number.isFinite(v) || std === 0) return 0;
  const c = v >= 0 ? Math.log1p(v) : -Math.log1p(-v);
  return Math.max(-CLIP, Math.min(CLIP, (c - mean) / std));
}
