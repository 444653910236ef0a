/**
 * What serving needs from events, features and models, in one narrow shape. `runtime.ts`
 * builds it from those folders' public entries; everything else in src/serving codes
 * against this file, so a change there is adapted in one place.
 */
import type { Activity } from '../events/activity.js';
import type { Score } from '../models/types.js';
import type { ArtifactStore, ModelUpdateMessage } from '../registry/types.js';

/** Which model a score came from (the registry's coordinates plus what was verified). */
export interface ModelRef {
  name: string;
  version: string;
  alias: string;
  uri: string;
  manifestSha256: string;
  featureSpecHash: string;
}

/** A verified, warmed-up model, ready to be swapped in. Opaque to serving. */
export interface ReadyModel {
  readonly ref: ModelRef;
  readonly loadedAt: number;
  /** The alert threshold and other facts for /v1/model. */
  readonly summary: Record<string, unknown>;
}

/**
 * Live per-user profiles plus the current model. One per instance and role: partitions
 * share it (users never straddle partitions), and checkpoints cut it by user.
 */
export interface PartitionPipeline {
  /** Features from the live profiles (updating them), then scores; one Score per activity, same order. */
  scoreBatch(activities: Activity[]): Score[];
  swapModel(model: ReadyModel): void;
  /** Serialised profiles of these users (and their tenants): one partition's checkpoint. */
  snapshotUsers(users: Iterable<string>): Uint8Array;
  /** Adds a checkpoint's users, replacing same-named ones (the checkpoint is newer). */
  merge(bytes: Uint8Array): void;
}

/** One input message → its enriched Activities (a few vendor records hold several events) or why not. */
export type DecodeResult =
  /** `rejections`: parts of a multi-event record that could not be normalised (each becomes a dead letter). */
  | { ok: true; activities: Activity[]; rejections?: { reason: string; detail: string }[] }
  | { ok: false; reason: string; detail: string };

export interface ServingRuntime {
  /** The feature-spec hash of this build's feature code: a model trained on another spec is refused. */
  readonly featureSpecHash: string;
  /** Fetches, verifies (sha256 + feature spec) and warms up the bundle named by an update. */
  loadModel(store: ArtifactStore, update: ModelUpdateMessage): Promise<ReadyModel>;
  /** A pipeline whose profiles start from the model's training replay (warm start). */
  newPipeline(model: ReadyModel): PartitionPipeline;
  /** One input message (raw vendor record or Activity, per `format`) → an enriched Activity or a reason. */
  decode(text: string, format: string): DecodeResult;
  /** An already-parsed value (HTTP bodies) → an enriched Activity or a reason. */
  decodeValue(value: unknown, format: string): DecodeResult;
}
