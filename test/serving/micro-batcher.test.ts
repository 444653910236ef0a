import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Activity } from '../../src/events/activity.js';
import type { Score } from '../../src/models/types.js';
import { MicroBatcher } from '../../src/serving/micro-batcher.js';
import { activity } from './fixtures.js';

/** A stand-in scoring function that records its calls; the batcher is what is under test. */
function recorder() {
  const calls: string[][] = [];
  const fn = (acts: Activity[]): Score[] => {
    calls.push(acts.map((a) => a.id));
    return acts.map((a, i) => ({ eventId: a.id, score: i / 100 }) as unknown as Score);
  };
  return { calls, fn };
}

describe('MicroBatcher', () => {
  it('scores concurrent requests in one call, in arrival order, and hands each its own scores', async () => {
    const { calls, fn } = recorder();
    const b = new MicroBatcher(fn);
    const requests = [[activity(1, 1)], [activity(2, 1), activity(3, 1)], [activity(4, 1)]];
    const results = await Promise.all(requests.map((r) => b.score(r)));
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0], ['evt-1-1', 'evt-2-1', 'evt-3-1', 'evt-4-1']);
    assert.deepEqual(results.map((r) => r.scores.map((s) => s.eventId)), requests.map((r) => r.map((a) => a.id)));
  });

  it('makes no pipeline call for an empty request (a stream batch of dead letters only)', async () => {
    const { calls, fn } = recorder();
    const b = new MicroBatcher(fn);
    const [empty, one] = await Promise.all([b.score([]), b.score([activity(1, 1)])]);
    assert.deepEqual(empty, { scores: [], failed: { indices: [], reason: '' } });
    assert.deepEqual(calls, [['evt-1-1']]);
    assert.equal(one.scores.length, 1);
    await b.score([]);
    assert.equal(calls.length, 1);
  });

  it('caps a batch at maxRows; when a batch throws, each request is scored alone and only the poisonous event fails', async () => {
    const calls: number[] = [];
    const b = new MicroBatcher((acts) => {
      calls.push(acts.length);
      if (acts.some((a) => a.id === 'evt-9-9')) throw new Error('poison');
      return acts.map((a) => ({ eventId: a.id }) as unknown as Score);
    }, 2);
    const ok1 = b.score([activity(1, 1), activity(1, 2)]);
    const mixed = b.score([activity(2, 1), activity(9, 9)]);
    const [first, second] = await Promise.all([ok1, mixed]);
    // [2] the first group; [2] the second, which threw; that request alone [2], threw; then its events one by one.
    assert.deepEqual(calls, [2, 2, 2, 1, 1]);
    assert.deepEqual(first.scores.map((s) => s.eventId), ['evt-1-1', 'evt-1-2']);
    assert.deepEqual(first.failed.indices, []);
    assert.deepEqual(second.scores.map((s) => s.eventId), ['evt-2-1']);
    assert.deepEqual(second.failed, { indices: [1], reason: 'poison' });
  });
});
