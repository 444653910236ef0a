/**
 * The event-bus interface: the rest of the code sees topics of keyed messages, never
 * kafkajs. Implementations: Kafka (kafkajs) and the in-process bus for the demo.
 */

export interface BusMessage {
  key: string | null;
  /**
   * A string goes out as its UTF-8 bytes. Kafka writes it straight into the produce
   * request, so a serialised score needs no Buffer of its own (one allocation and copy
   * per event on the hot path).
   */
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

/** What a consumer receives: the value is always bytes. */
export interface ConsumedMessage extends BusMessage {
  value: Buffer | null;
  topic: string;
  partition: number;
  offset: string;
  /** Broker/append timestamp, epoch ms. */
  timestamp: number;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** Messages left in the partition after this batch (consumer lag), when the bus knows it. */
  lag?: number;
}

export interface BusProducer {
  /** Resolves when the bus has acknowledged every message. */
  send(topic: string, messages: BusMessage[]): Promise<void>;
  /** Several topics in one acknowledged round trip. */
  sendBatch(batches: Array<{ topic: string; messages: BusMessage[] }>): Promise<void>;
  disconnect(): Promise<void>;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumerOptions {
  topics: string[];
  /** Consumer group; instances in one group split the partitions. Omit to read every partition (broadcast). */
  groupId?: string;
  /** Where a group without committed offsets (or a broadcast consumer) starts: the oldest message, else only new ones. */
  fromBeginning?: boolean;
  /**
   * Called once per fetched batch. When it resolves, the batch's offsets may be committed:
   * handlers must only resolve after their outputs are acknowledged (at-least-once).
   * A handler that throws makes the bus redeliver the batch (after a pause).
   */
  eachBatch: (batch: ConsumedBatch) => Promise<void>;
  /** Awaited before the first batch of a newly assigned partition is delivered (state restore). */
  onPartitionsAssigned?: (assigned: TopicPartition[]) => Promise<void> | void;
  /** Called when partitions leave this consumer (rebalance, stop), after its in-flight batch. */
  onPartitionsRevoked?: (revoked: TopicPartition[]) => Promise<void> | void;
  /** Upper bound of messages per delivered batch (the in-process bus honours it; Kafka uses fetch sizes). */
  maxBatchSize?: number;
  /**
   * Partitions whose batches may be handled at the same time (default 1). A partition's
   * own batches are always handled in order; handlers of different partitions interleave
   * at their awaits, so they may share one output request (CoalescingSender).
   */
  partitionsConcurrently?: number;
}

export interface BusConsumer {
  /** Joins, then keeps delivering batches in the background; resolves once consuming has started. */
  run(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  ensureTopics(topics: Array<{ name: string; partitions?: number; compacted?: boolean }>): Promise<void>;
  producer(): Promise<BusProducer>;
  consumer(options: ConsumerOptions): BusConsumer;
  /** Next offset to be written, per partition (how far a reader must get to be caught up). */
  endOffsets(topic: string): Promise<Array<{ partition: number; offset: string }>>;
  /** True while the bus can be reached (readiness). */
  connected(): boolean;
  close(): Promise<void>;
}
