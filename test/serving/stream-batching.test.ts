/**
 * The partition batches of one Kafka fetch (handled concurrently, as kafkajs runs them)
 * are scored in ONE pipeline call and their outputs leave in ONE produce request; each
 * partition still gets exactly its own scores, and a poisonous event fails alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Activity } from '../../src/events/activity.js';
import type { Score } from '../../src/models/types.js';
import { createLogger } from '../../src/serving/logger.js';
import { createMetrics } from '../../src/serving/metrics.js';
import type { ModelManager } from '../../src/serving/model-manager.js';
import type { PartitionPipeline, ReadyModel, ServingRuntime } from '../../src/serving/runtime-types.js';
import { StreamScorer } from '../../src/serving/stream-scorer.js';
import type { BusMessage, ConsumedBatch, ConsumerOptions, EventBus } from '../../src/streaming/types.js';
import { activity } from './fixtures.js';

const TOPICS = { activities: 'acts', scores: 'scores', alerts: 'alerts', deadLetter: 'dlq' };

function fakePipeline(calls: string[][]): PartitionPipeline {
  return {
    scoreBatch: (activities: Activity[]) => {
      calls.push(activities.map((a) => a.id));
      if (activities.some((a) => a.id.includes('poison'))) throw new Error('poisoned row');
      return activities.map((a): Score => ({
        eventId: a.id, tenant: a.tenant, user: a.user, time: a.time, score: 0.5, alert: false, severity: 'info',
        components: {}, reasons: [], model: { name: 'm', version: '1', featureSpecHash: 'spec' }, scoredAt: 0,
      }));
    },
    swapModel: () => undefined,
    snapshotUsers: () => new Uint8Array(),
    merge: () => undefined,
  };
}

function setUp(opts: { shadow?: boolean } = {}) {
  const calls: string[][] = [];
  const shadowCalls: string[][] = [];
  const champion = { ref: { version: '1' } } as ReadyModel;
  const challenger = { ref: { version: '2' } } as ReadyModel;
  const runtime = {
    featureSpecHash: 'spec',
    newPipeline: (model: ReadyModel) => fakePipeline(model === champion ? calls : shadowCalls),
    decode: (text: string) => ({ ok: true, activities: [JSON.parse(text) as Activity] }),
  } as unknown as ServingRuntime;
  const models = { champion, shadow: opts.shadow ? challenger : undefined, onSwap: () => undefined } as unknown as ModelManager;
  const requests: Array<Array<{ topic: string; messages: BusMessage[] }>> = [];
  const producer = {
    send: async () => undefined,
    sendBatch: async (batches: Array<{ topic: string; messages: BusMessage[] }>) => { requests.push(batches); },
    disconnect: async () => undefined,
  };
  let consumerOptions: ConsumerOptions | null = null;
  const bus = {
    consumer: (o: ConsumerOptions) => {
      consumerOptions = o;
      return { run: async () => undefined, stop: async () => undefined, close: async () => undefined };
    },
  } as unknown as EventBus;
  const scorer = new StreamScorer({
    bus, producer, runtime, models, metrics: createMetrics({ defaultMetrics: false }), logger: createLogger('silent'),
    topics: TOPICS, groupId: 'g', inputFormat: 'activity',
  });
  const batchOf = (partition: number, ids: string[]): ConsumedBatch => ({
    topic: TOPICS.activities, partition,
    messages: ids.map((id, i) => ({
      topic: TOPICS.activities, partition, offset: String(i), timestamp: Date.now(), key: `u${partition}`,
      value: Buffer.from(JSON.stringify(activity(partition, i, { id }))),
    })),
  });
  return { scorer, calls, shadowCalls, requests, batchOf, handler: () => consumerOptions!.eachBatch };
}

test('the partitions of one fetch are scored in one pipeline call and sent in one request', async () => {
  const { scorer, calls, requests, batchOf, handler } = setUp();
  await scorer.start();
  const eachBatch = handler();
  await Promise.all([batchOf(0, ['a0', 'a1']), batchOf(1, ['b0']), batchOf(2, ['c0', 'c1', 'c2'])].map((b) => eachBatch(b)));
  assert.deepEqual(calls, [['a0', 'a1', 'b0', 'c0', 'c1', 'c2']], 'one call, each partition in its own order');
  assert.equal(requests.length, 1);
  const scored = requests[0].find((b) => b.topic === TOPICS.scores)!.messages.map((m) => JSON.parse(String(m.value)).eventId);
  assert.deepEqual(scored.sort(), ['a0', 'a1', 'b0', 'c0', 'c1', 'c2']);
  assert.equal(scorer.totals.scored, 6);

  // A later fetch is a later call: nothing waits for more partitions than the fetch had.
  await eachBatch(batchOf(1, ['b1']));
  assert.deepEqual(calls.at(-1), ['b1']);
});

test('a poisonous event in one partition fails alone; the other partitions of the fetch are scored', async () => {
  const { scorer, requests, batchOf, handler } = setUp();
  await scorer.start();
  const eachBatch = handler();
  await Promise.all([batchOf(0, ['a0', 'poison-a1']), batchOf(1, ['b0', 'b1'])].map((b) => eachBatch(b)));
  const sent = requests.flat();
  const scored = sent.filter((b) => b.topic === TOPICS.scores).flatMap((b) => b.messages.map((m) => JSON.parse(String(m.value)).eventId));
  const letters = sent.filter((b) => b.topic === TOPICS.deadLetter).flatMap((b) => b.messages.map((m) => JSON.parse(String(m.value))));
  assert.deepEqual(scored.sort(), ['a0', 'b0', 'b1']);
  assert.equal(letters.length, 1);
  assert.equal(letters[0].reason, 'scoring_failed');
  assert.equal(letters[0].partition, 0);
  assert.equal(letters[0].offset, '1');
});

test('with a challenger in shadow, it too scores the fetch in one call, and only the champion\'s scores are sent', async () => {
  const { scorer, calls, shadowCalls, requests, batchOf, handler } = setUp({ shadow: true });
  await scorer.start();
  const eachBatch = handler();
  await Promise.all([batchOf(0, ['a0']), batchOf(1, ['b0', 'b1'])].map((b) => eachBatch(b)));
  assert.deepEqual(calls, [['a0', 'b0', 'b1']]);
  assert.deepEqual(shadowCalls, [['a0', 'b0', 'b1']]);
  assert.equal(requests.length, 1);
  const scored = requests[0].filter((b) => b.topic === TOPICS.scores).flatMap((b) => b.messages);
  assert.equal(scored.length, 3, 'one score per event: the shadow emits nothing');
  assert.equal(scorer.stats.shadow.state().scored, 3);
});
