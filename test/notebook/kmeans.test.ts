import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KMeansScorer, fitKMeans, type FeatureMatrix } from '../../src/models/index.js';
import { kmeansSweep, nearestCentroids } from '../../src/notebook/index.js';

/** Three well-separated blobs in 4 dimensions, with a heavy-tailed (rare 1e6 outliers) and a constant column. */
function blobs(perBlob: number, outlierShare = 0.01, seed = 3): FeatureMatrix {
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const centres = [[1, 1], [40, 5], [900, 60]];
  const dim = 4;
  const data = new Float32Array(perBlob * centres.length * dim);
  let r = 0;
  for (const [a, b] of centres) {
    for (let i = 0; i < perBlob; i++, r++) {
      data.set([a * (0.8 + 0.4 * rand()), b * (0.8 + 0.4 * rand()), rand() < outlierShare ? 1e6 : 0.5, 7], r * dim);
    }
  }
  return { data, rows: r, dim };
}
const names = ['a', 'b', 'tail', 'constant'];

test('the scaled distances here are the ones KMeansScorer scores by', () => {
  const x = blobs(200);
  const params = fitKMeans(x, { featureNames: names, candidates: [3], seed: 5, sampleSize: 600 });
  const mine = nearestCentroids(x, params);
  const theirs = new KMeansScorer(params, names).scoreMany(x);
  assert.equal(mine.rawScore.length, x.rows);
  mine.rawScore.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]) <= 1e-4 * Math.max(1, theirs[i]), `row ${i}: ${v} vs ${theirs[i]}`));
  // The elbow's distance is to the Euclidean-nearest centroid, never further than the scorer's pick.
  mine.inertia.forEach((sq, i) => assert.ok(sq <= (mine.rawScore[i] * params.scales[mine.cluster[i]]) ** 2 + 1e-6));
});

test('the sweep finds three blobs: best silhouette at k = 3 and the spread drops most up to 3', () => {
  const x = blobs(150, 0);
  const sweep = kmeansSweep(x, { featureNames: names, candidates: [2, 3, 4, 6], seed: 5, sampleSize: 450, silhouetteSample: 300 });
  assert.deepEqual(sweep.map((c) => c.k), [2, 3, 4, 6]);
  const best = sweep.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  assert.equal(best.k, 3);
  const [k2, k3, k4] = sweep.map((c) => c.meanSquaredDistance);
  assert.ok(k2 - k3 > 5 * Math.max(0, k3 - k4), `elbow at 3: ${k2}, ${k3}, ${k4}`);
  for (const c of sweep) assert.equal(c.clusterSizes.reduce((s, v) => s + v, 0), x.rows);
});

test('a k larger than the number of distinct rows is left out rather than faked', () => {
  const data = new Float32Array(40 * 2);
  for (let r = 0; r < 40; r++) data.set([r % 2, 0], r * 2);
  const sweep = kmeansSweep({ data, rows: 40, dim: 2 }, { featureNames: ['x', 'y'], candidates: [2, 3, 4] });
  assert.deepEqual(sweep.map((c) => c.k), []);
});
