/**
 * The feature spec: every feature the engine writes, in order, with its type, one-line
 * meaning (including what lateness does to it) and the value used when the input lacks
 * what it needs. The engine writes by the index constants exported here, so the order
 * below IS the vector layout.
 */
import { createHash } from 'node:crypto';
import type { FeatureDef, FeatureSpec, FeatureType } from './types.js';
import { FEATURE_CATEGORIES, LAYOUT_SIGNATURE, METRICS, type Metric } from './layout.js';

export const FEATURE_SPEC_VERSION = 'threatlab-features/2';

const defs: FeatureDef[] = [];
function add(name: string, type: FeatureType, meaning: string, missing = 0): number {
  defs.push(Object.freeze({ name, type, meaning, missing }));
  return defs.length - 1;
}

const CATEGORY_WORDS: Record<(typeof FEATURE_CATEGORIES)[number], string> = {
  country: 'country (GeoIP)', city: 'city (GeoIP, country/city)', asn: 'autonomous system', device: 'device family',
  user_agent: 'user agent (version numbers masked: a browser update is not a new agent)', app: 'application', action: 'normalised action', ip24: 'IP network (/24 for IPv4, /48 for IPv6)',
};

/** Offsets inside one category block of CATEGORY_BLOCK features. */
export const CF = {
  seenCount: 0, share: 1, firstTime: 2, daysSinceFirst: 3, peerUsers: 4, peerShare: 5, tenantFirstTime: 6, missing: 7,
} as const;
export const CATEGORY_BLOCK = 8;
export const CATEGORY_BASE = defs.length;
for (const c of FEATURE_CATEGORIES) {
  const w = CATEGORY_WORDS[c];
  add(`user_${c}_seen_count`, 'count', `times this user was seen with this ${w} before (learned so far: in the stream this may include events up to the lateness bound later in event time; halved with all the user's ${c} counts past 8192)`, 0);
  add(`user_${c}_share`, 'ratio', `share of this user's events with a ${c} that had this ${w} (same counts as user_${c}_seen_count)`, 1);
  add(`user_${c}_first_time`, 'flag', `1 when this user had no event with this ${w} strictly earlier in event time (a late event checks the stored first-seen second, so lateness does not change it; a value evicted from the user's top-K counts as new)`, 0);
  add(`user_${c}_days_since_first`, 'numeric', `days between the user's first event with this ${w} and this event, 0 when first time (event time, lateness-safe)`, 0);
  add(`tenant_${c}_peer_users`, 'count', `other users of the tenant who have this ${w} among their usual values ("uncommon among peers" when small; learned so far)`, 0);
  add(`tenant_${c}_peer_share`, 'ratio', `tenant_${c}_peer_users divided by the tenant's other users`, 1);
  add(`tenant_${c}_first_time`, 'flag', `1 when nobody in the tenant had this ${w} strictly earlier in event time (first-seen second, lateness-safe)`, 0);
  add(`${c}_missing`, 'flag', `1 when the event has no ${w}; the ${c} features then hold their neutral missing values`, 1);
}

export const F = {
  localHour: add('local_hour', 'numeric', 'hour of day 0-23 in the event location\'s time zone, else the user\'s usual zone, else UTC', 12),
  weekday: add('weekday', 'numeric', 'day of week 0 (Sunday) - 6 in the same local time', 3),
  weekend: add('weekend', 'flag', '1 on Saturday or Sunday local time', 0),
  hourShare: add('hour_share', 'ratio', 'share of the user\'s learned events at this local hour (±1 h smoothed); in the stream it may include later events', 1),
  hourUnusual: add('hour_unusual', 'ratio', '1 - this hour\'s smoothed share / the user\'s busiest hour\'s: 0 = the user\'s usual time, 1 = never active at this hour', 0),
  timezoneFromProfile: add('timezone_from_profile', 'flag', '1 when the event had no time zone and the user\'s usual zone was used', 0),
  timezoneMissing: add('timezone_missing', 'flag', '1 when neither the event nor the user\'s profile had a time zone (UTC used)', 1),

  prevLocationKm: add('prev_location_km', 'km', 'great-circle km from the user\'s latest located event strictly earlier in event time (late events look up their real predecessor among the last 12 located points)', 0),
  travelSpeedKmh: add('travel_speed_kmh', 'kmh', 'prev_location_km / hours between the two events (at least 1 minute), capped at 100000', 0),
  hoursSincePrevLocation: add('hours_since_prev_location', 'hours', 'hours since that previous located event', 0),
  impossibleTravel: add('impossible_travel', 'flag', '1 when travel_speed_kmh > 900 over more than 500 km', 0),
  usualLocationKm: add('usual_location_km', 'km', 'km to the nearest of the user\'s usual cities (seen at least twice and ≥ 5 % of located events, first seen earlier)', 0),
  locationMissing: add('location_missing', 'flag', '1 when the event has no coordinates (no IP, private IP, GeoIP miss)', 1),
  noPrevLocation: add('no_prev_location', 'flag', '1 when the user has no earlier located event in memory', 1),
  usualLocationUnknown: add('usual_location_unknown', 'flag', '1 when the user has no usual city yet', 1),

  dormancyHours: add('dormancy_hours', 'hours', 'hours since the user\'s previous event in event time (late events: hour-bucket resolution within 48 h); 0 for a new user', 0),
  userEventCount: add('user_event_count', 'count', 'events learned for this user so far (history size: how much to trust the profile)', 0),
  userHistoryDays: add('user_history_days', 'numeric', 'days since the user\'s first learned event (0 when this event is earlier)', 0),
  newUser: add('new_user', 'flag', '1 when the engine has never learned an event of this user', 1),
  failed: add('failed', 'flag', '1 when this event failed (outcome failure, login_failed, mfa_failed)', 0),
  sensitiveAction: add('sensitive_action', 'flag', '1 for admin/role changes, forwarding rules, OAuth consents, external sharing and the other SENSITIVE_ACTIONS', 0),
  sensitiveUserCount: add('sensitive_user_count', 'count', 'for a sensitive action: times this user did this action before (learned so far), else 0', 0),
  sensitiveFirstTime: add('sensitive_first_time', 'flag', '1 for a sensitive action this user never did earlier in event time', 0),
  externalObject: add('external_object', 'flag', '1 when the object is exposed outside the tenant', 0),
  objectBytesLog: add('object_bytes_log', 'numeric', 'ln(1 + bytes of the object), 0 when unknown', 0),
  privateIp: add('private_ip', 'flag', '1 when the source IP is private / not routable', 0),
  baselineMissing: add('baseline_missing', 'flag', '1 when the user has no finalised hour yet (rate z-scores 0, ratios 1)', 1),
} as const;

const METRIC_WORDS: Record<Metric, string> = {
  events: 'events', failed: 'failed events', downloads: 'downloads (file download/sync, data export, repo clone)', bytes: 'bytes of objects acted on',
  external_shares: 'external or anonymous shares', sensitive: 'sensitive actions', distinct_objects: 'distinct objects (estimated, linear counting over 128 bits)',
  distinct_ips: 'distinct source IPs (estimated, linear counting over 32 bits)',
};

/** Offsets inside one rate block of RATE_BLOCK features. */
export const RF = { w1h: 0, w24h: 1, z1h: 2, ratio24h: 3 } as const;
export const RATE_BLOCK = 4;
export const RATE_BASE = defs.length;
for (const m of METRICS) {
  const w = METRIC_WORDS[m];
  add(`${m}_1h`, m === 'bytes' ? 'numeric' : 'count', `${w} of this user in the event's clock hour (event time, this event included; in the stream the bucket may already hold later events of that hour)`, 0);
  add(`${m}_24h`, m === 'bytes' ? 'numeric' : 'count', `${w} of this user in the 24 clock hours ending with the event's (same bucket rule)`, 0);
  add(`${m}_1h_z`, 'zscore', `z-score of ln(1+${m}_1h) against the user's hourly baseline (EWMA, 7-day half-life, over hours older than 48 h, so late events are already in)`, 0);
  add(`${m}_24h_ratio`, 'ratio', `(${m}_24h + s) / (usual daily ${m} + s), s = ${m === 'bytes' ? '1 MB' : '1'}; daily EWMA with a 14-day half-life`, 1);
}

export const FEATURE_DIM = defs.length;

/** sha256 over the version, the state layout and the ordered (name, type, missing) of every feature. */
export function featureSpecHash(spec: Pick<FeatureSpec, 'version' | 'features'> = FEATURE_SPEC): string {
  const h = createHash('sha256');
  h.update(spec.version);
  h.update('\n');
  h.update(LAYOUT_SIGNATURE);
  for (const f of spec.features) h.update(`\n${f.name}\t${f.type}\t${f.missing}`);
  return h.digest('hex');
}

const base = { version: FEATURE_SPEC_VERSION, features: Object.freeze(defs.slice()) };
export const FEATURE_SPEC: FeatureSpec = Object.freeze({ ...base, hash: featureSpecHash(base) });

/** Index of a feature by name (throws on an unknown name, so typos fail loudly). */
export function featureIndex(name: string, spec: FeatureSpec = FEATURE_SPEC): number {
  const i = spec.features.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`unknown feature "${name}" in spec ${spec.version}`);
  return i;
}
