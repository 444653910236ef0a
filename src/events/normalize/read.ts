/**
 * From text or a file to records: a JSON array, an API page envelope, one pretty-printed
 * document, NDJSON, or a Purview audit CSV export (csv.ts). Each item is a parsed value with the text it came from (kept for
 * rejections and hash ids, never re-serialised on the hot path) or a rejection for text
 * that is not JSON. Files stream: NDJSON line by line, arrays element by element
 * (split.ts); only a pretty-printed non-array document is read whole.
 */
import { createReadStream } from 'node:fs';
import { ThreatlabError } from '../../errors/index.js';
import { exceedsDepth } from './guard.js';
import { CsvRows, isAuditCsvHeader, splitCsv } from './csv.js';
import { ArraySplitter, type SplitElement } from './split.js';
import { LIMITS, type Rejection } from './types.js';

export type SourceItem =
  | { value: unknown; text: string | null; line: number; source?: string }
  | { rejection: Rejection };

/** A pretty-printed document (not NDJSON, not an array) larger than this is refused. */
export const MAX_DOCUMENT_CHARS = 256 * 1024 * 1024;

export function truncateRaw(text: string): string {
  return text.length > LIMITS.rawLimit ? text.slice(0, LIMITS.rawLimit) : text;
}

function reject(reason: Rejection['reason'], detail: string, text: string, line: number, source?: string): SourceItem {
  return { rejection: { reason, detail, raw: truncateRaw(text), line, ...(source !== undefined ? { source } : {}) } };
}

/**
 * Parses one record's text. `maxChars` bounds what is parsed at all; the per-record
 * size limit is applied after parsing by the caller, because a single line may be a
 * whole envelope (`{"Records":[…]}` of a CloudTrail file) that is larger than any record.
 */
export function parseRecordText(text: string, line: number, source?: string, maxChars = MAX_DOCUMENT_CHARS): SourceItem {
  if (text.length > maxChars) return reject('record_too_large', `${text.length} characters (max ${maxChars})`, text, line, source);
  if (exceedsDepth(text, LIMITS.maxDepth + 2)) return reject('too_deep', `nested deeper than ${LIMITS.maxDepth}`, text, line, source);
  try {
    return { value: JSON.parse(text), text, line, ...(source !== undefined ? { source } : {}) };
  } catch (err) {
    return reject('invalid_json', (err as Error).message.slice(0, 200), text, line, source);
  }
}

function elementItem(el: SplitElement, source?: string): SourceItem {
  if (el.tooLarge) return reject('record_too_large', `array element larger than ${LIMITS.maxRecordBytes} characters`, el.text, el.index, source);
  return parseRecordText(el.text, el.index, source, LIMITS.maxRecordBytes);
}

/** Windows tools (PowerShell, the Purview portal) start UTF-8 files with a byte-order mark JSON.parse refuses. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function firstNonSpace(text: string): string {
  const m = /\S/.exec(text);
  return m ? m[0] : '';
}

/**
 * NDJSON lines, or the rows of a Purview audit CSV export (decided by the first line).
 * Fed complete lines in order; counts lines itself so numbers are right across chunks.
 */
class LineRecords {
  private line = 0;
  private first = true;
  private csv: CsvRows | null = null;
  constructor(private readonly source?: string) {}

  *push(text: string): Generator<SourceItem> {
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      this.line++;
      let raw = text.slice(start, end);
      start = end + 1;
      if (raw.charCodeAt(raw.length - 1) === 13) raw = raw.slice(0, -1);
      if (raw.trim() === '' && (this.csv === null || this.csv.rest() === '')) continue;
      if (this.first) {
        this.first = false;
        if (isAuditCsvHeader(raw)) {
          this.csv = new CsvRows(splitCsv(raw) ?? []);
          continue;
        }
      }
      if (this.csv !== null) {
        const row = this.csv.push(raw);
        if (row !== null) yield { value: row.row, text: row.text, line: this.line, ...(this.source !== undefined ? { source: this.source } : {}) };
        continue;
      }
      yield parseRecordText(raw, this.line, this.source);
    }
  }

  *end(): Generator<SourceItem> {
    const rest = this.csv?.rest() ?? '';
    if (rest !== '') yield reject('invalid_csv', 'a quoted CSV field is never closed', rest, this.line, this.source);
  }
}

/** True when the first line alone is a JSON value: the text is NDJSON, not one pretty-printed document. */
function looksLikeNdjson(text: string): boolean {
  const nl = text.indexOf('\n');
  const firstLine = (nl < 0 ? text : text.slice(0, nl)).trim();
  if (firstLine === '') return true;
  try {
    JSON.parse(firstLine);
    return true;
  } catch {
    return false;
  }
}

/** Every record-level item of a whole text (array, envelope, document or NDJSON). */
export function* textItems(input: string, source?: string): Generator<SourceItem> {
  const text = stripBom(input);
  const lead = firstNonSpace(text);
  if (lead === '[') {
    const splitter = new ArraySplitter(LIMITS.maxRecordBytes, LIMITS.rawLimit);
    for (const el of splitter.push(text)) yield elementItem(el, source);
    const rest = splitter.end();
    if (rest) yield elementItem(rest, source);
    return;
  }
  if (lead === '{' && !looksLikeNdjson(text)) {
    const doc = parseRecordText(text, 1, source);
    // A broken pretty-printed document may still be NDJSON with one bad first line.
    if (!('rejection' in doc) || doc.rejection.reason !== 'invalid_json') {
      yield doc;
      return;
    }
  }
  const lines = new LineRecords(source);
  yield* lines.push(text);
  yield* lines.end();
}

/**
 * Streams the records of a file. NDJSON and arrays stream in bounded memory; other
 * documents are read whole (up to MAX_DOCUMENT_CHARS). A missing or unreadable file is a
 * THREATLAB_INPUT error (the CLI prints it on one line).
 */
export async function* readRecords(path: string): AsyncGenerator<SourceItem> {
  let stream;
  try {
    stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      stream!.once('readable', resolve);
      stream!.once('error', reject);
    });
  } catch (err) {
    stream?.destroy();
    const code = (err as NodeJS.ErrnoException).code;
    throw new ThreatlabError(code === 'ENOENT' ? 'THREATLAB_NOT_FOUND' : 'THREATLAB_INPUT', `cannot read ${path}: ${code ?? (err as Error).message}`, { cause: err });
  }
  let mode: 'unknown' | 'array' | 'lines' | 'document' = 'unknown';
  let pending = '';
  let firstChunk = true;
  const lines = new LineRecords(path);
  const splitter = new ArraySplitter(LIMITS.maxRecordBytes, LIMITS.rawLimit);
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (mode === 'array') {
        for (const el of splitter.push(chunk)) yield elementItem(el, path);
        continue;
      }
      pending += firstChunk ? stripBom(chunk) : chunk;
      firstChunk = false;
      if (pending.length > MAX_DOCUMENT_CHARS) {
        throw new ThreatlabError('THREATLAB_INPUT', `${path}: a line or JSON document larger than ${MAX_DOCUMENT_CHARS} characters; split it (NDJSON or a JSON array)`);
      }
      if (mode === 'unknown') {
        const lead = firstNonSpace(pending);
        if (lead === '') continue;
        if (lead === '[') {
          mode = 'array';
          for (const el of splitter.push(pending)) yield elementItem(el, path);
          pending = '';
          continue;
        }
        if (lead === '{' && pending.indexOf('\n') < 0) continue; // need the whole first line to decide
        mode = lead === '{' && !looksLikeNdjson(pending) ? 'document' : 'lines';
      }
      if (mode === 'document') continue;
      const lastNl = pending.lastIndexOf('\n');
      if (lastNl < 0) continue;
      const complete = pending.slice(0, lastNl);
      pending = pending.slice(lastNl + 1);
      yield* lines.push(complete);
    }
  } catch (err) {
    if (err instanceof ThreatlabError) throw err;
    throw new ThreatlabError('THREATLAB_INPUT', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  } finally {
    stream.destroy();
  }
  if (mode === 'array') {
    const rest = splitter.end();
    if (rest) yield elementItem(rest, path);
  } else if (mode === 'document' || (mode === 'unknown' && pending.trim() !== '')) {
    yield* textItems(pending, path);
  } else {
    if (pending.trim() !== '') yield* lines.push(pending);
    yield* lines.end();
  }
}
