/**
 * The artifact store (S3) is down when a model update arrives: serving keeps the current
 * model and keeps scoring, retries with growing delays (never a refusal: an outage is not
 * a bad model), and swaps as soon as the store is back. The store is our own moto server
 * (stopping the shared one would break other tests); it comes back empty, as a store
 * restored from durable storage would come back with its objects, so the bundle is put
 * back before the restart is announced.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { artifactStoresFromConfig, encodeModelUpdate } from '../../src/registry/index.js';
import type { ArtifactStore } from '../../src/registry/types.js';
import { createLogger } from '../../src/serving/logger.js';
import { startService, type Service } from '../../src/serving/service.js';
import { busFromConfig, type BusProducer, type EventBus } from '../../src/streaming/index.js';
import { updateFor, writeRealBundle } from '../serving/fixtures.js';
import { requireStack } from '../support/stack.js';
import { startOwnS3, type OwnService } from './own-services.js';
import { TopicCollector, activityMessages, freshConfig, readBundle, until } from './support.js';

describe('the artifact store is down when a model update arrives', () => {
  let s3: OwnService;
  let config: Readonly<Config>;
  let store: ArtifactStore;
  let bus: EventBus;
  let producer: BusProducer;
  let service: Service;
  let scores: TopicCollector;
  const logLines: Array<Record<string, unknown>> = [];

  before(async () => {
    const env = await requireStack(['kafka']);
    s3 = await startOwnS3();
    config = freshConfig({ KAFKA_BROKERS: env.KAFKA_BROKERS, AWS_ENDPOINT_URL: s3.address, AWS_REGION: 'us-east-1' }, 'rel-s3down', {
      artifactRoot: 's3://threatlab/rel-s3down',
    });
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    // Two quick attempts per S3 call: the model manager's own backoff is what is tested.
    store = artifactStoresFromConfig(config, { s3: { attempts: 2, baseDelayMs: 50 } });
    bus = busFromConfig(config, { logger: createLogger('silent') });
    const v1 = await writeRealBundle(store, 's3://threatlab/rel-s3down/v1', { seed: 1, users: 20, perUser: 24 });
    await bus.ensureTopics([{ name: config.topics.models, partitions: 1, compacted: true }]);
    producer = await bus.producer();
    await producer.send(config.topics.models, [encodeModelUpdate(updateFor(v1, '1'))]);
    const sink = new Writable({ write(chunk, _e, done) { for (const l of String(chunk).split('\n')) if (l) logLines.push(JSON.parse(l)); done(); } });
    service = await startService({ config, store, bus, registry: null, logger: createLogger('warn', sink), defaultMetrics: false, partitions: 2 });
    await service.ready();
    scores = await TopicCollector.start(bus, config.topics.scores);
  });

  after(async () => {
    await service?.stop();
    await scores?.stop();
    await producer?.disconnect();
    await bus?.close();
    await s3?.dispose();
  });

  it('keeps serving v1 with backoff retries while S3 is down, and swaps to v2 when it is back', async () => {
    // v2 is written while the store is up; a copy is kept to restore after the outage.
    const v2 = await writeRealBundle(store, 's3://threatlab/rel-s3down/v2', { seed: 2, users: 20, perUser: 24 });
    const copy = await readBundle(store, v2.uri);
    const manifestBytes = await store.get(`${v2.uri}/manifest.json`);

    await s3.stop(true);
    await producer.send(config.topics.models, [encodeModelUpdate(updateFor(v2, '2'))]);
    const retries = () => logLines.filter((l) => l.msg === 'model fetch failed, retrying');
    await until(() => retries().length >= 4, 'four retries while the store is down', 60_000);

    assert.equal(service.models.champion?.ref.version, '1', 'the current model keeps serving');
    assert.equal(service.models.lastRefusal, null, 'an outage is not a refusal');
    const health = await service.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200, 'ready with the current model');
    await producer.send(config.topics.activities, activityMessages(0, 20, 20, 'during-outage'));
    await until(() => scores.messages.length >= 20, '20 scores during the outage');
    assert.ok(scores.values<{ model: { version: string } }>().every((s) => s.model.version === '1'));

    const delays = retries().map((l) => Number(l.delayMs));
    assert.ok(delays[3] > delays[0], `backoff grows: ${delays.join(', ')} ms`);
    assert.ok(retries().every((l, i) => Number(l.attempt) === i + 1), 'attempts are counted');

    const outageEnded = Date.now();
    await s3.start();
    for (const [name, bytes] of Object.entries(copy.files)) await store.put(`${v2.uri}/${name}`, bytes);
    await store.put(`${v2.uri}/manifest.json`, manifestBytes);
    await until(() => service.models.champion?.ref.version === '2', 'the swap to v2 after the outage', 60_000);
    const recoverySec = (Date.now() - outageEnded) / 1000;
    process.stderr.write(`# stores down: ${retries().length} retries, delays ${delays.slice(0, 6).join(', ')} ms, swapped ${recoverySec.toFixed(1)} s after the store came back\n`);

    const before = scores.messages.length;
    await producer.send(config.topics.activities, activityMessages(20, 20, 20, 'after-outage'));
    await until(() => scores.messages.length >= before + 20, '20 scores after the swap');
    assert.ok(scores.values<{ model: { version: string } }>().slice(before).every((s) => s.model.version === '2'));
  });
});
