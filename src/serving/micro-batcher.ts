/**
 * Micro-batching: requests that arrive in the same turn of the event loop are scored in
 * ONE pipeline call. Scoring costs per call (tfjs dispatch, feature matrix set-up) dwarf
 * the cost per row, so 32 concurrent single-event HTTP requests scored together cost
 * little more than one, and so do the partition batches of one Kafka fetch. Order inside
 * a batch is arrival order, so per-user state sees events as they came. When a batch's
 * scoring throws, each request is scored on its own, event by event (isolated-scoring.ts):
 * one poisonous event fails alone, never the other clients' requests (or partitions)
 * that happened to share its batch.
 */
import type { Activity } from '../events/activity.js';
import type { Score } from '../models/types.js';
import { scoreIsolated, type IsolatedScores } from './isolated-scoring.js';

interface Pending {
  activities: Activity[];
  resolve: (result: IsolatedScores) => void;
  reject: (err: unknown) => void;
}

export class MicroBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly scoreBatch: (activities: Activity[]) => Score[], private readonly maxRows = 2_000) {}

  score(activities: Activity[]): Promise<IsolatedScores> {
    // Nothing to score (a batch of dead letters only): scoreIsolated answers without a pipeline call.
    if (activities.length === 0) return Promise.resolve(scoreIsolated(this.scoreBatch, activities));
    return new Promise((resolve, reject) => {
      this.queue.push({ activities, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after the pending I/O callbacks: requests already read join this batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) {
      let rows = 0;
      let take = 0;
      while (take < this.queue.length && (take === 0 || rows + this.queue[take].activities.length <= this.maxRows)) {
        rows += this.queue[take].activities.length;
        take++;
      }
      const group = this.queue.splice(0, take);
      let scores: Score[];
      try {
        scores = this.scoreBatch(group.flatMap((p) => p.activities));
      } catch {
        for (const p of group) {
          try {
            p.resolve(scoreIsolated(this.scoreBatch, p.activities));
          } catch (err) {
            p.reject(err);
          }
        }
        continue;
      }
      let offset = 0;
      for (const p of group) {
        p.resolve({ scores: scores.slice(offset, offset + p.activities.length), failed: { indices: [], reason: '' } });
        offset += p.activities.length;
      }
    }
  }
}
