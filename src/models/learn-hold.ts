/**
 * The learn rule for alerted events, shared by serving (ScoringPipeline) and the
 * training replay, so calibration sees the dynamics serving will have.
 *
 * An event that alerts (its inline score reaches the bundle's `learnThreshold`) is not
 * learned into the profiles at once: it is HELD, and learned once the event-time
 * watermark (the latest event time seen) passes its time + `holdMs` (default 24 h).
 * Why a hold and not "never" or "at once":
 *  - within the hold an attack's follow-on events still look new (the attacker's second
 *    sign-in from a new country is still "first from that country"), so a campaign
 *    keeps alerting and stays at the top of the ranking;
 *  - after it, a benign user's new habit (new office, new laptop) becomes normal, so
 *    one change costs about a day of alerts instead of alerting forever.
 * `holdMs` 0 learns at once (the old `learnAlerts: true`); NEVER (-1 or Infinity) keeps
 * alerted events out of the profiles for good (the old default).
 *
 * The queue is bounded (`maxHeld`, default 100 000): when full, the oldest held event
 * is learned early and counted in `stats.learnedEarly`. The queue is in memory only and
 * part of nothing persistent (not in profile snapshots, not in the bundle): a restart
 * drops the pending learns, i.e. those events are never learned — acceptable, since it
 * errs on the side of "the attack stays unusual"; a re-appearing benign value is held
 * and learned again a day later.
 *
 * Holds longer than the feature engine's lateness bound (24 h) still update the
 * profiles, but the engine counts such events as too late for its rate windows.
 *
 * Future work: an analyst's true-positive verdict on an alert could cancel its queued
 * learn (remove the event from the queue by id) so a confirmed attack never becomes
 * normal; today verdicts only reach the profiles through retraining.
 */
import type { Activity } from '../events/activity.js';
import { ThreatlabError } from '../errors/index.js';
import { MinHeap } from '../events/generate/heap.js';

export const DEFAULT_ALERT_HOLD_MS = 24 * 3_600_000;
export const DEFAULT_MAX_HELD = 100_000;
/** `alertHoldMs` value meaning "never learn alerted events" (JSON has no Infinity). */
export const NEVER_LEARN = -1;

export interface LearnHoldStats {
  /** Alerted events put on hold. */
  held: number;
  /** Held events learned after their hold expired. */
  released: number;
  /** Held events learned before their hold expired because the queue was full. */
  learnedEarly: number;
  /** Alerted events not learned at all (hold = never). */
  neverLearned: number;
}

/** Normalises a configured hold: -1 / Infinity → Infinity; anything else must be a finite number ≥ 0. */
export function parseAlertHoldMs(v: number): number {
  if (v === NEVER_LEARN || v === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (!(Number.isFinite(v) && v >= 0)) {
    throw new ThreatlabError('THREATLAB_CONFIG', `alertHoldMs must be ≥ 0 milliseconds, or -1 / Infinity for "never learn alerted events", got ${String(v)}`);
  }
  return v;
}

export interface LearnHoldOptions {
  /** Hold before an alerted event is learned, in event-time ms; 0 = at once, Infinity = never. */
  holdMs: number;
  /** Queue bound (default 100 000). */
  maxHeld?: number;
}

export class LearnHold {
  readonly holdMs: number;
  readonly maxHeld: number;
  readonly stats: LearnHoldStats = { held: 0, released: 0, learnedEarly: 0, neverLearned: 0 };
  // Held events by event time: the next to release is always the oldest.
  private readonly queue = new MinHeap<Activity>((a, b) => a.time < b.time);
  private watermark = Number.NEGATIVE_INFINITY;

  constructor(private readonly learn: (a: Activity) => void, opts: LearnHoldOptions) {
    this.holdMs = parseAlertHoldMs(opts.holdMs);
    this.maxHeld = opts.maxHeld ?? DEFAULT_MAX_HELD;
    if (!(Number.isInteger(this.maxHeld) && this.maxHeld >= 1)) throw new ThreatlabError('THREATLAB_CONFIG', `maxHeld must be an integer ≥ 1, got ${this.maxHeld}`);
  }

  /** True when alerted events are learned at once: callers may skip the alert decision. */
  get learnsAtOnce(): boolean {
    return this.holdMs === 0;
  }

  /** Held events waiting to be learned. */
  get pending(): number {
    return this.queue.size;
  }

  /**
   * Advances the watermark to `time` and learns every held event whose hold has
   * expired. Call it with each event's time BEFORE extracting that event's features,
   * so they see the state its predecessors' expired holds produce.
   */
  advance(time: number): void {
    if (time > this.watermark) this.watermark = time;
    for (let a = this.queue.peek(); a !== undefined && a.time + this.holdMs <= this.watermark; a = this.queue.peek()) {
      this.queue.pop();
      this.learn(a);
      this.stats.released++;
    }
  }

  /** Learns `a` now (not alerted), or holds it (alerted) per the rule in the header. */
  admit(a: Activity, alerted: boolean): void {
    if (!alerted || this.holdMs === 0) {
      this.learn(a);
      return;
    }
    if (this.holdMs === Number.POSITIVE_INFINITY) {
      this.stats.neverLearned++;
      return;
    }
    this.stats.held++;
    if (a.time + this.holdMs <= this.watermark) {
      // Late enough that its hold has already passed.
      this.learn(a);
      this.stats.released++;
      return;
    }
    if (this.queue.size >= this.maxHeld) {
      const oldest = this.queue.pop();
      if (oldest) {
        this.learn(oldest);
        this.stats.learnedEarly++;
      }
    }
    this.queue.push(a);
  }
}
