/** KafkaBus against the REAL Kafka of the test stack: groups, commits, redelivery, broadcast, compaction config. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { KafkaBus, partitionForKey, type ConsumedMessage } from '../../src/streaming/index.js';
import { requireStack, uniqueName } from '../support/stack.js';

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('KafkaBus', () => {
  let bus: KafkaBus;

  before(async () => {
    const env = await requireStack(['kafka']);
    bus = new KafkaBus({ brokers: env.KAFKA_BROKERS.split(','), clientId: uniqueName('bus'), logger: pino({ level: 'silent' }), commitIntervalMs: 100 });
  });

  after(async () => {
    await bus?.close();
  });

  it('keys land on the murmur2 partition; a failed batch is redelivered; a group resumes after its commits', async () => {
    const topic = uniqueName('bus-group');
    const group = uniqueName('g');
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    const p = await bus.producer();
    await p.send(topic, Array.from({ length: 30 }, (_, i) => ({ key: `user${i}`, value: Buffer.from(`a${i}`) })));
    const got: ConsumedMessage[] = [];
    let failed = false;
    const first = bus.consumer({
      topics: [topic], groupId: group, fromBeginning: true,
      eachBatch: async (b) => {
        if (!failed) { failed = true; throw new Error('transient'); }
        got.push(...b.messages);
      },
    });
    await first.run();
    await until(() => new Set(got.map((m) => m.value!.toString())).size === 30, 'all 30 after one failed batch');
    for (const m of got) assert.equal(m.partition, partitionForKey(m.key!, 3));
    await first.stop();

    await p.send(topic, Array.from({ length: 5 }, (_, i) => ({ key: `late${i}`, value: Buffer.from(`b${i}`) })));
    const second: string[] = [];
    const resumed = bus.consumer({ topics: [topic], groupId: group, fromBeginning: true, eachBatch: async (b) => { second.push(...b.messages.map((m) => m.value!.toString())); } });
    await resumed.run();
    await until(() => second.length >= 5, 'the 5 new messages');
    await new Promise((r) => setTimeout(r, 500));
    await resumed.stop();
    assert.deepEqual(second.sort(), ['b0', 'b1', 'b2', 'b3', 'b4'], 'committed messages are not read again');
  });

  it('sends an output batch larger than the broker limit as several acknowledged requests', async () => {
    const topic = uniqueName('bus-large');
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    const p = await bus.producer();
    await p.sendBatch([{ topic, messages: Array.from({ length: 3000 }, (_, i) => ({ key: 'one-partition', value: Buffer.alloc(1024, i % 256) })) }]);
    const ends = await bus.endOffsets(topic);
    assert.equal(ends[0].offset, '3000', '3 MB to one partition, all acknowledged');
  });

  it('a consumer without a group reads every partition, and compacted topics are created compacted', async () => {
    const topic = uniqueName('bus-bcast');
    await bus.ensureTopics([{ name: topic, partitions: 3, compacted: true }]);
    const p = await bus.producer();
    await p.send(topic, Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(String(i)) })));
    const a: string[] = [];
    const b: string[] = [];
    const ca = bus.consumer({ topics: [topic], fromBeginning: true, eachBatch: async (x) => { a.push(...x.messages.map((m) => m.value!.toString())); } });
    const cb = bus.consumer({ topics: [topic], fromBeginning: true, eachBatch: async (x) => { b.push(...x.messages.map((m) => m.value!.toString())); } });
    await ca.run();
    await cb.run();
    await until(() => a.length === 12 && b.length === 12, 'both readers see all 12');
    await ca.stop();
    await cb.stop();
    const admin = bus.kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }] });
      assert.equal(described.resources[0].configEntries[0].configValue, 'compact');
    } finally {
      await admin.disconnect();
    }
    const ends = await bus.endOffsets(topic);
    assert.equal(ends.reduce((n, e) => n + Number(e.offset), 0), 12);
    assert.ok(bus.connected());
  });
});
