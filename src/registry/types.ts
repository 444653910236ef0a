/**
 * Contracts of artifact storage and the model registry. Implementations: file://,
 * s3:// and memory:// stores; embedded and MLflow registries with the same semantics.
 */

export interface ArtifactStore {
  /** URI schemes this store serves, e.g. ['s3']. */
  readonly schemes: readonly string[];
  put(uri: string, data: Uint8Array): Promise<void>;
  get(uri: string): Promise<Uint8Array>;
  exists(uri: string): Promise<boolean>;
  /** URIs of every object below a prefix. */
  list(prefixUri: string): Promise<string[]>;
  delete(uri: string): Promise<void>;
}

export interface ModelVersion {
  name: string;
  version: string;
  /** Bundle location (`s3://…`, `file://…`). */
  source: string;
  runId?: string;
  description?: string;
  tags: Record<string, string>;
  aliases: string[];
  createdAt: number;
}

export interface RegisteredModel {
  name: string;
  description?: string;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  latestVersions: string[];
  createdAt: number;
  updatedAt: number;
}

/** One move of an alias, kept forever (MLflow itself keeps no such audit log). */
export interface AliasMove {
  name: string;
  alias: string;
  /** Version the alias pointed at before (null: it did not exist). */
  from: string | null;
  /** Version it points at after (null: the alias was deleted). */
  to: string | null;
  /** `rollback` moves are undone promotions; rollback walks back over them. */
  kind: 'set' | 'delete' | 'rollback';
  who: string;
  why: string;
  at: number;
}

export interface AliasAudit {
  who: string;
  why: string;
  kind?: 'set' | 'rollback';
}

/** A training run as the registry records it (an MLflow run, or a JSON record when embedded). */
export interface RunInput {
  experiment: string;
  runName?: string;
  params: Record<string, string | number | boolean>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

export interface RunRecord {
  runId: string;
  experimentId: string;
}

export interface ModelRegistry {
  readonly kind: 'embedded' | 'mlflow';
  createModel(name: string, options?: { description?: string; tags?: Record<string, string> }): Promise<RegisteredModel>;
  getModel(name: string): Promise<RegisteredModel>;
  listModels(): Promise<RegisteredModel[]>;
  createVersion(name: string, source: string, options?: { runId?: string; description?: string; tags?: Record<string, string> }): Promise<ModelVersion>;
  getVersion(name: string, version: string): Promise<ModelVersion>;
  listVersions(name: string): Promise<ModelVersion[]>;
  getByAlias(name: string, alias: string): Promise<ModelVersion>;
  setVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  /** Points `alias` at an existing version (NOT_FOUND otherwise) and records the move. */
  setAlias(name: string, alias: string, version: string, audit: AliasAudit): Promise<AliasMove>;
  deleteAlias(name: string, alias: string, audit: { who: string; why: string }): Promise<AliasMove>;
  /** Every move, oldest first. */
  aliasHistory(name: string, alias?: string): Promise<AliasMove[]>;
  /** Records a training run (params, metrics, tags) that versions can link to. */
  logRun(run: RunInput): Promise<RunRecord>;
}

/** The model topic's message (key = `${model}@${alias}`, topic compacted). Carries the location, never the model. */
export interface ModelUpdateMessage {
  model: string;
  version: string;
  alias: string;
  uri: string;
  manifestSha256: string;
  featureSpecHash: string;
  publishedAt: number;
}
