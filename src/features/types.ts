/**
 * Contracts of the feature engine. The engine itself (per-user state, the feature
 * definitions) lives beside this file; everything else sees only these shapes.
 */

export type FeatureType = 'numeric' | 'count' | 'ratio' | 'flag' | 'zscore' | 'hours' | 'km' | 'kmh';

export interface FeatureDef {
  /** Stable name, used in reasons and bundles (`user_country_seen_count`). */
  readonly name: string;
  readonly type: FeatureType;
  /** One line: what the value means. */
  readonly meaning: string;
  /** Value used when the input lacks what the feature needs (no geo, no IP…); never NaN. */
  readonly missing: number;
}

export interface FeatureSpec {
  readonly version: string;
  readonly features: readonly FeatureDef[];
  /** sha256 over version + ordered (name, type, missing); any change to a feature changes it. */
  readonly hash: string;
}

/** Column-oriented features for a batch: row i of every column belongs to ids[i]. */
export interface FeatureColumns {
  readonly spec: FeatureSpec;
  readonly ids: string[];
  readonly users: string[];
  readonly times: Float64Array;
  /** One Float32Array per feature, in spec order. */
  readonly columns: Float32Array[];
}
