/**
 * Shared helpers of the reliability tests and the chaos bench: a config on fresh Kafka
 * topics, a collector of an output topic, and bundle surgery (take a good bundle apart,
 * damage one thing, write it back) so each bad-model case differs from a good model in
 * exactly the way it names.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/index.js';
import { FEATURE_SPEC, FeatureEngine } from '../../src/features/index.js';
import {
  AE_WEIGHTS_FILE, fitAutoencoder, saveBundle, saveLayersModel, type ModelBundle,
} from '../../src/models/index.js';
import type { BundleManifest } from '../../src/models/manifest.js';
import type { ArtifactStore } from '../../src/registry/types.js';
import type { BusConsumer, ConsumedMessage, EventBus } from '../../src/streaming/index.js';
import { activity, type TestBundle } from '../serving/fixtures.js';
import { uniqueName } from '../support/stack.js';

export { until } from '../support/until.js';

/** A config whose topics and consumer group (named after `runName`) no other test uses. */
export function freshConfig(env: Record<string, string>, runName: string, overrides: { stateDir?: string; artifactRoot?: string } = {}): Readonly<Config> {
  const run = uniqueName(runName);
  return loadConfig(env, {
    stateDir: mkdtempSync(path.join(tmpdir(), 'tl-rel-')), logLevel: 'silent', kafkaClientId: run,
    topics: {
      activities: `${run}.activities`, scores: `${run}.scores`, alerts: `${run}.alerts`, deadLetter: `${run}.dlq`,
      models: `${run}.models`, feedback: `${run}.feedback`, checkpoints: `${run}.checkpoints`,
    },
    serve: { consumerGroup: `${run}-group` },
    ...overrides,
  });
}

/** Everything one output topic receives, parsed, from the beginning. */
export class TopicCollector {
  readonly messages: ConsumedMessage[] = [];
  private consumer: BusConsumer | null = null;

  static async start(bus: EventBus, topic: string): Promise<TopicCollector> {
    const c = new TopicCollector();
    c.consumer = bus.consumer({ topics: [topic], fromBeginning: true, eachBatch: async (b) => { c.messages.push(...b.messages); } });
    await c.consumer.run();
    return c;
  }

  values<T = Record<string, unknown>>(): T[] {
    return this.messages.map((m) => JSON.parse(m.value!.toString('utf8')) as T);
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}

/** A bundle's manifest and files, read back from the store. */
export async function readBundle(store: ArtifactStore, uri: string): Promise<{ manifest: BundleManifest; files: Record<string, Uint8Array> }> {
  const manifest = JSON.parse(Buffer.from(await store.get(`${uri}/manifest.json`)).toString('utf8')) as BundleManifest;
  const files: Record<string, Uint8Array> = {};
  for (const name of Object.keys(manifest.files)) files[name] = await store.get(`${uri}/${name}`);
  return { manifest, files };
}

/**
 * Writes `edit(good)` under `uri` with a manifest whose checksums match the edited files:
 * the damage is then visible only to the check that the case is about.
 */
export async function writeEdited(store: ArtifactStore, fromUri: string, uri: string, edit: (b: ModelBundle) => ModelBundle): Promise<TestBundle> {
  const { manifest, files } = await readBundle(store, fromUri);
  const { files: _checksums, ...rest } = manifest;
  const edited = edit({ manifest: rest, files });
  const { manifestSha256, manifest: written } = await saveBundle(store, uri, edited);
  return { uri, manifestSha256, featureSpecHash: written.featureSpecHash };
}

/** Adds a small tfjs autoencoder component (1 epoch) to a good k-means bundle, so weights files exist to damage. */
export async function withAutoencoder(store: ArtifactStore, fromUri: string, uri: string): Promise<TestBundle> {
  const engine = new FeatureEngine();
  const users = 10;
  const perUser = 10;
  const dim = engine.dim;
  const data = new Float32Array(users * perUser * dim);
  let r = 0;
  for (let i = 0; i < perUser; i++) for (let u = 0; u < users; u++) engine.process(activity(u, i), data, (r++) * dim);
  const { params, model } = await fitAutoencoder({ data, rows: users * perUser, dim }, { epochs: 1, seed: 1 });
  const saved = await saveLayersModel(model, AE_WEIGHTS_FILE);
  model.dispose();
  return writeEdited(store, fromUri, uri, (b) => ({
    manifest: {
      ...b.manifest,
      components: { ...b.manifest.components, autoencoder: { params: 'autoencoder.json', modelJson: 'autoencoder.model.json', weights: AE_WEIGHTS_FILE, summary: 'test' } },
      weights: { ...b.manifest.weights, autoencoder: 1 },
      calibration: { ...b.manifest.calibration, autoencoder: b.manifest.calibration.cluster },
    },
    files: { ...b.files, 'autoencoder.json': new TextEncoder().encode(JSON.stringify(params)), 'autoencoder.model.json': saved.modelJson, [AE_WEIGHTS_FILE]: saved.weights },
  }));
}

export const SPEC_HASH = FEATURE_SPEC.hash;

/** Activities of the fixture population, as bus messages keyed by user. */
export function activityMessages(from: number, count: number, users = 20, idPrefix = 'evt') {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const a = activity(n % users, 40 + Math.floor(n / users), { id: `${idPrefix}-${n}` });
    return { key: a.user, value: Buffer.from(JSON.stringify(a)) };
  });
}
