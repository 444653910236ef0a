/**
 * Ground truth for training and evaluation, from either of the two shapes users have:
 * the generator's `labels.json` (record id → {malicious, campaign, scenario, technique}),
 * or analyst feedback NDJSON (`{eventId, verdict: 'true_positive'|'false_positive', note}`,
 * one per line, as the serving API writes it; the last verdict for an event wins).
 */
import { readFile } from 'node:fs/promises';
import { ThreatlabError } from '../errors/index.js';

export interface EventLabel {
  malicious: boolean;
  campaign?: string;
  scenario?: string;
  technique?: string;
}

export type LabelMap = Map<string, EventLabel>;

function fromLabelsObject(obj: Record<string, unknown>, path: string): LabelMap {
  const out: LabelMap = new Map();
  for (const [id, v] of Object.entries(obj)) {
    if (typeof v !== 'object' || v === null || typeof (v as { malicious?: unknown }).malicious !== 'boolean') {
      throw new ThreatlabError('THREATLAB_INPUT', `${path}: label of "${id}" must be an object with a boolean "malicious"`);
    }
    const l = v as Record<string, unknown>;
    const label: EventLabel = { malicious: l.malicious as boolean };
    if (typeof l.campaign === 'string') label.campaign = l.campaign;
    if (typeof l.scenario === 'string') label.scenario = l.scenario;
    if (typeof l.technique === 'string') label.technique = l.technique;
    out.set(id, label);
  }
  return out;
}

function fromFeedback(text: string, path: string): LabelMap {
  const out: LabelMap = new Map();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw new ThreatlabError('THREATLAB_INPUT', `${path}:${i + 1}: feedback line is not JSON`);
    }
    const r = rec as { eventId?: unknown; verdict?: unknown };
    if (typeof r.eventId !== 'string' || (r.verdict !== 'true_positive' && r.verdict !== 'false_positive')) {
      throw new ThreatlabError('THREATLAB_INPUT', `${path}:${i + 1}: feedback needs "eventId" and "verdict" true_positive|false_positive`);
    }
    out.set(r.eventId, { malicious: r.verdict === 'true_positive' });
  });
  return out;
}

/** Parses labels from text; `path` only names the source in errors. */
export function parseLabels(text: string, path: string): LabelMap {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    // A whole-file object is labels.json; an object per line is feedback.
    try {
      const obj = JSON.parse(text) as unknown;
      if (typeof obj === 'object' && obj !== null && !('eventId' in obj)) return fromLabelsObject(obj as Record<string, unknown>, path);
    } catch {
      // not one JSON document: try NDJSON feedback below
    }
    return fromFeedback(text, path);
  }
  if (trimmed.startsWith('[')) {
    const arr = JSON.parse(text) as unknown[];
    return fromFeedback(arr.map((x) => JSON.stringify(x)).join('\n'), path);
  }
  if (!trimmed) throw new ThreatlabError('THREATLAB_INPUT', `${path}: labels file is empty`);
  throw new ThreatlabError('THREATLAB_INPUT', `${path}: labels must be labels.json (an object keyed by event id) or feedback NDJSON`);
}

export async function readLabels(path: string): Promise<LabelMap> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ThreatlabError('THREATLAB_INPUT', `cannot read labels ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseLabels(text, path);
}
