import { fitKMeans } from './src/models/index.js';
import { seededRandom } from './src/models/random.js';
for (const n of [2000, 20000]) {
  const dim = 123, rnd = seededRandom(1);
  const data = new Float32Array(n * dim);
  for (let i = 0; i < data.length; i++) data[i] = (i % dim < 40 ? Math.floor(rnd() * 3) : rnd() < 0.9 ? 0 : rnd() * 10);
  const t = performance.now();
  const p = fitKMeans({ data, rows: n, dim }, { featureNames: Array.from({ length: dim }, (_, i) => `f${i}`) });
  console.log(n, p.centroids.length, (performance.now() - t).toFixed(0), 'ms');
}
