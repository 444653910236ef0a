/**
 * bench/chaos.ts — faults under a live producer, on the REAL Kafka / S3 of the test stack
 * (and a broker and an S3 server of its own for the faults that stop them).
 *
 *   npx tsx bench/chaos.ts            (KAFKA_BROKERS set → that broker; else the stack is started)
 *
 * Faults, each with a producer running before, during and after it:
 *  - crash:          kill -9 of a `threatlab serve` process, restarted at once;
 *  - broker-restart: our own Kafka broker stopped for BENCH_OUTAGE_SEC and started again;
 *  - stores-down:    our own S3 server stopped while a model update arrives, then back;
 *  - bad-model:      five bad model updates (checksum, truncated weights, NaN weights,
 *                    feature spec, format version) published to the model topic.
 * Per fault: eventsIn (produced), eventsOut (distinct eventIds scored), lost, duplicates
 * (scores beyond one per eventId) and recoverySec: crash = kill → first score of the
 * restarted instance; broker = broker back → first score after it; stores = store back →
 * the new model swapped in; bad-model = the slowest update → its refusal (scoring never stops).
 * Last line of stdout: {"faults":[{"name","eventsIn","eventsOut","lost","duplicates","recoverySec"}]}
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileArtifactStore, MemoryArtifactStore, artifactStoresFromConfig, encodeModelUpdate } from '../src/registry/index.js';
import type { ArtifactStore } from '../src/registry/types.js';
import { createLogger } from '../src/serving/logger.js';
import { startService, type Service } from '../src/serving/service.js';
import { busFromConfig, type BusConsumer, type EventBus } from '../src/streaming/index.js';
import { startOwnKafka, startOwnS3 } from '../test/reliability/own-services.js';
import { SteadyProducer, serveEnv, startServe, stopServe } from '../test/reliability/serve-process.js';
import { freshConfig, readBundle, until, withAutoencoder, writeEdited } from '../test/reliability/support.js';
import { updateFor, writeRealBundle, type TestBundle } from '../test/serving/fixtures.js';
import { requireStack } from '../test/support/stack.js';

const EVENTS = Number(process.env.BENCH_CHAOS_EVENTS ?? 6_000);
const OUTAGE_SEC = Number(process.env.BENCH_OUTAGE_SEC ?? 5);
const USERS = 20;
const PARTITIONS = 3;
/** ≈ 400 events/s: sends of 20 every 50 ms. */
const LOAD = { users: USERS, perSend: 20, pauseMs: 50, firstIndex: 40 };

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fault {
  name: string;
  eventsIn: number;
  eventsOut: number;
  lost: number;
  duplicates: number;
  recoverySec: number;
}

/** Every score on a topic: eventId and arrival time. */
class ScoreLog {
  readonly arrivals: Array<{ id: string; at: number }> = [];
  private consumer: BusConsumer | null = null;

  static async start(bus: EventBus, topic: string): Promise<ScoreLog> {
    const scores = new ScoreLog();
    scores.consumer = bus.consumer({
      topics: [topic], fromBeginning: true,
      eachBatch: async (b) => {
        const at = Date.now();
        for (const m of b.messages) scores.arrivals.push({ id: (JSON.parse(m.value!.toString()) as { eventId: string }).eventId, at });
      },
    });
    await scores.consumer.run();
    return scores;
  }

  firstAfter(t: number): number | null {
    return this.arrivals.find((a) => a.at > t)?.at ?? null;
  }

  async waitFor(ids: string[], ms = 240_000): Promise<void> {
    await until(() => { const have = new Set(this.arrivals.map((a) => a.id)); return ids.every((id) => have.has(id)); }, `${ids.length} scores`, ms)
      .catch((err: Error) => log(`  (gave up waiting: ${err.message})`));
    await sleep(1_000); // late duplicates
  }

  fault(name: string, ids: string[], recoverySec: number): Fault {
    const unique = new Set(this.arrivals.map((a) => a.id));
    const eventsOut = ids.filter((id) => unique.has(id)).length;
    return { name, eventsIn: ids.length, eventsOut, lost: ids.length - eventsOut, duplicates: this.arrivals.length - unique.size, recoverySec: Math.round(recoverySec * 10) / 10 };
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}

async function setUp(brokers: string, runName: string, extra: { stateDir?: string; artifactRoot?: string } = {}, env: Record<string, string> = {}) {
  const config = freshConfig({ KAFKA_BROKERS: brokers, ...env }, runName, extra);
  const bus = busFromConfig(config, { logger: createLogger('silent') });
  await bus.ensureTopics([
    { name: config.topics.activities, partitions: PARTITIONS }, { name: config.topics.scores, partitions: PARTITIONS },
    { name: config.topics.models, partitions: 1, compacted: true },
  ]);
  const producer = await bus.producer();
  const scores = await ScoreLog.start(bus, config.topics.scores);
  const close = async () => {
    await scores.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await bus.close().catch(() => undefined);
  };
  return { config, bus, producer, scores, close };
}

async function crash(brokers: string): Promise<Fault> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'tl-chaos-crash-'));
  const s = await setUp(brokers, 'chaos-crash', { stateDir, artifactRoot: `file://${stateDir}/artifacts` });
  const store = new FileArtifactStore([stateDir]);
  const bundle = await writeRealBundle(store, `file://${stateDir}/artifacts/models/v1`, { seed: 1, users: USERS, perUser: 24 });
  await s.producer.send(s.config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
  const env = serveEnv(s.config, { THREATLAB_CHECKPOINT_INTERVAL_MS: '1000' });
  const first = await startServe(env, PARTITIONS);
  const load = new SteadyProducer(s.producer, s.config.topics.activities, EVENTS, { ...LOAD, prefix: 'crash' });
  await until(() => load.produced >= EVENTS / 3, 'a third of the load');
  const killedAt = Date.now();
  first.child.kill('SIGKILL');
  log(`crash: kill -9 after ${load.produced} events`);
  const second = await startServe(env, PARTITIONS);
  await load.finished();
  await s.scores.waitFor(load.ids());
  // The first score arriving ≥ 0.5 s after the kill comes from the restarted instance.
  const resumed = s.scores.firstAfter(killedAt + 500);
  await stopServe(second);
  await s.close();
  return s.scores.fault('crash', load.ids(), resumed === null ? -1 : (resumed - killedAt) / 1000);
}

async function brokerRestart(): Promise<Fault> {
  const kafka = await startOwnKafka();
  const s = await setUp(kafka.address, 'chaos-broker', { artifactRoot: 'memory://state' });
  const store = new MemoryArtifactStore();
  const bundle = await writeRealBundle(store, 'memory://models/v1', { seed: 1, users: USERS, perUser: 24 });
  await s.producer.send(s.config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
  const service = await startService({ config: s.config, store, registry: null, logger: createLogger('silent'), defaultMetrics: false, partitions: PARTITIONS });
  await service.ready();
  const load = new SteadyProducer(s.producer, s.config.topics.activities, EVENTS, { ...LOAD, prefix: 'broker' });
  await until(() => load.produced >= EVENTS / 3, 'a third of the load');
  await kafka.stop();
  log(`broker-restart: broker stopped after ${load.produced} events, down ${OUTAGE_SEC} s`);
  await sleep(OUTAGE_SEC * 1000);
  await kafka.start();
  const upAt = Date.now();
  await load.finished();
  await s.scores.waitFor(load.ids());
  const resumed = s.scores.firstAfter(upAt);
  await service.stop();
  await s.close();
  await kafka.dispose();
  return s.scores.fault('broker-restart', load.ids(), resumed === null ? -1 : (resumed - upAt) / 1000);
}

async function storesDown(brokers: string): Promise<Fault> {
  const s3 = await startOwnS3();
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const s = await setUp(brokers, 'chaos-s3', { artifactRoot: 's3://threatlab/chaos' }, { AWS_ENDPOINT_URL: s3.address, AWS_REGION: 'us-east-1' });
  const store = artifactStoresFromConfig(s.config, { s3: { attempts: 2, baseDelayMs: 50 } });
  const v1 = await writeRealBundle(store, 's3://threatlab/chaos/v1', { seed: 1, users: USERS, perUser: 24 });
  const v2 = await writeRealBundle(store, 's3://threatlab/chaos/v2', { seed: 2, users: USERS, perUser: 24 });
  const copy = await readBundle(store, v2.uri);
  const manifest = await store.get(`${v2.uri}/manifest.json`);
  await s.producer.send(s.config.topics.models, [encodeModelUpdate(updateFor(v1, '1'))]);
  const service = await startService({ config: s.config, store, bus: s.bus, registry: null, logger: createLogger('silent'), defaultMetrics: false, partitions: PARTITIONS });
  await service.ready();
  const load = new SteadyProducer(s.producer, s.config.topics.activities, EVENTS, { ...LOAD, prefix: 's3' });
  await until(() => load.produced >= EVENTS / 3, 'a third of the load');
  await s3.stop(true);
  await s.producer.send(s.config.topics.models, [encodeModelUpdate(updateFor(v2, '2'))]);
  log(`stores-down: S3 stopped and v2 announced after ${load.produced} events, down ${OUTAGE_SEC} s`);
  await sleep(OUTAGE_SEC * 1000);
  const stillV1 = service.models.champion?.ref.version === '1';
  await s3.start();
  for (const [name, bytes] of Object.entries(copy.files)) await store.put(`${v2.uri}/${name}`, bytes);
  await store.put(`${v2.uri}/manifest.json`, manifest);
  const backAt = Date.now();
  await until(() => service.models.champion?.ref.version === '2', 'the swap to v2', 120_000);
  const recovery = (Date.now() - backAt) / 1000;
  log(`stores-down: v1 kept serving during the outage: ${stillV1}; refusals: ${service.models.lastRefusal ? 1 : 0}`);
  await load.finished();
  await s.scores.waitFor(load.ids());
  await service.stop();
  await s.close();
  await s3.dispose();
  return s.scores.fault('stores-down', load.ids(), recovery);
}

async function badModels(brokers: string): Promise<Fault> {
  const s = await setUp(brokers, 'chaos-bad', { artifactRoot: 'memory://state' });
  const store: ArtifactStore = new MemoryArtifactStore();
  const good = await writeRealBundle(store, 'memory://models/good', { seed: 1, users: USERS, perUser: 24 });
  const tf = await withAutoencoder(store, good.uri, 'memory://models/good-tf');
  const edit = (uri: string, f: (b: Parameters<Parameters<typeof writeEdited>[3]>[0]) => ReturnType<Parameters<typeof writeEdited>[3]>) => writeEdited(store, tf.uri, uri, f);
  const weights = 'autoencoder.weights.bin';
  const bad: Array<[string, Promise<TestBundle> | TestBundle, Partial<ReturnType<typeof updateFor>>]> = [
    ['checksum', tf, { manifestSha256: 'f'.repeat(64) }],
    ['truncated weights', edit('memory://models/trunc', (b) => ({ ...b, files: { ...b.files, [weights]: b.files[weights].slice(0, 100) } })), {}],
    ['NaN weights', edit('memory://models/nan', (b) => { const w = new Float32Array(b.files[weights].slice().buffer); w[0] = Number.NaN; return { ...b, files: { ...b.files, [weights]: new Uint8Array(w.buffer) } }; }), {}],
    ['feature spec', writeRealBundle(store, 'memory://models/spec', { seed: 1, users: USERS, perUser: 24, featureSpecHash: 'other' }), {}],
    ['format version', edit('memory://models/format', (b) => ({ ...b, manifest: { ...b.manifest, formatVersion: 7 as unknown as 1 } })), {}],
  ];
  await s.producer.send(s.config.topics.models, [encodeModelUpdate(updateFor(tf, '1'))]);
  const service: Service = await startService({ config: s.config, store, bus: s.bus, registry: null, logger: createLogger('silent'), defaultMetrics: false, partitions: PARTITIONS });
  await service.ready();
  const load = new SteadyProducer(s.producer, s.config.topics.activities, EVENTS, { ...LOAD, prefix: 'bad' });
  let slowest = 0;
  let version = 1;
  for (const [what, bundle, patch] of bad) {
    await until(() => load.produced >= (EVENTS * (version + 1)) / 8, 'load between updates');
    version++;
    const published = Date.now();
    await s.producer.send(s.config.topics.models, [encodeModelUpdate({ ...updateFor(await bundle, String(version)), ...patch })]);
    await until(() => service.models.lastRefusal?.version === String(version), `the refusal of ${what}`);
    slowest = Math.max(slowest, (Date.now() - published) / 1000);
    log(`bad-model: ${what} refused (${service.models.lastRefusal?.code}); serving v${service.models.champion?.ref.version}`);
  }
  await load.finished();
  await s.scores.waitFor(load.ids());
  await service.stop();
  await s.close();
  return s.scores.fault('bad-model', load.ids(), slowest);
}

async function main(): Promise<void> {
  const env = await requireStack(['kafka']);
  log(`chaos: ${EVENTS} events per fault at ≈ ${Math.round((LOAD.perSend * 1000) / LOAD.pauseMs)} events/s, ${PARTITIONS} partitions, outages ${OUTAGE_SEC} s`);
  const faults: Fault[] = [];
  for (const [name, run] of [
    ['crash', () => crash(env.KAFKA_BROKERS)], ['broker-restart', brokerRestart], ['stores-down', () => storesDown(env.KAFKA_BROKERS)], ['bad-model', () => badModels(env.KAFKA_BROKERS)],
  ] as const) {
    const started = Date.now();
    const f = await run();
    faults.push(f);
    log(`${name}: in ${f.eventsIn}, out ${f.eventsOut}, lost ${f.lost}, duplicates ${f.duplicates}, recovery ${f.recoverySec} s (scenario ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  log(JSON.stringify({ faults }));
  process.exit(0);
}

await main();
