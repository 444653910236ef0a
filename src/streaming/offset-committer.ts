/**
 * Offset commits for a kafkajs group consumer, on our schedule. kafkajs's `autoCommit`
 * commits after EVERY batch: its runner calls commitOffsets unconditionally once
 * eachBatch returns, and `autoCommitInterval` only governs the other call sites. At 5k
 * events/s that was ~90 OffsetCommit round trips a second per worker, each awaited
 * before the next fetch, and a good share of the broker's CPU. With autoCommit off, this
 * commits the resolved offsets at most once per interval, when a rebalance starts (before
 * the partitions move), when the stream goes quiet (a timer: a quiet stream must not
 * keep its last second uncommitted) and on stop. Commits run one at a time and read the
 * offsets when they run, so a later commit never carries older offsets than an earlier one.
 */
import type { OffsetsByTopicPartition } from 'kafkajs';

/** From an eachBatch payload; bound to the consumer group, so valid across rebalances. */
export interface CommitFunctions {
  uncommittedOffsets: () => OffsetsByTopicPartition;
  commitOffsetsIfNecessary: (offsets?: OffsetsByTopicPartition) => Promise<void>;
}

/** kafkajs's "the group is rebalancing" errors (its `isRebalancing` is not exported). */
export function isRebalancing(err: unknown): boolean {
  const type = (err as { type?: string } | null)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION';
}

export class OffsetCommitter {
  private fns: CommitFunctions | null = null;
  private chain: Promise<void> = Promise.resolve();
  private lastCommitAt = Date.now();
  private stopping = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly intervalMs: number, private readonly onError: (err: unknown) => void) {
    this.timer = setInterval(() => {
      if (Date.now() - this.lastCommitAt >= intervalMs) this.flush().catch(onError);
    }, intervalMs);
    this.timer.unref();
  }

  /** In eachBatch, after resolveOffset: commits when the interval has passed, or always once stopping. */
  async afterBatch(fns: CommitFunctions): Promise<void> {
    this.fns = fns;
    if (this.stopping || Date.now() - this.lastCommitAt >= this.intervalMs) await this.flush();
  }

  /** Commits every offset resolved so far. */
  flush(): Promise<void> {
    const run = this.chain.then(async () => {
      const fns = this.fns;
      if (!fns) return;
      const offsets = fns.uncommittedOffsets();
      this.lastCommitAt = Date.now();
      if (!offsets.topics.length) return;
      try {
        await fns.commitOffsetsIfNecessary(offsets);
      } catch (err) {
        // The group moved on (new generation, or kafkajs restarted the consumer): these functions
        // would keep failing. The next batch brings the current ones.
        if (isRebalancing(err) && this.fns === fns) this.fns = null;
        throw err;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Commits what is resolved; a batch still running commits its own offsets as it ends. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.flush().catch(this.onError);
  }
}
