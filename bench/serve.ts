/**
 * bench/serve.ts — serving speed on the REAL Kafka of the test stack: one instance,
 * 6 partitions, run as users run it (`threatlab serve --workers N`, its own processes);
 * this process only produces and watches the scores topic, as the alert pipeline would.
 *
 *   npx tsx bench/serve.ts            (KAFKA_BROKERS set → that broker; else the stack is started)
 *   BENCH_WORKERS=1 npx tsx bench/serve.ts   (one worker process; default 2, one per core)
 *   BENCH_WARMUP_SECONDS / BENCH_LIVE_SECONDS (default 20 / 20): the live phase before and during
 *   the latency measurement; BENCH_DUMP_LATENCIES=FILE writes "sentAt readBackMs producedMs" per live event.
 *
 * 1. sustained: a pre-loaded activities topic drained end to end (scores acknowledged on
 *    the scores topic, counted from its end offsets);
 * 2. latency: a live producer at 5k events/s; after a warm-up, produce → score read back from the scores topic, p50/p99;
 * 3. swap under load: model updates published while the live producer runs; time to the
 *    first score by the new version, events lost (must be 0) and duplicates;
 * 4. HTTP: POST /v1/score single-event requests/s from a second process (loopback);
 * 5. the same load against `mlflow models serve` on an equivalent pyfunc model.
 * Last line of stdout: {"eventsPerSec","latencyP50Ms","latencyP99Ms" (steady phase, read back),"latencyP99WhileSwappingMs",
 * "latencyToProducedP50Ms","latencyToProducedP99Ms" (steady phase, to the score record's timestamp),"swapP99Ms","lost",
 * "duplicates","httpReqPerSec","mlflowServeReqPerSec","workers","serviceCpuUsPerEvent" (drain window, all the service's processes),"httpCpuUsPerRequest",
 * "liveServiceCores","liveHarnessCores" (steady 5k/s phase: the service, and this process),"latencyWarmupP99Ms"}
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../src/config/index.js';
import type { Activity } from '../src/events/activity.js';
import { generateEvents } from '../src/events/generate/index.js';
import { FEATURE_SPEC } from '../src/features/index.js';
import { artifactStoresFromConfig, encodeModelUpdate, joinUri } from '../src/registry/index.js';
import { createLogger } from '../src/serving/logger.js';
import { busFromConfig } from '../src/streaming/index.js';
import { trainBundle } from '../src/training/index.js';
import { saveBundle, type BundleManifest } from '../src/models/index.js';
import { requireStack, uniqueName } from '../test/support/stack.js';
import { processTreeCpuSeconds } from './support/process-cpu.js';
import { LatencyLedger, type LedgerEntry } from './support/latency-ledger.js';
import { quantile } from './support/quantile.js';

const PRELOAD = Number(process.env.BENCH_PRELOAD ?? 200_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const RATE = 5_000;
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
/**
 * The live producer runs this long before the steady phase is measured. Code that runs
 * once per fetch or per produce request (most of kafkajs, the batch plumbing) is still
 * being compiled by V8 for tens of seconds after the drain, which hands it only a few
 * thousand large batches: traced, ~25 functions a second were still being optimised
 * 30 s into the live phase, and the compiler threads took 15–18 % of the workers' CPU.
 * A long-running service is past that; the warm-up's own figures are printed apart.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 20);
const SWAPS = Number(process.env.BENCH_SWAPS ?? 5);
const HTTP_SECONDS = 8;
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** `threatlab serve --workers N` as its own processes; resolves with its HTTP address once it listens. */
function startServe(env: Record<string, string>, workers: number): Promise<{ child: ChildProcess; address: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/threatlab.js', 'serve', '--workers', String(workers), '--partitions', '6'], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /threatlab serve: (http:\S+)/.exec(err);
      if (m) resolve({ child, address: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`threatlab serve exited with ${code}: ${err.slice(-2000)}`)));
  });
}

/** p99 latency of the events sent in each `windowMs` from `from` (how the latency settles as the service warms up). */
function p99PerWindow(scored: LedgerEntry[], from: number, windowMs: number): number[] {
  const windows: number[][] = [];
  for (const e of scored) (windows[Math.floor((e.sentAt - from) / windowMs)] ??= []).push(e.scoredAt - e.sentAt);
  return Array.from(windows, (w) => quantile(w ?? [], 0.99));
}

async function main(): Promise<void> {
  const stack = await requireStack(['kafka']);
  const run = uniqueName('bench-serve');
  const stateDir = mkdtempSync(path.join(tmpdir(), 'tl-bench-serve-'));
  const token = 'bench-token';
  const env: Record<string, string> = {
    KAFKA_BROKERS: stack.KAFKA_BROKERS, THREATLAB_STATE_DIR: stateDir, THREATLAB_ARTIFACT_ROOT: `file://${stateDir}/models`,
    THREATLAB_KAFKA_CLIENT_ID: run, THREATLAB_LOG_LEVEL: 'warn', THREATLAB_INPUT_FORMAT: 'activity', THREATLAB_API_TOKEN: token,
    THREATLAB_TOPIC_ACTIVITIES: `${run}.activities`, THREATLAB_TOPIC_SCORES: `${run}.scores`, THREATLAB_TOPIC_ALERTS: `${run}.alerts`,
    THREATLAB_TOPIC_DLQ: `${run}.dlq`, THREATLAB_TOPIC_MODELS: `${run}.models`, THREATLAB_TOPIC_FEEDBACK: `${run}.feedback`,
    THREATLAB_TOPIC_CHECKPOINTS: `${run}.checkpoints`, THREATLAB_CONSUMER_GROUP: `${run}-group`,
    THREATLAB_HTTP_PORT: String(await freePort()), THREATLAB_CHECKPOINT_INTERVAL_MS: '3600000',
  };
  const config = loadConfig(env);
  const logger = createLogger('warn');
  const store = artifactStoresFromConfig(config);

  // A real model: trained on a generated tenant (all default components).
  const events = [...generateEvents({ users: 80, days: 14, seed: 11 })];
  const train = events.filter((e) => e.split === 'train').map((e) => e.activity);
  const pool: Activity[] = events.filter((e) => e.split === 'test').map((e) => { const { label: _l, ...a } = e.activity; return a as Activity; });
  const t0 = performance.now();
  const v1Uri = joinUri(config.artifactRoot, config.model.name, 'v1');
  const v2Uri = joinUri(config.artifactRoot, config.model.name, 'v2');
  const trained = await trainBundle(store, v1Uri, train, { name: config.model.name, seed: 11 });
  log(`trained on ${train.length} events in ${((performance.now() - t0) / 1000).toFixed(1)} s; components ${Object.keys(trained.manifest.components).join(', ')}`);
  // Version 2: the same scorers, another manifest (so another sha256): what a retrain without feature changes looks like.
  const v2 = await saveBundle(store, v2Uri, { manifest: { ...trained.bundle.manifest, createdAt: new Date().toISOString() }, files: trained.bundle.files });
  const versions = [
    { version: '1', uri: v1Uri, manifestSha256: trained.manifestSha256 },
    { version: '2', uri: v2Uri, manifestSha256: v2.manifestSha256 },
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
  // Each pool event serialised once without its id; a message is the new id spliced in front
  // (the producer's CPU here is taken from the service being measured).
  const poolRest = pool.map(({ id: _id, ...rest }) => JSON.stringify(rest).slice(1));
  const nextEvent = (): { key: string; value: Buffer; seq: number } => {
    const k = seq % pool.length;
    const id = `${pool[k].id}#${seq}`;
    return { key: pool[k].user, seq: seq++, value: Buffer.from(`{"id":${JSON.stringify(id)},${poolRest[k]}`) };
  };
  // One connected admin client for the drain's polling (20 a second): a client per poll
  // would cost the broker and this process a connection handshake each time, CPU taken
  // from the service being measured.
  const offsetsAdmin = new Kafka({ clientId: `${run}-offsets`, brokers: stack.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await offsetsAdmin.connect();
  const scoresOnTopic = async () => (await offsetsAdmin.fetchTopicOffsets(config.topics.scores)).reduce((n, o) => n + Number(o.high), 0);

  // 1. Pre-load, start the service, count the scores topic until every event has its score.
  for (let i = 0; i < PRELOAD; i += 5_000) {
    await producer.send(config.topics.activities, Array.from({ length: Math.min(5_000, PRELOAD - i) }, () => { const e = nextEvent(); return { key: e.key, value: e.value }; }));
  }
  log(`pre-loaded ${PRELOAD} events into 6 partitions; starting threatlab serve --workers ${WORKERS}`);
  const service = await startServe(env, WORKERS);
  // Sustained = the steady rate, between 20 % and 90 % of the pre-loaded events scored:
  // process start-up, the group join (and the rebalance as the workers arrive) and the
  // last partitions' tail are not throughput.
  const marks: { at: number; count: number; cpu?: number | null }[] = [];
  const windowStart = (m: { count: number }) => m.count >= 0.2 * PRELOAD;
  const windowEnd = (m: { count: number }) => m.count >= 0.9 * PRELOAD;
  for (;;) {
    const count = await scoresOnTopic();
    const mark: (typeof marks)[number] = { at: performance.now(), count };
    // The service's CPU is read at the window's two marks only: reading /proc costs ~2 ms,
    // which on every poll would be this process's own load on the cores being measured.
    if ((windowStart(mark) && !marks.some(windowStart)) || (windowEnd(mark) && !marks.some(windowEnd))) mark.cpu = processTreeCpuSeconds(service.child.pid!);
    marks.push(mark);
    if (count >= PRELOAD) break;
    await sleep(50);
  }
  const from = marks.find(windowStart)!;
  const to = marks.find(windowEnd)!;
  const eventsPerSec = (to.count - from.count) / ((to.at - from.at) / 1000);
  const firstScore = marks.find((m) => m.count > 0)!;
  const wholeDrain = (PRELOAD - firstScore.count) / ((marks[marks.length - 1].at - firstScore.at) / 1000);
  // The service's CPU (primary + workers) per event over the same window: steadier than the rate on a shared machine.
  const serviceCpuUsPerEvent = from.cpu == null || to.cpu == null ? null : Math.round(((to.cpu - from.cpu) * 1e6) / (to.count - from.count));
  await offsetsAdmin.disconnect();
  log(`sustained: ${Math.round(eventsPerSec)} events/s between 20 % and 90 % of ${PRELOAD} pre-loaded events (${Math.round(wholeDrain)} events/s over the whole drain from the first score), scores acknowledged on the scores topic, ${WORKERS} worker${WORKERS > 1 ? 's' : ''}; service CPU ${serviceCpuUsPerEvent ?? '?'} µs per event`);

  // 2 + 3. Live producer at 5k/s, scores read back from the topic; model swaps while it runs.
  // Per live event: sent, read back, and the Kafka timestamp the service's producer stamped on its score.
  const ledger = new LatencyLedger(seq);
  let firstByVersion: { version: string; at: number } | null = null;
  const watcher = bus.consumer({
    topics: [config.topics.scores], groupId: `${run}-watch`, fromBeginning: false,
    eachBatch: async (b) => {
      const now = Date.now();
      for (const m of b.messages) {
        const s = scoreKeys(m.value!.toString());
        if (!ledger.markScored(sequenceOf(s.eventId), now, Number(m.timestamp))) continue; // a pre-loaded event's score
        if (firstByVersion && !firstByVersion.at && s.version === firstByVersion.version) firstByVersion.at = now;
      }
    },
  });
  await watcher.run();
  await sleep(3_000); // the watcher's group join
  let live = true;
  const tickMs = 10;
  const producingFrom = Date.now();
  const producing = (async () => {
    const startedAt = Date.now();
    let sent = 0;
    while (live) {
      const due = Math.floor(((Date.now() - startedAt) / 1000) * RATE) - sent;
      if (due > 0) {
        const msgs = Array.from({ length: due }, () => {
          const e = nextEvent();
          ledger.markSent(e.seq, Date.now());
          return { key: e.key, value: e.value };
        });
        sent += due;
        await producer.send(config.topics.activities, msgs);
      }
      await sleep(tickMs);
    }
  })();
  await sleep(WARMUP_SECONDS * 1000);
  const steadyFrom = Date.now();
  const liveStart = { at: performance.now(), harness: process.cpuUsage(), service: processTreeCpuSeconds(service.child.pid!) };
  await sleep(LIVE_SECONDS * 1000);
  // CPU of the steady phase, in cores: the service's processes and this one (producer + read back).
  const liveSeconds = (performance.now() - liveStart.at) / 1000;
  const harnessCpu = process.cpuUsage(liveStart.harness);
  const liveHarnessCores = Number(((harnessCpu.user + harnessCpu.system) / 1e6 / liveSeconds).toFixed(2));
  const serviceCpuNow = processTreeCpuSeconds(service.child.pid!);
  const liveServiceCores = serviceCpuNow === null || liveStart.service === null ? null : Number(((serviceCpuNow - liveStart.service) / liveSeconds).toFixed(2));
  // Latency is reported for the steady phase and, apart, for the phase with model swaps.
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
  while (ledger.unscored() > 0 && Date.now() < deadline) await sleep(100);
  await watcher.stop();
  const scored = [...ledger.entries()];
  const readBack = (e: LedgerEntry) => e.scoredAt - e.sentAt;
  const steady = scored.filter((e) => e.sentAt >= steadyFrom && e.sentAt < swapPhaseStart);
  const latencies = steady.map(readBack);
  const warmupLatencies = scored.filter((e) => e.sentAt < steadyFrom).map(readBack);
  const swapLatencies = scored.filter((e) => e.sentAt >= swapPhaseStart).map(readBack);
  if (process.env.BENCH_DUMP_LATENCIES) writeFileSync(process.env.BENCH_DUMP_LATENCIES, scored.map((e) => `${e.sentAt} ${readBack(e)} ${e.producedAt - e.sentAt}`).join('\n'));
  const lost = ledger.unscored();
  const duplicates = ledger.duplicates;
  // The same steady-phase events, up to the moment the service produced their scores (without the read back).
  const produced = steady.map((e) => e.producedAt - e.sentAt);
  log(`live at ${RATE}/s: ${ledger.sentCount} events; steady ${LIVE_SECONDS} s: latency p50 ${quantile(latencies, 0.5)} ms, p99 ${quantile(latencies, 0.99)} ms; while models swap: p50 ${quantile(swapLatencies, 0.5)} ms, p99 ${quantile(swapLatencies, 0.99)} ms`);
  if (WARMUP_SECONDS > 0) log(`warm-up ${WARMUP_SECONDS} s at ${RATE}/s before the steady phase (not in its figures): latency p50 ${quantile(warmupLatencies, 0.5)} ms, p99 ${quantile(warmupLatencies, 0.99)} ms`);
  log(`p99 per 5 s of the live phase (from its start): ${p99PerWindow(scored.filter((e) => e.sentAt < swapPhaseStart), producingFrom, 5_000).join(', ')} ms`);
  log(`steady phase CPU: the service ${liveServiceCores ?? '?'} cores, this process (producer + read back) ${liveHarnessCores} cores`);
  log(`steady phase, produce → score produced (Kafka timestamp of the score record, no read back): p50 ${quantile(produced, 0.5)} ms, p99 ${quantile(produced, 0.99)} ms`);
  log(`swaps under load: ${swapTimes.join(', ')} ms (publish → first score by the new version read back); lost ${lost}; duplicates ${duplicates}`);

  // 4. HTTP single-event requests from a second process.
  const bodyFile = path.join(stateDir, 'one.json');
  writeFileSync(bodyFile, JSON.stringify(pool[0]));
  const cpuBeforeHttp = processTreeCpuSeconds(service.child.pid!);
  const http = await runLoad(`${service.address}/v1/score`, bodyFile, HTTP_SECONDS, 32, token);
  const cpuAfterHttp = processTreeCpuSeconds(service.child.pid!);
  const httpCpuUsPerRequest = cpuBeforeHttp === null || cpuAfterHttp === null || !http.ok ? null : Math.round(((cpuAfterHttp - cpuBeforeHttp) * 1e6) / http.ok);
  log(`POST /v1/score: ${Math.round(http.reqPerSec)} req/s (p50 ${http.p50Ms.toFixed(1)} ms, p99 ${http.p99Ms.toFixed(1)} ms, ${http.errors} errors); service CPU ${httpCpuUsPerRequest ?? '?'} µs per request`);
  const stopStart = Date.now();
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await exited;
  await producer.disconnect();
  await bus.close();
  log(`service stopped in ${Date.now() - stopStart} ms`);
  // Each run writes ~300 MB of log; left in the broker, they slow the runs after it.
  await deleteTopics(stack.KAFKA_BROKERS, Object.values(config.topics));

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
    latencyToProducedP50Ms: quantile(produced, 0.5),
    latencyToProducedP99Ms: quantile(produced, 0.99),
    swapP99Ms: quantile(swapTimes, 0.99),
    lost,
    duplicates,
    httpReqPerSec: Math.round(http.reqPerSec),
    mlflowServeReqPerSec: mlflowServeReqPerSec === null ? null : Math.round(mlflowServeReqPerSec),
    workers: WORKERS,
    serviceCpuUsPerEvent,
    httpCpuUsPerRequest,
    liveServiceCores,
    liveHarnessCores,
    latencyWarmupP99Ms: quantile(warmupLatencies, 0.99),
  }));
}

/**
 * eventId and model version of a score as the service writes it (fast-json-stringify, in
 * schema order: eventId first), without parsing the whole record; anything else is parsed.
 */
/** The bench's sequence number, after the last '#' of the event id it sent (NaN for other ids). */
function sequenceOf(eventId: string): number {
  const hash = eventId.lastIndexOf('#');
  return hash < 0 ? NaN : Number(eventId.slice(hash + 1));
}

function scoreKeys(text: string): { eventId: string; version: string } {
  if (text.startsWith('{"eventId":"')) {
    const idEnd = text.indexOf('"', 12);
    const v = text.indexOf('"version":"', text.indexOf('"model":{'));
    const eventId = text.slice(12, idEnd);
    if (idEnd > 0 && v > 0 && !eventId.includes('\\')) return { eventId, version: text.slice(v + 11, text.indexOf('"', v + 11)) };
  }
  const s = JSON.parse(text) as { eventId: string; model: { version: string } };
  return { eventId: s.eventId, version: s.model.version };
}

async function deleteTopics(brokers: string, topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-serve-cleanup', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: topics.filter((t) => existing.has(t)), timeout: 30_000 });
  } catch (err) {
    log(`could not delete the bench's topics (${(err as Error).message}); they stay in the broker`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
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
