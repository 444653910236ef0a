/** Picks the registry the way users already expect: MLflow when MLFLOW_TRACKING_URI is set, else embedded. */
import path from 'node:path';
import type { Config } from '../config/index.js';
import { EmbeddedRegistry } from './embedded-registry.js';
import { MlflowClient, type MlflowClientOptions } from './mlflow-client.js';
import { MlflowRegistry } from './mlflow-registry.js';
import type { ModelRegistry } from './types.js';

export function registryFromConfig(config: Pick<Config, 'stateDir' | 'mlflowTrackingUri'>, options: Partial<MlflowClientOptions> = {}): ModelRegistry {
  if (config.mlflowTrackingUri) return new MlflowRegistry(new MlflowClient({ trackingUri: config.mlflowTrackingUri, ...options }));
  return new EmbeddedRegistry(path.join(config.stateDir, 'registry'));
}
