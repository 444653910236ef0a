import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoalescingSender } from '../../src/streaming/coalescing-sender.js';
import type { BusMessage } from '../../src/streaming/types.js';

const msg = (v: string): BusMessage => ({ key: v, value: Buffer.from(v) });

/** A producer whose requests are recorded and acknowledged when the test says so. */
function slowProducer() {
  const requests: Array<Array<{ topic: string; values: string[] }>> = [];
  const acks: Array<(err?: Error) => void> = [];
  return {
    requests,
    ack: (i: number, err?: Error) => acks[i](err),
    sendBatch: (batches: Array<{ topic: string; messages: BusMessage[] }>) => new Promise<void>((resolve, reject) => {
      requests.push(batches.map((b) => ({ topic: b.topic, values: b.messages.map((m) => m.value!.toString()) })));
      acks.push((err) => (err ? reject(err) : resolve()));
    }),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('CoalescingSender', () => {
  it('sends the calls of one turn as one request, merged per topic in call order', async () => {
    const p = slowProducer();
    const s = new CoalescingSender(p);
    const a = s.send([{ topic: 'scores', messages: [msg('a1'), msg('a2')] }, { topic: 'dlq', messages: [] }]);
    const b = s.send([{ topic: 'scores', messages: [msg('b1')] }, { topic: 'dlq', messages: [msg('bx')] }]);
    await tick();
    assert.deepEqual(p.requests, [[{ topic: 'scores', values: ['a1', 'a2', 'b1'] }, { topic: 'dlq', values: ['bx'] }]]);
    let settled = false;
    void Promise.all([a, b]).then(() => { settled = true; });
    await tick();
    assert.equal(settled, false, 'nobody resolves before the acknowledgement');
    p.ack(0);
    await Promise.all([a, b]);
    assert.deepEqual(s.stats, { requests: 1, calls: 2 });
  });

  it('holds calls made while a request is in flight for the next one, and fails exactly the callers of a failed request', async () => {
    const p = slowProducer();
    const s = new CoalescingSender(p);
    const first = s.send([{ topic: 't', messages: [msg('1')] }]);
    await tick();
    const second = s.send([{ topic: 't', messages: [msg('2')] }]);
    const third = s.send([{ topic: 't', messages: [msg('3')] }]);
    await tick();
    assert.equal(p.requests.length, 1, 'one request in flight at a time');
    p.ack(0, new Error('broker gone'));
    await assert.rejects(first, /broker gone/);
    await tick();
    assert.deepEqual(p.requests[1], [{ topic: 't', values: ['2', '3'] }]);
    p.ack(1);
    await Promise.all([second, third]);
  });
});
