/**
 * The event-bus interface: the rest of the code sees topics of keyed messages, never
 * kafkajs. Implementations: Kafka (kafkajs) and the in-process bus for the demo.
 */

export interface BusMessage {
  key: string | null;
  value: Buffer | null;
  headers?: Record<string, string>;
}

export interface ConsumedMessage extends BusMessage {
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
}

export interface BusProducer {
  /** Resolves when the bus has acknowledged every message. */
  send(topic: string, messages: BusMessage[]): Promise<void>;
  /** Several topics in one acknowledged round trip. */
  sendBatch(batches: Array<{ topic: string; messages: BusMessage[] }>): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  topics: string[];
  /** Consumer group; instances in one group split the partitions. Omit to read every partition (broadcast). */
  groupId?: string;
  fromBeginning?: boolean;
  /**
   * Called once per fetched batch. When it resolves, the batch's offsets may be committed:
   * handlers must only resolve after their outputs are acknowledged (at-least-once).
   */
  eachBatch: (batch: ConsumedBatch) => Promise<void>;
  onPartitionsAssigned?: (assigned: Array<{ topic: string; partition: number }>) => Promise<void> | void;
  onPartitionsRevoked?: (revoked: Array<{ topic: string; partition: number }>) => Promise<void> | void;
}

export interface BusConsumer {
  run(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  ensureTopics(topics: Array<{ name: string; partitions?: number; compacted?: boolean }>): Promise<void>;
  producer(): Promise<BusProducer>;
  consumer(options: ConsumerOptions): BusConsumer;
  close(): Promise<void>;
}
