/**
 * bench/serve.ts — serving speed on the REAL Kafka of the test stack, one instance, 6 partitions.
 *
 *   npx tsx bench/serve.ts            (KAFKA_BROKERS set → that broker; else the stack is started)
 *
 * 1. sustained: a pre-loaded activities topic, drained end to end (scores acknowledged on the scores topic);
 * 2. latency: a live producer at 5k events/s, produce → score acknowledged, p50/p99;
 * 3. swap under load: model updates published while the live producer runs; time to the
 *    first score by the new version, events lost (must be 0) and duplicates;
 * 4. HTTP: POST /v1/score single-event requests/s from a second process (loopback);
 * 5. the same load against `mlflow models serve` on an equivalent pyfunc model.
 * Last line of stdout: {"eventsPerSec","latencyP50Ms","latencyP99Ms" (steady phase),"latencyP99WhileSwappingMs","swapP99Ms","lost","duplicates","httpReqPerSec","mlflowServeReqPerSec"}
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import type { Activity } from '../src/events/activity.js';
import { generateEvents } from '../src/events/generate/index.js';
import { FEATURE_SPEC } from '../src/features/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../src/registry/index.js';
import { createLogger } from '../src/serving/logger.js';
import { startService } from '../src/serving/service.js';
import { busFromConfig } from '../src/streaming/index.js';
import { trainBundle } from '../src/training/index.js';
import { saveBundle, type BundleManifest } from '../src/models/index.js';
import { requireStack, uniqueName } from '../test/support/stack.js';

const PRELOAD = Number(process.env.BENCH_PRELOAD ?? 100_000);
const RATE = 5_000;
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 10);
const SWAPS = Number(process.env.BENCH_SWAPS ?? 5);
const HTTP_SECONDS = 8;
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function runLoad(url: string, bodyFile: string, seconds: number, concurrency: number, token = ''): Promise<{ reqPerSec: number; ok: number; errors: number; p50Ms: number; p99Ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/http-load.ts', url, bodyFile, String(seconds), String(concurrency), token], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load generator exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const env = await requireStack(['kafka']);
  const run = uniqueName('bench-serve');
  const stateDir = mkdtempSync(path.join(tmpdir(), 'tl-bench-serve-'));
  const token = 'bench-token';
  const config = loadConfig({ KAFKA_BROKERS: env.KAFKA_BROKERS }, {
    stateDir, artifactRoot: 'memory://bench', logLevel: 'warn', kafkaClientId: run,
    topics: {
      activities: `${run}.activities`, scores: `${run}.scores`, alerts: `${run}.alerts`, deadLetter: `${run}.dlq`,
      models: `${run}.models`, feedback: `${run}.feedback`, checkpoints: `${run}.checkpoints`,
    },
    serve: { consumerGroup: `${run}-group`, inputFormat: 'activity', apiToken: token, httpPort: await freePort(), maxBatch: 1000 },
  });
  const logger = createLogger('warn');

  // A real model: trained on a generated tenant (all default components).
  const events = [...generateEvents({ users: 80, days: 14, seed: 11 })];
  const train = events.filter((e) => e.split === 'train').map((e) => e.activity);
  const pool: Activity[] = events.filter((e) => e.split === 'test').map((e) => { const { label: _l, ...a } = e.activity; return a as Activity; });
  const store = new MemoryArtifactStore();
  const t0 = performance.now();
  const trained = await trainBundle(store, 'memory://bench/v1', train, { name: config.model.name, seed: 11 });
  log(`trained on ${train.length} events in ${((performance.now() - t0) / 1000).toFixed(1)} s; components ${Object.keys(trained.manifest.components).join(', ')}`);
  // Version 2: the same scorers, another manifest (so another sha256): what a retrain without feature changes looks like.
  const v2 = await saveBundle(store, 'memory://bench/v2', { manifest: { ...trained.bundle.manifest, createdAt: new Date().toISOString() }, files: trained.bundle.files });
  const versions = [
    { version: '1', uri: 'memory://bench/v1', manifestSha256: trained.manifestSha256 },
    { version: '2', uri: 'memory://bench/v2', manifestSha256: v2.manifestSha256 },
  ];
  const update = (i: number) => ({ model: config.model.name, alias: config.model.alias, featureSpecHash: FEATURE_SPEC.hash, publishedAt: Date.now(), ...versions[i % 2] });

  const bus = busFromConfig(config, { logger });
  await bus.ensureTopics([
    { name: config.topics.activities, partitions: 6 }, { name: config.topics.scores, partitions: 6 },
    { name: config.topics.models, partitions: 1, compacted: true },
  ]);
  const producer = await bus.producer();
  await producer.send(config.topics.models, [encodeModelUpdate(update(0))]);

  let seq = 0;
  const nextEvent = (): { key: string; value: Buffer; id: string } => {
    const base = pool[seq % pool.length];
    const id = `${base.id}#${seq++}`;
    return { key: base.user, id, value: Buffer.from(JSON.stringify({ ...base, id })) };
  };

  // 1. Pre-load, then drain.
  for (let i = 0; i < PRELOAD; i += 5_000) {
    await producer.send(config.topics.activities, Array.from({ length: Math.min(5_000, PRELOAD - i) }, () => { const e = nextEvent(); return { key: e.key, value: e.value }; }));
  }
  log(`pre-loaded ${PRELOAD} events into 6 partitions`);
  const service = await startService({ config, store, registry: null, logger, listen: true, partitions: 6, checkpointIntervalMs: 3_600_000 });
  const scoredAt = new Map<string, number>();
  const versionOf = new Map<string, string>();
  let duplicates = 0;
  let firstByVersion: { version: string; at: number } | null = null;
  service.scorer.onScores = (scores) => {
    const now = Date.now();
    for (const s of scores) {
      if (scoredAt.has(s.eventId)) duplicates++;
      else scoredAt.set(s.eventId, now);
      versionOf.set(s.eventId, s.model.version);
      if (firstByVersion && !firstByVersion.at && s.model.version === firstByVersion.version) firstByVersion.at = now;
    }
  };
  await service.ready();
  const drainStart = performance.now();
  while (service.scorer.totals.inputs < PRELOAD) await sleep(20);
  const eventsPerSec = PRELOAD / ((performance.now() - drainStart) / 1000);
  log(`sustained: ${PRELOAD} events drained in ${((performance.now() - drainStart) / 1000).toFixed(1)} s = ${Math.round(eventsPerSec)} events/s (scores acknowledged)`);

  // 2 + 3. Live producer at 5k/s; model swaps published while it runs.
  const sentAt = new Map<string, number>();
  let live = true;
  const tickMs = 20;
  const producing = (async () => {
    const startedAt = Date.now();
    let sent = 0;
    while (live) {
      const due = Math.floor(((Date.now() - startedAt) / 1000) * RATE) - sent;
      if (due > 0) {
        const msgs = Array.from({ length: due }, () => {
          const e = nextEvent();
          sentAt.set(e.id, Date.now());
          return { key: e.key, value: e.value };
        });
        sent += due;
        await producer.send(config.topics.activities, msgs);
      }
      await sleep(tickMs);
    }
  })();
  await sleep(LIVE_SECONDS * 1000);
  // Latency is reported for the steady phase and, apart, for the phase with model swaps
  // (loading and warming a bundle pauses scoring for tens of ms; that is the swap figure's business).
  const swapPhaseStart = Date.now();
  const swapTimes: number[] = [];
  for (let i = 1; i <= SWAPS; i++) {
    const u = update(i);
    firstByVersion = { version: u.version, at: 0 };
    const publishedAt = Date.now();
    await producer.send(config.topics.models, [encodeModelUpdate({ ...u, publishedAt })]);
    while (!firstByVersion.at && Date.now() - publishedAt < 30_000) await sleep(5);
    swapTimes.push((firstByVersion.at || Date.now()) - publishedAt);
    await sleep(1_000);
  }
  live = false;
  await producing;
  const deadline = Date.now() + 60_000;
  while ([...sentAt.keys()].some((id) => !scoredAt.has(id)) && Date.now() < deadline) await sleep(100);
  const scoredSent = [...sentAt].filter(([id]) => scoredAt.has(id));
  const latencies = scoredSent.filter(([, t]) => t < swapPhaseStart).map(([id, t]) => scoredAt.get(id)! - t);
  const swapLatencies = scoredSent.filter(([, t]) => t >= swapPhaseStart).map(([id, t]) => scoredAt.get(id)! - t);
  const lost = [...sentAt.keys()].filter((id) => !scoredAt.has(id)).length;
  log(`live at ${RATE}/s: ${sentAt.size} events; steady ${LIVE_SECONDS} s: latency p50 ${quantile(latencies, 0.5)} ms, p99 ${quantile(latencies, 0.99)} ms; while models swap: p50 ${quantile(swapLatencies, 0.5)} ms, p99 ${quantile(swapLatencies, 0.99)} ms`);
  log(`swaps under load: ${swapTimes.join(', ')} ms (publish → first score by the new version); lost ${lost}; duplicates ${duplicates}`);

  // 4. HTTP single-event requests from a second process.
  const bodyFile = path.join(stateDir, 'one.json');
  writeFileSync(bodyFile, JSON.stringify(pool[0]));
  const http = await runLoad(`${service.address}/v1/score`, bodyFile, HTTP_SECONDS, 32, token);
  log(`POST /v1/score: ${Math.round(http.reqPerSec)} req/s (p50 ${http.p50Ms.toFixed(1)} ms, p99 ${http.p99Ms.toFixed(1)} ms, ${http.errors} errors)`);
  const stopStart = Date.now();
  await service.stop();
  await producer.disconnect();
  await bus.close();
  log(`service stopped in ${Date.now() - stopStart} ms`);

  // 5. MLflow's own server on an equivalent pyfunc model.
  let mlflowServeReqPerSec: number | null = null;
  try {
    mlflowServeReqPerSec = await mlflowReference(stateDir, trained.bundle.files, trained.manifest);
    log(`mlflow models serve: ${Math.round(mlflowServeReqPerSec)} req/s`);
  } catch (err) {
    log(`mlflow models serve: not measured (${(err as Error).message})`);
  }

  log(JSON.stringify({
    eventsPerSec: Math.round(eventsPerSec),
    latencyP50Ms: quantile(latencies, 0.5),
    latencyP99Ms: quantile(latencies, 0.99),
    latencyP99WhileSwappingMs: quantile(swapLatencies, 0.99),
    swapP99Ms: quantile(swapTimes, 0.99),
    lost,
    duplicates,
    httpReqPerSec: Math.round(http.reqPerSec),
    mlflowServeReqPerSec: mlflowServeReqPerSec === null ? null : Math.round(mlflowServeReqPerSec),
  }));
}

async function mlflowReference(dir: string, files: Record<string, Uint8Array>, manifest: BundleManifest): Promise<number> {
  const venv = path.join(homedir(), '.cache', 'threatlab', 'venv', 'bin');
  const clusterFile = manifest.components.cluster?.params;
  if (!clusterFile || !files[clusterFile]) throw new Error('the bundle has no k-means component');
  const cluster = path.join(dir, 'cluster.json');
  writeFileSync(cluster, files[clusterFile]);
  const calibration = path.join(dir, 'calibration.json');
  writeFileSync(calibration, JSON.stringify(manifest.calibration.cluster));
  const features = path.join(dir, 'features.json');
  writeFileSync(features, JSON.stringify(manifest.featureNames));
  const modelDir = path.join(dir, 'pyfunc');
  await promisify(execFile)(path.join(venv, 'python'), ['bench/support/mlflow_pyfunc.py', cluster, calibration, features, modelDir], { timeout: 120_000 });
  const port = await freePort();
  const server = spawn(path.join(venv, 'mlflow'), ['models', 'serve', '-m', modelDir, '-h', '127.0.0.1', '-p', String(port), '--env-manager', 'local', '--workers', '1'], {
    stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, PATH: `${venv}:${process.env.PATH}` }, detached: true,
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    const until = Date.now() + 120_000;
    for (;;) {
      if (Date.now() > until) throw new Error('mlflow models serve did not become ready in 120 s');
      if (server.exitCode !== null) throw new Error(`mlflow models serve exited with code ${server.exitCode} (run it by hand to see why)`);
      try {
        if ((await fetch(`${url}/ping`)).ok) break;
      } catch { /* not up yet */ }
      await sleep(500);
    }
    const bodyFile = path.join(dir, 'mlflow-one.json');
    writeFileSync(bodyFile, JSON.stringify({ dataframe_split: { columns: manifest.featureNames, data: [manifest.featureNames.map(() => 0.5)] } }));
    const result = await runLoad(`${url}/invocations`, bodyFile, HTTP_SECONDS, 32);
    if (result.ok === 0) throw new Error(`every request failed (${result.errors} errors)`);
    return result.reqPerSec;
  } finally {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch { /* already exited: the error above says why */ }
  }
}

await main();
process.exit(0);
