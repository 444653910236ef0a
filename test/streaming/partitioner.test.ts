import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Partitioners } from 'kafkajs';
import { cachedKeyPartitioner, partitionForKey } from '../../src/streaming/partitioner.js';

const metadata = (n: number, leaderless: number[] = []) => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: leaderless.includes(i) ? -1 : 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));

test('the cached partitioner places every keyed message where kafkajs\'s default partitioner does, twice', () => {
  const ours = cachedKeyPartitioner();
  const theirs = Partitioners.DefaultPartitioner();
  for (const n of [1, 3, 6, 7, 64]) {
    const partitionMetadata = metadata(n);
    for (let i = 0; i < 500; i++) {
      const key = i % 5 === 0 ? `user${i}@contoso.example` : `ü-${i}-🙂-${'x'.repeat(i % 13)}`;
      const expected = theirs({ topic: 't', partitionMetadata, message: { key, value: null } });
      assert.equal(ours({ partitionMetadata, message: { key } }), expected, `key ${key}, ${n} partitions`);
      assert.equal(ours({ partitionMetadata, message: { key } }), expected, 'the cached answer is the same');
      assert.equal(ours({ partitionMetadata, message: { key: Buffer.from(key) } }), expected, 'Buffer keys too');
      assert.equal(partitionForKey(key, n), expected, 'the in-process bus agrees');
    }
  }
});

test('an explicit partition wins; unkeyed messages go round robin over partitions with a leader', () => {
  const ours = cachedKeyPartitioner();
  assert.equal(ours({ partitionMetadata: metadata(6), message: { key: 'k', partition: 4 } }), 4);
  const seen = new Set<number>();
  for (let i = 0; i < 30; i++) seen.add(ours({ partitionMetadata: metadata(4, [2]), message: { key: null } }));
  assert.deepEqual([...seen].sort(), [0, 1, 3]);
});
