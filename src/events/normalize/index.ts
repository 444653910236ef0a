/**
 * Vendor logs → Activities. Every input record ends as exactly one of: one or more
 * Activities, or one Rejection that keeps the original text and says why.
 *
 * Bad input, and what becomes of it:
 * - not JSON, truncated JSON, NaN/Infinity literals → rejection `invalid_json`
 *   (a Purview CSV row whose quoted field never closes → `invalid_csv`)
 * - JSON nested deeper than 64 → `too_deep`; a record's text over 1 MiB → `record_too_large`
 * - a record no vendor format recognises → `unknown_vendor` (unless `format` is forced)
 * - no user / no time / unparseable time → `missing_user` / `missing_time` / `invalid_time`
 * - time before 2000 or more than a day after `now` → `time_out_of_range`
 * - user or id over 512 characters → `field_too_large`
 * - an invalid IP, a user agent over 2048 characters, a NaN/negative size: the Activity
 *   is kept with that field dropped (null); other long strings are cut to the schema's limit.
 */
import type { Activity, Vendor } from '../activity.js';
import { buildActivity, hashText, isProblem, type Draft, type RecordContext } from './build.js';
import { detectFormat } from './detect.js';
import { isRec, lowerKeys, type Rec } from './fields.js';
import { parseRecordText, readRecords, textItems, truncateRaw, type SourceItem } from './read.js';
import { LIMITS, type Format, type NormalizeOptions, type NormalizeResult, type Rejection, type SourceFormat } from './types.js';
import { checkActivity } from './vendors/activity.js';
import { normalizeCloudtrail } from './vendors/cloudtrail.js';
import { normalizeDropbox } from './vendors/dropbox.js';
import { normalizeEntra } from './vendors/entra.js';
import { normalizeGithub } from './vendors/github.js';
import { normalizeGworkspace } from './vendors/gworkspace.js';
import { normalizeO365 } from './vendors/o365.js';
import { normalizeOkta } from './vendors/okta.js';
import { normalizeSlack } from './vendors/slack.js';

export { FORMATS, LIMITS, REJECT_REASONS } from './types.js';
export type { Format, NormalizeOptions, NormalizeResult, RejectReason, Rejection, SourceFormat } from './types.js';
export { detectFormat } from './detect.js';
export { readRecords, textItems, type SourceItem } from './read.js';
export { parseTime } from './time.js';
export { cleanIp } from './ip.js';

type VendorNormalizer = (r: Rec, ctx: RecordContext) => Draft | Draft[];

const NORMALIZERS: Record<Exclude<SourceFormat, 'activity'>, VendorNormalizer> = {
  o365: normalizeO365,
  entra: normalizeEntra,
  gworkspace: normalizeGworkspace,
  github: normalizeGithub,
  slack: normalizeSlack,
  dropbox: normalizeDropbox,
  cloudtrail: normalizeCloudtrail,
  okta: normalizeOkta,
};

/** API page envelopes whose array holds the records (cursor fields beside it are ignored). */
const ENVELOPE_KEYS = ['Records', 'value', 'items', 'events', 'entries', 'logs', 'records'];

interface Resolved {
  format: Format;
  now: number;
}

interface Origin {
  text: string | null;
  line?: number;
  source?: string;
  /** How many envelopes / arrays / wrappers deep this value sits (bounded: see normalizeValue). */
  nest?: number;
}

/** Envelopes and wrappers seen in real exports nest two or three deep; more is hostile input. */
const MAX_NEST = 4;

function inner(origin: Origin): Origin {
  return { text: null, line: origin.line, source: origin.source, nest: (origin.nest ?? 0) + 1 };
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return '[record could not be serialised: too deep or cyclic]';
  }
}

function rawOf(value: unknown, origin: Origin): string {
  return truncateRaw(origin.text ?? safeStringify(value));
}

function rejection(reason: Rejection['reason'], detail: string, value: unknown, origin: Origin, vendor?: Vendor): Rejection {
  const r: Rejection = { reason, detail, raw: rawOf(value, origin) };
  if (vendor !== undefined) r.vendor = vendor;
  if (origin.line !== undefined) r.line = origin.line;
  if (origin.source !== undefined) r.source = origin.source;
  return r;
}

/**
 * The record's hash id, computed only when a vendor without ids asks (a class: no closure
 * per record). It hashes the parsed record re-serialised, not the input text, so one
 * record gets one id whether it arrived pretty-printed, in an envelope or as NDJSON.
 */
class LazyHash implements RecordContext {
  private value: string | null = null;
  constructor(private readonly record: unknown) {}
  hash(): string {
    return (this.value ??= hashText(safeStringify(this.record)));
  }
}

function envelopeOf(r: Rec): unknown[] | null {
  for (const k of ENVELOPE_KEYS) {
    const v = r[k];
    if (Array.isArray(v)) return v;
  }
  return null;
}

function normalizeValue(value: unknown, origin: Origin, opts: Resolved, out: NormalizeResult): void {
  if ((origin.nest ?? 0) > MAX_NEST) {
    out.rejections.push(rejection('too_deep', `records nested more than ${MAX_NEST} envelopes deep`, value, origin));
    return;
  }
  if (Array.isArray(value)) {
    for (const el of value) normalizeValue(el, inner(origin), opts, out);
    return;
  }
  if (!isRec(value)) {
    out.rejections.push(rejection('not_an_object', `a ${value === null ? 'null' : typeof value} where a record was expected`, value, origin));
    return;
  }
  // Wrapped records: Splunk / Cribl keep the vendor's record as text in `_raw`; the
  // Purview audit export keeps the O365 record in `AuditData` (text, or an object once parsed).
  const wrapped = value._raw ?? value.AuditData;
  if (wrapped !== undefined) {
    if (typeof wrapped === 'string' && wrapped.trimStart().charCodeAt(0) === 123) {
      const item = parseRecordText(wrapped, origin.line ?? 1, origin.source, LIMITS.maxRecordBytes);
      if ('rejection' in item) out.rejections.push(item.rejection);
      else normalizeValue(item.value, { ...inner(origin), text: wrapped }, opts, out);
      return;
    }
    if (isRec(wrapped)) {
      normalizeValue(wrapped, inner(origin), opts, out);
      return;
    }
  }
  let r = value;
  let detected = detectFormat(r);
  if (detected === null) {
    // Keys in some other case (Sentinel's PascalCase for Graph's camelCase): retry lower-cased.
    const lowered = lowerKeys(r);
    detected = detectFormat(lowered);
    if (detected !== null) r = lowered;
    else {
      const records = envelopeOf(value);
      if (records !== null) {
        for (const el of records) normalizeValue(el, inner(origin), opts, out);
        return;
      }
    }
  }
  const format = opts.format === 'auto' ? detected : opts.format;
  if (format === null) {
    out.rejections.push(rejection('unknown_vendor', 'no vendor format recognised; pass --format to force one', value, origin));
    return;
  }
  const vendor: Vendor | undefined = format === 'activity' ? undefined : format;
  if (origin.text !== null && origin.text.length > LIMITS.maxRecordBytes) {
    out.rejections.push(rejection('record_too_large', `${origin.text.length} characters (max ${LIMITS.maxRecordBytes})`, value, origin, vendor));
    return;
  }
  if (format === 'activity') {
    const checked = checkActivity(value, opts.now);
    if (typeof checked === 'string') out.rejections.push(rejection('invalid_activity', checked, value, origin));
    else out.activities.push(checked);
    return;
  }
  const ctx = new LazyHash(value);
  const drafts = NORMALIZERS[format](r, ctx);
  if (!Array.isArray(drafts)) {
    const built = buildActivity(drafts, format, opts.now, ctx);
    if (isProblem(built)) out.rejections.push(rejection(built.reason, built.detail, value, origin, format));
    else out.activities.push(built);
    return;
  }
  // A record with several events (Google's events[]) keeps its good events and yields at
  // most ONE rejection, carrying the whole record, for the events that failed.
  let problem: { reason: Rejection['reason']; detail: string } | null = null;
  let failed = 0;
  for (const draft of drafts) {
    const built = buildActivity(draft, format, opts.now, ctx);
    if (isProblem(built)) {
      problem ??= built;
      failed++;
    } else out.activities.push(built as Activity);
  }
  if (problem !== null) {
    const detail = drafts.length > 1 ? `${problem.detail} (${failed} of ${drafts.length} events)` : problem.detail;
    out.rejections.push(rejection(problem.reason, detail, value, origin, format));
  }
}

function resolve(opts: NormalizeOptions): Resolved {
  return { format: opts.format ?? 'auto', now: opts.now ?? Date.now() };
}

function normalizeItem(item: SourceItem, opts: Resolved, out: NormalizeResult): void {
  if ('rejection' in item) out.rejections.push(item.rejection);
  else normalizeValue(item.value, { text: item.text, line: item.line, source: item.source }, opts, out);
}

/** One parsed record (or envelope) → its Activities or its rejection. */
export function normalizeRecord(record: unknown, opts: NormalizeOptions = {}): NormalizeResult {
  const out: NormalizeResult = { activities: [], rejections: [] };
  normalizeValue(record, { text: null }, resolve(opts), out);
  return out;
}

/** One record's JSON text (an NDJSON line, a Kafka message) → its Activities or its rejection. */
export function normalizeRecordText(text: string, opts: NormalizeOptions = {}, line?: number): NormalizeResult {
  const out: NormalizeResult = { activities: [], rejections: [] };
  normalizeItem(parseRecordText(text, line ?? 1), resolve(opts), out);
  return out;
}

/** A whole file's text: JSON array, API envelope, one document, or NDJSON. */
export function normalizeText(text: string, opts: NormalizeOptions = {}): NormalizeResult {
  const out: NormalizeResult = { activities: [], rejections: [] };
  const resolved = resolve(opts);
  for (const item of textItems(text)) normalizeItem(item, resolved, out);
  return out;
}

/** Streams a file's results, one per input record, in bounded memory (see read.ts). */
export async function* normalizeFile(path: string, opts: NormalizeOptions = {}): AsyncGenerator<NormalizeResult> {
  const resolved = resolve(opts);
  for await (const item of readRecords(path)) {
    const out: NormalizeResult = { activities: [], rejections: [] };
    normalizeItem(item, resolved, out);
    yield out;
  }
}
