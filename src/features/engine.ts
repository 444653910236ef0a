/**
 * The incremental per-user feature engine. One code path for notebooks, training
 * (replay in event-time order) and serving (arrival order, events up to 24 h late):
 * `extract` reads the state, `learn` updates it, both keyed on EVENT time.
 *
 * Hot path rules: users, tenants and values are interned to integers; state lives in
 * typed-array columns (user-store.ts); nothing is allocated per event except the
 * short strings a value key needs (city, ASN, IP network).
 */
import { SENSITIVE_ACTIONS, type Activity } from '../events/activity.js';
import { ThreatlabError } from '../errors/index.js';
import * as baselineModule from './baseline.js';
import * as geoModule from './geo.js';
import { Interner } from './interner.js';
import * as layoutModule from './layout.js';
import { LocalTime } from './localtime.js';
import { readSnapshot, writeSnapshot, type EngineState } from './snapshot.js';
import * as specModule from './spec.js';
import { TenantStore } from './tenant-store.js';
import type { FeatureContext, FeatureEngineStats, FeatureSpec, ValueCount } from './types.js';
import { UserStore } from './user-store.js';
import * as valuesModule from './values.js';

/*
 * Module-local copies of the imported constants and helpers. Under tsx (how the CLI,
 * the benches and the notebooks run this code) these modules can be loaded as CommonJS,
 * where every use of an imported binding is a getter call on the exporting module: that
 * was a quarter of the engine's CPU time. Locals are plain constants to the JIT.
 */
const { clearBucket, finalizeHour } = baselineModule;
const { fnv1a, haversineKm, ipNetwork, linearCount, popcount32 } = geoModule;
const {
  BUCKET_COUNTERS, CATEGORY_COUNT, CATEGORY_DECAY_AT, CITY_CATEGORY, COUNTRY_CATEGORY, DAY_MS, FEATURE_CATEGORIES, HOUR_MS,
  IMPOSSIBLE_KMH, IMPOSSIBLE_MIN_KM, IP_WORDS, LOCATION_RING, MAX_LATENESS_MS, METRIC_COUNT, OBJECT_WORDS, PROFILE_DECAY_AT,
  RING_HOURS, SLOT_OFFSET, SLOTS_PER_CATEGORY, SLOTS_PER_USER, TZ_CATEGORY,
} = layoutModule;
const { CATEGORY_BASE, CATEGORY_BLOCK, CF, F, FEATURE_DIM, FEATURE_SPEC, RATE_BASE, RATE_BLOCK, RF } = specModule;
const { ipv4Network, maskVersions, parseIpv4 } = valuesModule;

export interface FeatureEngineOptions {
  /** The spec the caller expects (e.g. from a model bundle); refused unless it is the engine's own. */
  spec?: FeatureSpec;
  /** Events older than (latest event time seen - latenessMs) count as too late. Default and maximum 24 h. */
  latenessMs?: number;
  /** Cap on users held; past it the least recently active 1 % are forgotten. */
  maxUsers?: number;
  /** Wall clock; when given, events stamped more than 1 h in its future do not move the rate windows. */
  now?: () => number;
  /** Users to allocate room for up front (avoids re-allocations when the population is known). */
  initialUsers?: number;
}

const S = SLOTS_PER_USER;
const CC = CATEGORY_COUNT;
const R = RING_HOURS;
const L = LOCATION_RING;
const M = METRIC_COUNT;
const NO_VALUE = 0;
/** Value present in the event but never interned (read-only extract): matches no slot. */
const UNSEEN_VALUE = -1;
const MAX_SEC = 0xfffffffe;
const SAME_PLACE_KM = 1;
const SPEED_CAP = 100_000;
/** Variance floor of the hourly baseline on the ln(1+x) scale: a user always at 0 is not infinitely surprised by 1. */
const Z_VAR_FLOOR = 0.25;
const RATIO_SMOOTHING: readonly number[] = [1, 1, 1, 1_000_000, 1, 1, 1, 1];
const SHARED_CLOCK = new LocalTime();
const MAX_UA_CACHE = 65_536;
const DOWNLOAD = 1;
const SENSITIVE = 2;
const FAILURE = 4;
const SHARE_OUT = 8;
/** What an action counts as, looked up once per event. */
const ACTION_BITS = new Map<string, number>([
  ['file_download', DOWNLOAD], ['file_sync', DOWNLOAD], ['data_export', DOWNLOAD], ['repo_clone', DOWNLOAD],
  ['login_failed', FAILURE], ['mfa_failed', FAILURE], ['file_share_external', SHARE_OUT], ['file_share_anonymous', SHARE_OUT],
]);
for (const a of SENSITIVE_ACTIONS) ACTION_BITS.set(a, (ACTION_BITS.get(a) ?? 0) | SENSITIVE);

export class FeatureEngine {
  readonly spec: FeatureSpec = FEATURE_SPEC;
  readonly dim: number = FEATURE_DIM;
  readonly latenessMs: number;
  private readonly maxUsers: number;
  private readonly now: (() => number) | undefined;

  private strings = new Interner();
  /** Interned values past which unreferenced strings are dropped (one-off user agents, IP blocks). */
  private compactAt = 1 << 17;
  private readonly userIds = new Map<string, number>();
  private readonly userNames: string[] = [];
  private readonly freeRows: number[] = [];
  private readonly store: UserStore;
  private readonly tenants = new TenantStore();
  /** Shared by all engines: offsets are a pure function of (zone, time), and building Intl formats is slow. */
  private readonly clock = SHARED_CLOCK;
  private watermark = -Infinity;
  private tooLate = 0;
  private evicted = 0;

  // Scratch for the event being processed: value ids per category and its local time.
  private readonly vals = new Int32Array(CC);
  private localHour = 0;
  private weekday = 0;
  private zoneSource = 0; // 0 event's zone, 1 user's usual zone, 2 none (UTC)
  private failed = 0;
  private download = 0;
  private external = 0;
  private sensitive = 0;
  private bytes = 0;
  /** Tenant entry per category found by compute(), reused by update() while the tenant store's generation holds. */
  private readonly tenantEntry = new Int32Array(CC);
  /** Slot per category found by compute() for the same user, reused by update() (-1: not held). */
  private readonly slotFound = new Int32Array(CC);
  private slotFoundRow = -1;
  private tenantEntryGeneration = -1;
  /** Numeric keys → value ids, so city, ASN and IPv4 networks cost no string building per event. */
  private readonly cityIds = new Map<number, number>();
  private readonly asnIds = new Map<number, number>();
  private readonly ip4Ids = new Map<number, number>();
  private readonly uaIds = new Map<string, number>();
  private readonly objWords = new Uint32Array(OBJECT_WORDS);
  private readonly win1 = new Float64Array(M);
  private readonly win24 = new Float64Array(M);
  /** The event's coordinates (NaN when not located), read by learnValue for city slots. */
  private lat = NaN;
  private lon = NaN;
  private time = 0;
  private located = false;
  private privateIp = 0;
  private readonly ipWords = new Uint32Array(IP_WORDS);

  constructor(options: FeatureEngineOptions = {}) {
    if (options.spec && options.spec.hash !== FEATURE_SPEC.hash) {
      throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH',
        `feature spec ${options.spec.hash.slice(0, 12)} is not this engine's ${FEATURE_SPEC.hash.slice(0, 12)}: the model was trained with other features`,
        { details: { expected: FEATURE_SPEC.hash, got: options.spec.hash } });
    }
    const lateness = options.latenessMs ?? MAX_LATENESS_MS;
    if (!(lateness >= 0 && lateness <= MAX_LATENESS_MS)) {
      throw new ThreatlabError('THREATLAB_CONFIG', `latenessMs must be between 0 and ${MAX_LATENESS_MS} (the rate ring holds 24 h of lateness), got ${lateness}`);
    }
    if (options.maxUsers !== undefined && !(Number.isInteger(options.maxUsers) && options.maxUsers > 0)) {
      throw new ThreatlabError('THREATLAB_CONFIG', `maxUsers must be a positive whole number, got ${options.maxUsers}`);
    }
    this.latenessMs = lateness;
    this.maxUsers = options.maxUsers ?? Infinity;
    this.now = options.now;
    this.store = new UserStore(options.initialUsers ?? 1024);
  }

  /** Features of `a` against the current state, written into out[offset .. offset+dim); does not learn `a`. */
  extract(a: Activity, out: Float32Array, offset = 0): void {
    this.resolve(a, false);
    const u = this.userIds.get(a.user) ?? -1;
    const t = this.tenants.findTenant(a.tenant);
    this.resolveLocalTime(a, u);
    this.compute(a, u, t, out, offset);
    this.tenantEntryGeneration = -1;
    this.slotFoundRow = -1;
  }

  /** Updates the user's and tenant's state with `a`, in event time (late events go to their own bucket). */
  learn(a: Activity): void {
    this.resolve(a, true);
    const u = this.rowFor(a.user, a.tenant);
    this.resolveLocalTime(a, u);
    this.tenantEntryGeneration = -1;
    this.slotFoundRow = -1;
    this.update(a, u, this.tenants.tenant(a.tenant));
  }

  /** extract then learn: the common path, resolving the event's values once. */
  process(a: Activity, out: Float32Array, offset = 0): void {
    this.resolve(a, true);
    const known = this.userIds.get(a.user) ?? -1;
    this.resolveLocalTime(a, known);
    const t = this.tenants.tenant(a.tenant);
    this.compute(a, known, t, out, offset);
    this.tenantEntryGeneration = this.tenants.generation;
    this.slotFoundRow = known >= 0 && this.store.c.events[known] > 0 ? known : -1;
    const u = known >= 0 ? known : this.rowFor(a.user, a.tenant);
    this.update(a, u, t);
  }

  stats(): FeatureEngineStats {
    return {
      users: this.userIds.size,
      tenants: this.tenants.tenants,
      approxBytes: this.store.approxBytes() + this.tenants.approxBytes() + this.strings.approxBytes() + this.userIds.size * 120,
      tooLate: this.tooLate,
      evictedUsers: this.evicted,
      internedValues: this.strings.size,
    };
  }

  /** All state as compact binary (see snapshot.ts for the layout). */
  snapshot(): Uint8Array {
    return writeSnapshot(this.state(), this.userIds.values());
  }

  /** Only the given users (unknown names are skipped) plus their tenants' state: a serving checkpoint per partition. */
  snapshotUsers(users: Iterable<string>): Uint8Array {
    const rows: number[] = [];
    for (const name of users) {
      const u = this.userIds.get(name);
      if (u !== undefined) rows.push(u);
    }
    return writeSnapshot(this.state(), rows);
  }

  /**
   * Adds a snapshot's users (replacing users of the same name: the snapshot is newer
   * state for them) and merges its tenant state by max / min (idempotent).
   */
  mergeSnapshot(bytes: Uint8Array): void {
    readSnapshot(bytes, this.state(), false);
  }

  static restore(bytes: Uint8Array, options: FeatureEngineOptions = {}): FeatureEngine {
    const engine = new FeatureEngine(options);
    readSnapshot(bytes, engine.state(), true);
    return engine;
  }

  /** The user's profile in words, for reasons. Read-only. */
  context(a: Activity): FeatureContext {
    const u = this.userIds.get(a.user) ?? -1;
    const t = this.tenants.findTenant(a.tenant);
    const c = this.store.c;
    const known = u >= 0 && c.events[u] > 0;
    let previousLocation: FeatureContext['previousLocation'] = null;
    if (known) {
      const i = this.findPrevLocation(u, a.time);
      if (i >= 0) previousLocation = { lat: c.locLat[u * L + i], lon: c.locLon[u * L + i], time: c.locTime[u * L + i] };
    }
    const tz = known ? this.topValue(u, TZ_CATEGORY) : 0;
    return {
      user: a.user,
      tenant: a.tenant,
      knownUser: known,
      userEvents: known ? c.events[u] : 0,
      userDays: known ? Math.max(0, (a.time - c.firstTime[u]) / DAY_MS) : 0,
      tenantUsers: t >= 0 ? this.tenants.userCount[t] : 0,
      topCountries: known ? this.topValues(u, COUNTRY_CATEGORY) : [],
      topCities: known ? this.topValues(u, CITY_CATEGORY) : [],
      topAsns: known ? this.topValues(u, FEATURE_CATEGORIES.indexOf('asn')) : [],
      topDevices: known ? this.topValues(u, FEATURE_CATEGORIES.indexOf('device')) : [],
      topApps: known ? this.topValues(u, FEATURE_CATEGORIES.indexOf('app')) : [],
      usualHours: known ? this.usualHours(u) : [],
      usualTimeZone: tz > 0 ? this.strings.value(tz) : null,
      lastSeen: known ? c.lastTime[u] : null,
      previousLocation,
    };
  }

  // ---------------------------------------------------------------- resolving inputs

  /** Fills this.vals with the event's value id per category (0 = missing), and the event's facts. */
  private resolve(a: Activity, grow: boolean): void {
    if (grow && this.strings.size >= this.compactAt) this.compactStrings();
    const v = this.vals;
    const g = a.geo;
    this.time = a.time;
    this.located = g !== null && g.lat !== null && g.lon !== null && Number.isFinite(g.lat) && Number.isFinite(g.lon) && g.privateIp !== true;
    this.lat = this.located ? g!.lat! : NaN;
    this.lon = this.located ? g!.lon! : NaN;
    this.privateIp = g !== null && g.privateIp === true ? 1 : 0;
    const country = g !== null ? g.country : null;
    v[0] = this.idOf(country, grow);
    v[1] = g !== null && g.city ? this.cityId(v[0], country, g.city, grow) : NO_VALUE;
    v[2] = a.asn !== null && a.asn !== undefined ? this.numericId(this.asnIds, a.asn, 'AS', grow) : NO_VALUE;
    v[3] = this.idOf(a.device !== null ? a.device.family : null, grow);
    v[4] = a.userAgent ? this.userAgentId(a.userAgent, grow) : NO_VALUE;
    v[5] = this.idOf(a.app, grow);
    v[6] = this.idOf(a.action, grow);
    v[8] = this.idOf(g !== null ? g.timeZone : null, grow);

    this.ipWords[0] = 0;
    if (a.ip) {
      const ip4 = parseIpv4(a.ip);
      if (ip4 >= 0) {
        v[7] = this.numericId(this.ip4Ids, Math.floor(ip4 / 256), '', grow);
        this.ipWords[0] = 1 << (Math.imul(ip4 | 0, 0x9e3779b1) >>> 27);
      } else {
        v[7] = this.idOf(ipNetwork(a.ip), grow);
        this.ipWords[0] = 1 << (fnv1a(a.ip) & 31);
      }
    } else {
      v[7] = NO_VALUE;
    }

    const ow = this.objWords;
    ow[0] = 0; ow[1] = 0; ow[2] = 0; ow[3] = 0;
    const o = a.object;
    const key = o !== null ? (o.id ?? o.name) : null;
    if (key) {
      const h = fnv1a(key);
      this.objWords[(h >>> 5) & (OBJECT_WORDS - 1)] = 1 << (h & 31);
    }
    const bits = ACTION_BITS.get(a.action) ?? 0;
    this.failed = a.outcome === 'failure' || (bits & FAILURE) !== 0 ? 1 : 0;
    this.download = (bits & DOWNLOAD) !== 0 ? 1 : 0;
    this.sensitive = (bits & SENSITIVE) !== 0 ? 1 : 0;
    this.external = (bits & SHARE_OUT) !== 0 || (o !== null && o.external) ? 1 : 0;
    const b = o !== null ? o.bytes : null;
    this.bytes = b !== null && b > 0 && Number.isFinite(b) ? b : 0;
  }

  private idOf(s: string | null | undefined, grow: boolean): number {
    if (s === null || s === undefined || s === '') return NO_VALUE;
    if (grow) return this.strings.intern(s);
    const id = this.strings.find(s);
    return id === 0 ? UNSEEN_VALUE : id;
  }

  /** City values are "country/city" (Springfield exists in many countries); keyed numerically to build the string once. */
  private cityId(countryId: number, country: string | null, city: string, grow: boolean): number {
    const nameId = this.idOf(city, grow);
    if (nameId > 0 && countryId >= 0) {
      const id = this.cityIds.get(countryId * 67_108_864 + nameId);
      if (id !== undefined) return id;
    }
    const id = this.idOf(country ? country + '/' + city : city, grow);
    if (id > 0 && nameId > 0 && countryId >= 0) this.cityIds.set(countryId * 67_108_864 + nameId, id);
    return id;
  }

  /** Raw agent → id of its version-masked form, cached (browsers update monthly; a new version is not a new agent). */
  private userAgentId(raw: string, grow: boolean): number {
    const cached = this.uaIds.get(raw);
    if (cached !== undefined) return cached;
    const id = this.idOf(maskVersions(raw), grow);
    if (id > 0) {
      if (this.uaIds.size >= MAX_UA_CACHE) this.uaIds.clear();
      this.uaIds.set(raw, id);
    }
    return id;
  }

  private numericId(map: Map<number, number>, key: number, prefix: string, grow: boolean): number {
    const id = map.get(key);
    if (id !== undefined) return id;
    const text = prefix === 'AS' ? 'AS' + key : ipv4Network(key);
    const found = this.idOf(text, grow);
    if (found > 0) map.set(key, found);
    return found;
  }

  /** Local hour and weekday: the event location's zone, else the user's usual zone, else UTC. */
  private resolveLocalTime(a: Activity, u: number): void {
    let off = NaN;
    this.zoneSource = 0;
    const zone = this.vals[TZ_CATEGORY] !== NO_VALUE ? a.geo!.timeZone : null;
    if (zone) off = this.clock.offsetMs(zone, this.time);
    if (Number.isNaN(off) && u >= 0) {
      const tz = this.topValue(u, TZ_CATEGORY);
      if (tz > 0) {
        off = this.clock.offsetMs(this.strings.value(tz), this.time);
        this.zoneSource = 1;
      }
    }
    if (Number.isNaN(off)) {
      off = 0;
      this.zoneSource = 2;
    }
    const local = this.time + off;
    const day = Math.floor(local / DAY_MS);
    this.localHour = Math.min(23, Math.floor((local - day * DAY_MS) / HOUR_MS));
    this.weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  }

  // ---------------------------------------------------------------- extract

  private compute(a: Activity, u: number, t: number, out: Float32Array, o: number): void {
    const c = this.store.c;
    const known = u >= 0 && c.events[u] > 0;
    const tSec = toSeconds(this.time);
    this.computeCategories(u, t, known, tSec, out, o);
    this.computeTime(u, known, out, o);
    this.computeTravel(a, u, known, tSec, out, o);
    this.computeRates(a, u, known, out, o);
    this.computeActivity(a, u, known, out, o);
  }

  private computeCategories(u: number, t: number, known: boolean, tSec: number, out: Float32Array, o: number): void {
    const c = this.store.c;
    const tenants = this.tenants;
    const tenantUsers = t >= 0 ? tenants.userCount[t] : 0;
    const others = tenantUsers - (known ? 1 : 0);
    for (let cat = 0; cat < FEATURE_CATEGORIES.length; cat++) {
      const p = o + CATEGORY_BASE + cat * CATEGORY_BLOCK;
      const v = this.vals[cat];
      if (v === NO_VALUE) {
        out[p + CF.seenCount] = 0; out[p + CF.share] = 1; out[p + CF.firstTime] = 0; out[p + CF.daysSinceFirst] = 0;
        out[p + CF.peerUsers] = 0; out[p + CF.peerShare] = 1; out[p + CF.tenantFirstTime] = 0; out[p + CF.missing] = 1;
        this.tenantEntry[cat] = -1;
        continue;
      }
      let seen = 0;
      let first = -1;
      let held = false;
      this.slotFound[cat] = -1;
      if (known) {
        const base = u * S + SLOT_OFFSET[cat];
        for (let i = 0; i < SLOTS_PER_CATEGORY[cat]; i++) {
          if (c.slotId[base + i] === v) {
            seen = c.slotCount[base + i];
            first = c.slotFirst[base + i];
            held = true;
            this.slotFound[cat] = i;
            break;
          }
        }
      }
      const total = known ? c.catTotal[u * CC + cat] : 0;
      const seenBefore = held && first < tSec;
      out[p + CF.seenCount] = seen;
      out[p + CF.share] = total > 0 ? seen / total : 0;
      out[p + CF.firstTime] = seenBefore ? 0 : 1;
      out[p + CF.daysSinceFirst] = seenBefore ? (tSec - first) / 86_400 : 0;
      const e = t >= 0 && v > 0 ? tenants.find(t, cat, v) : -1;
      this.tenantEntry[cat] = e;
      const peers = e >= 0 ? Math.max(0, tenants.users[e] - (held ? 1 : 0)) : 0;
      out[p + CF.peerUsers] = peers;
      out[p + CF.peerShare] = others > 0 ? peers / others : 1;
      out[p + CF.tenantFirstTime] = e >= 0 && tenants.first[e] < tSec ? 0 : 1;
      out[p + CF.missing] = 0;
    }
  }

  private computeTime(u: number, known: boolean, out: Float32Array, o: number): void {
    const h = this.localHour;
    out[o + F.localHour] = h;
    out[o + F.weekday] = this.weekday;
    out[o + F.weekend] = this.weekday === 0 || this.weekday === 6 ? 1 : 0;
    out[o + F.timezoneFromProfile] = this.zoneSource === 1 ? 1 : 0;
    out[o + F.timezoneMissing] = this.zoneSource === 2 ? 1 : 0;
    let share = 1;
    let unusual = 0;
    if (known) {
      const p = this.store.c.hourProfile;
      const b = u * 24;
      let total = 0;
      let best = 0;
      // Smoothed count of hour i = p[i-1] + 2 p[i] + p[i+1], around the clock, without modulo in the loop.
      let prev = p[b + 23];
      let cur = p[b];
      for (let i = 0; i < 24; i++) {
        const next = p[b + (i === 23 ? 0 : i + 1)];
        total += cur;
        const s = prev + 2 * cur + next;
        if (s > best) best = s;
        prev = cur;
        cur = next;
      }
      if (total > 0) {
        const s = p[b + ((h + 23) % 24)] + 2 * p[b + h] + p[b + ((h + 1) % 24)];
        share = s / (4 * total);
        unusual = best > 0 ? 1 - s / best : 0;
      }
    }
    out[o + F.hourShare] = share;
    out[o + F.hourUnusual] = unusual;
  }

  private computeTravel(a: Activity, u: number, known: boolean, tSec: number, out: Float32Array, o: number): void {
    out[o + F.prevLocationKm] = 0;
    out[o + F.travelSpeedKmh] = 0;
    out[o + F.hoursSincePrevLocation] = 0;
    out[o + F.impossibleTravel] = 0;
    out[o + F.usualLocationKm] = 0;
    out[o + F.noPrevLocation] = 1;
    out[o + F.usualLocationUnknown] = 1;
    if (!this.located) {
      out[o + F.locationMissing] = 1;
      return;
    }
    out[o + F.locationMissing] = 0;
    if (!known) return;
    const lat = this.lat;
    const lon = this.lon;
    const c = this.store.c;
    const i = this.findPrevLocation(u, this.time);
    const lat32 = Math.fround(lat);
    const lon32 = Math.fround(lon);
    if (i >= 0) {
      const j = u * L + i;
      const km = c.locLat[j] === lat32 && c.locLon[j] === lon32 ? 0 : haversineKm(c.locLat[j], c.locLon[j], lat, lon);
      const hours = (this.time - c.locTime[j]) / HOUR_MS;
      const speed = Math.min(SPEED_CAP, km / Math.max(hours, 1 / 60));
      out[o + F.prevLocationKm] = km;
      out[o + F.hoursSincePrevLocation] = hours;
      out[o + F.travelSpeedKmh] = speed;
      out[o + F.impossibleTravel] = speed > IMPOSSIBLE_KMH && km > IMPOSSIBLE_MIN_KM ? 1 : 0;
      out[o + F.noPrevLocation] = 0;
    }
    // Nearest usual city: held, seen at least twice and ≥ 5 % of the user's located events, first seen earlier.
    const base = u * S + SLOT_OFFSET[CITY_CATEGORY];
    const cityBase = u * SLOTS_PER_CATEGORY[CITY_CATEGORY];
    const minCount = Math.max(2, 0.05 * c.catTotal[u * CC + CITY_CATEGORY]);
    let nearest = Infinity;
    for (let k = 0; k < SLOTS_PER_CATEGORY[CITY_CATEGORY]; k++) {
      if (c.slotId[base + k] <= 0 || c.slotCount[base + k] < minCount || c.slotFirst[base + k] >= tSec) continue;
      const clat = c.cityLat[cityBase + k];
      const clon = c.cityLon[cityBase + k];
      if (Number.isNaN(clat) || Number.isNaN(clon)) continue;
      if (clat === lat32 && clon === lon32) { nearest = 0; break; } // in a usual city: no trigonometry needed
      const km = haversineKm(clat, clon, lat, lon);
      if (km < nearest) nearest = km;
    }
    if (nearest < Infinity) {
      out[o + F.usualLocationKm] = nearest;
      out[o + F.usualLocationUnknown] = 0;
    }
  }

  private computeRates(a: Activity, u: number, known: boolean, out: Float32Array, o: number): void {
    const c = this.store.c;
    // This event's own contribution: the windows include it.
    const failed = this.failed;
    const download = this.download;
    const bytes = this.bytes;
    const ext = this.external;
    const sens = this.sensitive;
    let e1 = 1, f1 = failed, d1 = download, b1 = bytes, x1 = ext, s1 = sens;
    let e24 = 1, f24 = failed, d24 = download, b24 = bytes, x24 = ext, s24 = sens;
    const ow = this.objWords;
    const iw = this.ipWords;
    let o0 = ow[0], o1 = ow[1], o2 = ow[2], o3 = ow[3], ip1 = iw[0];
    let p0 = o0, p1 = o1, p2 = o2, p3 = o3, ip24 = ip1;
    if (known) {
      const H = Math.floor(this.time / HOUR_MS);
      const head = c.ringHead[u];
      const bc = c.bucketCounts;
      // Walk back from the event's hour, skipping hours after the ring's head (nothing learned there yet).
      const k0 = H > head ? H - head : 0;
      let slotInRing = (H - k0) % R;
      for (let k = k0; k < 24; k++, slotInRing = slotInRing === 0 ? R - 1 : slotInRing - 1) {
        if (H - k <= head - R) break;
        const idx = u * R + slotInRing;
        const q = idx * BUCKET_COUNTERS;
        const ev = bc[q];
        if (ev === 0) continue;
        const w = idx * OBJECT_WORDS;
        e24 += ev; f24 += bc[q + 1]; d24 += bc[q + 2]; x24 += bc[q + 3]; s24 += bc[q + 4]; b24 += c.bucketBytes[idx];
        p0 |= c.bucketObj[w]; p1 |= c.bucketObj[w + 1]; p2 |= c.bucketObj[w + 2]; p3 |= c.bucketObj[w + 3];
        ip24 |= c.bucketIp[idx];
        if (k === 0) {
          e1 += ev; f1 += bc[q + 1]; d1 += bc[q + 2]; x1 += bc[q + 3]; s1 += bc[q + 4]; b1 += c.bucketBytes[idx];
          o0 |= c.bucketObj[w]; o1 |= c.bucketObj[w + 1]; o2 |= c.bucketObj[w + 2]; o3 |= c.bucketObj[w + 3];
          ip1 |= c.bucketIp[idx];
        }
      }
    }
    const obj1 = linearCount(popcount32(o0) + popcount32(o1) + popcount32(o2) + popcount32(o3), 32 * OBJECT_WORDS);
    const obj24 = linearCount(popcount32(p0) + popcount32(p1) + popcount32(p2) + popcount32(p3), 32 * OBJECT_WORDS);
    const ips1 = linearCount(popcount32(ip1), 32 * IP_WORDS);
    const ips24 = linearCount(popcount32(ip24), 32 * IP_WORDS);
    const w1 = this.win1;
    const w24 = this.win24;
    w1[0] = e1; w1[1] = f1; w1[2] = d1; w1[3] = b1; w1[4] = x1; w1[5] = s1; w1[6] = obj1; w1[7] = ips1;
    w24[0] = e24; w24[1] = f24; w24[2] = d24; w24[3] = b24; w24[4] = x24; w24[5] = s24; w24[6] = obj24; w24[7] = ips24;
    this.writeRates(out, o, u, known);
    out[o + F.baselineMissing] = known && c.hourW[u] >= 1 ? 0 : 1;
  }

  /** Window values (this.win1 / this.win24) with their z-scores and ratios against the user's baselines. */
  private writeRates(out: Float32Array, o: number, u: number, known: boolean): void {
    const c = this.store.c;
    const w = known ? c.hourW[u] : 0;
    const dw = known ? c.dayW[u] : 0;
    for (let m = 0; m < M; m++) {
      const p = o + RATE_BASE + m * RATE_BLOCK;
      const v1 = this.win1[m];
      const v24 = this.win24[m];
      out[p + RF.w1h] = v1;
      out[p + RF.w24h] = v24;
      let z = 0;
      if (w >= 1) {
        const mean = c.hourS[u * M + m] / w;
        const variance = Math.max(0, c.hourQ[u * M + m] / w - mean * mean);
        z = (Math.log1p(v1) - mean) / Math.sqrt(variance + Z_VAR_FLOOR);
      }
      let ratio = 1;
      if (dw >= 1) {
        const sm = RATIO_SMOOTHING[m];
        ratio = (v24 + sm) / (c.dayS[u * M + m] / dw + sm);
      }
      out[p + RF.z1h] = z;
      out[p + RF.ratio24h] = ratio;
    }
  }

  private computeActivity(a: Activity, u: number, known: boolean, out: Float32Array, o: number): void {
    const c = this.store.c;
    if (known) {
      out[o + F.dormancyHours] = this.dormancyHours(u, this.time);
      out[o + F.userEventCount] = c.events[u];
      out[o + F.userHistoryDays] = Math.max(0, (this.time - c.firstTime[u]) / DAY_MS);
      out[o + F.newUser] = 0;
    } else {
      out[o + F.dormancyHours] = 0;
      out[o + F.userEventCount] = 0;
      out[o + F.userHistoryDays] = 0;
      out[o + F.newUser] = 1;
    }
    out[o + F.failed] = this.failed;
    const sensitive = this.sensitive === 1;
    const action = o + CATEGORY_BASE + FEATURE_CATEGORIES.indexOf('action') * CATEGORY_BLOCK;
    out[o + F.sensitiveAction] = sensitive ? 1 : 0;
    out[o + F.sensitiveUserCount] = sensitive ? out[action + CF.seenCount] : 0;
    out[o + F.sensitiveFirstTime] = sensitive ? out[action + CF.firstTime] : 0;
    out[o + F.externalObject] = this.external;
    out[o + F.objectBytesLog] = Math.log1p(this.bytes);
    out[o + F.privateIp] = this.privateIp;
  }

  /** Hours since the user's previous event before `time`: exact when `time` is the newest, hour buckets otherwise. */
  private dormancyHours(u: number, time: number): number {
    const c = this.store.c;
    const last = c.lastTime[u];
    if (last < time) return (time - last) / HOUR_MS;
    if (c.firstTime[u] >= time) return 0; // nothing earlier is known
    const H = Math.floor(time / HOUR_MS);
    const head = c.ringHead[u];
    for (let hh = Math.min(H, head); hh > head - R; hh--) {
      if (c.bucketCounts[(u * R + (hh % R)) * BUCKET_COUNTERS] > 0) {
        return hh === H ? 0 : (time - (hh + 1) * HOUR_MS) / HOUR_MS;
      }
    }
    return Math.max(0, (time - (head - R + 1) * HOUR_MS) / HOUR_MS);
  }

  private findPrevLocation(u: number, time: number): number {
    const c = this.store.c;
    const n = c.locLen[u];
    const b = u * L;
    for (let i = n - 1; i >= 0; i--) if (c.locTime[b + i] < time) return i;
    return -1;
  }

  // ---------------------------------------------------------------- learn

  private rowFor(user: string, tenant: string): number {
    let u = this.userIds.get(user);
    if (u !== undefined) return u;
    if (this.userIds.size >= this.maxUsers) this.evictIdle();
    u = this.freeRows.pop() ?? this.userNames.length;
    this.store.ensure(u);
    this.store.clearRow(u);
    this.userIds.set(user, u);
    this.userNames[u] = user;
    const t = this.tenants.tenant(tenant);
    this.store.c.tenant[u] = t;
    this.tenants.userCount[t]++;
    return u;
  }

  private update(a: Activity, u: number, t: number): void {
    const c = this.store.c;
    const time = this.time;
    if (this.now === undefined || time <= this.now() + HOUR_MS) {
      if (time > this.watermark) this.watermark = time;
    }
    const late = time < this.watermark - this.latenessMs;
    if (late) this.tooLate++;

    if (c.events[u] === 0) {
      c.firstTime[u] = time;
      c.lastTime[u] = time;
    } else {
      if (time < c.firstTime[u]) c.firstTime[u] = time;
      if (time > c.lastTime[u]) c.lastTime[u] = time;
    }
    c.events[u]++;

    const tSec = toSeconds(time);
    const located = this.located;
    for (let cat = 0; cat < CC; cat++) {
      const v = this.vals[cat];
      if (v > 0) this.learnValue(u, t, cat, v, tSec);
    }
    this.learnHour(u);
    if (located) this.learnLocation(u, time);
    const trusted = this.now === undefined || time <= this.now() + HOUR_MS;
    if (trusted) this.learnRates(a, u);
  }

  private learnValue(u: number, t: number, cat: number, v: number, tSec: number): void {
    const lat = this.lat;
    const lon = this.lon;
    const c = this.store.c;
    const tenants = this.tenants;
    const base = u * S + SLOT_OFFSET[cat];
    const k = SLOTS_PER_CATEGORY[cat];
    let slot = this.slotFoundRow === u && cat < FEATURE_CATEGORIES.length ? this.slotFound[cat] : -1;
    let empty = -1;
    let victim = -1;
    for (let i = slot >= 0 ? k : 0; i < k; i++) {
      const id = c.slotId[base + i];
      if (id === v) { slot = i; break; }
      if (id === 0) { if (empty < 0) empty = i; continue; }
      // Evict the least used; on a tie the one first seen longest ago.
      if (victim < 0 || c.slotCount[base + i] < c.slotCount[base + victim]
        || (c.slotCount[base + i] === c.slotCount[base + victim] && c.slotFirst[base + i] < c.slotFirst[base + victim])) victim = i;
    }
    const tenantCat = cat !== TZ_CATEGORY;
    let e = -1;
    if (tenantCat) {
      const cached = this.tenantEntryGeneration === tenants.generation ? this.tenantEntry[cat] : -1;
      e = cached >= 0 ? cached : tenants.upsert(t, cat, v);
      tenants.count[e] += 1;
      if (tSec < tenants.first[e]) tenants.first[e] = tSec;
    }
    if (slot >= 0) {
      c.slotCount[base + slot] += 1;
      if (tSec < c.slotFirst[base + slot]) c.slotFirst[base + slot] = tSec;
    } else {
      slot = empty >= 0 ? empty : victim;
      if (empty < 0 && tenantCat) {
        const old = tenants.find(t, cat, c.slotId[base + slot]);
        if (old >= 0) tenants.users[old] = Math.max(0, tenants.users[old] - 1);
      }
      c.slotId[base + slot] = v;
      c.slotCount[base + slot] = 1;
      c.slotFirst[base + slot] = tSec;
      if (cat === CITY_CATEGORY) {
        const j = u * SLOTS_PER_CATEGORY[CITY_CATEGORY] + slot;
        c.cityLat[j] = lat;
        c.cityLon[j] = lon;
      }
 if (tenantCat) tenants.users[e] += 1;
    }
    if (cat === CITY_CATEGORY && Number.isNaN(c.cityLat[u * SLOTS_PER_CATEGORY[CITY_CATEGORY] + slot]) && !Number.isNaN(lat)) {
      c.cityLat[u * SLOTS_PER_CATEGORY[CITY_CATEGORY] + slot] = lat;
      c.cityLon[u * SLOTS_PER_CATEGORY[CITY_CATEGORY] + slot] = lon;
    }
    const totalAt = u * CC + cat;
    c.catTotal[totalAt] += 1;
    if (c.catTotal[totalAt] >= CATEGORY_DECAY_AT) {
      c.catTotal[totalAt] *= 0.5;
      for (let i = 0; i < k; i++) c.slotCount[base + i] *= 0.5;
    }
  }

  private learnHour(u: number): void {
    const p = this.store.c.hourProfile;
    const b = u * 24;
    p[b + this.localHour] += 1;
    if (p[b + this.localHour] >= PROFILE_DECAY_AT / 24) {
      let total = 0;
      for (let i = 0; i < 24; i++) total += p[b + i];
      if (total >= PROFILE_DECAY_AT) for (let i = 0; i < 24; i++) p[b + i] *= 0.5;
    }
  }

  /**
   * Inserts a located point in event-time order. A point at the same place as both its
   * neighbours is inside a stay and adds nothing (the stay's first and last points stay),
   * so 12 points cover many stays and a late event still finds its real predecessor.
   */
  private learnLocation(u: number, time: number): void {
    const lat = this.lat;
    const lon = this.lon;
    const c = this.store.c;
    const b = u * L;
    let n = c.locLen[u];
    let pos = n;
    while (pos > 0 && c.locTime[b + pos - 1] > time) pos--;
    if (pos > 0 && pos < n && this.samePlace(b + pos - 1) && this.samePlace(b + pos)) return; // inside a stay
    if (pos === n && n >= 2 && this.samePlace(b + n - 1) && this.samePlace(b + n - 2)) {
      c.locTime[b + n - 1] = time; // extends the latest stay
      return;
    }
    if (pos === 0 && n >= 2 && this.samePlace(b) && this.samePlace(b + 1)) {
      c.locTime[b] = time; // starts the earliest stay earlier
      return;
    }
    if (n === L) {
      if (pos === 0) return; // older than everything held: it can no longer be anyone's predecessor
      c.locTime.copyWithin(b, b + 1, b + L);
      c.locLat.copyWithin(b, b + 1, b + L);
      c.locLon.copyWithin(b, b + 1, b + L);
      pos--;
      n--;
    }
    c.locTime.copyWithin(b + pos + 1, b + pos, b + n);
    c.locLat.copyWithin(b + pos + 1, b + pos, b + n);
    c.locLon.copyWithin(b + pos + 1, b + pos, b + n);
    c.locTime[b + pos] = time;
    c.locLat[b + pos] = lat;
    c.locLon[b + pos] = lon;
    c.locLen[u] = n + 1;
  }

  private samePlace(j: number): boolean {
    const c = this.store.c;
    const lat = this.lat;
    const lon = this.lon;
    if (c.locLat[j] === Math.fround(lat) && c.locLon[j] === Math.fround(lon)) return true;
    return haversineKm(c.locLat[j], c.locLon[j], lat, lon) < SAME_PLACE_KM;
  }

  private learnRates(a: Activity, u: number): void {
    const c = this.store.c;
    const H = Math.floor(this.time / HOUR_MS);
    const head = c.ringHead[u];
    if (head === 0) {
      c.ringHead[u] = H;
    } else if (H > head) {
      // Hours leaving the ring are final (no event can still be on time for them): fold them into the baselines.
      const last = Math.min(head, H - R);
      for (let hh = head - R + 1; hh <= last; hh++) {
        const idx = u * R + (hh % R);
        if (c.bucketCounts[idx * BUCKET_COUNTERS] > 0) finalizeHour(c, u, hh, idx);
        clearBucket(c, idx);
      }
      c.ringHead[u] = H;
    } else if (H <= head - R) {
      return; // older than the ring: counted as too late by update(), profiled but not in any window
    }
    const idx = u * R + (H % R);
    const q = idx * BUCKET_COUNTERS;
    const bc = c.bucketCounts;
    if (bc[q] < 0xffff) bc[q] += 1;
    if (this.failed && bc[q + 1] < 0xffff) bc[q + 1] += 1;
    if (this.download && bc[q + 2] < 0xffff) bc[q + 2] += 1;
    if (this.external && bc[q + 3] < 0xffff) bc[q + 3] += 1;
    if (this.sensitive && bc[q + 4] < 0xffff) bc[q + 4] += 1;
    c.bucketBytes[idx] += this.bytes;
    const w = idx * OBJECT_WORDS;
    for (let i = 0; i < OBJECT_WORDS; i++) c.bucketObj[w + i] |= this.objWords[i];
    c.bucketIp[idx] |= this.ipWords[0];
  }

  /** Forgets the least recently active 1 % of users (at least one) to stay under maxUsers. */
  private evictIdle(): void {
    const c = this.store.c;
    const rows = Array.from(this.userIds.values());
    rows.sort((x, y) => c.lastTime[x] - c.lastTime[y]);
    const n = Math.max(1, Math.floor(rows.length / 100));
    for (let i = 0; i < n; i++) this.forgetUser(rows[i]);
  }

  private forgetUser(u: number): void {
    const c = this.store.c;
    const t = c.tenant[u];
    for (let cat = 0; cat < FEATURE_CATEGORIES.length; cat++) {
      const base = u * S + SLOT_OFFSET[cat];
      for (let i = 0; i < SLOTS_PER_CATEGORY[cat]; i++) {
        const v = c.slotId[base + i];
        if (v <= 0) continue;
        const e = this.tenants.find(t, cat, v);
        if (e >= 0) this.tenants.users[e] = Math.max(0, this.tenants.users[e] - 1);
      }
    }
    this.tenants.userCount[t] = Math.max(0, this.tenants.userCount[t] - 1);
    this.userIds.delete(this.userNames[u]);
    this.userNames[u] = '';
    this.store.clearRow(u);
    this.freeRows.push(u);
    this.evicted++;
  }

  /**
   * Drops strings no user slot and no tenant entry refers to any more, renumbering the
   * rest: the value table stays proportional to the state, not to the history.
   */
  private compactStrings(): void {
    const old = this.strings;
    const next = new Interner();
    const remap = new Int32Array(old.size + 1);
    const keep = (id: number): number => {
      if (id <= 0) return 0;
      if (remap[id] === 0) remap[id] = next.intern(old.value(id));
      return remap[id];
    };
    const c = this.store.c;
    for (const u of this.userIds.values()) {
      for (let i = u * S; i < (u + 1) * S; i++) c.slotId[i] = keep(c.slotId[i]);
    }
    this.tenants.forEachValue(keep);
    this.tenants.remapValues((id) => remap[id]);
    this.strings = next;
    this.cityIds.clear();
    this.asnIds.clear();
    this.ip4Ids.clear();
    this.uaIds.clear();
    this.compactAt = Math.max(1 << 17, next.size * 2);
  }

  // ---------------------------------------------------------------- profile reading

  private topValue(u: number, cat: number): number {
    const c = this.store.c;
    const base = u * S + SLOT_OFFSET[cat];
    let best = 0;
    let bestCount = 0;
    for (let i = 0; i < SLOTS_PER_CATEGORY[cat]; i++) {
      if (c.slotId[base + i] > 0 && c.slotCount[base + i] > bestCount) {
        best = c.slotId[base + i];
        bestCount = c.slotCount[base + i];
      }
    }
    return best;
  }

  private topValues(u: number, cat: number, top = 3): ValueCount[] {
    const c = this.store.c;
    const base = u * S + SLOT_OFFSET[cat];
    const total = c.catTotal[u * CC + cat];
    const out: ValueCount[] = [];
    for (let i = 0; i < SLOTS_PER_CATEGORY[cat]; i++) {
      const id = c.slotId[base + i];
      if (id > 0) out.push({ value: this.strings.value(id), count: c.slotCount[base + i], share: total > 0 ? c.slotCount[base + i] / total : 0 });
    }
    return out.sort((x, y) => y.count - x.count).slice(0, top);
  }

  private usualHours(u: number, top = 3): number[] {
    const p = this.store.c.hourProfile;
    const hours = Array.from({ length: 24 }, (_, h) => h).filter((h) => p[u * 24 + h] > 0);
    return hours.sort((x, y) => p[u * 24 + y] - p[u * 24 + x]).slice(0, top);
  }

  /** The engine's internals, for the snapshot codec only. */
  private state(): EngineState {
    return {
      store: this.store,
      strings: this.strings,
      userIds: this.userIds,
      userNames: this.userNames,
      tenants: this.tenants,
      getWatermark: () => this.watermark,
      setWatermark: (w: number) => { this.watermark = w; },
      getTooLate: () => this.tooLate,
      setTooLate: (n: number) => { this.tooLate = n; },
      rowFor: (user: string, tenant: string) => this.rowFor(user, tenant),
    };
  }
}

function toSeconds(time: number): number {
  const s = Math.floor(time / 1000);
  return s < 0 ? 0 : s > MAX_SEC ? MAX_SEC : s;
}
