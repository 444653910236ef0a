/**
 * From text or a file to records: a JSON array, an API page envelope, one pretty-printed
 * document, or NDJSON. Each item is a parsed value with the text it came from (kept for
 * rejections and hash ids, never re-serialised on the hot path) or a rejection for text
 * that is not JSON. Files stream: NDJSON line by line, arrays element by element
 * (split.ts); only a pretty-printed non-array document is read whole.
 */
import { createReadStream } from 'node:fs';
import { ThreatlabError } from '../../errors/index.js';
import { exceedsDepth } from './guard.js';
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

function firstNonSpace(text: string): string {
  const m = /\S/.exec(text);
  return m ? m[0] : '';
}

function* lineItems(text: string, source?: string): Generator<SourceItem> {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end);
    const trimmed = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (trimmed.trim() !== '') yield parseRecordText(trimmed, line, source);
    start = end + 1;
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
export function* textItems(text: string, source?: string): Generator<SourceItem> {
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
  yield* lineItems(text, source);
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
  let line = 0;
  const splitter = new ArraySplitter(LIMITS.maxRecordBytes, LIMITS.rawLimit);
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (mode === 'array') {
        for (const el of splitter.push(chunk)) yield elementItem(el, path);
        continue;
      }
      pending += chunk;
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
      for (const item of lineItems(complete, path)) {
        yield renumber(item, line);
      }
      line += countLines(complete);
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
  } else if (pending.trim() !== '') {
    for (const item of lineItems(pending, path)) yield renumber(item, line);
  }
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function renumber(item: SourceItem, offset: number): SourceItem {
  if (offset === 0) return item;
  if ('rejection' in item) {
    item.rejection.line = (item.rejection.line ?? 0) + offset;
    return item;
  }
  item.line += offset;
  return item;
}
