/**
 * The training replay: history in event-time order through the feature engine. Each
 * event's features are extracted BEFORE it is learned (exactly what serving sees when
 * the event arrives), then it is learned. The engine's final state is the bundle's
 * profiles. Every event is learned here, attacks in the history included: training
 * has no scores yet to decide otherwise (labelled data can be filtered beforehand).
 */
import type { Activity } from '../events/activity.js';
import type { FeatureEngineLike, FeatureMatrix } from '../models/index.js';

/** Sorted copy by event time (ties by id, so the order — and the model — repeats). */
export function byEventTime(activities: readonly Activity[]): Activity[] {
  return [...activities].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function replay(sorted: readonly Activity[], engine: FeatureEngineLike, onProgress?: (done: number) => void): FeatureMatrix {
  const dim = engine.dim;
  const data = new Float32Array(sorted.length * dim);
  for (let i = 0; i < sorted.length; i++) {
    if (engine.process) engine.process(sorted[i], data, i * dim);
    else {
      engine.extract(sorted[i], data, i * dim);
      engine.learn(sorted[i]);
    }
    if (onProgress && (i & 0x3fff) === 0) onProgress(i);
  }
  onProgress?.(sorted.length);
  return { data, rows: sorted.length, dim };
}
