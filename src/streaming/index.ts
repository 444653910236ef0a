/**
 * The event bus: `busFromConfig` picks Kafka when brokers are configured, else the
 * process-wide in-process bus (so the demo's producer, scorer and HTTP API share it).
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.js';
import { KafkaBus } from './kafka-bus.js';
import { MemoryBus } from './memory-bus.js';
import type { EventBus } from './types.js';

export * from './types.js';
export { MemoryBus } from './memory-bus.js';
export { KafkaBus, type KafkaBusOptions } from './kafka-bus.js';
export { partitionForKey, murmur2 } from './partitioner.js';
export { CoalescingSender } from './coalescing-sender.js';

let processBus: MemoryBus | null = null;

/** The one in-process bus of this process (created on first use, replaced after close). */
export function processMemoryBus(): MemoryBus {
  if (!processBus || processBus.isClosed) processBus = new MemoryBus({ partitions: 3 });
  return processBus;
}

export function busFromConfig(
  config: Pick<Config, 'kafkaBrokers' | 'kafkaClientId' | 'logLevel'>,
  options: { logger?: Logger; defaultPartitions?: number } = {},
): EventBus {
  const brokers = config.kafkaBrokers.split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) return processMemoryBus();
  const logger = options.logger ?? pino({ level: config.logLevel }, pino.destination(2));
  return new KafkaBus({ brokers, clientId: config.kafkaClientId, logger, defaultPartitions: options.defaultPartitions });
}
