/**
 * ModelRegistry on an MLflow tracking server. Aliases are MLflow's own (so the MLflow UI
 * and Python client see them); the alias history MLflow lacks is kept as registered-model
 * tags, one per move — `threatlab.alias_move.<epoch-ms>.<random>` = JSON of the move —
 * append-only, visible in the MLflow UI, and stored in the same database as the alias,
 * so no second system has to be up for an audit trail to exist.
 */
import { randomBytes } from 'node:crypto';
import { ThreatlabError } from '../errors/index.js';
import { MlflowClient, type MlflowModelVersion, type MlflowRegisteredModel, type MlflowTag } from './mlflow-client.js';
import { ALIAS_MOVE_TAG_PREFIX, validateAlias, validateModelName, validateVersion } from './naming.js';
import type { AliasAudit, AliasMove, ModelRegistry, ModelVersion, RegisteredModel, RunInput, RunRecord } from './types.js';

const toTags = (tags: Record<string, string> = {}): MlflowTag[] => Object.entries(tags).map(([key, value]) => ({ key, value }));
const fromTags = (tags: MlflowTag[] = []): Record<string, string> => Object.fromEntries(tags.map((t) => [t.key, t.value]));
/** MLflow caps tag values (5000 chars for registered-model tags on some stores); a reason need not be longer. */
const MAX_WHY = 1000;

export class MlflowRegistry implements ModelRegistry {
  readonly kind = 'mlflow' as const;

  constructor(readonly client: MlflowClient) {}

  private toModel(m: MlflowRegisteredModel): RegisteredModel {
    const tags = fromTags(m.tags);
    for (const key of Object.keys(tags)) if (key.startsWith(ALIAS_MOVE_TAG_PREFIX)) delete tags[key];
    return {
      name: m.name,
      description: m.description || undefined,
      tags,
      aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, a.version])),
      latestVersions: (m.latest_versions ?? []).map((v) => v.version),
      createdAt: m.creation_timestamp ?? 0,
      updatedAt: m.last_updated_timestamp ?? 0,
    };
  }

  private toVersion(v: MlflowModelVersion): ModelVersion {
    return {
      name: v.name,
      version: v.version,
      source: v.source ?? '',
      runId: v.run_id || undefined,
      description: v.description || undefined,
      tags: fromTags(v.tags),
      aliases: [...(v.aliases ?? [])].sort(),
      createdAt: v.creation_timestamp ?? 0,
    };
  }

  async createModel(name: string, options: { description?: string; tags?: Record<string, string> } = {}): Promise<RegisteredModel> {
    return this.toModel(await this.client.createRegisteredModel(validateModelName(name), { description: options.description, tags: toTags(options.tags) }));
  }

  async getModel(name: string): Promise<RegisteredModel> {
    return this.toModel(await this.client.getRegisteredModel(validateModelName(name)));
  }

  async listModels(): Promise<RegisteredModel[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.client.searchRegisteredModels({ pageToken });
      for (const m of page.registered_models ?? []) names.push(m.name);
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    // search does not return aliases on every MLflow store; get does.
    const models = await Promise.all(names.map((n) => this.client.getRegisteredModel(n)));
    return models.map((m) => this.toModel(m)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async createVersion(name: string, source: string, options: { runId?: string; description?: string; tags?: Record<string, string> } = {}): Promise<ModelVersion> {
    if (!source) throw new ThreatlabError('THREATLAB_INPUT', 'a model version needs a source URI');
    const v = await this.client.createModelVersion(validateModelName(name), source, { runId: options.runId, description: options.description, tags: toTags(options.tags) });
    return this.toVersion(v);
  }

  async getVersion(name: string, version: string): Promise<ModelVersion> {
    return this.toVersion(await this.client.getModelVersion(validateModelName(name), validateVersion(version)));
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    await this.client.getRegisteredModel(validateModelName(name)); // NOT_FOUND for an unknown model, as embedded
    const out: MlflowModelVersion[] = [];
    let pageToken: string | undefined;
    const filter = `name='${name.replaceAll("'", "\\'")}'`;
    do {
      const page = await this.client.searchModelVersions({ filter, pageToken });
      out.push(...(page.model_versions ?? []));
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    // search omits aliases on some stores: take them from the model.
    const aliases = this.toModel(await this.client.getRegisteredModel(name)).aliases;
    return out
      .map((v) => ({ ...this.toVersion(v), aliases: Object.keys(aliases).filter((a) => aliases[a] === v.version).sort() }))
      .sort((a, b) => Number(a.version) - Number(b.version));
  }

  async getByAlias(name: string, alias: string): Promise<ModelVersion> {
    try {
      return this.toVersion(await this.client.getModelVersionByAlias(validateModelName(name), validateAlias(alias)));
    } catch (err) {
      if (err instanceof ThreatlabError && err.code === 'THREATLAB_NOT_FOUND') {
        throw new ThreatlabError('THREATLAB_NOT_FOUND', `${name}@${alias}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }

  async setVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.client.setModelVersionTag(validateModelName(name), validateVersion(version), key, value);
  }

  private async currentAlias(name: string, alias: string): Promise<string | null> {
    return this.toModel(await this.client.getRegisteredModel(name)).aliases[alias] ?? null;
  }

  private async record(move: AliasMove): Promise<AliasMove> {
    const key = `${ALIAS_MOVE_TAG_PREFIX}${String(move.at).padStart(13, '0')}.${randomBytes(3).toString('hex')}`;
    const { name: _name, ...stored } = move;
    await this.client.setRegisteredModelTag(move.name, key, JSON.stringify({ ...stored, why: stored.why.slice(0, MAX_WHY) }));
    return move;
  }

  async setAlias(name: string, alias: string, version: string, audit: AliasAudit): Promise<AliasMove> {
    validateModelName(name);
    validateAlias(alias);
    validateVersion(version);
    await this.client.getModelVersion(name, version); // a clear NOT_FOUND before anything moves
    const from = await this.currentAlias(name, alias);
    await this.client.setRegisteredModelAlias(name, alias, version);
    // The alias has moved; the history entry follows. If MLflow fails in between, the
    // error surfaces (the caller publishes nothing) and re-running records it.
    return this.record({ name, alias, from, to: version, kind: audit.kind ?? 'set', who: audit.who, why: audit.why, at: Date.now() });
  }

  async deleteAlias(name: string, alias: string, audit: { who: string; why: string }): Promise<AliasMove> {
    validateModelName(name);
    validateAlias(alias);
    const from = await this.currentAlias(name, alias);
    if (from === null) throw new ThreatlabError('THREATLAB_NOT_FOUND', `${name}@${alias}: no such alias`);
    await this.client.deleteRegisteredModelAlias(name, alias);
    return this.record({ name, alias, from, to: null, kind: 'delete', who: audit.who, why: audit.why, at: Date.now() });
  }

  async aliasHistory(name: string, alias?: string): Promise<AliasMove[]> {
    const model = await this.client.getRegisteredModel(validateModelName(name));
    const moves: Array<{ key: string; move: AliasMove }> = [];
    for (const tag of model.tags ?? []) {
      if (!tag.key.startsWith(ALIAS_MOVE_TAG_PREFIX)) continue;
      try {
        const parsed = JSON.parse(tag.value) as Omit<AliasMove, 'name'>;
        moves.push({ key: tag.key, move: { name, ...parsed } });
      } catch {
        // A hand-edited tag is not worth failing a rollback over; it is skipped.
      }
    }
    return moves
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((m) => m.move)
      .filter((m) => alias === undefined || m.alias === alias);
  }

  async logRun(run: RunInput): Promise<RunRecord> {
    let experimentId: string;
    try {
      experimentId = (await this.client.getExperimentByName(run.experiment)).experiment_id;
    } catch (err) {
      if (!(err instanceof ThreatlabError && err.code === 'THREATLAB_NOT_FOUND')) throw err;
      try {
        experimentId = await this.client.createExperiment(run.experiment);
      } catch (raced) {
        // Another trainer created it between our get and create.
        if (!(raced instanceof ThreatlabError && raced.code === 'THREATLAB_CONFLICT')) throw raced;
        experimentId = (await this.client.getExperimentByName(run.experiment)).experiment_id;
      }
    }
    const info = await this.client.createRun(experimentId, { runName: run.runName, tags: toTags(run.tags) });
    const at = Date.now();
    const params = Object.entries(run.params).map(([key, value]) => ({ key, value: String(value) }));
    const metrics = Object.entries(run.metrics).filter(([, v]) => Number.isFinite(v)).map(([key, value]) => ({ key, value, timestamp: at, step: 0 }));
    for (let i = 0; i < Math.max(params.length, metrics.length); i += 100) {
      await this.client.logBatch(info.run_id, { params: params.slice(i, i + 100), metrics: metrics.slice(i, i + 100) });
    }
    await this.client.updateRun(info.run_id, 'FINISHED');
    return { runId: info.run_id, experimentId };
  }
}
