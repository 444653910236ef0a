/** Public surface of src/registry: artifact stores, the scheme router, registries, registration and promotion. */
export type {
  AliasAudit, AliasMove, ArtifactStore, ModelRegistry, ModelUpdateMessage, ModelVersion, RegisteredModel, RunInput, RunRecord,
} from './types.js';
export { FileArtifactStore } from './file-store.js';
export { MemoryArtifactStore } from './memory-store.js';
export { S3ArtifactStore, isRetriableS3Error, type S3StoreOptions } from './s3-store.js';
export { createArtifactRouter } from './router.js';
export { artifactStoresFromConfig, fileRootsOf, type ArtifactStoreOptions } from './stores.js';
export { asPrefix, fileUriOf, filePathOf, joinUri, schemeOf, splitUri, toArtifactUri } from './uri.js';
export { EmbeddedRegistry } from './embedded-registry.js';
export { MlflowClient, type MlflowClientOptions } from './mlflow-client.js';
export { MlflowRegistry } from './mlflow-registry.js';
export { registryFromConfig } from './registries.js';
export { TAG_FEATURE_SPEC_HASH, TAG_MANIFEST_SHA256, defaultWho, validateAlias } from './naming.js';
export { rollbackTarget } from './alias-history.js';
export { copyBundle, readBundleFacts, verifyBundle, type BundleFacts } from './bundle-files.js';
export { registerBundle, registeredBundleUri, type RegisterDeps, type RegisterInput, type Registration } from './register.js';
export {
  encodeModelUpdate, modelTopicKey, promote, publishCurrentAliases, rollback, type PromoteInput, type PromotionDeps, type PromotionResult,
} from './promotion.js';
