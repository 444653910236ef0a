/** Public surface of the models: bundle format, loading, the scoring pipeline, the scorers. */
export type { FeatureMatrix, Reason, Scorer, Score, Severity, FeatureEngineLike } from './types.js';
export { fitCalibration, calibrate, surprisal, type Calibration } from './calibration.js';
export { combineComponents, calibrateAll, alertRateFor, OTHERS_WEIGHT } from './ensemble.js';
export {
  BUNDLE_FORMAT_VERSION, MANIFEST_FILE, PROFILES_FILE, COMPONENT_ORDER, parseManifest,
  type BundleManifest, type ComponentEntry, type ComponentName, type AlertBudget, type TrainingDataSummary,
} from './manifest.js';
export { saveBundle, loadBundle, buildScorers, manifestBytes, joinUri, type ModelBundle, type LoadBundleOptions } from './bundle.js';
export { CompiledModel, assertSaneScores, type LoadedModel, type ScoredMatrix, type ExplainOptions, type NamedScorer } from './model.js';
export { ScoringPipeline, alertHoldFor, dimensionValue, type ModelRef, type ScoringPipelineOptions } from './pipeline.js';
export { AlertGrouper, alertKind, groupAlerts, DEFAULT_ALERT_GROUP_MS, type AlertGroupOptions } from './alert-groups.js';
export { LearnHold, parseAlertHoldMs, DEFAULT_ALERT_HOLD_MS, DEFAULT_MAX_HELD, NEVER_LEARN, type LearnHoldOptions, type LearnHoldStats } from './learn-hold.js';
export { PrevalenceScorer, fitHistograms, PREVALENCE_ALPHA, type PrevalenceParams, type PrevalenceDimension } from './prevalence.js';
export { discoverDimensions, PREVALENCE_DIMENSIONS } from './prevalence-dimensions.js';
export { KMeansScorer, fitKMeans, type KMeansParams, type KMeansFitOptions } from './kmeans.js';
export { AutoencoderScorer, fitAutoencoder, AE_WEIGHTS_FILE, type AutoencoderParams } from './autoencoder.js';
export { ClassifierScorer, fitClassifier, CLF_WEIGHTS_FILE, type ClassifierParams } from './classifier.js';
export { saveLayersModel, loadLayersModelBytes } from './tf-io.js';
export { ensureTf } from './tf.js';
export { sha256Hex } from './hash.js';
export { fitScaler, type Scaler } from './scaler.js';
export { sampleRows, seededRandom } from './random.js';
