/**
 * Training speed: ~1M generated events → a saved bundle (replay, k-means, autoencoder,
 * calibration), wall seconds, CPU seconds and peak RSS; then ml-kmeans fit time by sample
 * size on the same features, with scikit-learn's KMeans on the same samples as the
 * reference, and both on every replayed row × 32 columns (1M × 32 at the default size).
 *
 *   node --import tsx bench/train.ts [--events 1000000] [--python PATH] [--skip-kmeans]
 *
 * Last stdout line: {"events", "seconds", "peakRssMB", ...}. The machine is shared, so
 * the line also has the CPU seconds of training and the load average before and after.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { kmeans } from 'ml-kmeans';
import { generateEvents } from '../src/events/generate/index.js';
import type { Activity } from '../src/events/index.js';
import { FEATURE_SPEC, FeatureEngine } from '../src/features/index.js';
import { saveBundle } from '../src/models/index.js';
import { sampleRows } from '../src/models/random.js';
import type { FeatureMatrix } from '../src/models/types.js';
import { fitScaler, scaleMatrix } from '../src/models/scaler.js';
import { FileArtifactStore } from '../src/registry/index.js';
import { byEventTime, replay, trainModel } from '../src/training/index.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    python: { type: 'string', default: path.join(homedir(), '.cache/threatlab/venv/bin/python') },
    'skip-kmeans': { type: 'boolean', default: false },
  },
});
const target = Number(values.events);
const log = (s: string) => process.stdout.write(`${s}\n`);
const rssMB = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return Number(((u.user + u.system) / 1e6).toFixed(1));
};
const loadBefore = load();

// ~19 events per user-day in the generator: size the tenant (with room) so 30 days reach the target; the stream is cut there.
const days = 30;
const users = Math.max(10, Math.ceil(target / (17 * days)));
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
  const cpu1 = process.cpuUsage();
  const trained = await trainModel(events, { name: 'bench', seed: 1 });
  const store = new FileArtifactStore([dir]);
  const { manifest } = await saveBundle(store, `file://${dir}/bundle`, trained.bundle);
  const seconds = (performance.now() - t1) / 1000;
  const trainCpuSeconds = cpuSeconds(cpu1);
  const peakRssMB = peakMB();
  const loadAfterTraining = load();
  const bundleBytes = Object.values(manifest.files).reduce((s, f) => s + f.bytes, 0);
  log(`trained + saved in ${seconds.toFixed(1)} s (${trainCpuSeconds} CPU-s; load ${loadBefore.join(' ')} → ${loadAfterTraining.join(' ')}): ${JSON.stringify(trained.summary.seconds)}; bundle ${(bundleBytes / 2 ** 20).toFixed(1)} MB (profiles ${(manifest.files['profiles.bin'].bytes / 2 ** 20).toFixed(1)} MB); peak rss ${peakRssMB} MB`);

  // ml-kmeans fit time by sample size (k = the model's k, k-means++ init, ≤ 20 iterations), scikit-learn alongside.
  const k = Number(manifest.metrics.kmeansK);
  type Timing = { mlKmeansSeconds: number; sklearnSeconds: number | null };
  const kmeansBySample: Record<string, Timing> = {};
  let kmeansAllRows32: (Timing & { rows: number; dim: number; columns: string[] }) | null = null;
  const timeBoth = (s: FeatureMatrix, label: string): Timing => {
    const rows = Array.from({ length: s.rows }, (_, r) => Array.from(s.data.subarray(r * s.dim, (r + 1) * s.dim)));
    const tk = performance.now();
    kmeans(rows, k, { initialization: 'kmeans++', seed: 1, maxIterations: 20, tolerance: 1e-4 });
    const mlSeconds = (performance.now() - tk) / 1000;
    rows.length = 0;
    const file = path.join(dir, `${label}.f32`);
    writeFileSync(file, s.data);
    const py = spawnSync(values.python!, ['-c', [
      'import sys,time,numpy as np', 'from sklearn.cluster import KMeans',
      `x=np.fromfile(sys.argv[1],dtype=np.float32).reshape(-1,${s.dim})`, 't=time.time()',
      `KMeans(n_clusters=${k},init="k-means++",n_init=1,max_iter=20,random_state=0).fit(x)`, 'print(time.time()-t)',
    ].join('\n'), file], { encoding: 'utf8' });
    rmSync(file, { force: true });
    const sk = py.status === 0 ? Number(py.stdout.trim()) : null;
    log(`k-means k=${k} on ${s.rows} × ${s.dim}: ml-kmeans ${mlSeconds.toFixed(2)} s, scikit-learn ${sk === null ? `failed (${py.stderr.split('\n').slice(-2).join(' ')})` : `${sk.toFixed(2)} s`}`);
    return { mlKmeansSeconds: Number(mlSeconds.toFixed(2)), sklearnSeconds: sk === null ? null : Number(sk.toFixed(2)) };
  };
  if (!values['skip-kmeans']) {
    const x = replay(byEventTime(events), new FeatureEngine());
    const scaler = fitScaler(x);
    for (const n of [5_000, 20_000, 50_000, 100_000].filter((m) => m <= x.rows)) {
      kmeansBySample[String(n)] = timeBoth(scaleMatrix(scaler, x, sampleRows(x.rows, n, 3)), `s${n}`);
    }
    // Every replayed row (1M at the default size) × the 32 columns with the most distinct
    // values in a sample (the continuous ones: flags and counts would make k-means trivial).
    const probe = sampleRows(x.rows, Math.min(x.rows, 5_000), 5);
    const distinct = Array.from({ length: x.dim }, (_, j) => new Set(Array.from(probe, (r) => x.data[r * x.dim + j])).size);
    const cols = distinct.map((d, j) => ({ d, j })).sort((a, b) => b.d - a.d || a.j - b.j).slice(0, 32).map((c) => c.j).sort((a, b) => a - b);
    const scaled = scaleMatrix(scaler, x);
    const narrow = new Float32Array(x.rows * cols.length);
    for (let r = 0; r < x.rows; r++) for (let c = 0; c < cols.length; c++) narrow[r * cols.length + c] = scaled.data[r * x.dim + cols[c]];
    const names = FEATURE_SPEC.features.map((f) => f.name);
    kmeansAllRows32 = { rows: x.rows, dim: cols.length, columns: cols.map((j) => names[j]), ...timeBoth({ data: narrow, rows: x.rows, dim: cols.length }, 'all32') };
  }
  log(JSON.stringify({
    events: events.length, seconds: Number(seconds.toFixed(1)), peakRssMB, users, cpuSeconds: trainCpuSeconds,
    loadAverage: { before: loadBefore, afterTraining: loadAfterTraining, end: load() }, stages: trained.summary.seconds,
    bundleMB: Number((bundleBytes / 2 ** 20).toFixed(1)), kmeansK: k, kmeansBySample,
    kmeansAllRows32: kmeansAllRows32 && { rows: kmeansAllRows32.rows, dim: kmeansAllRows32.dim, mlKmeansSeconds: kmeansAllRows32.mlKmeansSeconds, sklearnSeconds: kmeansAllRows32.sklearnSeconds },
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
