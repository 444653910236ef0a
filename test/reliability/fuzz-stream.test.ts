/**
 * Fuzzed input on the REAL Kafka stream: 1,500 malformed messages (broken vendor records,
 * junk text, invalid UTF-8, empty values) produced raw to the activities topic of a
 * running instance. Accounting by offset: every input offset ends as a dead letter
 * (which names its topic, partition and offset) or as the scores of the events it holds
 * — nothing lost, nothing scored that was not sent; the instance stays healthy, its
 * heap bounded, and no `__proto__`/`constructor` key reaches a prototype.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import type { Config } from '../../src/config/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { createRuntime } from '../../src/serving/runtime.js';
import { startService, type Service } from '../../src/serving/service.js';
import { busFromConfig, type BusMessage, type BusProducer, type EventBus } from '../../src/streaming/index.js';
import { updateFor, writeRealBundle } from '../serving/fixtures.js';
import { requireStack } from '../support/stack.js';
import { malformedRecordText, prototypePolluted } from './malformed.js';
import { TopicCollector, freshConfig, until } from './support.js';

const INPUTS = 1500;
/** Kafka refuses messages over its 1 MiB default; bigger junk is the producer's problem, not ours. */
const MAX_MESSAGE_BYTES = 512 * 1024;
const HEAP_GROWTH_BOUND_MIB = 96;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMiB = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

function junkMessages(): BusMessage[] {
  const texts = fc.sample(malformedRecordText, { numRuns: INPUTS * 2, seed: 9100 }).filter((t) => Buffer.byteLength(t) <= MAX_MESSAGE_BYTES);
  const bytes = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 400 }), { numRuns: 100, seed: 9101 }).map((b) => Buffer.from(b));
  const values: Array<Buffer | null> = [...bytes, Buffer.alloc(0), null, Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), ...texts.map((t) => Buffer.from(t))].slice(0, INPUTS);
  assert.equal(values.length, INPUTS);
  return values.map((value, i) => ({ key: `k${i % 37}`, value }));
}

describe('fuzzed input on the Kafka stream', () => {
  let config: Readonly<Config>;
  let bus: EventBus;
  let producer: BusProducer;
  let service: Service;
  const collectors: TopicCollector[] = [];

  before(async () => {
    const env = await requireStack(['kafka']);
    config = freshConfig({ KAFKA_BROKERS: env.KAFKA_BROKERS }, 'rel-fuzz', { artifactRoot: 'memory://state' });
    const store = new MemoryArtifactStore();
    bus = busFromConfig(config, { logger: createLogger('silent') });
    const bundle = await writeRealBundle(store, 'memory://models/fuzz', { seed: 4, users: 20, perUser: 24 });
    await bus.ensureTopics([{ name: config.topics.models, partitions: 1, compacted: true }]);
    producer = await bus.producer();
    await producer.send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
    service = await startService({ config, bus, store, registry: null, logger: createLogger('silent'), defaultMetrics: false, partitions: 3 });
    await service.ready();
  });

  after(async () => {
    await service?.stop();
    for (const c of collectors) await c.stop();
    await producer?.disconnect();
    await bus?.close();
  });

  it(`${INPUTS} malformed messages: each offset ends as scores or one dead letter`, async () => {
    const heapBefore = heapMiB();
    const messages = junkMessages();
    for (let i = 0; i < messages.length; i += 100) await producer.send(config.topics.activities, messages.slice(i, i + 100));
    const inputs = await TopicCollector.start(bus, config.topics.activities);
    const scores = await TopicCollector.start(bus, config.topics.scores);
    const letters = await TopicCollector.start(bus, config.topics.deadLetter);
    collectors.push(inputs, scores, letters);
    await until(() => inputs.messages.length === INPUTS && service.scorer.totals.inputs >= INPUTS, `the instance to read all ${INPUTS} inputs`, 120_000);

    // Wait for every output the instance says it acknowledged.
    const t = service.scorer.totals;
    await until(() => scores.messages.length >= t.scored && letters.messages.length >= t.deadLetters,
      `${t.scored} scores and ${t.deadLetters} dead letters (have ${scores.messages.length}, ${letters.messages.length})`, 120_000);
    await new Promise((r) => setTimeout(r, 500)); // anything extra would arrive now

    const inputKeys = new Set(inputs.messages.map((m) => `${m.partition}:${m.offset}`));
    const deadOffsets = new Set<string>();
    for (const l of letters.values<{ topic: string; partition: number; offset: string; reason: string; detail: string }>()) {
      assert.equal(l.topic, config.topics.activities);
      const key = `${l.partition}:${l.offset}`;
      assert.ok(inputKeys.has(key), `a dead letter for an offset nobody sent: ${key}`);
      assert.ok(!deadOffsets.has(key), `two dead letters for ${key}`);
      assert.ok(l.reason && l.detail !== undefined, 'a dead letter says why');
      deadOffsets.add(key);
    }
    // The oracle for "which events does this message hold": a separate runtime's decoder.
    // An input without a dead letter must decode, and its events are exactly the scores.
    const oracle = createRuntime();
    const expectedIds: string[] = [];
    for (const m of inputs.messages) {
      const key = `${m.partition}:${m.offset}`;
      const text = m.value?.toString('utf8') ?? '';
      if (deadOffsets.has(key)) {
        // A partly bad record: its good events are scored next to its one dead letter.
        const partial = text ? oracle.decode(text, config.serve.inputFormat) : null;
        if (partial?.ok && partial.rejections?.length) expectedIds.push(...partial.activities.map((a) => a.id));
        continue;
      }
      const decoded = text ? oracle.decode(text, config.serve.inputFormat) : null;
      assert.ok(decoded?.ok && decoded.activities.length > 0, `input ${key} is neither scored nor dead-lettered: ${text.slice(0, 200)}`);
      expectedIds.push(...decoded.activities.map((a) => a.id));
    }
    const scoredIds = scores.values<{ eventId: string }>().map((s) => s.eventId).sort();
    assert.deepEqual(scoredIds, expectedIds.sort(), 'the scores are exactly the events of the inputs that were not dead-lettered');
    assert.equal(service.scorer.totals.inputs, INPUTS, 'each input read once (a calm run has no redelivery)');

    const health = await service.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200, 'still healthy');
    assert.equal(prototypePolluted(), false, 'prototype pollution');
    const growth = heapMiB() - heapBefore;
    assert.ok(growth < HEAP_GROWTH_BOUND_MIB, `heap grew by ${growth.toFixed(1)} MiB over ${INPUTS} malformed messages`);
    process.stderr.write(`# stream fuzz: ${INPUTS} inputs -> ${scoredIds.length} scores, ${deadOffsets.size} dead letters, heap +${growth.toFixed(1)} MiB\n`);
  });
});
