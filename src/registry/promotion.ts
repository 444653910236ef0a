/**
 * Promotion, rollback and re-publication. The registry is the source of truth and is
 * written first; the model topic is told second (outbox order). Before anything moves,
 * the bundle is read back and checked against its manifest, and the bus is connected,
 * so that a missing version, a corrupt bundle or an unreachable Kafka changes nothing.
 * Publishing the same alias again is harmless: the message carries the version, and
 * serving ignores a version it already runs; the topic is compacted by `model@alias`.
 */
import { ThreatlabError } from '../errors/index.js';
import type { BusProducer, EventBus } from '../streaming/types.js';
import { rollbackTarget } from './alias-history.js';
import { readBundleFacts, verifyBundle } from './bundle-files.js';
import { TAG_FEATURE_SPEC_HASH, TAG_MANIFEST_SHA256, validateAlias, validateVersion } from './naming.js';
import type { AliasMove, ArtifactStore, ModelRegistry, ModelUpdateMessage, ModelVersion } from './types.js';

export interface PromotionDeps {
  registry: ModelRegistry;
  store: ArtifactStore;
  bus: EventBus;
  /** `config.topics.models`. */
  topic: string;
  now?: () => number;
  log?: (line: string) => void;
}

export interface PromoteInput {
  name: string;
  version: string;
  alias: string;
  who: string;
  why: string;
}

export interface PromotionResult {
  /** The recorded move; null when the alias already pointed at this version (published again only). */
  move: AliasMove | null;
  message: ModelUpdateMessage;
}

/** Key of a model-topic message: compaction keeps the newest message per model and alias. */
export function modelTopicKey(model: string, alias: string): string {
  return `${model}@${alias}`;
}

export function encodeModelUpdate(message: ModelUpdateMessage): { key: string; value: Buffer; headers: Record<string, string> } {
  return { key: modelTopicKey(message.model, message.alias), value: Buffer.from(JSON.stringify(message)), headers: { 'content-type': 'application/json' } };
}

/**
 * Checks the version's bundle file by file and returns its hashes. Tags written at
 * registration must agree with the bundle; a version registered by another tool
 * (no tags) gets them now, so serving and the MLflow UI can see what it runs.
 */
async function checkedFacts(deps: PromotionDeps, v: ModelVersion): Promise<{ manifestSha256: string; featureSpecHash: string }> {
  const { facts } = await verifyBundle(deps.store, v.source, v.tags[TAG_MANIFEST_SHA256]);
  const taggedSpec = v.tags[TAG_FEATURE_SPEC_HASH];
  if (taggedSpec && taggedSpec !== facts.featureSpecHash) {
    throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH', `${v.name}/${v.version} is tagged with feature spec ${taggedSpec}, but its bundle says ${facts.featureSpecHash}`);
  }
  if (!v.tags[TAG_MANIFEST_SHA256]) await deps.registry.setVersionTag(v.name, v.version, TAG_MANIFEST_SHA256, facts.manifestSha256);
  if (!taggedSpec) await deps.registry.setVersionTag(v.name, v.version, TAG_FEATURE_SPEC_HASH, facts.featureSpecHash);
  return { manifestSha256: facts.manifestSha256, featureSpecHash: facts.featureSpecHash };
}

async function openProducer(deps: PromotionDeps): Promise<BusProducer> {
  await deps.bus.ensureTopics([{ name: deps.topic, partitions: 1, compacted: true }]);
  return deps.bus.producer();
}

async function moveAndPublish(deps: PromotionDeps, input: PromoteInput, kind: 'set' | 'rollback'): Promise<PromotionResult> {
  const { registry } = deps;
  validateAlias(input.alias);
  validateVersion(input.version);
  const version = await registry.getVersion(input.name, input.version);
  const facts = await checkedFacts(deps, version);
  const producer = await openProducer(deps);
  try {
    const current = await registry.getByAlias(input.name, input.alias).then((v) => v.version, (err: unknown) => {
      if (err instanceof ThreatlabError && err.code === 'THREATLAB_NOT_FOUND') return null;
      throw err;
    });
    const move = current === input.version
      ? null
      : await registry.setAlias(input.name, input.alias, input.version, { who: input.who, why: input.why, kind });
    const message: ModelUpdateMessage = {
      model: input.name, version: input.version, alias: input.alias, uri: version.source,
      manifestSha256: facts.manifestSha256, featureSpecHash: facts.featureSpecHash, publishedAt: (deps.now ?? Date.now)(),
    };
    try {
      await producer.send(deps.topic, [encodeModelUpdate(message)]);
    } catch (cause) {
      throw new ThreatlabError('THREATLAB_BUS_UNAVAILABLE', `${input.name}@${input.alias} now points at version ${input.version} in the registry, but the model topic was not told: run \`threatlab models publish ${input.name}\` when Kafka is back`, { cause });
    }
    deps.log?.(`${input.name}@${input.alias} → version ${input.version}${move ? ` (was ${move.from ?? 'unset'})` : ' (unchanged)'}; published to ${deps.topic}`);
    return { move, message };
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** Points `alias` at `version` (registry first) and tells every serving instance. */
export function promote(deps: PromotionDeps, input: PromoteInput): Promise<PromotionResult> {
  return moveAndPublish(deps, input, 'set');
}

/** Moves `alias` back to the version it pointed at before the current one (see alias-history.ts). */
export async function rollback(deps: PromotionDeps, input: Omit<PromoteInput, 'version'>): Promise<PromotionResult> {
  validateAlias(input.alias);
  const current = await deps.registry.getByAlias(input.name, input.alias);
  const history = await deps.registry.aliasHistory(input.name, input.alias);
  const target = rollbackTarget(history, input.name, input.alias, current.version);
  return moveAndPublish(deps, { ...input, version: target }, 'rollback');
}

/** The message for an alias as the registry has it now (hashes from tags, else from the manifest). */
async function currentMessage(deps: PromotionDeps, v: ModelVersion, alias: string, at: number): Promise<ModelUpdateMessage> {
  let manifestSha256 = v.tags[TAG_MANIFEST_SHA256];
  let featureSpecHash = v.tags[TAG_FEATURE_SPEC_HASH];
  if (!manifestSha256 || !featureSpecHash) {
    const facts = await readBundleFacts(deps.store, v.source);
    manifestSha256 ||= facts.manifestSha256;
    featureSpecHash ||= facts.featureSpecHash;
  }
  return { model: v.name, version: v.version, alias, uri: v.source, manifestSha256, featureSpecHash, publishedAt: at };
}

/**
 * Re-publishes every current alias (of one model, or all): the outbox's recovery step
 * after a publish failed, and a way to seed a new or wiped model topic.
 */
export async function publishCurrentAliases(deps: PromotionDeps, options: { name?: string } = {}): Promise<ModelUpdateMessage[]> {
  const models = options.name ? [await deps.registry.getModel(options.name)] : await deps.registry.listModels();
  const at = (deps.now ?? Date.now)();
  const messages: ModelUpdateMessage[] = [];
  for (const model of models) {
    for (const [alias, version] of Object.entries(model.aliases).sort()) {
      messages.push(await currentMessage(deps, await deps.registry.getVersion(model.name, version), alias, at));
    }
  }
  if (messages.length === 0) return messages;
  const producer = await openProducer(deps);
  try {
    await producer.send(deps.topic, messages.map(encodeModelUpdate));
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return messages;
}
