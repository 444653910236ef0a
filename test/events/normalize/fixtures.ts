/** Loads the real vendor samples in test/fixtures/vendors as individual records, independently of the normaliser's reader. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/vendors/', import.meta.url));

export function fixtureFiles(dir = FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return fixtureFiles(p);
    return /\.(nd)?json$/.test(name) ? [p] : [];
  }).sort();
}

export function rel(path: string): string {
  return relative(FIXTURES, path);
}

/** Wrapped files carry the vendor record in a field of each line; that field is the record. */
function unwrap(file: string, line: Record<string, unknown>): unknown {
  if (file.includes('panther-analysis')) return line.log ?? line.event;
  return line;
}

/** Whether a file's records are wrapped (panther, demisto): such files are fed record by record. */
export function isWrapped(file: string): boolean {
  return file.includes('panther-analysis') || file.endsWith('DropboxEventCollector_1_3_testdata.json');
}

/** Every vendor record of a fixture file, as the test (not the normaliser) reads it. */
export function fixtureRecords(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.ndjson') || (!text.trimStart().startsWith('[') && text.split('\n').filter((l) => l.trim()).every((l) => { try { JSON.parse(l); return true; } catch { return false; } }) && text.trim().split('\n').length > 1)) {
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => unwrap(file, JSON.parse(l) as Record<string, unknown>));
  }
  const doc = JSON.parse(text) as unknown;
  if (Array.isArray(doc)) return doc;
  const obj = doc as Record<string, unknown>;
  if (file.endsWith('DropboxEventCollector_1_3_testdata.json')) return (obj.data as { event_data: unknown }[]).map((d) => d.event_data);
  for (const key of ['items', 'entries', 'events', 'Records', 'value', 'alerts']) if (Array.isArray(obj[key])) return obj[key] as unknown[];
  return [doc];
}
