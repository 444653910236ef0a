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
  alert: boolean;
  severity: Severity;
  components: Record<string, number>;
  reasons: Reason[];
  model: { name: string; version: string; featureSpecHash: string };
  scoredAt: number;
}
