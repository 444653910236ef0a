/**
 * The stream scorer against the REAL Kafka of the test stack: every input becomes one
 * score or one dead letter; two instances in one consumer group split the partitions,
 * both follow a model update from the (broadcast) model topic, and every event is
 * scored once per group (modulo at-least-once redelivery, which is counted).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../../src/config/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { startService, type Service } from '../../src/serving/service.js';
import { busFromConfig, type BusConsumer, type ConsumedMessage, type EventBus } from '../../src/streaming/index.js';
import { requireStack, uniqueName } from '../support/stack.js';
import { activity, updateFor, writeRealBundle, type TestBundle } from './fixtures.js';

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('stream scoring on Kafka', () => {
  const store = new MemoryArtifactStore();
  const logger = createLogger('warn');
  let config: Readonly<Config>;
  let bus: EventBus;
  const services: Service[] = [];
  const readers: BusConsumer[] = [];
  const scores: ConsumedMessage[] = [];
  const letters: ConsumedMessage[] = [];
  let v1: TestBundle;
  let v2: TestBundle;

  before(async () => {
    const env = await requireStack(['kafka']);
    const run = uniqueName('serve');
    config = loadConfig({ KAFKA_BROKERS: env.KAFKA_BROKERS }, {
      stateDir: mkdtempSync(path.join(tmpdir(), 'tl-kafka-')), artifactRoot: 'memory://state', logLevel: 'warn',
      kafkaClientId: run,
      topics: {
        activities: `${run}.activities`, scores: `${run}.scores`, alerts: `${run}.alerts`, deadLetter: `${run}.dlq`,
        models: `${run}.models`, feedback: `${run}.feedback`, checkpoints: `${run}.checkpoints`,
      },
      serve: { consumerGroup: `${run}-group` },
    });
    bus = busFromConfig(config, { logger });
    v1 = await writeRealBundle(store, 'memory://models/k1', { seed: 1 });
    v2 = await writeRealBundle(store, 'memory://models/k2', { seed: 2, perUser: 48 });
    await bus.ensureTopics([
      { name: config.topics.activities, partitions: 4 }, { name: config.topics.scores, partitions: 4 },
      { name: config.topics.deadLetter, partitions: 1 }, { name: config.topics.models, partitions: 1, compacted: true },
    ]);
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate(updateFor(v1, '1'))]);
    for (const [topic, sink] of [[config.topics.scores, scores], [config.topics.deadLetter, letters]] as const) {
      const c = bus.consumer({ topics: [topic], fromBeginning: true, eachBatch: async (b) => { sink.push(...b.messages); } });
      await c.run();
      readers.push(c);
    }
  });

  after(async () => {
    for (const s of services) await s.stop();
    for (const r of readers) await r.stop();
    await bus?.close();
  });

  const idsOf = (msgs: ConsumedMessage[]) => msgs.map((m) => JSON.parse(m.value!.toString()).eventId as string);

  it('two instances split the partitions; each input yields one score or one dead letter', async () => {
    for (let i = 0; i < 2; i++) {
      services.push(await startService({ config, store, registry: null, logger, defaultMetrics: false, partitions: 4 }));
    }
    await Promise.all(services.map((s) => s.ready()));
    await until(() => services.every((s) => s.scorer.ownedPartitions().length > 0)
      && services.reduce((n, s) => n + s.scorer.ownedPartitions().length, 0) === 4, 'the group to split 4 partitions');
    const owned = services.map((s) => s.scorer.ownedPartitions());
    assert.deepEqual([...owned[0], ...owned[1]].sort(), [0, 1, 2, 3], `disjoint split: ${JSON.stringify(owned)}`);

    const p = await bus.producer();
    const good = Array.from({ length: 400 }, (_, i) => activity(i % 40, 40 + Math.floor(i / 40)));
    await p.send(config.topics.activities, good.map((a) => ({ key: a.user, value: Buffer.from(JSON.stringify(a)) })));
    await p.send(config.topics.activities, [{ key: 'bad', value: Buffer.from('not json') }, { key: 'bad2', value: Buffer.from('{"user": 1}') }]);
    await until(() => new Set(idsOf(scores)).size === 400 && letters.length >= 2, '400 scores and 2 dead letters');
    assert.deepEqual([...new Set(idsOf(scores))].sort(), good.map((a) => a.id).sort());
    assert.equal(letters.length, 2);
    const duplicates = scores.length - new Set(idsOf(scores)).size;
    assert.equal(duplicates, 0, 'no redelivery happened in a calm run');
    assert.ok(services.every((s) => s.scorer.totals.scored > 0), 'both instances scored events');
  });

  it('both instances follow a model update and score new events with it', async () => {
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate(updateFor(v2, '2'))]);
    await until(() => services.every((s) => s.models.champion?.ref.version === '2'), 'both instances on v2');
    const before = scores.length;
    const more = Array.from({ length: 120 }, (_, i) => activity(i % 40, 60 + Math.floor(i / 40)));
    await p.send(config.topics.activities, more.map((a) => ({ key: a.user, value: Buffer.from(JSON.stringify(a)) })));
    await until(() => scores.length >= before + 120, '120 more scores');
    const fresh = scores.slice(before).map((m) => JSON.parse(m.value!.toString()));
    assert.ok(fresh.every((s) => s.model.version === '2'));
    assert.deepEqual(new Set(fresh.map((s) => s.eventId)).size, 120);
  });
});
