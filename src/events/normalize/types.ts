/**
 * The normaliser's public types: which input formats exist, what one input record
 * turns into, and the rejection that keeps a record we could not normalise.
 */
import type { Activity, Vendor } from '../activity.js';

/** Input formats. `auto` detects the vendor per record; `activity` is already-normalised input. */
export const FORMATS = ['auto', 'o365', 'entra', 'gworkspace', 'github', 'slack', 'dropbox', 'cloudtrail', 'okta', 'activity'] as const;
export type Format = (typeof FORMATS)[number];
/** A concrete format: what detection answers. */
export type SourceFormat = Exclude<Format, 'auto'>;

/**
 * Why a record was rejected. Stable codes: counts per reason are reported by the CLI and
 * dashboards, so add codes rather than rename them.
 */
export const REJECT_REASONS = [
  'invalid_json', // not parseable JSON (truncated, NaN/Infinity literals, not JSON at all)
  'invalid_csv', // a CSV export row whose quoted field never closes
  'not_an_object', // parsed, but a number / string / array where a record was expected
  'unknown_vendor', // no vendor's identifying keys, and no --format given
  'missing_user', // no acting principal in the record
  'missing_time', // no event time in the record
  'invalid_time', // a time field that is not a date
  'time_out_of_range', // before 2000-01-01 or more than one day after `now`
  'field_too_large', // a field we need (user, id) longer than the schema allows
  'record_too_large', // the record's text is larger than `maxRecordBytes`
  'too_deep', // JSON nested deeper than `maxDepth`
  'invalid_activity', // `activity` input that fails the Activity schema
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A record we could not normalise. Nothing is thrown away: `raw` is the original text. */
export interface Rejection {
  reason: RejectReason;
  /** Human detail: which field, what value (short). */
  detail: string;
  /** The vendor when detection got that far. */
  vendor?: Vendor;
  /** The original record text, truncated to `RAW_LIMIT` characters. */
  raw: string;
  /** 1-based line of the record in its file (NDJSON), or the element's index + 1 in an array. */
  line?: number;
  /** The file it came from, when known. */
  source?: string;
}

export interface NormalizeResult {
  activities: Activity[];
  rejections: Rejection[];
}

export interface NormalizeOptions {
  /** Force one vendor format instead of per-record detection. Default `auto`. */
  format?: Format;
  /** "Now" for the future-time check, epoch ms. Default `Date.now()`. */
  now?: number;
}

/** Limits that protect the hot path and downstream consumers from hostile input. */
export const LIMITS = {
  /** A record's text above this is rejected unparsed (`record_too_large`). */
  maxRecordBytes: 1024 * 1024,
  /** JSON nesting above this is rejected unparsed (`too_deep`). */
  maxDepth: 64,
  /** Characters of `raw` kept in a rejection. */
  rawLimit: 64 * 1024,
  /** Earliest accepted event time: 2000-01-01T00:00:00Z. */
  minTime: Date.UTC(2000, 0, 1),
  /** How far after `now` an event time may be (clock skew, time zones). */
  maxFutureMs: 24 * 60 * 60 * 1000,
} as const;
