/**
 * The parity guarantee, as data: for each group of features, how it is compared between
 * an event-time replay and an arrival-order stream (delays up to the 24 h lateness bound:
 * 90 % within 5 minutes, 10 % uniformly up to 24 h), and the share of events that must
 * agree. test/features/parity.test.ts asserts it; README.md explains it.
 *
 * Measures: exact = equal values; close = within 10 % (plus a small slack by type, none
 * for counts and flags); bucket = the two values differ by at most the event's own hour
 * bucket once complete.
 */
export interface ParityGuarantee {
  readonly group: string;
  readonly features: RegExp;
  readonly measure: 'exact' | 'close' | 'bucket';
  readonly atLeast: number;
  /** Why this group agrees as much as it does, and no more. */
  readonly why: string;
}

export const PARITY_GUARANTEE: readonly ParityGuarantee[] = [
  {
    group: 'the event itself',
    features: /^(local_hour|weekday|weekend|timezone_missing|failed|sensitive_action|external_object|object_bytes_log|private_ip|location_missing|(country|city|asn|device|user_agent|app|action|ip24)_missing)$/,
    measure: 'exact', atLeast: 0.999,
    why: 'computed from the event alone (the time zone comes from its geo), so order cannot matter',
  },
  {
    group: 'first-seen flags',
    features: /^((user|tenant)_\w+_first_time|new_user|sensitive_first_time|impossible_travel|usual_location_unknown|no_prev_location|baseline_missing|timezone_from_profile)$/,
    measure: 'exact', atLeast: 0.97,
    why: 'state keeps first-seen event times, so a late event is judged against what happened before it; they differ only when an earlier event is still in flight or a value was evicted from a full top-K',
  },
  {
    group: 'event-time ages and places',
    features: /^(user_\w+_days_since_first|user_history_days|usual_location_km)$/,
    measure: 'close', atLeast: 0.97,
    why: 'differences of first-seen times, and distances to cities first seen earlier',
  },
  {
    group: 'travel from the previous located event',
    features: /^(prev_location_km|travel_speed_kmh)$/,
    measure: 'close', atLeast: 0.9,
    why: 'the predecessor in event time is looked up among the last 12 located points; it differs when the real predecessor is still in flight',
  },
  {
    group: 'counts and shares learned so far',
    features: /^(user_\w+_seen_count|user_\w+_share|tenant_\w+_peer_users|tenant_\w+_peer_share|hour_share|hour_unusual|user_event_count|sensitive_user_count)$/,
    measure: 'close', atLeast: 0.7,
    why: 'they count what has been learned: a stream has not yet seen its in-flight events and a late event sees up to 24 h of later ones',
  },
  {
    group: 'recency',
    features: /^(dormancy_hours|hours_since_prev_location)$/,
    measure: 'close', atLeast: 0.55,
    why: 'the previous event is often the one still in flight; for a late event dormancy has hour-bucket resolution',
  },
  {
    group: '1 h windows',
    features: /_1h$/,
    measure: 'bucket', atLeast: 0.999,
    why: 'event-time hour buckets: the stream\'s bucket may hold later events of that hour, never events of another hour',
  },
  {
    group: '24 h windows',
    features: /_24h$/,
    measure: 'bucket', atLeast: 0.75,
    why: 'the 23 earlier buckets may still miss in-flight events (up to 24 h late)',
  },
  {
    group: 'rates against the baseline',
    features: /_(1h_z|24h_ratio)$/,
    measure: 'close', atLeast: 0.7,
    why: 'windows as above over baselines built only from hours older than 48 h (final in both orders)',
  },
];
