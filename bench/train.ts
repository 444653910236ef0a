/**
 * Training speed: ~1M generated events → a saved bundle (replay, k-means, autoencoder,
 * calibration), wall seconds and peak RSS; then ml-kmeans fit time by sample size on
 * the same features, with scikit-learn's KMeans on the same samples as the reference.
 *
 *   node --import tsx bench/train.ts [--events 1000000] [--python PATH]
 *
 * Last stdout line: {"events", "seconds", "peakRssMB", ...}.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { kmeans } from 'ml-kmeans';
import { generateEvents } from '../src/events/generate/index.js';
import type { Activity } from '../src/events/index.js';
import { FeatureEngine } from '../src/features/index.js';
import { saveBundle } from '../src/models/index.js';
import { sampleRows } from '../src/models/random.js';
import { fitScaler, scaleMatrix } from '../src/models/scaler.js';
import { FileArtifactStore } from '../src/registry/index.js';
import { byEventTime, replay, trainModel } from '../src/training/index.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    python: { type: 'string', default: path.join(homedir(), '.cache/threatlab/venv/bin/python') },
  },
});
const target = Number(values.events);
const log = (s: string) => process.stdout.write(`${s}\n`);
const rssMB = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

// ~21 events per user-day in the generator: size the tenant so 30 days reach the target.
const days = 30;
const users = Math.max(10, Math.ceil(target / (21 * days)));
const t0 = performance.now();
const events: Activity[] = [];
for (const e of generateEvents({ users, days, seed: 5 })) {
  if (events.length >= target) break;
  const { label: _l, ...a } = e.activity;
  events.push(a);
}
log(`generated ${events.length} events (${users} users × ${days} days) in ${((performance.now() - t0) / 1000).toFixed(1)} s; rss ${rssMB()} MB`);

const dir = mkdtempSync(path.join(tmpdir(), 'threatlab-train-bench-'));
try {
  const t1 = performance.now();
  const trained = await trainModel(events, { name: 'bench', seed: 1 });
  const store = new FileArtifactStore([dir]);
  const { manifest } = await saveBundle(store, `file://${dir}/bundle`, trained.bundle);
  const seconds = (performance.now() - t1) / 1000;
  const bundleBytes = Object.values(manifest.files).reduce((s, f) => s + f.bytes, 0);
  log(`trained + saved in ${seconds.toFixed(1)} s: ${JSON.stringify(trained.summary.seconds)}; bundle ${(bundleBytes / 2 ** 20).toFixed(1)} MB (profiles ${(manifest.files['profiles.bin'].bytes / 2 ** 20).toFixed(1)} MB); peak rss ${peakMB()} MB`);

  // ml-kmeans fit time by sample size (k = the model's k, k-means++ init, ≤ 20 iterations), scikit-learn alongside.
  const k = Number(manifest.metrics.kmeansK);
  const x = replay(byEventTime(events.slice(0, Math.min(events.length, 300_000))), new FeatureEngine());
  const scaler = fitScaler(x);
  const kmeansBySample: Record<string, { mlKmeansSeconds: number; sklearnSeconds: number | null }> = {};
  for (const n of [5_000, 20_000, 50_000, 100_000].filter((m) => m <= x.rows)) {
    const s = scaleMatrix(scaler, x, sampleRows(x.rows, n, 3));
    const rows = Array.from({ length: s.rows }, (_, r) => Array.from(s.data.subarray(r * s.dim, (r + 1) * s.dim)));
    const tk = performance.now();
    kmeans(rows, k, { initialization: 'kmeans++', seed: 1, maxIterations: 20, tolerance: 1e-4 });
    const mlSeconds = (performance.now() - tk) / 1000;
    const file = path.join(dir, `s${n}.f32`);
    writeFileSync(file, s.data);
    const py = spawnSync(values.python!, ['-c', [
      'import sys,time,numpy as np', 'from sklearn.cluster import KMeans',
      `x=np.fromfile(sys.argv[1],dtype=np.float32).reshape(-1,${s.dim})`, 't=time.time()',
      `KMeans(n_clusters=${k},init="k-means++",n_init=1,max_iter=20,random_state=0).fit(x)`, 'print(time.time()-t)',
    ].join('\n'), file], { encoding: 'utf8' });
    const sk = py.status === 0 ? Number(py.stdout.trim()) : null;
    kmeansBySample[String(n)] = { mlKmeansSeconds: Number(mlSeconds.toFixed(2)), sklearnSeconds: sk === null ? null : Number(sk.toFixed(2)) };
    log(`k-means k=${k} on ${n} × ${s.dim}: ml-kmeans ${mlSeconds.toFixed(2)} s, scikit-learn ${sk === null ? `failed (${py.stderr.split('\n').slice(-2).join(' ')})` : `${sk.toFixed(2)} s`}`);
  }
  log(JSON.stringify({
    events: events.length, seconds: Number(seconds.toFixed(1)), peakRssMB: peakMB(), users, stages: trained.summary.seconds,
    bundleMB: Number((bundleBytes / 2 ** 20).toFixed(1)), kmeansK: k, kmeansBySample,
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
