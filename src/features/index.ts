/**
 * Public surface of the feature engine: the spec, the engine, column extraction.
 * Everything else in src/features is private to the folder.
 */
export { FEATURE_SPEC, FEATURE_SPEC_VERSION, FEATURE_DIM, featureSpecHash, featureIndex } from './spec.js';
export { FeatureEngine, type FeatureEngineOptions } from './engine.js';
export { extractColumns, columnsToRows, toDataFrame, type ExtractColumnsOptions } from './columns.js';
export { FEATURE_CATEGORIES, METRICS, RING_HOURS, MAX_LATENESS_MS, IMPOSSIBLE_KMH, IMPOSSIBLE_MIN_KM } from './layout.js';
export type {
  FeatureColumns, FeatureContext, FeatureDef, FeatureEngineStats, FeatureSpec, FeatureType, ValueCount,
} from './types.js';
export { measureParity, type ParityReport } from './parity.js';
