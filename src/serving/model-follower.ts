/**
 * Follows the model topic: every instance reads every partition of it (a broadcast
 * consumer, not the scoring group), so each one learns of every promotion. The topic is
 * compacted and keyed by `model@alias`, so reading it from the beginning yields the
 * latest update of each alias: that is how an instance finds its model at start-up.
 */
import type { Logger } from 'pino';
import type { ModelUpdateMessage } from '../registry/types.js';
import type { BusConsumer, EventBus } from '../streaming/types.js';
import type { ModelManager } from './model-manager.js';

const STRING_FIELDS = ['model', 'version', 'alias', 'uri', 'manifestSha256', 'featureSpecHash'] as const;

/** A model-topic message as an update, or the reason (text) why it is not one. */
export function parseModelUpdate(value: Buffer | null): ModelUpdateMessage | string {
  if (value === null) return 'tombstone';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (!parsed || typeof parsed !== 'object') return 'not an object';
  const o = parsed as Record<string, unknown>;
  for (const f of STRING_FIELDS) if (typeof o[f] !== 'string') return `field ${f} missing or not a string`;
  return {
    model: o.model as string, version: o.version as string, alias: o.alias as string, uri: o.uri as string,
    manifestSha256: o.manifestSha256 as string, featureSpecHash: o.featureSpecHash as string,
    publishedAt: typeof o.publishedAt === 'number' ? o.publishedAt : 0,
  };
}

export class ModelFollower {
  private consumer: BusConsumer | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly topic: string,
    private readonly models: ModelManager,
    private readonly logger: Logger,
  ) {}

  /** Starts following; resolves once the topic's existing messages have been read (or `catchUpMs` passed). */
  async start(catchUpMs = 15_000): Promise<void> {
    const ends = await this.bus.endOffsets(this.topic);
    const pending = new Map(ends.filter((e) => Number(e.offset) > 0).map((e) => [e.partition, Number(e.offset) - 1]));
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => { caughtUp = resolve; });
    if (pending.size === 0) caughtUp();
    this.consumer = this.bus.consumer({
      topics: [this.topic],
      fromBeginning: true,
      eachBatch: async (batch) => {
        for (const m of batch.messages) {
          const update = parseModelUpdate(m.value);
          if (typeof update === 'string') {
            this.logger.warn({ topic: m.topic, partition: m.partition, offset: m.offset, problem: update }, 'ignored a model-topic message');
          } else {
            // Loads run in the background: a slow store must not stall the model topic.
            void this.models.handle(update);
          }
          const last = pending.get(m.partition);
          if (last !== undefined && Number(m.offset) >= last) pending.delete(m.partition);
        }
        if (pending.size === 0) caughtUp();
      },
    });
    await this.consumer.run();
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, catchUpMs).unref())]);
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }
}
