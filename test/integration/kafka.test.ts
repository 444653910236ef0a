/**
 * Proof that Kafka is real: 10,000 keyed messages to a 3-partition topic, read by a
 * 2-member consumer group. Every message arrives exactly once, every key stays on one
 * partition in production order, and the group's committed offsets end at the log end.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import { requireStack, uniqueName } from '../support/stack.js';

const MESSAGES = 10_000;
const PARTITIONS = 3;
const KEYS = 500;

let kafka: Kafka;

before(async () => {
  const env = await requireStack(['kafka']);
  kafka = new Kafka({ clientId: 'threatlab-test', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
});

interface Delivery { member: string; partition: number; offset: number; key: string; seq: number }

/** Resolves once both members have joined the same generation and split all partitions between them. */
function groupSettled(members: Array<{ id: string; consumer: Consumer }>, topic: string) {
  const assigned = new Map<string, number[]>();
  return new Promise<Map<string, number[]>>((resolve) => {
    for (const { id, consumer } of members) {
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        assigned.set(id, event.payload.memberAssignment[topic] ?? []);
        const all = [...assigned.values()].flat().sort();
        const eachHasSome = assigned.size === members.length && [...assigned.values()].every((p) => p.length > 0);
        if (eachHasSome && all.length === PARTITIONS && new Set(all).size === PARTITIONS) resolve(new Map(assigned));
      });
    }
  });
}

test('10,000 messages over 3 partitions reach a 2-member group exactly once, in key order', { timeout: 180_000 }, async (t) => {
  const topic = uniqueName('it-kafka');
  const groupId = uniqueName('it-group');
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true }), true);

  const members = ['a', 'b'].map((id) => ({
    id,
    consumer: kafka.consumer({ groupId, heartbeatInterval: 500, sessionTimeout: 10_000, maxWaitTimeInMs: 200 }),
  }));
  const settled = groupSettled(members, topic);
  const deliveries: Delivery[] = [];
  let allReceived!: () => void;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  for (const { id, consumer } of members) {
    await consumer.connect();
    t.after(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }: EachBatchPayload) => {
        for (const message of batch.messages) {
          deliveries.push({
            member: id,
            partition: batch.partition,
            offset: Number(message.offset),
            key: message.key!.toString(),
            seq: Number(message.value!.toString()),
          });
        }
        if (deliveries.length >= MESSAGES) allReceived();
      },
    });
  }
  // Produce only once the group is stable, so no rebalance can legitimately redeliver.
  const assignment = await settled;

  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  for (let start = 0; start < MESSAGES; start += 1000) {
    const messages = [];
    for (let seq = start; seq < start + 1000; seq++) messages.push({ key: `user-${seq % KEYS}`, value: String(seq) });
    await producer.send({ topic, messages, acks: -1 });
  }
  await done;
  for (const { consumer } of members) await consumer.stop();

  // Exactly once: every sequence number once, every (partition, offset) once.
  assert.equal(deliveries.length, MESSAGES);
  assert.equal(new Set(deliveries.map((d) => d.seq)).size, MESSAGES);
  assert.equal(new Set(deliveries.map((d) => `${d.partition}:${d.offset}`)).size, MESSAGES);

  // Each member read only its own partitions, and both read something.
  for (const d of deliveries) assert.ok(assignment.get(d.member)!.includes(d.partition), `member ${d.member} read partition ${d.partition}`);
  assert.deepEqual(new Set(deliveries.map((d) => d.member)), new Set(['a', 'b']));

  // A key lives on one partition, and its messages come back in the order produced.
  const byKey = new Map<string, Delivery[]>();
  for (const d of deliveries) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
  assert.equal(byKey.size, KEYS);
  for (const [key, list] of byKey) {
    assert.equal(new Set(list.map((d) => d.partition)).size, 1, `key ${key} spread over partitions`);
    const bySeq = [...list].sort((x, y) => x.seq - y.seq);
    const byOffset = [...list].sort((x, y) => x.offset - y.offset);
    assert.deepEqual(bySeq.map((d) => d.offset), byOffset.map((d) => d.offset), `key ${key} out of order`);
  }

  // Offsets per partition are contiguous from 0, and the group committed up to the log end.
  const ends = await admin.fetchTopicOffsets(topic);
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  for (const { partition, high } of ends) {
    const offsets = deliveries.filter((d) => d.partition === partition).map((d) => d.offset).sort((x, y) => x - y);
    assert.deepEqual(offsets, Array.from({ length: Number(high) }, (_, i) => i), `partition ${partition} has gaps`);
    const commit = committed[0].partitions.find((p) => p.partition === partition)!;
    assert.equal(commit.offset, high, `partition ${partition} committed offset`);
  }
  await admin.deleteTopics({ topics: [topic] });
});
