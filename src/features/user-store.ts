/**
 * Per-user state as typed-array columns indexed by an interned user row (no object per
 * user: the issue measured 811 MB vs 168 MB of heap for 2M users). Every column has a
 * fixed stride, so a user's state is a fixed number of bytes whatever their history.
 * Zero-filled = a fresh user (hour 0 is 1970, never a real event hour).
 */
import {
  BUCKET_COUNTERS, CATEGORY_COUNT, CITY_CATEGORY, IP_WORDS, LOCATION_RING, METRIC_COUNT, OBJECT_WORDS, RING_HOURS,
  SLOTS_PER_CATEGORY, SLOTS_PER_USER,
} from './layout.js';

type TypedCtor = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor
  | Uint16ArrayConstructor | Uint8ArrayConstructor;

/** name → [element type, elements per user]. The order is the snapshot order. */
export const USER_COLUMNS = {
  tenant: [Int32Array, 1],
  firstTime: [Float64Array, 1],
  lastTime: [Float64Array, 1],
  events: [Float64Array, 1],
  /** Latest hour index (hours since epoch) whose bucket the ring holds. */
  ringHead: [Int32Array, 1],
  lastFinalHour: [Int32Array, 1],
  accDay: [Int32Array, 1],
  catTotal: [Float32Array, CATEGORY_COUNT],
  slotId: [Int32Array, SLOTS_PER_USER],
  slotCount: [Float32Array, SLOTS_PER_USER],
  /** First-seen event time of the slot's value, in seconds since epoch (Uint32: until 2106). */
  slotFirst: [Uint32Array, SLOTS_PER_USER],
  cityLat: [Float32Array, SLOTS_PER_CATEGORY[CITY_CATEGORY]],
  cityLon: [Float32Array, SLOTS_PER_CATEGORY[CITY_CATEGORY]],
  hourProfile: [Float32Array, 24],
  locTime: [Float64Array, LOCATION_RING],
  locLat: [Float32Array, LOCATION_RING],
  locLon: [Float32Array, LOCATION_RING],
  locLen: [Uint8Array, 1],
  bucketCounts: [Uint16Array, RING_HOURS * BUCKET_COUNTERS],
  bucketBytes: [Float32Array, RING_HOURS],
  bucketObj: [Uint32Array, RING_HOURS * OBJECT_WORDS],
  bucketIp: [Uint32Array, RING_HOURS * IP_WORDS],
  /** Hourly baseline on ln(1+x): decayed sums of x and x², and the decayed weight. */
  hourS: [Float32Array, METRIC_COUNT],
  hourQ: [Float32Array, METRIC_COUNT],
  hourW: [Float32Array, 1],
  /** Daily baseline on raw totals. */
  dayS: [Float32Array, METRIC_COUNT],
  dayW: [Float32Array, 1],
  dayAcc: [Float32Array, METRIC_COUNT],
} as const satisfies Record<string, readonly [TypedCtor, number]>;

export type UserColumnName = keyof typeof USER_COLUMNS;
export type UserColumns = { -readonly [K in UserColumnName]: InstanceType<(typeof USER_COLUMNS)[K][0]> };
export const USER_COLUMN_NAMES = Object.keys(USER_COLUMNS) as UserColumnName[];

/** Bytes of state one user row takes. */
export const BYTES_PER_USER_ROW = USER_COLUMN_NAMES.reduce((s, k) => {
  const [ctor, stride] = USER_COLUMNS[k];
  return s + ctor.BYTES_PER_ELEMENT * stride;
}, 0);

export class UserStore {
  capacity: number;
  c: UserColumns;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    this.c = allocate(this.capacity);
  }

  /**
   * Makes room for row `row`, keeping existing rows. Grows by half while small and by a
   * quarter past 64k users, so slack stays ≤ 25 % of a big population's state.
   */
  ensure(row: number): void {
    if (row < this.capacity) return;
    let cap = this.capacity;
    while (cap <= row) cap = Math.ceil(cap * (cap < 65_536 ? 1.5 : 1.25));
    const next = allocate(cap);
    for (const k of USER_COLUMN_NAMES) (next[k] as Uint8Array).set(this.c[k] as Uint8Array);
    this.c = next;
    this.capacity = cap;
  }

  clearRow(row: number): void {
    for (const k of USER_COLUMN_NAMES) {
      const stride = USER_COLUMNS[k][1];
      this.c[k].fill(0, row * stride, (row + 1) * stride);
    }
  }

  /** The row's bytes of column k (a view, not a copy). */
  rowView(k: UserColumnName, row: number): Uint8Array {
    const stride = USER_COLUMNS[k][1];
    const a = this.c[k];
    const bpe = a.BYTES_PER_ELEMENT;
    return new Uint8Array(a.buffer, a.byteOffset + row * stride * bpe, stride * bpe);
  }

  approxBytes(): number {
    return this.capacity * BYTES_PER_USER_ROW;
  }
}

/**
 * Built with Object.fromEntries: the engine reads these columns on every event, and the
 * object the earlier loop of keyed stores made was in dictionary mode (a hash lookup per
 * `c.column` access); fromEntries gives a fast-properties object.
 */
function allocate(capacity: number): UserColumns {
  return Object.fromEntries(USER_COLUMN_NAMES.map((k) => {
    const [ctor, stride] = USER_COLUMNS[k];
    return [k, new ctor(capacity * stride)];
  })) as UserColumns;
}
