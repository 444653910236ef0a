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

/** One of the user's usual values, for reason texts ("usually signs in from GB (92 %)"). */
export interface ValueCount {
  readonly value: string;
  /** Learned count (recency-weighted past 8192 events of that field). */
  readonly count: number;
  /** Share of the user's events that had this field. */
  readonly share: number;
}

/** What reason texts need beyond the feature values: the user's profile in words. */
export interface FeatureContext {
  readonly user: string;
  readonly tenant: string;
  readonly knownUser: boolean;
  readonly userEvents: number;
  /** Days between the user's first learned event and this event (0 for a new user). */
  readonly userDays: number;
  readonly tenantUsers: number;
  readonly topCountries: readonly ValueCount[];
  readonly topCities: readonly ValueCount[];
  readonly topAsns: readonly ValueCount[];
  readonly topDevices: readonly ValueCount[];
  readonly topApps: readonly ValueCount[];
  /** Local hours the user is most active at, busiest first. */
  readonly usualHours: readonly number[];
  readonly usualTimeZone: string | null;
  /** Latest learned event time of the user, epoch ms, or null. */
  readonly lastSeen: number | null;
  /** The located event the travel features compared with, or null. */
  readonly previousLocation: { readonly lat: number; readonly lon: number; readonly time: number } | null;
}

export interface FeatureEngineStats {
  readonly users: number;
  readonly tenants: number;
  /** Heap bytes of all state (typed arrays as allocated, maps and strings estimated). */
  readonly approxBytes: number;
  /** Learned events older than the lateness bound (scored and profiled, but outside the rate buckets). */
  readonly tooLate: number;
  /** Users dropped to honour maxUsers (least recently active first). */
  readonly evictedUsers: number;
  readonly internedValues: number;
}
