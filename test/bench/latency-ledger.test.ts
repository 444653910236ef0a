import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyLedger } from '../../bench/support/latency-ledger.js';

test('the ledger pairs each sent sequence number with its first score and counts repeats', () => {
  const ledger = new LatencyLedger(1_000);
  for (let seq = 1_000; seq < 1_004; seq++) ledger.markSent(seq, seq * 10);
  assert.equal(ledger.markScored(999, 1, 1), false, 'a pre-loaded event is not the ledger’s');
  assert.equal(ledger.markScored(1_004, 1, 1), false, 'a sequence number never sent');
  assert.equal(ledger.markScored(Number.NaN, 1, 1), false);
  assert.equal(ledger.markScored(1_001, 10_050, 10_040), true);
  assert.equal(ledger.markScored(1_001, 10_090, 10_080), true);
  assert.equal(ledger.markScored(1_003, 10_070, 10_060), true);
  assert.equal(ledger.duplicates, 1);
  assert.equal(ledger.unscored(), 2);
  assert.deepEqual([...ledger.entries()], [
    { sentAt: 10_010, scoredAt: 10_050, producedAt: 10_040 },
    { sentAt: 10_030, scoredAt: 10_070, producedAt: 10_060 },
  ]);
});

test('the ledger grows past its first capacity and refuses out-of-order sends', () => {
  const ledger = new LatencyLedger(0);
  const n = 200_000;
  for (let seq = 0; seq < n; seq++) ledger.markSent(seq, seq + 1);
  assert.equal(ledger.sentCount, n);
  assert.equal(ledger.markScored(n - 1, n + 5, n + 4), true);
  assert.deepEqual([...ledger.entries()], [{ sentAt: n, scoredAt: n + 5, producedAt: n + 4 }]);
  assert.throws(() => ledger.markSent(n + 1, 0), /out of order/);
});
