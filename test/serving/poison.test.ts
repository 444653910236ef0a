/**
 * An event whose scoring throws (a bug, a model edge case) fails alone: on the stream it
 * becomes a `scoring_failed` dead letter while the rest of its batch is scored; over HTTP
 * it becomes a `rejected` entry of its own request, and the other clients' requests that
 * shared its micro-batch get their scores (before, they all got a 500).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { createRuntime } from '../../src/serving/runtime.js';
import type { ServingRuntime } from '../../src/serving/runtime-types.js';
import { startService, type Service } from '../../src/serving/service.js';
import { MemoryBus, type ConsumedMessage } from '../../src/streaming/index.js';
import { until } from '../support/until.js';
import { activity, updateFor, writeRealBundle } from './fixtures.js';

const POISON = 'evt-poison';

/** The real runtime, except that a batch holding the poison event throws (as a scoring bug would). */
function poisonedRuntime(): ServingRuntime {
  const real = createRuntime();
  return {
    ...real,
    loadModel: (store, update) => real.loadModel(store, update),
    decode: (text, format) => real.decode(text, format),
    decodeValue: (value, format) => real.decodeValue(value, format),
    newPipeline(model) {
      const p = real.newPipeline(model);
      return {
        ...p,
        scoreBatch(activities) {
          if (activities.some((a) => a.id === POISON)) throw new Error('the model cannot score this event');
          return p.scoreBatch(activities);
        },
      };
    },
  };
}

describe('a poisonous event fails alone', () => {
  const bus = new MemoryBus({ partitions: 1 });
  const store = new MemoryArtifactStore();
  const config = loadConfig({}, {
    stateDir: mkdtempSync(path.join(tmpdir(), 'tl-poison-')), artifactRoot: 'memory://state', logLevel: 'silent',
    serve: { inputFormat: 'activity', apiToken: 't' },
  });
  let service: Service;
  const scores: ConsumedMessage[] = [];
  const letters: ConsumedMessage[] = [];

  before(async () => {
    const bundle = await writeRealBundle(store, 'memory://models/p', { seed: 4 });
    await bus.ensureTopics([{ name: config.topics.models, partitions: 1, compacted: true }]);
    await (await bus.producer()).send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
    service = await startService({ config, bus, store, registry: null, defaultMetrics: false, logger: createLogger('silent'), runtime: poisonedRuntime() });
    await service.ready();
    for (const [topic, sink] of [[config.topics.scores, scores], [config.topics.deadLetter, letters]] as const) {
      void bus.consumer({ topics: [topic], fromBeginning: true, eachBatch: async (b) => { sink.push(...b.messages); } }).run();
    }
  });

  after(async () => {
    await service?.stop();
    await bus.close();
  });

  it('on the stream: the batch is scored, the poison is a scoring_failed dead letter', async () => {
    const events = [activity(1, 40), activity(2, 40), activity(3, 40, { id: POISON }), activity(4, 40)];
    await (await bus.producer()).send(config.topics.activities, events.map((a) => ({ key: 'one-partition', value: Buffer.from(JSON.stringify(a)) })));
    await until(() => scores.length + letters.length >= 4, 'four outputs');
    const ids = scores.map((m) => JSON.parse(m.value!.toString()).eventId as string).sort();
    assert.deepEqual(ids, ['evt-1-40', 'evt-2-40', 'evt-4-40']);
    assert.equal(letters.length, 1);
    const letter = JSON.parse(letters[0].value!.toString());
    assert.equal(letter.reason, 'scoring_failed');
    assert.match(letter.detail, /cannot score this event/);
    assert.equal(JSON.parse(letter.raw).id, POISON);
  });

  it('over HTTP: concurrent requests sharing a micro-batch with the poison get their scores', async () => {
    const auth = { authorization: 'Bearer t' };
    const post = (payload: object) => service.app.inject({ method: 'POST', url: '/v1/score', headers: auth, payload });
    const [a, poison, batch, b] = await Promise.all([
      post(activity(5, 41)),
      post(activity(6, 41, { id: POISON })),
      post({ events: [activity(7, 41), activity(8, 41, { id: POISON }), activity(9, 41)] }),
      post(activity(10, 41)),
    ]);
    for (const r of [a, poison, batch, b]) assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(a.json().scores.map((s: { eventId: string }) => s.eventId), ['evt-5-41']);
    assert.deepEqual(b.json().scores.map((s: { eventId: string }) => s.eventId), ['evt-10-41']);
    assert.deepEqual(poison.json().scores, []);
    assert.deepEqual(poison.json().rejected.map((r: { index: number; reason: string }) => [r.index, r.reason]), [[0, 'scoring_failed']]);
    assert.deepEqual(batch.json().scores.map((s: { eventId: string }) => s.eventId), ['evt-7-41', 'evt-9-41']);
    assert.deepEqual(batch.json().rejected.map((r: { index: number; reason: string }) => [r.index, r.reason]), [[1, 'scoring_failed']]);
  });
});
