/**
 * Binary snapshot of the engine's state, for serving checkpoints and the profiles shipped
 * in model bundles. Layout (little-endian):
 *
 *   "TLFS" | u32 format | u32 header bytes | header JSON (utf-8) | pad to 8
 *   then, per USER_COLUMNS entry in order, the selected users' rows (pad to 8 each)
 *   then the tenant entries: u32 tenant, u32 category, u32 value, u32 first, f32 users, f64 count (pad to 8 each)
 *
 * The header holds the spec hash (a snapshot of another spec is refused), user names,
 * tenant names and the strings the rows refer to: value ids are renumbered into the
 * snapshot's own string table, so a snapshot is independent of interning order.
 */
import { ThreatlabError } from '../errors/index.js';
import type { Interner } from './interner.js';
import { CATEGORY_COUNT } from './layout.js';
import { FEATURE_SPEC } from './spec.js';
import type { TenantStore } from './tenant-store.js';
import { USER_COLUMN_NAMES, USER_COLUMNS, type UserStore } from './user-store.js';

const MAGIC = 0x53464c54; // "TLFS" read as little-endian u32
const FORMAT = 1;

/** What the codec needs from an engine (engine.ts builds it; nothing else should). */
export interface EngineState {
  readonly store: UserStore;
  readonly strings: Interner;
  readonly userIds: Map<string, number>;
  readonly userNames: string[];
  readonly tenants: TenantStore;
  getWatermark(): number;
  setWatermark(w: number): void;
  getTooLate(): number;
  setTooLate(n: number): void;
  rowFor(user: string, tenant: string): number;
}

interface Header {
  specHash: string;
  users: string[];
  /** Tenant index (into tenants) of each user row. */
  userTenants: number[];
  tenants: { name: string; users: number }[];
  strings: string[];
  entries: number;
  watermark: number | null;
  tooLate: number;
}

export function writeSnapshot(s: EngineState, rowsIn: Iterable<number>): Uint8Array {
  const rows = Array.from(rowsIn);
  const c = s.store.c;
  const localOf = new Map<number, number>();
  const strings: string[] = [];
  const local = (id: number): number => {
    let l = localOf.get(id);
    if (l === undefined) {
      l = strings.length + 1;
      localOf.set(id, l);
      strings.push(s.strings.value(id));
    }
    return l;
  };

  const tenantLocal = new Map<number, number>();
  const tenants: Header['tenants'] = [];
  const userTenants = rows.map((u) => {
    const t = c.tenant[u];
    let l = tenantLocal.get(t);
    if (l === undefined) {
      l = tenants.length;
      tenantLocal.set(t, l);
      tenants.push({ name: s.tenants.names[t], users: s.tenants.userCount[t] });
    }
    return l;
  });

  // Slot ids renumbered into the snapshot's string table.
  const slotStride = USER_COLUMNS.slotId[1];
  const slotIds = new Int32Array(rows.length * slotStride);
  rows.forEach((u, r) => {
    for (let i = 0; i < slotStride; i++) {
      const id = c.slotId[u * slotStride + i];
      slotIds[r * slotStride + i] = id > 0 ? local(id) : 0;
    }
  });

  const eTenant: number[] = [];
  const eCat: number[] = [];
  const eValue: number[] = [];
  const eFirst: number[] = [];
  const eUsers: number[] = [];
  const eCount: number[] = [];
  for (const [t, l] of tenantLocal) {
    s.tenants.forEach(t, (cat, valueId, e) => {
      eTenant.push(l); eCat.push(cat); eValue.push(local(valueId));
      eFirst.push(s.tenants.first[e]); eUsers.push(s.tenants.users[e]); eCount.push(s.tenants.count[e]);
    });
  }

  const header: Header = {
    specHash: FEATURE_SPEC.hash,
    users: rows.map((u) => s.userNames[u]),
    userTenants,
    tenants,
    strings,
    entries: eTenant.length,
    watermark: Number.isFinite(s.getWatermark()) ? s.getWatermark() : null,
    tooLate: s.getTooLate(),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));

  const blocks: Uint8Array[] = [];
  for (const k of USER_COLUMN_NAMES) {
    if (k === 'slotId') { blocks.push(bytesOf(slotIds)); continue; }
    if (k === 'tenant') { blocks.push(bytesOf(Int32Array.from(userTenants))); continue; }
    const [ctor, stride] = USER_COLUMNS[k];
    const out = new ctor(rows.length * stride);
    const src = c[k];
    rows.forEach((u, r) => out.set(src.subarray(u * stride, (u + 1) * stride), r * stride));
    blocks.push(bytesOf(out));
  }
  blocks.push(bytesOf(Uint32Array.from(eTenant)), bytesOf(Uint32Array.from(eCat)), bytesOf(Uint32Array.from(eValue)),
    bytesOf(Uint32Array.from(eFirst)), bytesOf(Float32Array.from(eUsers)), bytesOf(Float64Array.from(eCount)));

  let size = pad8(12 + headerBytes.length);
  for (const b of blocks) size += pad8(b.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT, true);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  let at = pad8(12 + headerBytes.length);
  for (const b of blocks) {
    out.set(b, at);
    at += pad8(b.length);
  }
  return out;
}

/** Loads a snapshot into the engine state; `fresh` (restore) also takes the counters as they were. */
export function readSnapshot(bytes: Uint8Array, s: EngineState, fresh: boolean): void {
  if (bytes.length < 12) throw bad('too short to be a feature snapshot');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw bad('not a feature snapshot (bad magic)');
  if (view.getUint32(4, true) !== FORMAT) throw bad(`unsupported snapshot format ${view.getUint32(4, true)}`);
  const headerLen = view.getUint32(8, true);
  if (12 + headerLen > bytes.length) throw bad('truncated header');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLen))) as Header;
  } catch (err) {
    throw bad('unreadable header', err);
  }
  if (header.specHash !== FEATURE_SPEC.hash) {
    throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH',
      `feature snapshot was made with spec ${String(header.specHash).slice(0, 12)}, this engine computes ${FEATURE_SPEC.hash.slice(0, 12)}`,
      { details: { expected: FEATURE_SPEC.hash, got: header.specHash } });
  }
  const n = header.users.length;
  let at = pad8(12 + headerLen);
  const take = <T extends ArrayBufferView>(ctor: { new(buf: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, count: number): T => {
    const len = count * ctor.BYTES_PER_ELEMENT;
    if (at + len > bytes.length) throw bad('truncated body');
    const copy = bytes.slice(at, at + len); // aligned copy: the source offset may not be
    at += pad8(len);
    return new ctor(copy.buffer);
  };

  const ids = header.strings.map((str) => s.strings.intern(str));
  const globalId = (l: number): number => (l > 0 ? ids[l - 1] : 0);
  const tenantIds = header.tenants.map((t) => s.tenants.tenant(t.name));

  // Read every column block first, then place users one at a time with all their columns:
  // creating a row may evict (maxUsers), and an evicted user must be a complete one.
  const blocks = new Map<string, ArrayLike<number>>();
  for (const k of USER_COLUMN_NAMES) {
    const [ctor, stride] = USER_COLUMNS[k];
    blocks.set(k, take(ctor as unknown as { new(buf: ArrayBuffer): InstanceType<typeof ctor>; BYTES_PER_ELEMENT: number }, n * stride) as unknown as ArrayLike<number>);
  }
  for (let r = 0; r < n; r++) {
    const name = header.users[r];
    const tenantLocal = header.userTenants[r];
    if (!(tenantLocal >= 0 && tenantLocal < tenantIds.length)) throw bad(`user ${r} has tenant ${tenantLocal}`);
    const existing = s.userIds.get(name);
    let u: number;
    if (existing !== undefined) {
      u = existing;
      s.store.clearRow(u);
    } else {
      u = s.rowFor(name, header.tenants[tenantLocal].name);
    }
    const c = s.store.c;
    for (const k of USER_COLUMN_NAMES) {
      const stride = USER_COLUMNS[k][1];
      const src = blocks.get(k)!;
      const dst = c[k] as unknown as { [i: number]: number };
      if (k === 'tenant') { dst[u] = tenantIds[tenantLocal]; continue; }
      if (k === 'slotId') {
        for (let i = 0; i < stride; i++) dst[u * stride + i] = globalId(src[r * stride + i]);
        continue;
      }
      for (let i = 0; i < stride; i++) dst[u * stride + i] = src[r * stride + i];
    }
  }

  const E = header.entries;
  const eTenant = take(Uint32Array, E);
  const eCat = take(Uint32Array, E);
  const eValue = take(Uint32Array, E);
  const eFirst = take(Uint32Array, E);
  const eUsers = take(Float32Array, E);
  const eCount = take(Float64Array, E);
  const tenants = s.tenants;
  for (let i = 0; i < E; i++) {
    if (eCat[i] >= CATEGORY_COUNT) throw bad(`tenant entry ${i} has category ${eCat[i]}`);
    const e = tenants.upsert(tenantIds[eTenant[i]], eCat[i], globalId(eValue[i]));
    if (eFirst[i] < tenants.first[e]) tenants.first[e] = eFirst[i];
    if (eUsers[i] > tenants.users[e]) tenants.users[e] = eUsers[i];
    if (eCount[i] > tenants.count[e]) tenants.count[e] = eCount[i];
  }
  header.tenants.forEach((t, l) => {
    const id = tenantIds[l];
    tenants.userCount[id] = Math.max(tenants.userCount[id], t.users);
  });
  if (header.watermark !== null && header.watermark > s.getWatermark()) s.setWatermark(header.watermark);
  if (fresh) s.setTooLate(header.tooLate);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

function bad(message: string, cause?: unknown): ThreatlabError {
  return new ThreatlabError('THREATLAB_INPUT', `feature snapshot: ${message}`, cause === undefined ? {} : { cause });
}
