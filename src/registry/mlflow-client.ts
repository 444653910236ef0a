/**
 * A small typed client for the MLflow tracking + model registry REST API (2.0 paths, as
 * served by MLflow 3.6): one method per endpoint, typed entities, nothing else. We do not
 * use the `mlflow` npm package: we need exact control of retries, timeouts and error
 * mapping, and the handful of endpoints below is less code than adapting it.
 *
 * Failures: network errors, 5xx and 429 are retried with backoff, then become
 * THREATLAB_REGISTRY_UNAVAILABLE; RESOURCE_DOES_NOT_EXIST (and MLflow's 400 for a
 * missing alias) becomes THREATLAB_NOT_FOUND; RESOURCE_ALREADY_EXISTS becomes
 * THREATLAB_CONFLICT; other 4xx are THREATLAB_INPUT with MLflow's own message.
 */
import { ThreatlabError } from '../errors/index.js';
import { withRetry } from '../errors/retry.js';

export interface MlflowTag { key: string; value: string }

export interface MlflowRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: MlflowModelVersion[];
  tags?: MlflowTag[];
  aliases?: Array<{ alias: string; version: string }>;
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  tags?: MlflowTag[];
  aliases?: string[];
}

export interface MlflowExperiment { experiment_id: string; name: string; artifact_location?: string; lifecycle_stage?: string }

export interface MlflowRunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status?: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
}

export interface MlflowMetric { key: string; value: number; timestamp: number; step?: number }

export interface MlflowClientOptions {
  trackingUri: string;
  /** Attempts per call, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

class MlflowHttpError extends Error {
  constructor(readonly status: number, readonly errorCode: string, message: string) {
    super(message);
  }
}

export class MlflowClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: MlflowClientOptions) {
    this.base = `${options.trackingUri.replace(/\/+$/, '')}/api/2.0/mlflow`;
    this.fetchImpl = options.fetch ?? fetch;
  }

  // ── registered models ──────────────────────────────────────────────────────
  async createRegisteredModel(name: string, options: { description?: string; tags?: MlflowTag[] } = {}): Promise<MlflowRegisteredModel> {
    return (await this.post<{ registered_model: MlflowRegisteredModel }>('registered-models/create', { name, ...options })).registered_model;
  }

  async getRegisteredModel(name: string): Promise<MlflowRegisteredModel> {
    return (await this.get<{ registered_model: MlflowRegisteredModel }>('registered-models/get', { name })).registered_model;
  }

  async searchRegisteredModels(options: { filter?: string; maxResults?: number; pageToken?: string } = {}): Promise<{ registered_models?: MlflowRegisteredModel[]; next_page_token?: string }> {
    return this.get('registered-models/search', { filter: options.filter, max_results: options.maxResults ?? 100, page_token: options.pageToken });
  }

  async updateRegisteredModel(name: string, description: string): Promise<MlflowRegisteredModel> {
    return (await this.send<{ registered_model: MlflowRegisteredModel }>('PATCH', 'registered-models/update', { name, description })).registered_model;
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.post('registered-models/set-tag', { name, key, value });
  }

  // ── aliases ────────────────────────────────────────────────────────────────
  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.post('registered-models/alias', { name, alias, version });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.send('DELETE', 'registered-models/alias', { name, alias });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion> {
    return (await this.get<{ model_version: MlflowModelVersion }>('registered-models/alias', { name, alias })).model_version;
  }

  // ── model versions ─────────────────────────────────────────────────────────
  async createModelVersion(name: string, source: string, options: { runId?: string; description?: string; tags?: MlflowTag[] } = {}): Promise<MlflowModelVersion> {
    const body = { name, source, run_id: options.runId, description: options.description, tags: options.tags };
    return (await this.post<{ model_version: MlflowModelVersion }>('model-versions/create', body)).model_version;
  }

  async getModelVersion(name: string, version: string): Promise<MlflowModelVersion> {
    return (await this.get<{ model_version: MlflowModelVersion }>('model-versions/get', { name, version })).model_version;
  }

  async searchModelVersions(options: { filter?: string; maxResults?: number; pageToken?: string } = {}): Promise<{ model_versions?: MlflowModelVersion[]; next_page_token?: string }> {
    return this.get('model-versions/search', { filter: options.filter, max_results: options.maxResults ?? 1000, page_token: options.pageToken });
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.post('model-versions/set-tag', { name, version, key, value });
  }

  // ── experiments and runs ───────────────────────────────────────────────────
  async getExperimentByName(name: string): Promise<MlflowExperiment> {
    return (await this.get<{ experiment: MlflowExperiment }>('experiments/get-by-name', { experiment_name: name })).experiment;
  }

  async createExperiment(name: string, artifactLocation?: string): Promise<string> {
    return (await this.post<{ experiment_id: string }>('experiments/create', { name, artifact_location: artifactLocation })).experiment_id;
  }

  async createRun(experimentId: string, options: { runName?: string; startTime?: number; tags?: MlflowTag[] } = {}): Promise<MlflowRunInfo> {
    const body = { experiment_id: experimentId, run_name: options.runName, start_time: options.startTime ?? Date.now(), tags: options.tags };
    return (await this.post<{ run: { info: MlflowRunInfo } }>('runs/create', body)).run.info;
  }

  async logParameter(runId: string, key: string, value: string): Promise<void> {
    await this.post('runs/log-parameter', { run_id: runId, key, value });
  }

  async logMetric(runId: string, metric: MlflowMetric): Promise<void> {
    await this.post('runs/log-metric', { run_id: runId, ...metric });
  }

  /** MLflow caps a batch at 1000 metrics, 100 params and 100 tags; callers split above that. */
  async logBatch(runId: string, batch: { metrics?: MlflowMetric[]; params?: MlflowTag[]; tags?: MlflowTag[] }): Promise<void> {
    await this.post('runs/log-batch', { run_id: runId, ...batch });
  }

  async setRunTag(runId: string, key: string, value: string): Promise<void> {
    await this.post('runs/set-tag', { run_id: runId, key, value });
  }

  async updateRun(runId: string, status: 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED', endTime?: number): Promise<MlflowRunInfo> {
    return (await this.post<{ run_info: MlflowRunInfo }>('runs/update', { run_id: runId, status, end_time: endTime ?? Date.now() })).run_info;
  }

  // ── transport ──────────────────────────────────────────────────────────────
  private get<T>(path: string, query: Query): Promise<T> {
    return this.send<T>('GET', path, undefined, query);
  }

  private post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  private async send<T = unknown>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const url = new URL(`${this.base}/${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const action = `${method} ${path}`;
    try {
      return await withRetry(async () => {
        let res: Response;
        try {
          res = await this.fetchImpl(url, {
            method,
            headers: body === undefined ? undefined : { 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
          });
        } catch (cause) {
          throw new ThreatlabError('THREATLAB_REGISTRY_UNAVAILABLE', networkReason(cause), { cause });
        }
        const text = await res.text();
        if (res.ok) return (text ? JSON.parse(text) : {}) as T;
        let parsed: { error_code?: string; message?: string } = {};
        try {
          parsed = JSON.parse(text) as typeof parsed;
        } catch {
          parsed = { message: text.slice(0, 200) };
        }
        const httpError = new MlflowHttpError(res.status, parsed.error_code ?? `HTTP_${res.status}`, parsed.message ?? res.statusText);
        if (res.status >= 500 || res.status === 429) {
          throw new ThreatlabError('THREATLAB_REGISTRY_UNAVAILABLE', `HTTP ${res.status} ${httpError.message}`.trim(), { cause: httpError });
        }
        throw httpError;
      }, { attempts: this.options.attempts ?? 4, baseDelayMs: this.options.baseDelayMs ?? 250 });
    } catch (err) {
      throw this.mapError(action, err);
    }
  }

  private mapError(action: string, err: unknown): ThreatlabError {
    if (err instanceof ThreatlabError) {
      if (err.code !== 'THREATLAB_REGISTRY_UNAVAILABLE') return err;
      return new ThreatlabError('THREATLAB_REGISTRY_UNAVAILABLE', `MLflow at ${this.options.trackingUri} unavailable (${action}): ${err.message}`, { cause: err.cause ?? err });
    }
    if (err instanceof MlflowHttpError) {
      const details = { status: err.status, mlflowError: err.errorCode, action };
      if (err.errorCode === 'RESOURCE_DOES_NOT_EXIST' || err.status === 404 || /alias .* not found/i.test(err.message)) {
        return new ThreatlabError('THREATLAB_NOT_FOUND', err.message, { cause: err, details });
      }
      if (err.errorCode === 'RESOURCE_ALREADY_EXISTS') return new ThreatlabError('THREATLAB_CONFLICT', err.message, { cause: err, details });
      if (err.status === 401 || err.status === 403) return new ThreatlabError('THREATLAB_UNAUTHORIZED', `MLflow refused ${action}: ${err.message}`, { cause: err, details });
      return new ThreatlabError('THREATLAB_INPUT', `MLflow refused ${action}: ${err.message}`, { cause: err, details });
    }
    return new ThreatlabError('THREATLAB_INTERNAL', `MLflow ${action}: ${(err as Error).message ?? String(err)}`, { cause: err });
  }
}

/** fetch hides the real reason (ECONNREFUSED, timeout) in `cause`; surface it. */
function networkReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'request timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
