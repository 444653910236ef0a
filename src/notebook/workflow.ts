/**
 * What the training notebooks (03–05) share: the sample they train and evaluate on, and
 * where 03 leaves its bundle for 04 and 05 to pick up (so the workflow trains once).
 */
import { campaignsOf, generateEvents, type Activity, type GenerateOptions } from '../events/index.js';
import { FEATURE_SPEC } from '../features/index.js';
import { loadBundle, type LoadedModel } from '../models/index.js';
import type { ArtifactStore } from '../registry/index.js';
import { trainBundle, type CampaignInfo, type EventLabel, type LabelMap, type TrainOptions } from '../training/index.js';

/** Small enough for a notebook to run in minutes, big enough for every attack scenario. */
export const NOTEBOOK_SAMPLE: GenerateOptions = { users: 150, days: 21, seed: 7 };

export interface Sample {
  /** The train split in event-time order (what training replays). */
  train: Activity[];
  /** The test split in arrival order (what serving sees: late events arrive late). */
  test: Activity[];
  /** Ground truth of every event, keyed by event id (the generator's labels.json). */
  labels: LabelMap;
  campaigns: CampaignInfo[];
}

export function generatedSample(options: GenerateOptions = NOTEBOOK_SAMPLE): Sample {
  const train: Activity[] = [];
  const test: { activity: Activity; arrival: number }[] = [];
  const labels: LabelMap = new Map<string, EventLabel>();
  for (const e of generateEvents(options)) {
    if (e.split === 'train') train.push(e.activity);
    else test.push(e);
    const l = e.activity.label;
    if (l) labels.set(e.activity.id, { malicious: l.malicious, campaign: l.campaign, scenario: l.scenario, technique: l.technique });
  }
  train.sort((a, b) => a.time - b.time);
  test.sort((a, b) => a.arrival - b.arrival);
  const campaigns = campaignsOf(options).map((c) => ({ id: c.id, scenario: c.scenario }));
  return { train, test: test.map((e) => e.activity), labels, campaigns };
}

/** Where 03-train saves its bundle under the artifact root; 04 and 05 load it from there. */
export function notebookBundleUri(artifactRoot: string, name: string): string {
  return `${artifactRoot.replace(/\/+$/, '')}/notebooks/${name}`;
}

/**
 * The bundle 03 saved at `uri`, or, when there is none or it was trained on another feature
 * spec (src/features changed since), a new one trained on `train()` and saved there.
 */
export async function notebookModel(
  store: ArtifactStore,
  uri: string,
  train: () => readonly Activity[],
  options: TrainOptions,
): Promise<{ model: LoadedModel; trained: boolean }> {
  if (await store.exists(`${uri}/manifest.json`)) {
    const saved = await loadBundle(store, uri);
    if (saved.manifest.featureSpecHash === FEATURE_SPEC.hash) return { model: saved, trained: false };
  }
  await trainBundle(store, uri, train(), options);
  return { model: await loadBundle(store, uri, { expectedFeatureSpecHash: FEATURE_SPEC.hash }), trained: true };
}
