/**
 * The no-set-up registry: one JSON document per model under `<stateDir>/registry/models/`,
 * holding the model, its versions, its aliases and the alias history; runs under
 * `<stateDir>/registry/runs/`. Same entities, version numbering and alias rules as
 * MLflow. Every write is read-modify-write under a lock file, then an atomic rename, so
 * two processes never lose each other's update and a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ThreatlabError } from '../errors/index.js';
import { withFileLock } from './file-lock.js';
import { validateAlias, validateModelName, validateVersion } from './naming.js';
import type { AliasAudit, AliasMove, ModelRegistry, ModelVersion, RegisteredModel, RunInput, RunRecord } from './types.js';

interface StoredVersion extends Omit<ModelVersion, 'aliases'> {
  updatedAt: number;
}

interface ModelDocument {
  formatVersion: 1;
  name: string;
  description?: string;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  versions: StoredVersion[];
  aliases: Record<string, string>;
  history: AliasMove[];
}

const FILE_SUFFIX = '.json';

async function writeAtomic(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await fs.open(tmp, 'w', 0o644);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export class EmbeddedRegistry implements ModelRegistry {
  readonly kind = 'embedded' as const;
  private readonly modelsDir: string;
  private readonly runsDir: string;

  /** @param dir the registry folder, normally `<stateDir>/registry`. */
  constructor(readonly dir: string, private readonly now: () => number = Date.now) {
    this.modelsDir = path.join(dir, 'models');
    this.runsDir = path.join(dir, 'runs');
  }

  private fileOf(name: string): string {
    // Encoded so that any MLflow-legal name is a safe single file name.
    return path.join(this.modelsDir, `${encodeURIComponent(validateModelName(name))}${FILE_SUFFIX}`);
  }

  private async read(name: string): Promise<ModelDocument | null> {
    try {
      return JSON.parse(await fs.readFile(this.fileOf(name), 'utf8')) as ModelDocument;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (err instanceof SyntaxError) throw new ThreatlabError('THREATLAB_INTERNAL', `embedded registry file for ${name} is corrupt: ${this.fileOf(name)}`, { cause: err });
      throw err;
    }
  }

  private async mustRead(name: string): Promise<ModelDocument> {
    const doc = await this.read(name);
    if (!doc) throw new ThreatlabError('THREATLAB_NOT_FOUND', `registered model ${JSON.stringify(name)} not found`);
    return doc;
  }

  /** Read-modify-write under the model's lock; `change` returns what the caller gets back. */
  private async update<T>(name: string, change: (doc: ModelDocument | null) => { doc: ModelDocument; result: T }): Promise<T> {
    const file = this.fileOf(name);
    await fs.mkdir(this.modelsDir, { recursive: true });
    return withFileLock(`${file}.lock`, async () => {
      const { doc, result } = change(await this.read(name));
      await writeAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
      return result;
    });
  }

  private toModel(doc: ModelDocument): RegisteredModel {
    return {
      name: doc.name,
      description: doc.description,
      tags: { ...doc.tags },
      aliases: { ...doc.aliases },
      latestVersions: doc.versions.length ? [doc.versions[doc.versions.length - 1].version] : [],
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    };
  }

  private toVersion(doc: ModelDocument, v: StoredVersion): ModelVersion {
    const aliases = Object.entries(doc.aliases).filter(([, version]) => version === v.version).map(([alias]) => alias).sort();
    return { name: v.name, version: v.version, source: v.source, runId: v.runId, description: v.description, tags: { ...v.tags }, aliases, createdAt: v.createdAt };
  }

  private findVersion(doc: ModelDocument, version: string): StoredVersion {
    const found = doc.versions.find((v) => v.version === validateVersion(version));
    if (!found) throw new ThreatlabError('THREATLAB_NOT_FOUND', `model version ${doc.name}/${version} not found (versions: ${doc.versions.map((v) => v.version).join(', ') || 'none'})`);
    return found;
  }

  async createModel(name: string, options: { description?: string; tags?: Record<string, string> } = {}): Promise<RegisteredModel> {
    return this.update(name, (existing) => {
      if (existing) throw new ThreatlabError('THREATLAB_CONFLICT', `registered model ${JSON.stringify(name)} already exists`);
      const at = this.now();
      const doc: ModelDocument = { formatVersion: 1, name, description: options.description, tags: { ...options.tags }, createdAt: at, updatedAt: at, versions: [], aliases: {}, history: [] };
      return { doc, result: this.toModel(doc) };
    });
  }

  async getModel(name: string): Promise<RegisteredModel> {
    return this.toModel(await this.mustRead(name));
  }

  async listModels(): Promise<RegisteredModel[]> {
    let files: string[];
    try {
      files = await fs.readdir(this.modelsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const names = files.filter((f) => f.endsWith(FILE_SUFFIX)).map((f) => decodeURIComponent(f.slice(0, -FILE_SUFFIX.length)));
    const docs = await Promise.all(names.map((n) => this.read(n)));
    return docs.filter((d): d is ModelDocument => d !== null).map((d) => this.toModel(d)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async createVersion(name: string, source: string, options: { runId?: string; description?: string; tags?: Record<string, string> } = {}): Promise<ModelVersion> {
    if (!source) throw new ThreatlabError('THREATLAB_INPUT', 'a model version needs a source URI');
    return this.update(name, (doc) => {
      if (!doc) throw new ThreatlabError('THREATLAB_NOT_FOUND', `registered model ${JSON.stringify(name)} not found`);
      const at = this.now();
      const last = doc.versions.length ? Number(doc.versions[doc.versions.length - 1].version) : 0;
      const v: StoredVersion = { name, version: String(last + 1), source, runId: options.runId, description: options.description, tags: { ...options.tags }, createdAt: at, updatedAt: at };
      doc.versions.push(v);
      doc.updatedAt = at;
      return { doc, result: this.toVersion(doc, v) };
    });
  }

  async getVersion(name: string, version: string): Promise<ModelVersion> {
    const doc = await this.mustRead(name);
    return this.toVersion(doc, this.findVersion(doc, version));
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    const doc = await this.mustRead(name);
    return doc.versions.map((v) => this.toVersion(doc, v));
  }

  async getByAlias(name: string, alias: string): Promise<ModelVersion> {
    validateAlias(alias);
    const doc = await this.mustRead(name);
    const version = doc.aliases[alias];
    if (!version) throw new ThreatlabError('THREATLAB_NOT_FOUND', `${name}@${alias}: no such alias (aliases: ${Object.keys(doc.aliases).sort().join(', ') || 'none'})`);
    return this.toVersion(doc, this.findVersion(doc, version));
  }

  async setVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.update(name, (doc) => {
      if (!doc) throw new ThreatlabError('THREATLAB_NOT_FOUND', `registered model ${JSON.stringify(name)} not found`);
      const v = this.findVersion(doc, version);
      v.tags[key] = value;
      v.updatedAt = this.now();
      return { doc, result: undefined };
    });
  }

  async setAlias(name: string, alias: string, version: string, audit: AliasAudit): Promise<AliasMove> {
    validateAlias(alias);
    return this.update(name, (doc) => {
      if (!doc) throw new ThreatlabError('THREATLAB_NOT_FOUND', `registered model ${JSON.stringify(name)} not found`);
      this.findVersion(doc, version);
      const move: AliasMove = { name, alias, from: doc.aliases[alias] ?? null, to: version, kind: audit.kind ?? 'set', who: audit.who, why: audit.why, at: this.now() };
      doc.aliases[alias] = version;
      doc.history.push(move);
      doc.updatedAt = move.at;
      return { doc, result: move };
    });
  }

  async deleteAlias(name: string, alias: string, audit: { who: string; why: string }): Promise<AliasMove> {
    validateAlias(alias);
    return this.update(name, (doc) => {
      if (!doc) throw new ThreatlabError('THREATLAB_NOT_FOUND', `registered model ${JSON.stringify(name)} not found`);
      const from = doc.aliases[alias];
      if (!from) throw new ThreatlabError('THREATLAB_NOT_FOUND', `${name}@${alias}: no such alias`);
      const move: AliasMove = { name, alias, from, to: null, kind: 'delete', who: audit.who, why: audit.why, at: this.now() };
      delete doc.aliases[alias];
      doc.history.push(move);
      doc.updatedAt = move.at;
      return { doc, result: move };
    });
  }

  async aliasHistory(name: string, alias?: string): Promise<AliasMove[]> {
    const doc = await this.mustRead(name);
    return doc.history.filter((m) => alias === undefined || m.alias === alias);
  }

  async logRun(run: RunInput): Promise<RunRecord> {
    const runId = randomBytes(16).toString('hex');
    const record = { runId, experimentId: run.experiment, ...run, startedAt: this.now() };
    await writeAtomic(path.join(this.runsDir, `${runId}.json`), `${JSON.stringify(record, null, 2)}\n`);
    return { runId, experimentId: run.experiment };
  }
}
