/**
 * Reading events for training and scoring: raw vendor logs (any format the normaliser
 * knows) or Activity NDJSON, enriched (GeoIP, ASN, user agent) when a field is missing.
 * Records that cannot be normalised are handed to `onRejection`, never dropped silently.
 */
import { createEnricher, normalizeFile, type Activity, type Enricher, type Format, type Rejection } from '../events/index.js';
import { ThreatlabError } from '../errors/index.js';

export interface ReadEventsOptions {
  format?: Format;
  onRejection?: (r: Rejection) => void;
  enricher?: Enricher;
}

/** Yields batches of enriched activities, file by file, in file order. */
export async function* readEventBatches(paths: readonly string[], opts: ReadEventsOptions = {}): AsyncGenerator<Activity[]> {
  const enricher = opts.enricher ?? createEnricher();
  for (const path of paths) {
    let batches: AsyncGenerator<{ activities: Activity[]; rejections: Rejection[] }>;
    try {
      batches = normalizeFile(path, { format: opts.format ?? 'auto' });
    } catch (err) {
      throw new ThreatlabError('THREATLAB_INPUT', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    for await (const { activities, rejections } of batches) {
      for (const r of rejections) opts.onRejection?.({ ...r, source: r.source ?? path });
      if (activities.length > 0) yield activities.map((a) => enricher.enrich(a));
    }
  }
}

export async function readEvents(paths: readonly string[], opts: ReadEventsOptions = {}): Promise<Activity[]> {
  const out: Activity[] = [];
  for await (const batch of readEventBatches(paths, opts)) for (const a of batch) out.push(a);
  return out;
}
