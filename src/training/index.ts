/** Public surface of training: fit a bundle from events, save it, evaluate scores. */
import type { Activity } from '../events/activity.js';
import { saveBundle, type BundleManifest } from '../models/index.js';
import type { ArtifactStore } from '../registry/types.js';
import { trainModel, type TrainOptions, type TrainResult } from './train.js';

export { trainModel, DEFAULT_ALERT_BUDGET, type TrainOptions, type TrainResult, type TrainSummary, type TrainStage } from './train.js';
export { byEventTime, replay, replayWithHold, type HoldReplayOptions } from './replay.js';
export { readLabels, parseLabels, type EventLabel, type LabelMap } from './labels.js';
export { readEvents, readEventBatches, type ReadEventsOptions } from './input.js';

/** Trains and saves the bundle at `uri` in one call (what the CLI and the demo do). */
export async function trainBundle(store: ArtifactStore, uri: string, activities: readonly Activity[], opts: TrainOptions): Promise<TrainResult & { uri: string; manifestSha256: string; manifest: BundleManifest }> {
  const result = await trainModel(activities, opts);
  const { manifestSha256, manifest } = await saveBundle(store, uri, result.bundle);
  return { ...result, uri, manifestSha256, manifest };
}
export { evaluateScores, queuePlaces, averagePrecision, rocAuc, rankOrder, DEFAULT_BUDGETS, type Evaluation, type ScoredEvent, type CampaignInfo, type ScenarioRecall } from './evaluate.js';
export { renderReport } from './report.js';
