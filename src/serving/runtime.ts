/**
 * The serving runtime built from the product's folders: vendor normalisers + offline
 * enrichment (events), the feature engine (features), bundle loading and the scoring
 * pipeline (models). The only file in src/serving that knows those folders' APIs.
 */
import { ThreatlabError } from '../errors/index.js';
import { FORMATS, createEnricher, normalizeRecord, normalizeRecordText, type Activity, type Format, type NormalizeResult } from '../events/index.js';
import { FEATURE_SPEC, FeatureEngine } from '../features/index.js';
import { ScoringPipeline, loadBundle, type LoadedModel } from '../models/index.js';
import type { ArtifactStore, ModelUpdateMessage } from '../registry/types.js';
import type { DecodeResult, ModelRef, PartitionPipeline, ReadyModel, ServingRuntime } from './runtime-types.js';

class LoadedReadyModel implements ReadyModel {
  readonly loadedAt = Date.now();
  constructor(readonly ref: ModelRef, readonly loaded: LoadedModel) {}

  get summary(): Record<string, unknown> {
    const m = this.loaded.manifest;
    return {
      threshold: m.threshold,
      components: Object.keys(m.components),
      trainedAt: m.createdAt,
      alertBudget: m.alertBudget,
      trainingMetrics: m.metrics,
    };
  }
}

function loadedOf(model: ReadyModel): LoadedReadyModel {
  if (!(model instanceof LoadedReadyModel)) throw new ThreatlabError('THREATLAB_INTERNAL', 'model was not loaded by this runtime');
  return model;
}

/** The input formats the normalisers know (`serve.inputFormat` must be one). */
export function checkInputFormat(format: string): Format {
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new ThreatlabError('THREATLAB_CONFIG', `invalid setting serve.inputFormat (THREATLAB_INPUT_FORMAT): "${format}" is not one of ${FORMATS.join(', ')}`);
  }
  return format as Format;
}

export function createRuntime(options: { maxUsers?: number } = {}): ServingRuntime {
  const enricher = createEnricher();
  const finish = (result: NormalizeResult): DecodeResult => {
    if (result.activities.length === 0) {
      const r = result.rejections[0];
      return r ? { ok: false, reason: r.reason, detail: r.detail } : { ok: false, reason: 'no_events', detail: 'the record holds no events' };
    }
    const activities: Activity[] = result.activities;
    for (const a of activities) enricher.enrich(a);
    // A record holding several events (an envelope, a Google Workspace item) may be partly
    // bad: the good events are scored, the bad parts are passed on to become dead letters.
    if (result.rejections.length > 0) return { ok: true, activities, rejections: result.rejections.map((r) => ({ reason: r.reason, detail: r.detail })) };
    return { ok: true, activities };
  };

  return {
    featureSpecHash: FEATURE_SPEC.hash,

    async loadModel(store: ArtifactStore, update: ModelUpdateMessage): Promise<ReadyModel> {
      // Refuse before downloading anything when the update already says the spec differs.
      if (update.featureSpecHash && update.featureSpecHash !== FEATURE_SPEC.hash) {
        throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH',
          `model ${update.model} v${update.version} was trained on feature spec ${update.featureSpecHash}, this server computes ${FEATURE_SPEC.hash}`,
          { details: { bundle: update.featureSpecHash, engine: FEATURE_SPEC.hash } });
      }
      const loaded = await loadBundle(store, update.uri, {
        expectedManifestSha256: update.manifestSha256 || undefined,
        expectedFeatureSpecHash: FEATURE_SPEC.hash,
      });
      if (loaded.manifest.featureNames.length !== FEATURE_SPEC.features.length) {
        throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH', `model ${update.model} v${update.version} expects ${loaded.manifest.featureNames.length} features, this server computes ${FEATURE_SPEC.features.length}`);
      }
      // Compile tfjs kernels now, not on the first live batch.
      loaded.warmUp();
      const ref: ModelRef = {
        name: update.model, version: update.version, alias: update.alias, uri: update.uri,
        manifestSha256: loaded.manifestSha256, featureSpecHash: loaded.manifest.featureSpecHash,
      };
      return new LoadedReadyModel(ref, loaded);
    },

    newPipeline(model: ReadyModel): PartitionPipeline {
      const m = loadedOf(model);
      const engine = m.loaded.profiles
        ? FeatureEngine.restore(m.loaded.profiles, { maxUsers: options.maxUsers })
        : new FeatureEngine({ maxUsers: options.maxUsers });
      const pipeline = new ScoringPipeline(m.loaded, engine, { modelRef: { name: m.ref.name, version: m.ref.version } });
      return {
        scoreBatch: (activities) => pipeline.scoreBatch(activities),
        swapModel: (next) => {
          const n = loadedOf(next);
          pipeline.swapModel(n.loaded, { name: n.ref.name, version: n.ref.version });
        },
        snapshotUsers: (users) => engine.snapshotUsers(users),
        merge: (bytes) => engine.mergeSnapshot(bytes),
      };
    },

    decode(text: string, format: string): DecodeResult {
      return finish(normalizeRecordText(text, { format: format as Format }));
    },

    decodeValue(value: unknown, format: string): DecodeResult {
      return finish(normalizeRecord(value, { format: format as Format }));
    },
  };
}
