/**
 * Which model serves, per role (champion, and the optional shadow alias): follows model
 * updates, loads and verifies them off the hot path, and hands a ready model to the
 * listeners (the stream scorer and the HTTP scorer) in one synchronous call — so a swap
 * always lands between two batches, never inside one. A bad model is refused and the
 * old one keeps serving; an unreachable store is retried with backoff until it answers
 * or a newer update supersedes the pending one.
 */
import type { Logger } from 'pino';
import { describeError, isRetriable, isThreatlabError } from '../errors/index.js';
import { TAG_FEATURE_SPEC_HASH, TAG_MANIFEST_SHA256 } from '../registry/naming.js';
import type { ArtifactStore, ModelRegistry, ModelUpdateMessage } from '../registry/types.js';
import type { ModelRole, ServingMetrics } from './metrics.js';
import type { ReadyModel, ServingRuntime } from './runtime-types.js';

export interface Refusal {
  role: ModelRole;
  version: string;
  uri: string;
  reason: string;
  code: string;
  at: number;
}

export interface ModelManagerOptions {
  modelName: string;
  alias: string;
  shadowAlias?: string;
  runtime: ServingRuntime;
  store: ArtifactStore;
  metrics: ServingMetrics;
  logger: Logger;
  /** Backoff bounds while the artifact store is unreachable. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

type Listener = (role: ModelRole, model: ReadyModel) => void;

export class ModelManager {
  private readonly current: Partial<Record<ModelRole, ReadyModel>> = {};
  /** Bumped per accepted update of a role: a slow load that was superseded is dropped. */
  private readonly generation: Record<ModelRole, number> = { champion: 0, shadow: 0 };
  private readonly listeners: Listener[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  lastRefusal: Refusal | null = null;
  swaps = 0;

  constructor(private readonly options: ModelManagerOptions) {}

  get champion(): ReadyModel | undefined {
    return this.current.champion;
  }

  get shadow(): ReadyModel | undefined {
    return this.current.shadow;
  }

  onSwap(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** The role an update is for, or null when it names another model or alias. */
  roleOf(update: ModelUpdateMessage): ModelRole | null {
    if (update.model !== this.options.modelName) return null;
    if (update.alias === this.options.alias) return 'champion';
    if (this.options.shadowAlias && update.alias === this.options.shadowAlias) return 'shadow';
    return null;
  }

  /** Starts loading an update in the background; resolves when it is swapped in, refused, or superseded. */
  handle(update: ModelUpdateMessage): Promise<void> {
    const role = this.roleOf(update);
    if (!role) return Promise.resolve();
    const have = this.current[role];
    if (have && have.ref.version === update.version && have.ref.manifestSha256 === update.manifestSha256) return Promise.resolve();
    const generation = ++this.generation[role];
    const work = this.load(role, update, generation);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** Waits for every load in progress (tests, start-up). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
  }

  private readonly sleepers = new Set<() => void>();

  /** A backoff wait that `stop()` cuts short, so a stopped instance exits at once. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private async load(role: ModelRole, update: ModelUpdateMessage, generation: number): Promise<void> {
    const { logger, metrics } = this.options;
    const base = this.options.retryBaseMs ?? 250;
    const max = this.options.retryMaxMs ?? 15_000;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped || generation !== this.generation[role]) return;
      try {
        const model = await this.options.runtime.loadModel(this.options.store, update);
        if (this.stopped || generation !== this.generation[role]) return;
        this.swapIn(role, model);
        return;
      } catch (err) {
        if (isRetriable(err)) {
          // Store or registry down: the current model keeps serving; try again later.
          const delay = Math.round(Math.min(max, base * 2 ** Math.min(attempt - 1, 16)) * (0.5 + Math.random() / 2));
          logger.warn({ err: describeError(err), version: update.version, attempt, delayMs: delay }, 'model fetch failed, retrying');
          await this.sleep(delay);
          continue;
        }
        const code = isThreatlabError(err) ? err.code : 'THREATLAB_INTERNAL';
        this.lastRefusal = { role, version: update.version, uri: update.uri, reason: describeError(err), code, at: Date.now() };
        metrics.refusals.inc({ role, reason: code });
        logger.error({ role, version: update.version, uri: update.uri, code, err: describeError(err) }, 'model update refused; the current model keeps serving');
        return;
      }
    }
  }

  private swapIn(role: ModelRole, model: ReadyModel): void {
    const previous = this.current[role];
    this.current[role] = model;
    for (const listener of this.listeners) listener(role, model);
    const { metrics } = this.options;
    if (previous) {
      metrics.modelInfo.remove({ role, name: previous.ref.name, version: previous.ref.version, feature_spec_hash: previous.ref.featureSpecHash });
    }
    metrics.modelInfo.set({ role, name: model.ref.name, version: model.ref.version, feature_spec_hash: model.ref.featureSpecHash }, 1);
    metrics.swaps.inc({ role });
    this.swaps++;
    this.options.logger.info({ role, name: model.ref.name, version: model.ref.version, from: previous?.ref.version ?? null }, 'model swapped in');
  }

  /**
   * Start-up without any message on the model topic: the registry's alias is the source
   * of truth. Hashes come from the version's tags when the registrar wrote them; else
   * only the bundle's own checksums are verified.
   */
  async fromRegistry(registry: ModelRegistry, role: ModelRole): Promise<boolean> {
    const alias = role === 'champion' ? this.options.alias : this.options.shadowAlias;
    if (!alias) return false;
    try {
      const version = await registry.getByAlias(this.options.modelName, alias);
      await this.handle({
        model: version.name, version: version.version, alias, uri: version.source,
        manifestSha256: version.tags[TAG_MANIFEST_SHA256] ?? '',
        featureSpecHash: version.tags[TAG_FEATURE_SPEC_HASH] ?? '',
        publishedAt: Date.now(),
      });
      return this.current[role] !== undefined;
    } catch (err) {
      this.options.logger.warn({ role, alias, err: describeError(err) }, 'no model from the registry alias');
      return false;
    }
  }
}
