/**
 * Contracts of the models: every scorer implements `Scorer`; the ensemble turns the
 * components into one calibrated score with reasons (the `Score` of DESIGN.md).
 */

/** A row-major matrix of features: row i is `data.subarray(i * dim, (i + 1) * dim)`. */
export interface FeatureMatrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly dim: number;
}

export interface Reason {
  /** Feature (or component) name, stable across releases. */
  feature: string;
  value: number;
  /** Plain, quantitative words for the analyst. */
  detail: string;
}

export interface Scorer {
  readonly name: string;
  /** One raw score per row, higher = more anomalous. Never NaN. */
  scoreMany(x: FeatureMatrix): Float32Array;
  /**
   * The raw score of one row, allocation-free: scorers that run per row in plain
   * TypeScript have it (serving scores each event inline before learning it).
   */
  scoreRow?(x: FeatureMatrix, row: number): number;
  /** Why row `row` of `x` scored as it did, most important first. */
  explain(x: FeatureMatrix, row: number, top?: number): Reason[];
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** What serving emits per event (scores topic, key = user). */
export interface Score {
  eventId: string;
  tenant: string;
  user: string;
  /** Event time, epoch ms. */
  time: number;
  /** Calibrated, 0..1. */
  score: number;
  /** A new alert: at or above the threshold and not part of an alert already open (alert-groups.ts). */
  alert: boolean;
  /**
   * Set when the score is at or above the threshold but the user already has an open
   * alert of the same kind: the event id of that alert (the event is evidence for it).
   */
  groupedInto?: string;
  severity: Severity;
  components: Record<string, number>;
  reasons: Reason[];
  model: { name: string; version: string; featureSpecHash: string };
  scoredAt: number;
}

/**
 * What the models need from the feature engine (src/features implements it). Kept
 * structural here so scorers and the scoring pipeline depend on a shape, not a class.
 */
export interface FeatureEngineLike {
  /** Number of features per event, in spec order. */
  readonly dim: number;
  /** The feature spec the engine computes (its hash is checked against the bundle's). */
  readonly spec?: { readonly hash: string; readonly features: readonly { readonly name: string }[] };
  /** Features of `a` against the current state, written to `out[offset..offset+dim)`; no learning. */
  extract(a: import('../events/activity.js').Activity, out: Float32Array, offset: number): void;
  /** Update the state with `a`. */
  learn(a: import('../events/activity.js').Activity): void;
  /** extract then learn in one pass (optional fast path for the training replay). */
  process?(a: import('../events/activity.js').Activity, out: Float32Array, offset: number): void;
  /** Compact snapshot of the state (the bundle's profiles file). */
  snapshot(): Uint8Array;
  /** Counts behind the features of `a` for reason texts (user/tenant prevalence of its values…). */
  context?(a: import('../events/activity.js').Activity): unknown;
}
