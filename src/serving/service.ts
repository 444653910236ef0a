/**
 * One serving instance: model follower + stream scorer + HTTP API over one bus, wired
 * from the config. `threatlab serve`, the demo, the tests and the bench all start it
 * here, so they run the same code. Start-up order: topics → model (the model topic's
 * latest update, else the registry alias) → stream scorer → HTTP.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { describeError } from '../errors/index.js';
import { artifactStoresFromConfig, joinUri, registryFromConfig } from '../registry/index.js';
import type { ArtifactStore, ModelRegistry } from '../registry/types.js';
import { busFromConfig } from '../streaming/index.js';
import type { BusProducer, EventBus } from '../streaming/types.js';
import { buildApp, type HttpScorer, type ServingApp } from './app.js';
import { CheckpointStore } from './checkpoints.js';
import { createFeedbackSink } from './feedback.js';
import { createLogger } from './logger.js';
import { createMetrics, type ServingMetrics } from './metrics.js';
import { MicroBatcher } from './micro-batcher.js';
import { ModelFollower } from './model-follower.js';
import { ModelManager } from './model-manager.js';
import { checkInputFormat, createRuntime } from './runtime.js';
import type { PartitionPipeline, ServingRuntime } from './runtime-types.js';
import { StreamScorer } from './stream-scorer.js';
import { processView } from './instance-view.js';
import { instanceMetrics, instanceReports, shareMetrics, shareReports } from './workers.js';

export interface ServiceOptions {
  config: Readonly<Config>;
  logger?: Logger;
  /** Defaults to `busFromConfig(config)`; a bus passed in is not closed by `stop()`. */
  bus?: EventBus;
  store?: ArtifactStore;
  /** Fallback at start-up when the model topic has nothing for our alias; null = none. */
  registry?: ModelRegistry | null;
  runtime?: ServingRuntime;
  /** Listen on config.serve.httpHost:httpPort (false: build the app for inject only). */
  listen?: boolean;
  /** Partitions of the activities topic when this instance creates it. */
  partitions?: number;
  checkpointIntervalMs?: number;
  maxBatchSize?: number;
  /** Separate metric registries are needed when several instances share a process. */
  defaultMetrics?: boolean;
  /** A worker of `serve --workers N`: /metrics answers for the whole instance (workers.ts). */
  worker?: boolean;
}

export interface Service {
  app: ServingApp;
  scorer: StreamScorer;
  models: ModelManager;
  metrics: ServingMetrics;
  bus: EventBus;
  producer: BusProducer;
  logger: Logger;
  /** `http://host:port` when listening. */
  address: string | null;
  /** Resolves when a champion model is serving (immediately if one already is). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

const STOP_STEP_MS = 15_000;

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const inputFormat = checkInputFormat(config.serve.inputFormat);
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics });
  const ownBus = !options.bus;
  const bus = options.bus ?? busFromConfig(config, { logger });
  const store = options.store ?? artifactStoresFromConfig(config);
  const runtime = options.runtime ?? createRuntime();
  const t = config.topics;

  await bus.ensureTopics([
    { name: t.activities, partitions: options.partitions ?? 6 },
    { name: t.scores, partitions: options.partitions ?? 6 },
    { name: t.alerts, partitions: 1 },
    { name: t.deadLetter, partitions: 1 },
    { name: t.models, partitions: 1, compacted: true },
    { name: t.feedback, partitions: 1 },
  ]);
  const producer = await bus.producer();

  const models = new ModelManager({
    modelName: config.model.name, alias: config.model.alias, shadowAlias: config.model.shadowAlias || undefined,
    runtime, store, metrics, logger,
  });
  const follower = new ModelFollower(bus, t.models, models, logger);

  const scorer = new StreamScorer({
    bus, producer, runtime, models, metrics, logger, inputFormat,
    topics: { activities: t.activities, scores: t.scores, alerts: t.alerts, deadLetter: t.deadLetter },
    groupId: config.serve.consumerGroup,
    checkpoints: new CheckpointStore(store, joinUri(config.artifactRoot, 'checkpoints', encodeURIComponent(config.serve.consumerGroup)), runtime.featureSpecHash, logger),
    checkpointIntervalMs: options.checkpointIntervalMs ?? config.serve.checkpointIntervalMs,
    maxBatchSize: options.maxBatchSize,
  });

  // The HTTP path keeps its own profiles: requests must not rewrite the stream's users' history.
  let httpPipeline: PartitionPipeline | null = null;
  let streamStarted: Promise<void> | null = null;
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((resolve) => { readyResolve = resolve; });
  const startStream = (): void => {
    if (streamStarted) return;
    streamStarted = scorer.start().then(readyResolve, (err) => {
      logger.error({ err: describeError(err) }, 'stream scorer failed to start');
      throw err;
    });
  };
  models.onSwap((role, model) => {
    if (role !== 'champion') return;
    if (httpPipeline) httpPipeline.swapModel(model);
    else httpPipeline = runtime.newPipeline(model);
    startStream();
  });

  await follower.start();
  await models.settled();
  if (!models.champion) {
    const registry = options.registry === undefined ? registryFromConfig(config) : options.registry;
    if (registry) {
      await models.fromRegistry(registry, 'champion');
      if (config.model.shadowAlias) await models.fromRegistry(registry, 'shadow');
    }
  }
  if (!models.champion) logger.warn({ model: config.model.name, alias: config.model.alias }, 'no model yet; waiting for a promotion on the model topic');
  if (streamStarted) await streamStarted;

  const batcher = new MicroBatcher((activities) => {
    if (!httpPipeline) throw new Error('no model loaded yet');
    return httpPipeline.scoreBatch(activities);
  }, config.serve.maxBatch * 2);
  const httpScorer: HttpScorer = {
    decode: (value, format) => runtime.decodeValue(value, format),
    score: (activities) => batcher.score(activities),
  };
  const stats = () => ({ champion: scorer.stats.champion.state(), shadow: scorer.stats.shadow.state() });
  const app = await buildApp({
    serve: config.serve,
    model: config.model,
    logger,
    metrics,
    scorer: httpScorer,
    feedback: createFeedbackSink({ stateDir: config.stateDir, producer, topic: t.feedback }),
    models,
    busConnected: () => bus.connected(),
    busKind: bus.kind,
    stats,
    ...(options.worker ? { metricsText: () => instanceMetrics(), instanceReports: () => instanceReports() } : {}),
  });
  let stopSharing = () => {};
  if (options.worker) {
    shareMetrics(metrics.registry);
    stopSharing = shareReports(() => processView({ models, busConnected: () => bus.connected(), stats }));
  }
  let address: string | null = null;
  if (options.listen) {
    if (!config.serve.apiToken && !['127.0.0.1', 'localhost', '::1'].includes(config.serve.httpHost)) {
      logger.warn({ host: config.serve.httpHost }, 'THREATLAB_API_TOKEN is empty: the mutating routes are open on a non-loopback address');
    }
    address = await app.listen({ host: config.serve.httpHost, port: config.serve.httpPort });
    logger.info({ address }, 'HTTP API listening (OpenAPI at /docs)');
  } else {
    await app.ready();
  }

  return {
    app, scorer, models, metrics, bus, producer, logger, address,
    ready: () => readyPromise,
    async stop() {
      models.stop();
      stopSharing();
      // Each step is bounded: a broker that went away must not keep a stopping process alive.
      const step = async (what: string, work: () => Promise<unknown>) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            logger.warn({ step: what, ms: STOP_STEP_MS }, 'shutdown step timed out; continuing');
            resolve();
          }, STOP_STEP_MS);
        });
        await Promise.race([work().catch((err) => logger.warn({ step: what, err: describeError(err) }, 'shutdown step failed')), timeout]);
        clearTimeout(timer);
      };
      await step('http', () => app.close());
      await step('model follower', () => follower.stop());
      await step('stream scorer', () => scorer.stop());
      await step('producer', () => producer.disconnect());
      if (ownBus && bus.kind === 'kafka') await step('bus', () => bus.close());
    },
  };
}
