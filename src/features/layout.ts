/**
 * Shape of the per-user state: which categorical fields are profiled, how many values of
 * each a user keeps (top-K slots), how many hourly buckets the rate ring holds, which
 * rate metrics exist. The engine, the spec and the snapshot format all read these, so a
 * change here is a change of the feature spec (its hash covers the layout too).
 */

/** Categorical fields that get prevalence features, in spec order. */
export const FEATURE_CATEGORIES = ['country', 'city', 'asn', 'device', 'user_agent', 'app', 'action', 'ip24'] as const;
export type FeatureCategory = (typeof FEATURE_CATEGORIES)[number];

/** Profiled but not exposed as features: the user's usual time zone (fallback for local time). */
export const TZ_CATEGORY = FEATURE_CATEGORIES.length;
export const CATEGORY_COUNT = FEATURE_CATEGORIES.length + 1;
export const CITY_CATEGORY = FEATURE_CATEGORIES.indexOf('city');
export const COUNTRY_CATEGORY = FEATURE_CATEGORIES.indexOf('country');

/**
 * Values kept per user per category. High-cardinality fields (user agent, IP /24) get few
 * slots: a value that falls out was rare for this user anyway. Order = FEATURE_CATEGORIES + tz.
 */
export const SLOTS_PER_CATEGORY: readonly number[] = [6, 8, 8, 4, 6, 12, 16, 10, 3];
export const SLOT_OFFSET: readonly number[] = SLOTS_PER_CATEGORY.map((_, i) => SLOTS_PER_CATEGORY.slice(0, i).reduce((s, k) => s + k, 0));
export const SLOTS_PER_USER = SLOTS_PER_CATEGORY.reduce((s, k) => s + k, 0);

/**
 * When a user's total for one category reaches this, every count of that category is
 * halved: counts stay exact for ordinary users and turn into recency-weighted counts for
 * very busy ones, so a new habit can overtake an old one and state never grows.
 */
export const CATEGORY_DECAY_AT = 8192;
export const PROFILE_DECAY_AT = 8192;

/** Hourly buckets per user: 24 h of window + 24 h of lateness, so a late event still lands in its bucket. */
export const RING_HOURS = 48;
export const MAX_LATENESS_MS = 24 * 3_600_000;
/** Located points kept per user for travel features (sorted by event time). */
export const LOCATION_RING = 12;

/** Rate metrics, in spec order. */
export const METRICS = ['events', 'failed', 'downloads', 'bytes', 'external_shares', 'sensitive', 'distinct_objects', 'distinct_ips'] as const;
export type Metric = (typeof METRICS)[number];
export const METRIC_COUNT = METRICS.length;
/** Per-bucket saturating Uint16 counters: events, failed, downloads, external_shares, sensitive. */
export const BUCKET_COUNTERS = 5;
/** Metric index → counter index in a bucket (-1: not a plain counter). */
export const METRIC_COUNTER: readonly number[] = [0, 1, 2, -1, 3, 4, -1, -1];
export const M_BYTES = 3;
export const M_OBJECTS = 6;
export const M_IPS = 7;
/** Bitmap words per bucket for distinct counting (linear counting): objects 128 bits, IPs 32 bits. */
export const OBJECT_WORDS = 4;
export const IP_WORDS = 1;

/** Decay per finalised hour (half-life 7 days) and per finalised day (half-life 14 days) of the baselines. */
export const HOUR_DECAY = Math.pow(0.5, 1 / 168);
export const DAY_DECAY = Math.pow(0.5, 1 / 14);

/** Impossible travel: faster than this over more than IMPOSSIBLE_MIN_KM (GeoIP city error is tens of km). */
export const IMPOSSIBLE_KMH = 900;
export const IMPOSSIBLE_MIN_KM = 500;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A description of the layout, hashed into the spec so that state of another shape is refused. */
export const LAYOUT_SIGNATURE = JSON.stringify({
  SLOTS_PER_CATEGORY, CATEGORY_DECAY_AT, PROFILE_DECAY_AT, RING_HOURS, LOCATION_RING, METRICS, OBJECT_WORDS, IP_WORDS,
  HOUR_DECAY, DAY_DECAY, IMPOSSIBLE_KMH, IMPOSSIBLE_MIN_KM,
});
