/**
 * The EventBus on Apache Kafka (kafkajs). Producers wait for every in-sync replica
 * (acks = -1) and send uncompressed (gzip would cost more CPU than the network saves on
 * loopback or in one rack); consumers take whole batches, resolve offsets only after
 * the handler's outputs are acknowledged and commit them on an interval (offset-committer.ts,
 * not kafkajs's autoCommit, which commits after every batch): at-least-once.
 * A consumer without a group gets a group of its own, so it reads every partition.
 */
import { randomUUID } from 'node:crypto';
import { CompressionTypes, Kafka, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { ThreatlabError } from '../errors/index.js';
import { kafkaLevelFor, kafkaLogCreator } from './kafka-logger.js';
import { OffsetCommitter, isRebalancing } from './offset-committer.js';
import { cachedKeyPartitioner } from './partitioner.js';
import { noDelaySocketFactory } from './socket-factory.js';
import type {
  BusConsumer, BusMessage, BusProducer, ConsumedMessage, ConsumerOptions, EventBus, TopicPartition,
} from './types.js';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Partitions for topics this bus creates without an explicit count. */
  defaultPartitions?: number;
  /** How often resolved offsets are committed (ms). */
  commitIntervalMs?: number;
}

function unavailable(action: string, err: unknown): ThreatlabError {
  // kafkajs says whether its error is worth retrying (a broker away: yes; a message too large: no).
  const retriable = (err as { retriable?: boolean } | null)?.retriable;
  return new ThreatlabError('THREATLAB_BUS_UNAVAILABLE', `Kafka ${action} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err, retriable: retriable ?? true });
}

/**
 * Bytes per produce request we allow ourselves. The broker refuses a record batch over
 * `message.max.bytes` (1 MiB by default) and kafkajs puts all of one partition's
 * messages of a request into one batch, so a large output batch is sent as several
 * acknowledged requests, each well under the limit whatever the partitioning.
 */
const MAX_REQUEST_BYTES = 768 * 1024;
/** Record overhead on the wire besides key and value (varints, headers, attributes), rounded up. */
const RECORD_OVERHEAD = 64;

type TopicMessages = { topic: string; messages: BusMessage[] };

function messageBytes(m: BusMessage): number {
  let n = RECORD_OVERHEAD + (m.key === null ? 0 : Buffer.byteLength(m.key)) + (m.value === null ? 0 : typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length);
  if (m.headers) for (const [k, v] of Object.entries(m.headers)) n += k.length + v.length + 8;
  return n;
}

/** Splits topic batches into requests of at most MAX_REQUEST_BYTES (one request when it fits). */
export function splitRequests(batches: TopicMessages[], limit = MAX_REQUEST_BYTES): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let size = 0;
  for (const b of batches) {
    let slice: BusMessage[] = [];
    for (const m of b.messages) {
      const bytes = messageBytes(m);
      if (size + bytes > limit && (slice.length || current.length)) {
        if (slice.length) current.push({ topic: b.topic, messages: slice });
        requests.push(current);
        current = [];
        slice = [];
        size = 0;
      }
      slice.push(m);
      size += bytes;
    }
    if (slice.length) current.push({ topic: b.topic, messages: slice });
  }
  if (current.length) requests.push(current);
  return requests;
}

function toKafkaMessages(messages: BusMessage[]): Array<{ key: string | null; value: Buffer | string | null; headers?: Record<string, string> }> {
  // Same shape already; copying would be a per-event allocation on the hot path.
  return messages;
}

function headerText(value: Buffer | string | Array<Buffer | string> | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => v.toString()).join(',');
  return value.toString();
}

function fromKafka(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  let headers: Record<string, string> | undefined;
  if (m.headers) {
    headers = {};
    for (const [k, v] of Object.entries(m.headers)) headers[k] = headerText(v);
  }
  return {
    topic, partition, offset: m.offset, timestamp: Number(m.timestamp),
    key: m.key === null ? null : m.key.toString('utf8'), value: m.value, headers,
  };
}

export class KafkaBus implements EventBus {
  readonly kind = 'kafka' as const;
  readonly kafka: Kafka;
  private readonly live = new Set<{ close(): Promise<void> }>();
  /** Clients that are connected now; the bus is "connected" while at least one is and none crashed for good. */
  private connectedClients = 0;
  private crashed = false;
  private closed = false;

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: kafkaLevelFor(options.logger),
      logCreator: kafkaLogCreator(options.logger),
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
      socketFactory: noDelaySocketFactory,
    });
  }

  /**
   * Connected and talking to the brokers. kafkajs reports CONNECT/DISCONNECT only for
   * connect() and disconnect() calls, not when the brokers go away, so a running
   * consumer must also have had a fetch or heartbeat answered within `staleAfterMs`
   * (it fetches every ~250 ms when idle): during a broker outage /health turns 503.
   */
  connected(now = Date.now()): boolean {
    if (this.closed || this.connectedClients === 0 || this.crashed) return false;
    return this.consumersRunning === 0 || now - this.lastContactAt < KafkaBus.staleAfterMs;
  }

  static staleAfterMs = 15_000;
  private lastContactAt = 0;
  private consumersRunning = 0;

  /** Internal: a consumer had a fetch or heartbeat answered. */
  contact(): void {
    this.lastContactAt = Date.now();
  }

  /** Internal: a consumer started (+1) or stopped (-1) fetching. */
  trackConsumer(delta: 1 | -1): void {
    this.consumersRunning = Math.max(0, this.consumersRunning + delta);
    if (delta === 1) this.contact();
  }

  /** Internal: clients report their connection state here. */
  track(delta: 1 | -1): void {
    this.connectedClients = Math.max(0, this.connectedClients + delta);
  }

  markCrashed(): void {
    this.crashed = true;
  }

  async ensureTopics(topics: Array<{ name: string; partitions?: number; compacted?: boolean }>): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions ?? this.options.defaultPartitions ?? 1,
            configEntries: t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
          })),
        });
      }
    } catch (err) {
      // Another instance creating the same topic at the same moment is not a failure.
      if (!/already exists/i.test((err as Error)?.message ?? '')) throw unavailable('topic creation', err);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Partition count and end offsets of a topic (for lag, tests and benches). */
  async endOffsets(topic: string): Promise<Array<{ partition: number; offset: string }>> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, offset: o.high }));
    } catch (err) {
      throw unavailable(`reading offsets of ${topic}`, err);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async producer(): Promise<BusProducer> {
    // Idempotent + one request in flight: retried sends neither duplicate nor reorder a partition.
    const producer: Producer = this.kafka.producer({
      idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true, createPartitioner: cachedKeyPartitioner,
    });
    producer.on(producer.events.CONNECT, () => this.track(1));
    producer.on(producer.events.DISCONNECT, () => this.track(-1));
    try {
      await producer.connect();
    } catch (err) {
      throw unavailable('producer connect', err);
    }
    const handle = {
      send: async (topic: string, messages: BusMessage[]) => handle.sendBatch([{ topic, messages }]),
      sendBatch: async (batches: TopicMessages[]) => {
        for (const request of splitRequests(batches.filter((b) => b.messages.length))) {
          const topicMessages = request.map((b) => ({ topic: b.topic, messages: toKafkaMessages(b.messages) }));
          try {
            await producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
          } catch (err) {
            throw unavailable(`send to ${request.map((b) => b.topic).join(', ')}`, err);
          }
        }
      },
      disconnect: async () => {
        this.live.delete(closer);
        await producer.disconnect().catch(() => undefined);
      },
      close: async () => producer.disconnect(),
    };
    const closer = { close: () => handle.disconnect() };
    this.live.add(closer);
    return handle;
  }

  consumer(options: ConsumerOptions): BusConsumer {
    const consumer = new KafkaConsumer(this, options, this.options);
    this.live.add(consumer);
    return consumer;
  }

  forget(client: { close(): Promise<void> }): void {
    this.live.delete(client);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.live].map((c) => c.close().catch(() => undefined)));
    this.live.clear();
  }
}

const tpKey = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

class KafkaConsumer implements BusConsumer {
  private consumer: Consumer | null = null;
  private committer: OffsetCommitter | null = null;
  private assigned = new Map<string, TopicPartition>();
  /** Restores for newly assigned partitions; batches wait on it so no event is scored on cold state. */
  private assignmentReady: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: KafkaBus,
    private readonly options: ConsumerOptions,
    private readonly busOptions: KafkaBusOptions,
  ) {}

  async run(): Promise<void> {
    if (this.consumer) return;
    const broadcast = !this.options.groupId;
    const groupId = this.options.groupId ?? `${this.busOptions.clientId}-broadcast-${randomUUID()}`;
    const consumer = this.bus.kafka.consumer({ groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: true });
    this.consumer = consumer;
    consumer.on(consumer.events.CONNECT, () => this.bus.track(1));
    consumer.on(consumer.events.DISCONNECT, () => this.bus.track(-1));
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) this.bus.markCrashed();
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.onJoin(e.payload.memberAssignment));
    consumer.on(consumer.events.FETCH, () => this.bus.contact());
    consumer.on(consumer.events.HEARTBEAT, () => this.bus.contact());
    consumer.on(consumer.events.CONNECT, () => this.bus.trackConsumer(1));
    consumer.on(consumer.events.DISCONNECT, () => this.bus.trackConsumer(-1));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
      const committer = broadcast ? null : new OffsetCommitter(this.busOptions.commitIntervalMs ?? 1_000, (err) => {
        this.busOptions.logger.warn({ err, groupId }, 'offset commit failed; the next one carries the same offsets');
      });
      this.committer = committer;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale }) => {
          await this.assignmentReady;
          if (!isRunning() || isStale()) return;
          const messages = batch.messages.map((m) => fromKafka(batch.topic, batch.partition, m));
          if (messages.length) {
            await this.options.eachBatch({ topic: batch.topic, partition: batch.partition, messages, lag: Number(batch.offsetLag()) });
          }
          resolveOffset(batch.lastOffset());
          if (!committer) return heartbeat();
          try {
            await heartbeat();
          } catch (err) {
            // The partitions are about to move: what is done here must not be redone by the next owner.
            if (isRebalancing(err)) await committer.flush().catch(() => undefined);
            throw err;
          }
          await committer.afterBatch({ uncommittedOffsets, commitOffsetsIfNecessary });
        },
      });
    } catch (err) {
      throw unavailable(`consumer ${groupId} start`, err);
    }
  }

  /** kafkajs reports only the new assignment: the difference with the old one is what moved. */
  private onJoin(assignment: Record<string, number[]>): void {
    const next = new Map<string, TopicPartition>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) next.set(tpKey({ topic, partition }), { topic, partition });
    }
    const revoked = [...this.assigned.values()].filter((tp) => !next.has(tpKey(tp)));
    const added = [...next.values()].filter((tp) => !this.assigned.has(tpKey(tp)));
    this.assigned = next;
    const previous = this.assignmentReady;
    this.assignmentReady = previous.then(async () => {
      if (revoked.length) await this.options.onPartitionsRevoked?.(revoked);
      if (added.length) await this.options.onPartitionsAssigned?.(added);
    }).catch((err) => {
      this.busOptions.logger.error({ err }, 'partition assignment handler failed');
    });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.consumer = null;
    this.bus.forget(this);
    await this.committer?.stop();
    this.committer = null;
    await consumer.disconnect().catch(() => undefined);
    const revoked = [...this.assigned.values()];
    this.assigned.clear();
    await this.assignmentReady;
    if (revoked.length) await this.options.onPartitionsRevoked?.(revoked);
  }

  close(): Promise<void> {
    return this.stop();
  }
}
