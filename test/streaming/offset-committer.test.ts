/**
 * OffsetCommitter (offset-committer.ts) with stand-in commit functions: at most one commit
 * per interval from batches, commits when idle, on flush and on stop, one at a time, each
 * with the offsets resolved when it runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OffsetsByTopicPartition } from 'kafkajs';
import { OffsetCommitter, isRebalancing, type CommitFunctions } from '../../src/streaming/offset-committer.js';
import { until } from '../support/until.js';

function fakeGroup() {
  let resolved = -1;
  let committed = -1;
  const commits: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const offsets = (): OffsetsByTopicPartition => ({
    topics: resolved > committed ? [{ topic: 't', partitions: [{ partition: 0, offset: String(resolved + 1) }] }] : [],
  });
  const fns: CommitFunctions = {
    uncommittedOffsets: offsets,
    commitOffsetsIfNecessary: async (o) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      const offset = Number(o!.topics[0].partitions[0].offset) - 1;
      commits.push(offset);
      committed = Math.max(committed, offset);
      inFlight--;
    },
  };
  return { fns, commits, resolve: (o: number) => { resolved = o; }, maxInFlight: () => maxInFlight };
}

test('batches commit at most once per interval; stop commits the rest', async () => {
  const g = fakeGroup();
  const c = new OffsetCommitter(60_000, (err) => { throw err; });
  for (let i = 0; i < 50; i++) {
    g.resolve(i);
    await c.afterBatch(g.fns);
  }
  assert.deepEqual(g.commits, [], 'inside the interval nothing is committed');
  await c.stop();
  assert.deepEqual(g.commits, [49], 'stop commits what was resolved');
  g.resolve(50);
  await c.afterBatch(g.fns);
  assert.deepEqual(g.commits, [49, 50], 'once stopping, a batch still running commits its own offsets');
});

test('a quiet stream is committed by the timer', async () => {
  const g = fakeGroup();
  const c = new OffsetCommitter(20, (err) => { throw err; });
  g.resolve(7);
  await c.afterBatch(g.fns);
  await until(() => g.commits.includes(7), 'the idle commit');
  await c.stop();
});

test('concurrent flushes run one at a time, each with the offsets of when it runs', async () => {
  const g = fakeGroup();
  const c = new OffsetCommitter(60_000, (err) => { throw err; });
  g.resolve(1);
  await c.afterBatch(g.fns);
  const first = c.flush();
  g.resolve(2);
  const second = c.flush();
  g.resolve(3);
  await Promise.all([first, second, c.flush()]);
  assert.equal(g.maxInFlight(), 1);
  assert.deepEqual(g.commits, [3], 'the queued flushes found nothing older to commit');
  await c.stop();
});

test('rebalancing errors are recognised by their kafkajs type', () => {
  assert.equal(isRebalancing({ type: 'REBALANCE_IN_PROGRESS' }), true);
  assert.equal(isRebalancing({ type: 'ILLEGAL_GENERATION' }), true);
  assert.equal(isRebalancing(new Error('other')), false);
  assert.equal(isRebalancing(null), false);
});

test('after a commit refused by a rebalance, the old functions are not used again', async () => {
  let calls = 0;
  const stale: CommitFunctions = {
    uncommittedOffsets: () => ({ topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5' }] }] }),
    commitOffsetsIfNecessary: async () => { calls++; throw Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' }); },
  };
  const c = new OffsetCommitter(60_000, () => undefined);
  await c.afterBatch(stale).catch(() => undefined);
  await assert.rejects(c.flush(), /rebalancing/);
  await c.flush();
  await c.stop();
  assert.equal(calls, 1, 'one refused commit, then nothing until a batch brings fresh functions');
});
