/**
 * The in-process event bus: Kafka's semantics that the product relies on, without a
 * broker, so the demo and unit tests run with no services. Topics have partitions
 * chosen by key hash; consumer groups split the partitions and keep committed offsets;
 * consumers without a group read every partition; compacted topics hide a message
 * once a newer one with the same key exists (offsets stay stable, as in Kafka).
 */
import { ThreatlabError } from '../errors/index.js';
import { partitionForKey } from './partitioner.js';
import type {
  BusConsumer, BusMessage, BusProducer, ConsumedMessage, ConsumerOptions, EventBus, TopicPartition,
} from './types.js';

const DEFAULT_PARTITIONS = 1;
const DEFAULT_MAX_BATCH = 500;
/** Pause before redelivering a batch whose handler threw, so a poison batch cannot spin a core. */
const REDELIVERY_PAUSE_MS = 200;

interface Topic {
  name: string;
  compacted: boolean;
  /** Per partition, messages by offset; a compacted-away slot is `undefined`. */
  logs: Array<Array<ConsumedMessage | undefined>>;
  /** Compacted topics: key → offset of its latest message, per partition. */
  latestByKey: Array<Map<string, number>>;
}

interface Group {
  members: MemoryConsumer[];
  committed: Map<string, number>;
  /** Serialises rebalances so join/leave never interleave. */
  rebalancing: Promise<void>;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, Group>();
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private roundRobin = 0;

  constructor(private readonly defaults: { partitions?: number } = {}) {}

  connected(): boolean {
    return !this.closed;
  }

  async ensureTopics(topics: Array<{ name: string; partitions?: number; compacted?: boolean }>): Promise<void> {
    for (const t of topics) this.topic(t.name, t.partitions, t.compacted);
  }

  /** The topic, created on first use like Kafka's auto-create (with the bus default partition count). */
  private topic(name: string, partitions?: number, compacted?: boolean): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      const n = partitions ?? this.defaults.partitions ?? DEFAULT_PARTITIONS;
      if (!Number.isInteger(n) || n < 1) throw new ThreatlabError('THREATLAB_CONFIG', `topic ${name}: partitions must be ≥ 1, got ${n}`);
      topic = {
        name,
        compacted: compacted ?? false,
        logs: Array.from({ length: n }, () => []),
        latestByKey: Array.from({ length: n }, () => new Map()),
      };
      this.topics.set(name, topic);
    } else if (compacted) {
      topic.compacted = true;
    }
    return topic;
  }

  partitionCount(name: string): number {
    return this.topic(name).logs.length;
  }

  /** Messages currently in a partition's log (end offset), for tests and lag. */
  endOffset(name: string, partition: number): number {
    return this.topic(name).logs[partition]?.length ?? 0;
  }

  async endOffsets(name: string): Promise<Array<{ partition: number; offset: string }>> {
    return this.topic(name).logs.map((log, partition) => ({ partition, offset: String(log.length) }));
  }

  append(topicName: string, messages: BusMessage[]): void {
    if (this.closed) throw new ThreatlabError('THREATLAB_BUS_UNAVAILABLE', 'the in-process bus is closed');
    const topic = this.topic(topicName);
    const now = Date.now();
    for (const m of messages) {
      const partition = m.key === null
        ? (this.roundRobin++ % topic.logs.length)
        : partitionForKey(m.key, topic.logs.length);
      const log = topic.logs[partition];
      const offset = log.length;
      log.push({ topic: topicName, partition, offset: String(offset), timestamp: now, key: m.key, value: typeof m.value === 'string' ? Buffer.from(m.value) : m.value, headers: m.headers });
      if (topic.compacted && m.key !== null) {
        const previous = topic.latestByKey[partition].get(m.key);
        if (previous !== undefined) log[previous] = undefined;
        topic.latestByKey[partition].set(m.key, offset);
      }
    }
    this.wakeAll();
  }

  async producer(): Promise<BusProducer> {
    return {
      send: async (topic, messages) => this.append(topic, messages),
      sendBatch: async (batches) => {
        for (const b of batches) this.append(b.topic, b.messages);
      },
      disconnect: async () => undefined,
    };
  }

  consumer(options: ConsumerOptions): BusConsumer {
    return new MemoryConsumer(this, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves when anything is appended (or the bus closes, or `ms` pass). */
  waitForData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }

  // ---- internals used by MemoryConsumer ---------------------------------------------

  readLog(topic: string, partition: number): ReadonlyArray<ConsumedMessage | undefined> {
    return this.topic(topic).logs[partition];
  }

  committedOffset(groupId: string, topic: string, partition: number): number | undefined {
    return this.groups.get(groupId)?.committed.get(tpKey(topic, partition));
  }

  commit(groupId: string, topic: string, partition: number, next: number): void {
    this.groups.get(groupId)?.committed.set(tpKey(topic, partition), next);
  }

  allPartitions(topics: string[]): TopicPartition[] {
    return topics.flatMap((name) => this.topic(name).logs.map((_, partition) => ({ topic: name, partition })));
  }

  /** Adds or removes a member, then re-splits the group's partitions round-robin among members. */
  async rebalance(groupId: string, change: { join?: MemoryConsumer; leave?: MemoryConsumer }): Promise<void> {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { members: [], committed: new Map(), rebalancing: Promise.resolve() };
      this.groups.set(groupId, group);
    }
    const g = group;
    const step = g.rebalancing.then(async () => {
      if (change.join) g.members.push(change.join);
      if (change.leave) g.members = g.members.filter((m) => m !== change.leave);
      // Every member finishes its in-flight batch before partitions move (Kafka's join barrier).
      const everyone = change.leave ? [...g.members, change.leave] : g.members;
      await Promise.all(everyone.map((m) => m.quiesce()));
      const topics = [...new Set(g.members.flatMap((m) => m.topics))];
      const partitions = this.allPartitions(topics);
      const next = new Map<MemoryConsumer, TopicPartition[]>(g.members.map((m) => [m, []]));
      partitions.forEach((tp, i) => next.get(g.members[i % g.members.length])?.push(tp));
      for (const m of everyone) await m.revokeAllBut(next.get(m) ?? []);
      for (const m of g.members) await m.assign(next.get(m) ?? []);
      for (const m of everyone) m.resume();
    });
    g.rebalancing = step.catch(() => undefined);
    return step;
  }
}

class MemoryConsumer implements BusConsumer {
  readonly topics: string[];
  private assigned: TopicPartition[] = [];
  /** Next offset to read, per assigned partition. */
  private readonly positions = new Map<string, number>();
  private running = false;
  private paused = false;
  private inFlight: Promise<void> = Promise.resolve();
  private loop: Promise<void> | null = null;

  constructor(private readonly bus: MemoryBus, private readonly options: ConsumerOptions) {
    this.topics = options.topics;
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.options.groupId) {
      await this.bus.rebalance(this.options.groupId, { join: this });
    } else {
      await this.assign(this.bus.allPartitions(this.topics));
    }
    this.loop = this.consumeLoop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.options.groupId) {
      await this.bus.rebalance(this.options.groupId, { leave: this });
    } else {
      await this.inFlight;
      await this.revokeAllBut([]);
    }
    await this.loop;
  }

  /** Stops taking new batches and waits for the current one. */
  async quiesce(): Promise<void> {
    this.paused = true;
    await this.inFlight;
  }

  resume(): void {
    this.paused = false;
  }

  async revokeAllBut(keep: TopicPartition[]): Promise<void> {
    const keepKeys = new Set(keep.map((tp) => tpKey(tp.topic, tp.partition)));
    const revoked = this.assigned.filter((tp) => !keepKeys.has(tpKey(tp.topic, tp.partition)));
    this.assigned = this.assigned.filter((tp) => keepKeys.has(tpKey(tp.topic, tp.partition)));
    for (const tp of revoked) this.positions.delete(tpKey(tp.topic, tp.partition));
    if (revoked.length) await this.options.onPartitionsRevoked?.(revoked);
  }

  async assign(partitions: TopicPartition[]): Promise<void> {
    const have = new Set(this.assigned.map((tp) => tpKey(tp.topic, tp.partition)));
    const added = partitions.filter((tp) => !have.has(tpKey(tp.topic, tp.partition)));
    for (const tp of added) {
      const committed = this.options.groupId ? this.bus.committedOffset(this.options.groupId, tp.topic, tp.partition) : undefined;
      const start = committed ?? (this.options.fromBeginning ? 0 : this.bus.endOffset(tp.topic, tp.partition));
      this.positions.set(tpKey(tp.topic, tp.partition), start);
    }
    this.assigned = [...this.assigned, ...added];
    if (added.length) await this.options.onPartitionsAssigned?.(added);
  }

  private async consumeLoop(): Promise<void> {
    const max = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH;
    while (this.running && !this.bus.isClosed) {
      let delivered = false;
      for (const tp of this.paused ? [] : [...this.assigned]) {
        if (!this.running || this.paused) break;
        const key = tpKey(tp.topic, tp.partition);
        const position = this.positions.get(key);
        if (position === undefined) continue;
        const log = this.bus.readLog(tp.topic, tp.partition);
        if (position >= log.length) continue;
        const messages: ConsumedMessage[] = [];
        let next = position;
        while (next < log.length && messages.length < max) {
          const m = log[next++];
          if (m) messages.push(m);
        }
        delivered = true;
        if (messages.length === 0) {
          this.advance(tp, next);
          continue;
        }
        const batch = { topic: tp.topic, partition: tp.partition, messages, lag: log.length - next };
        const work = this.options.eachBatch(batch).then(
          () => this.advance(tp, next),
          // Not advancing = the batch is delivered again, as Kafka does after a failed handler.
          () => new Promise<void>((resolve) => setTimeout(resolve, REDELIVERY_PAUSE_MS)),
        );
        this.inFlight = work;
        await work;
      }
      if (!delivered) await this.bus.waitForData(50);
    }
  }

  private advance(tp: TopicPartition, next: number): void {
    const key = tpKey(tp.topic, tp.partition);
    // A rebalance may have moved the partition away while the batch ran: its new owner re-reads from the commit.
    if (!this.positions.has(key)) return;
    this.positions.set(key, next);
    if (this.options.groupId) this.bus.commit(this.options.groupId, tp.topic, tp.partition, next);
  }
}
