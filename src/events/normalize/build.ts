/**
 * The one place that turns what a vendor normaliser read (a Draft) into an Activity or a
 * Rejection: time parsed and range-checked, user lower-cased, IP cleaned, strings capped
 * at the schema's limits, a stable hash id when the vendor gave none. Vendor files only
 * read fields; every rule about what is acceptable lives here.
 */
import { createHash } from 'node:crypto';
import { ACTIVITY_SCHEMA_VERSION, type Action, type Activity, type Device, type ObjectRef, type Vendor } from '../activity.js';
import { cleanIp } from './ip.js';
import { parseTime } from './time.js';
import { LIMITS, type RejectReason } from './types.js';

export interface Draft {
  /** The vendor's event id; null → a hash of the record (see RecordContext.hash). */
  id: string | null;
  /** Raw time value (string or number); parsed here. */
  time: unknown;
  tenant: string | null;
  /** Raw principal; trimmed and lower-cased here. */
  user: unknown;
  app: string | null;
  action: Action;
  rawAction: string;
  outcome: Activity['outcome'];
  failureReason: string | null;
  /** Raw IP; cleaned and validated here. */
  ip: unknown;
  userAgent: string | null;
  device: Device | null;
  object: ObjectRef | null;
}

/** What a vendor normaliser may ask about the record it is reading. */
export interface RecordContext {
  /** A stable id for a record without one: sha1 of the record. Computed on demand. */
  hash(): string;
}

export interface DraftProblem {
  reason: RejectReason;
  detail: string;
}

export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function cap(s: string | null, max: number): string | null {
  return s !== null && s.length > max ? s.slice(0, max) : s;
}

/** Validates a Draft; returns the Activity, or the problem that makes it unusable. */
export function buildActivity(d: Draft, vendor: Vendor, now: number, ctx: RecordContext): Activity | DraftProblem {
  const rawTime = d.time;
  if (rawTime === undefined || rawTime === null || rawTime === '') return { reason: 'missing_time', detail: 'no event time in the record' };
  const time = parseTime(rawTime);
  if (Number.isNaN(time)) return { reason: 'invalid_time', detail: `not a date: ${String(rawTime).slice(0, 80)}` };
  if (time < LIMITS.minTime || time > now + LIMITS.maxFutureMs) {
    // Past ±8.64e15 ms a Date is invalid and toISOString throws: show the number instead.
    const shown = Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : String(time);
    return { reason: 'time_out_of_range', detail: `${shown} is before 2000 or more than a day after now` };
  }
  const rawUser = typeof d.user === 'number' ? String(d.user) : d.user;
  if (typeof rawUser !== 'string' || rawUser.trim() === '') return { reason: 'missing_user', detail: 'no acting user in the record' };
  if (rawUser.length > 512) return { reason: 'field_too_large', detail: `user is ${rawUser.length} characters (max 512)` };
  const id = d.id ?? ctx.hash();
  if (id.length > 512) return { reason: 'field_too_large', detail: `id is ${id.length} characters (max 512)` };
  const ua = d.userAgent !== null && d.userAgent.length <= 2048 ? d.userAgent : null; // an oversized UA is dropped, not cut
  const object = d.object === null ? null : {
    type: cap(d.object.type, 128),
    id: cap(d.object.id, 2048),
    name: cap(d.object.name, 1024),
    external: d.object.external,
    bytes: d.object.bytes,
  };
  return {
    schemaVersion: ACTIVITY_SCHEMA_VERSION,
    id,
    time,
    vendor,
    tenant: cap(d.tenant, 512) ?? 'default',
    user: rawUser.trim().toLowerCase(),
    app: cap(d.app, 512) ?? '',
    action: d.action,
    rawAction: cap(d.rawAction, 512) ?? '',
    outcome: d.outcome,
    failureReason: cap(d.failureReason, 1024),
    ip: cleanIp(d.ip),
    geo: null,
    asn: null,
    asnOrg: null,
    userAgent: ua,
    device: d.device,
    object,
  };
}

export function isProblem(v: Activity | DraftProblem): v is DraftProblem {
  return (v as DraftProblem).reason !== undefined;
}

/** A Device when the vendor states any of id / OS / browser; else null (enrichment fills it from the UA). */
export function vendorDevice(id: string | null, os: string | null, browser: string | null): Device | null {
  return id === null && os === null && browser === null ? null : { id: cap(id, 256), family: null, os: cap(os, 128), browser: cap(browser, 128) };
}

/** Looks an operation name up in a vendor table; unknown names are `other` (rawAction keeps the name). */
export function lookupAction(table: ReadonlyMap<string, Action>, name: string): Action {
  return table.get(name) ?? 'other';
}
