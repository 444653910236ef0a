/**
 * One validated configuration for every command and service. The schema holds the
 * defaults; `loadConfig` reads the environment and the command-line overrides in one
 * place, validates once, and returns a frozen object. Modules receive the config (or
 * the part they need) as an argument and never read `process.env` themselves.
 */
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ThreatlabError } from '../errors/index.js';

export const ConfigSchema = Type.Object({
  /** Folder for everything threatlab writes locally (embedded registry, file artifacts, checkpoints). */
  stateDir: Type.String({ default: '.state', minLength: 1 }),
  /** Where bundles are written: `file://…` or `s3://bucket/prefix`. Empty = `file://<stateDir>/artifacts`. */
  artifactRoot: Type.String({ default: '' }),
  /** MLflow tracking server; when set, the MLflow registry is used instead of the embedded one. */
  mlflowTrackingUri: Type.String({ default: '' }),
  /** Comma-separated Kafka bootstrap servers; empty = the in-process bus. */
  kafkaBrokers: Type.String({ default: '' }),
  kafkaClientId: Type.String({ default: 'threatlab' }),
  s3: Type.Object({
    /** Custom S3 endpoint (MinIO, moto…); empty = AWS. */
    endpoint: Type.String({ default: '' }),
    region: Type.String({ default: 'us-east-1' }),
    /** Path-style addressing, needed by most S3-compatible servers. */
    forcePathStyle: Type.Boolean({ default: true }),
  }, { default: {} }),
  topics: Type.Object({
    activities: Type.String({ default: 'threatlab.activities' }),
    scores: Type.String({ default: 'threatlab.scores' }),
    alerts: Type.String({ default: 'threatlab.alerts' }),
    deadLetter: Type.String({ default: 'threatlab.dlq' }),
    models: Type.String({ default: 'threatlab.models' }),
    feedback: Type.String({ default: 'threatlab.feedback' }),
    checkpoints: Type.String({ default: 'threatlab.checkpoints' }),
  }, { default: {} }),
  model: Type.Object({
    name: Type.String({ default: 'threatlab', minLength: 1 }),
    alias: Type.String({ default: 'champion', minLength: 1 }),
    /** A second alias scored in shadow (no alerts emitted); empty = none. */
    shadowAlias: Type.String({ default: '' }),
  }, { default: {} }),
  serve: Type.Object({
    consumerGroup: Type.String({ default: 'threatlab-serve' }),
    /** Normaliser applied to the activities topic: `activity` for normalised events, a vendor name, or `auto`. */
    inputFormat: Type.String({ default: 'auto' }),
    httpHost: Type.String({ default: '127.0.0.1' }),
    httpPort: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
    /** Required on mutating HTTP routes when set; the server refuses to start them open unless explicitly empty in dev. */
    apiToken: Type.String({ default: '' }),
    bodyLimitBytes: Type.Integer({ default: 1_048_576, minimum: 1024 }),
    maxBatch: Type.Integer({ default: 1000, minimum: 1 }),
    /** How often each owned partition's profiles are checkpointed (what a crash can lose of the profiles). */
    checkpointIntervalMs: Type.Integer({ default: 60_000, minimum: 100 }),
    /** Worker processes of one instance (one per core): each is a consumer-group member; they share the HTTP port. */
    workers: Type.Integer({ default: 1, minimum: 1, maximum: 64 }),
    /**
     * How far V8 lets the old generation grow between full collections, in percent of
     * what the last one left alive (0 = V8's own heuristic, which let a worker grow only
     * 30–70 %). A full collection slows a worker for ~100 ms; see src/serving/heap-growth.ts.
     */
    heapGrowthPercent: Type.Integer({ default: 300, minimum: 0, maximum: 1000 }),
  }, { default: {} }),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export type Config = Static<typeof ConfigSchema>;
export type ConfigOverrides = DeepPartial<Config>;
type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Environment variable → config path. Standard names (MLflow, AWS, Kafka) where users already have them. */
const ENV_MAP: ReadonlyArray<[string, string]> = [
  ['THREATLAB_STATE_DIR', 'stateDir'],
  ['THREATLAB_ARTIFACT_ROOT', 'artifactRoot'],
  ['MLFLOW_TRACKING_URI', 'mlflowTrackingUri'],
  ['KAFKA_BROKERS', 'kafkaBrokers'],
  ['THREATLAB_KAFKA_CLIENT_ID', 'kafkaClientId'],
  ['MLFLOW_S3_ENDPOINT_URL', 's3.endpoint'],
  ['AWS_ENDPOINT_URL', 's3.endpoint'],
  ['AWS_ENDPOINT_URL_S3', 's3.endpoint'],
  ['AWS_DEFAULT_REGION', 's3.region'],
  ['AWS_REGION', 's3.region'],
  ['THREATLAB_S3_FORCE_PATH_STYLE', 's3.forcePathStyle'],
  ['THREATLAB_TOPIC_ACTIVITIES', 'topics.activities'],
  ['THREATLAB_TOPIC_SCORES', 'topics.scores'],
  ['THREATLAB_TOPIC_ALERTS', 'topics.alerts'],
  ['THREATLAB_TOPIC_DLQ', 'topics.deadLetter'],
  ['THREATLAB_TOPIC_MODELS', 'topics.models'],
  ['THREATLAB_TOPIC_FEEDBACK', 'topics.feedback'],
  ['THREATLAB_TOPIC_CHECKPOINTS', 'topics.checkpoints'],
  ['THREATLAB_MODEL_NAME', 'model.name'],
  ['THREATLAB_MODEL_ALIAS', 'model.alias'],
  ['THREATLAB_SHADOW_ALIAS', 'model.shadowAlias'],
  ['THREATLAB_CONSUMER_GROUP', 'serve.consumerGroup'],
  ['THREATLAB_INPUT_FORMAT', 'serve.inputFormat'],
  ['THREATLAB_HTTP_HOST', 'serve.httpHost'],
  ['THREATLAB_HTTP_PORT', 'serve.httpPort'],
  ['THREATLAB_API_TOKEN', 'serve.apiToken'],
  ['THREATLAB_BODY_LIMIT_BYTES', 'serve.bodyLimitBytes'],
  ['THREATLAB_MAX_BATCH', 'serve.maxBatch'],
  ['THREATLAB_CHECKPOINT_INTERVAL_MS', 'serve.checkpointIntervalMs'],
  ['THREATLAB_WORKERS', 'serve.workers'],
  ['THREATLAB_HEAP_GROWTH_PERCENT', 'serve.heapGrowthPercent'],
  ['THREATLAB_LOG_LEVEL', 'logLevel'],
];

/** Reverse lookup so error messages name the variable the user actually set. */
function sourceOf(configPath: string, env: NodeJS.ProcessEnv): string {
  const hit = [...ENV_MAP].reverse().find(([name, p]) => p === configPath && env[name] !== undefined);
  return hit ? `${hit[0]} (${configPath})` : configPath;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function mergeDeep(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      base[key] = mergeDeep((base[key] as Record<string, unknown>) ?? {}, value as Record<string, unknown>);
    } else {
      base[key] = value;
    }
  }
  return base;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Builds the config: schema defaults, then the environment, then explicit overrides
 * (command-line flags). Throws THREATLAB_CONFIG naming the first bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Readonly<Config> {
  const raw: Record<string, unknown> = {};
  for (const [name, configPath] of ENV_MAP) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, configPath, value);
  }
  mergeDeep(raw, overrides as Record<string, unknown>);
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw));
  const firstError = Value.Errors(ConfigSchema, converted).First();
  if (firstError) {
    const configPath = firstError.path.replace(/^\//, '').replaceAll('/', '.');
    throw new ThreatlabError('THREATLAB_CONFIG', `invalid setting ${sourceOf(configPath, env)}: ${firstError.message} (got ${JSON.stringify(firstError.value)})`);
  }
  const config = converted as Config;
  config.stateDir = path.resolve(config.stateDir);
  if (!config.artifactRoot) config.artifactRoot = `file://${path.join(config.stateDir, 'artifacts')}`;
  return deepFreeze(config);
}
