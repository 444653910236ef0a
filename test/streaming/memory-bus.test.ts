import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBus, partitionForKey } from '../../src/streaming/index.js';
import type { ConsumedBatch, TopicPartition } from '../../src/streaming/index.js';

const msg = (key: string, value: string) => ({ key, value: Buffer.from(value) });

/** Polls until `check` holds; the in-process bus delivers asynchronously. */
async function until(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('MemoryBus', () => {
  it('puts a key on the partition Kafka would and keeps per-partition order', async () => {
    const bus = new MemoryBus();
    await bus.ensureTopics([{ name: 't', partitions: 4 }]);
    const p = await bus.producer();
    await p.send('t', ['a', 'b', 'a', 'c', 'a'].map((k, i) => msg(k, `${k}${i}`)));
    const seen: ConsumedBatch[] = [];
    const c = bus.consumer({ topics: ['t'], fromBeginning: true, eachBatch: async (b) => { seen.push(b); } });
    await c.run();
    await until(() => seen.reduce((n, b) => n + b.messages.length, 0) === 5, 'five messages');
    await c.stop();
    for (const b of seen) for (const m of b.messages) assert.equal(m.partition, partitionForKey(m.key!, 4));
    const aValues = seen.flatMap((b) => b.messages).filter((m) => m.key === 'a').map((m) => m.value!.toString());
    assert.deepEqual(aValues, ['a0', 'a2', 'a4']);
    await bus.close();
  });

  it('splits partitions inside a group, rebalances on join and leave, and resumes from commits', async () => {
    const bus = new MemoryBus();
    await bus.ensureTopics([{ name: 'g', partitions: 6 }]);
    const counts = new Map<string, number>();
    const owners: Record<string, TopicPartition[]> = { one: [], two: [] };
    const make = (name: 'one' | 'two') => bus.consumer({
      topics: ['g'], groupId: 'grp', fromBeginning: true,
      eachBatch: async (b) => { for (const m of b.messages) counts.set(m.value!.toString(), (counts.get(m.value!.toString()) ?? 0) + 1); },
      onPartitionsAssigned: (tps) => { owners[name].push(...tps); },
      onPartitionsRevoked: (tps) => { owners[name] = owners[name].filter((o) => !tps.some((t) => t.partition === o.partition)); },
    });
    const one = make('one');
    const two = make('two');
    await one.run();
    assert.equal(owners.one.length, 6);
    await two.run();
    assert.equal(owners.one.length + owners.two.length, 6);
    assert.ok(owners.one.length > 0 && owners.two.length > 0, 'both members own partitions');
    const p = await bus.producer();
    await p.send('g', Array.from({ length: 300 }, (_, i) => msg(`user${i}`, `v${i}`)));
    await until(() => counts.size === 300, 'all 300 values');
    await two.stop();
    assert.equal(owners.one.length, 6, 'the survivor takes every partition back');
    await p.send('g', Array.from({ length: 50 }, (_, i) => msg(`late${i}`, `w${i}`)));
    await until(() => counts.size === 350, 'the 50 late values');
    await one.stop();
    assert.ok([...counts.values()].every((n) => n === 1), 'every message delivered once per group');
    await bus.close();
  });

  it('delivers every partition to each broadcast consumer and redelivers a batch whose handler failed', async () => {
    const bus = new MemoryBus();
    await bus.ensureTopics([{ name: 'b', partitions: 3 }]);
    const p = await bus.producer();
    await p.send('b', Array.from({ length: 30 }, (_, i) => msg(`k${i}`, `${i}`)));
    const a: string[] = [];
    const b: string[] = [];
    let failOnce = true;
    const ca = bus.consumer({ topics: ['b'], fromBeginning: true, eachBatch: async (x) => { a.push(...x.messages.map((m) => m.value!.toString())); } });
    const cb = bus.consumer({
      topics: ['b'], fromBeginning: true,
      eachBatch: async (x) => {
        if (failOnce) { failOnce = false; throw new Error('boom'); }
        b.push(...x.messages.map((m) => m.value!.toString()));
      },
    });
    await ca.run();
    await cb.run();
    await until(() => a.length === 30 && b.length === 30, 'both readers see all 30');
    assert.deepEqual([...a].sort(), [...b].sort());
    await ca.stop();
    await cb.stop();
    await bus.close();
  });

  it('compacted topics show new readers only the latest value per key', async () => {
    const bus = new MemoryBus();
    await bus.ensureTopics([{ name: 'm', partitions: 1, compacted: true }]);
    const p = await bus.producer();
    await p.send('m', [msg('x', '1'), msg('y', '1'), msg('x', '2'), msg('x', '3')]);
    const got: string[] = [];
    const c = bus.consumer({ topics: ['m'], fromBeginning: true, eachBatch: async (x) => { got.push(...x.messages.map((m) => `${m.key}=${m.value}@${m.offset}`)); } });
    await c.run();
    await until(() => got.length === 2, 'two surviving keys');
    await c.stop();
    assert.deepEqual(got, ['y=1@1', 'x=3@3']);
    await bus.close();
  });

  it('a consumer that does not start from the beginning sees only new messages', async () => {
    const bus = new MemoryBus();
    const p = await bus.producer();
    await p.send('n', [msg('k', 'old')]);
    const got: string[] = [];
    const c = bus.consumer({ topics: ['n'], eachBatch: async (x) => { got.push(...x.messages.map((m) => m.value!.toString())); } });
    await c.run();
    await p.send('n', [msg('k', 'new')]);
    await until(() => got.length === 1, 'the new message');
    await c.stop();
    assert.deepEqual(got, ['new']);
    await bus.close();
  });
});
