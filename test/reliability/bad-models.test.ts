/**
 * Bad models reach a RUNNING serving instance the way real ones do — a bundle in S3 and
 * an update on the Kafka model topic — and each is refused: the old model keeps serving
 * (new events are scored with it), the reason is in /health and /v1/model, and
 * threatlab_model_refusals_total counts it by reason. A good update afterwards is still
 * followed, so a refusal does not wedge the follower.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { encodeModelUpdate, artifactStoresFromConfig } from '../../src/registry/index.js';
import type { ArtifactStore, ModelUpdateMessage } from '../../src/registry/types.js';
import { createLogger } from '../../src/serving/logger.js';
import { startService, type Service } from '../../src/serving/service.js';
import { busFromConfig, type BusProducer, type EventBus } from '../../src/streaming/index.js';
import { updateFor, writeRealBundle, type TestBundle } from '../serving/fixtures.js';
import { requireStack, uniqueName } from '../support/stack.js';
import { TopicCollector, activityMessages, freshConfig, until, withAutoencoder, writeEdited } from './support.js';

describe('bad models are refused by a running instance', () => {
  let config: Readonly<Config>;
  let store: ArtifactStore;
  let bus: EventBus;
  let producer: BusProducer;
  let service: Service;
  let scores: TopicCollector;
  let good: TestBundle;
  let tfGood: TestBundle;
  let root: string;
  let produced = 0;

  before(async () => {
    const env = await requireStack(['kafka', 's3']);
    root = `s3://threatlab/${uniqueName('rel-bad')}`;
    config = freshConfig({ ...env }, 'rel-bad', { artifactRoot: root });
    store = artifactStoresFromConfig(config);
    bus = busFromConfig(config, { logger: createLogger('silent') });
    good = await writeRealBundle(store, `${root}/good`, { seed: 1, users: 20, perUser: 24 });
    tfGood = await withAutoencoder(store, good.uri, `${root}/good-tf`);
    await bus.ensureTopics([{ name: config.topics.models, partitions: 1, compacted: true }]);
    producer = await bus.producer();
    await producer.send(config.topics.models, [encodeModelUpdate(updateFor(tfGood, '1'))]);
    service = await startService({ config, store, bus, registry: null, logger: createLogger('silent'), defaultMetrics: false, partitions: 2 });
    await service.ready();
    scores = await TopicCollector.start(bus, config.topics.scores);
  });

  after(async () => {
    await service?.stop();
    await scores?.stop();
    await producer?.disconnect();
    await bus?.close();
  });

  /** Publishes `update`, waits for its refusal, and checks that v1 still serves and says why. */
  async function expectRefused(update: ModelUpdateMessage, code: string, reason: RegExp): Promise<void> {
    await producer.send(config.topics.models, [encodeModelUpdate(update)]);
    await until(() => service.models.lastRefusal?.version === update.version, `refusal of v${update.version}`);
    const refusal = service.models.lastRefusal!;
    assert.equal(refusal.code, code, refusal.reason);
    assert.match(refusal.reason, reason);
    assert.equal(service.models.champion?.ref.version, '1', 'the old model keeps serving');

    const health = await service.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200, 'still ready');
    assert.equal(health.json().checks.model.version, '1');
    assert.equal(health.json().lastRefusal.version, update.version);
    assert.equal(health.json().lastRefusal.code, code);
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, new RegExp(`threatlab_model_refusals_total\\{role="champion",reason="${code}"\\} [1-9]`));

    // And it still scores new events, with v1.
    const before = scores.messages.length;
    await producer.send(config.topics.activities, activityMessages(produced, 10, 20, `after-v${update.version}`));
    produced += 10;
    await until(() => scores.messages.length >= before + 10, '10 scores after the refusal');
    assert.ok(scores.values<{ model: { version: string } }>().slice(before).every((s) => s.model.version === '1'));
  }

  it('a file whose bytes do not match the manifest checksum', async () => {
    const uri = `${root}/corrupt`;
    const bad = await writeEdited(store, good.uri, uri, (b) => b);
    const params = Buffer.from(await store.get(`${uri}/cluster.json`));
    params[params.length - 2] ^= 0x01; // one flipped bit, as a bad disk or a botched copy would do
    await store.put(`${uri}/cluster.json`, params);
    await expectRefused(updateFor(bad, '2'), 'THREATLAB_CHECKSUM', /cluster\.json.*does not match/);
  });

  it('a manifest whose sha256 is not the one the update announced', async () => {
    await expectRefused({ ...updateFor(good, '3'), manifestSha256: 'f'.repeat(64) }, 'THREATLAB_CHECKSUM', /manifest .* expected f{64}/);
  });

  it('truncated tfjs weights (with checksums that match the truncated file)', async () => {
    const bad = await writeEdited(store, tfGood.uri, `${root}/truncated`, (b) => {
      const w = b.files['autoencoder.weights.bin'];
      return { ...b, files: { ...b.files, 'autoencoder.weights.bin': w.slice(0, Math.floor(w.byteLength / 2)) } };
    });
    await expectRefused(updateFor(bad, '4'), 'THREATLAB_BAD_MODEL', /weights: expected \d+ bytes/);
  });

  it('NaN weights in the tfjs network', async () => {
    const bad = await writeEdited(store, tfGood.uri, `${root}/nan`, (b) => {
      const w = new Float32Array(b.files['autoencoder.weights.bin'].slice().buffer);
      w[3] = Number.NaN;
      return { ...b, files: { ...b.files, 'autoencoder.weights.bin': new Uint8Array(w.buffer) } };
    });
    await expectRefused(updateFor(bad, '5'), 'THREATLAB_BAD_MODEL', /NaN or Infinity/);
  });

  it('NaN k-means centroids (JSON writes NaN as null)', async () => {
    const bad = await writeEdited(store, good.uri, `${root}/nan-centroid`, (b) => {
      const params = JSON.parse(Buffer.from(b.files['cluster.json']).toString('utf8')) as { centroids: number[][] };
      params.centroids[0][0] = Number.NaN;
      return { ...b, files: { ...b.files, 'cluster.json': new TextEncoder().encode(JSON.stringify(params)) } };
    });
    await expectRefused(updateFor(bad, '6'), 'THREATLAB_BAD_MODEL', /k-means parameters are malformed/);
  });

  it('a model trained on another feature spec (announced in the update, and only in the manifest)', async () => {
    const other = await writeRealBundle(store, `${root}/other-spec`, { seed: 1, users: 20, perUser: 24, featureSpecHash: 'feedfacecafe' });
    await expectRefused(updateFor(other, '7'), 'THREATLAB_FEATURE_SPEC_MISMATCH', /feedfacecafe/);
    // A registry fallback may not know the hash: the bundle's own manifest must still be checked.
    await expectRefused({ ...updateFor(other, '8'), featureSpecHash: '' }, 'THREATLAB_FEATURE_SPEC_MISMATCH', /feedfacecafe/);
  });

  it('a manifest of an unknown format version', async () => {
    const bad = await writeEdited(store, good.uri, `${root}/format-99`, (b) => ({ ...b, manifest: { ...b.manifest, formatVersion: 99 as unknown as 1 } }));
    await expectRefused(updateFor(bad, '9'), 'THREATLAB_BAD_MODEL', /format version 99 is not supported/);
  });

  it('still follows a good update after all those refusals', async () => {
    await producer.send(config.topics.models, [encodeModelUpdate(updateFor(good, '10'))]);
    await until(() => service.models.champion?.ref.version === '10', 'the good v10 swapped in');
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    const refusals = [...metrics.matchAll(/threatlab_model_refusals_total\{[^}]*\} (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
    assert.equal(refusals, 8, 'one refusal per bad update');
  });
});
