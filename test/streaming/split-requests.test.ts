import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitRequests } from '../../src/streaming/kafka-bus.js';

const msgs = (n: number, bytes: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(bytes) }));

describe('splitRequests', () => {
  it('keeps a small output batch in one request', () => {
    const r = splitRequests([{ topic: 'a', messages: msgs(10, 100) }, { topic: 'b', messages: msgs(2, 100) }], 10_000);
    assert.equal(r.length, 1);
    assert.deepEqual(r[0].map((b) => [b.topic, b.messages.length]), [['a', 10], ['b', 2]]);
  });

  it('splits a large batch into requests under the limit, keeping every message once and in order', () => {
    const input = [{ topic: 'scores', messages: msgs(1000, 900) }, { topic: 'alerts', messages: msgs(50, 900) }];
    const r = splitRequests(input, 100_000);
    assert.ok(r.length > 1);
    for (const req of r) {
      const bytes = req.reduce((n, b) => n + b.messages.reduce((m, x) => m + x.value!.length + 64 + x.key!.length, 0), 0);
      assert.ok(bytes <= 100_000, `request of ${bytes} bytes`);
    }
    const flat = (t: string) => r.flatMap((req) => req.filter((b) => b.topic === t).flatMap((b) => b.messages));
    assert.deepEqual(flat('scores'), input[0].messages);
    assert.deepEqual(flat('alerts'), input[1].messages);
  });

  it('sends a single message larger than the limit on its own (the broker decides)', () => {
    const r = splitRequests([{ topic: 'a', messages: [...msgs(1, 10), ...msgs(1, 5_000), ...msgs(1, 10)] }], 1_000);
    assert.deepEqual(r.map((req) => req[0].messages.length), [1, 1, 1]);
  });
});
