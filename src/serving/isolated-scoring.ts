/**
 * Scoring that one poisonous event cannot take down with others: the batch is scored in
 * one call, and only if that throws is each activity scored alone, so the events that
 * can be scored are, and the rest are named (a dead letter on the stream, a `rejected`
 * entry over HTTP). Used by the stream scorer and the HTTP micro-batcher alike.
 */
import { describeError } from '../errors/index.js';
import type { Activity } from '../events/activity.js';
import type { Score } from '../models/types.js';

export interface IsolatedScores {
  /** Scores of the activities that could be scored, in input order. */
  scores: Score[];
  /** Input indices whose scoring threw, and the (last) reason. */
  failed: { indices: number[]; reason: string };
}

export function scoreIsolated(scoreBatch: (activities: Activity[]) => Score[], activities: Activity[]): IsolatedScores {
  if (activities.length === 0) return { scores: [], failed: { indices: [], reason: '' } };
  try {
    return { scores: scoreBatch(activities), failed: { indices: [], reason: '' } };
  } catch (batchErr) {
    const scores: Score[] = [];
    const indices: number[] = [];
    let reason = describeError(batchErr);
    activities.forEach((a, i) => {
      try {
        scores.push(...scoreBatch([a]));
      } catch (err) {
        indices.push(i);
        reason = describeError(err);
      }
    });
    return { scores, failed: { indices, reason } };
  }
}
