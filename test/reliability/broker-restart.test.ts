/**
 * The Kafka broker restarts under load (our OWN single-node broker, same port and data,
 * so the shared one is untouched): the serving instance is not restarted, reconnects by
 * itself, reports the outage in /health meanwhile, and every produced event ends with a
 * score (duplicates counted: a batch whose commit was cut off is scored again).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { startService, type Service } from '../../src/serving/service.js';
import { KafkaBus, busFromConfig, type BusConsumer, type BusProducer, type EventBus } from '../../src/streaming/index.js';
import { updateFor, writeRealBundle } from '../serving/fixtures.js';
import { startOwnKafka, type OwnService } from './own-services.js';
import { SteadyProducer } from './serve-process.js';
import { freshConfig, until } from './support.js';

describe('Kafka broker restart under load', () => {
  let kafka: OwnService;
  let config: Readonly<Config>;
  let bus: EventBus;
  let producer: BusProducer;
  let reader: BusConsumer;
  let service: Service;
  const seen: string[] = [];

  const staleAfterMs = KafkaBus.staleAfterMs;
  before(async () => {
    KafkaBus.staleAfterMs = 2_000;
    kafka = await startOwnKafka();
    config = freshConfig({ KAFKA_BROKERS: kafka.address }, 'rel-broker', { artifactRoot: 'memory://state' });
    const store = new MemoryArtifactStore();
    const bundle = await writeRealBundle(store, 'memory://models/broker', { seed: 1, users: 10, perUser: 24 });
    bus = busFromConfig(config, { logger: createLogger('silent') });
    await bus.ensureTopics([
      { name: config.topics.activities, partitions: 2 }, { name: config.topics.scores, partitions: 2 },
      { name: config.topics.models, partitions: 1, compacted: true },
    ]);
    producer = await bus.producer();
    await producer.send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
    // The service has its own bus (its own connections), as a deployed instance would.
    service = await startService({ config, store, registry: null, logger: createLogger('silent'), defaultMetrics: false, partitions: 2 });
    await service.ready();
    reader = bus.consumer({ topics: [config.topics.scores], fromBeginning: true, eachBatch: async (b) => { for (const m of b.messages) seen.push((JSON.parse(m.value!.toString()) as { eventId: string }).eventId); } });
    await reader.run();
  });

  after(async () => {
    KafkaBus.staleAfterMs = staleAfterMs;
    await service?.stop();
    await reader?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await kafka?.dispose();
  });

  it('reconnects without a restart and scores every event', async () => {
    const load = new SteadyProducer(producer, config.topics.activities, 600, { users: 10, perSend: 10, pauseMs: 50, prefix: 'k', firstIndex: 40 });
    await until(() => seen.length >= 100, 'scoring under way');
    await kafka.stop();
    const downAt = Date.now();
    // A few seconds of outage under load: /health must turn 503 (no fetch answered for
    // longer than the bus's staleness bound, shortened for the test) and 200 again after.
    const healthDuring: number[] = [];
    for (let i = 0; i < 10; i++) {
      healthDuring.push((await service.app.inject({ method: 'GET', url: '/health' })).statusCode);
      await new Promise((r) => setTimeout(r, 500));
    }
    await kafka.start();
    const upAt = Date.now();
    await load.finished();
    const expected = load.ids();
    await until(() => { const have = new Set(seen); return expected.every((id) => have.has(id)); }, 'a score for every produced event', 180_000);
    const recoverySec = (Date.now() - upAt) / 1000;
    await until(async () => (await service.app.inject({ method: 'GET', url: '/health' })).statusCode === 200, 'healthy again', 30_000);

    assert.ok(healthDuring.includes(503), `/health reported the outage: ${healthDuring.join(', ')}`);
    const unique = new Set(seen);
    assert.equal(unique.size, expected.length, 'nothing lost, nothing invented');
    const duplicates = seen.length - unique.size;
    process.stderr.write(`# broker restart: ${expected.length} in, ${unique.size} scored, ${duplicates} duplicates, down ${((upAt - downAt) / 1000).toFixed(1)} s, all scored ${recoverySec.toFixed(1)} s after it was back; /health during the outage: ${[...new Set(healthDuring)].join('/')}\n`);
    assert.ok(duplicates <= expected.length, 'at most one redelivery per event');
    assert.ok(service.scorer.totals.inputs >= expected.length, 'the same instance did the work');
  });
});
