/**
 * The training replay: history in event-time order through the feature engine. Each
 * event's features are extracted BEFORE it is learned (exactly what serving sees when
 * the event arrives), then it is learned. The engine's final state is the bundle's
 * profiles. `replay` learns every event, attacks in the history included: training
 * has no scores yet to decide otherwise (labelled data can be filtered beforehand).
 *
 * `replayWithHold` is the second pass, once a provisional model exists: it applies
 * serving's learn rule (alerted events held for `alertHoldMs` of event time, see
 * models/learn-hold.ts), so the features that calibration and the threshold are fitted
 * on have the dynamics serving will have. The events still held at the end are not
 * learned: the bundle's profiles are what a freshly (re)started scorer has, and a
 * restart drops pending learns too.
 */
import type { Activity } from '../events/activity.js';
import { LearnHold, type FeatureEngineLike, type FeatureMatrix, type LearnHoldStats } from '../models/index.js';

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

export interface HoldReplayOptions {
  /** Event-time hold of alerted events (ms; 0 = at once, Infinity or -1 = never). */
  holdMs: number;
  /** Whether the event whose features are in `row` alerts (the provisional model's inline score). */
  alerts: (row: FeatureMatrix) => boolean;
  onProgress?: (done: number) => void;
}

export function replayWithHold(sorted: readonly Activity[], engine: FeatureEngineLike, opts: HoldReplayOptions): { x: FeatureMatrix; stats: LearnHoldStats & { pending: number } } {
  const dim = engine.dim;
  const data = new Float32Array(sorted.length * dim);
  const hold = new LearnHold((a) => engine.learn(a), { holdMs: opts.holdMs });
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    hold.advance(a.time);
    engine.extract(a, data, i * dim);
    if (hold.learnsAtOnce) engine.learn(a);
    else hold.admit(a, opts.alerts({ data: data.subarray(i * dim, (i + 1) * dim), rows: 1, dim }));
    if (opts.onProgress && (i & 0x3fff) === 0) opts.onProgress(i);
  }
  opts.onProgress?.(sorted.length);
  return { x: { data, rows: sorted.length, dim }, stats: { ...hold.stats, pending: hold.pending } };
}
