/**
 * The stream scorer: one consumer-group member on the activities topic. Per input batch
 * it decodes every message (raw vendor record or Activity), scores the good ones with the
 * pipeline (the owned partitions' profiles, the current model; the partition batches of
 * one fetch in one call), and sends scores, alerts and dead letters in ONE acknowledged
 * `sendBatch` (shared with the fetch's other partitions); only then does the handler resolve,
 * so offsets are committed after the outputs exist (at-least-once; outputs carry
 * `eventId` for de-duplication). Every input becomes exactly one score or one dead
 * letter; nothing an input contains can throw out of the handler.
 */
import type { Logger } from 'pino';
import { describeError } from '../errors/index.js';
import type { Activity } from '../events/activity.js';
import type { Score } from '../models/types.js';
import { CoalescingSender } from '../streaming/coalescing-sender.js';
import type { BusConsumer, BusMessage, BusProducer, ConsumedBatch, ConsumedMessage, EventBus, TopicPartition } from '../streaming/types.js';
import type { CheckpointStore } from './checkpoints.js';
import type { ServingMetrics } from './metrics.js';
import type { ModelManager } from './model-manager.js';
import { MicroBatcher } from './micro-batcher.js';
import { RoleStats } from './role-stats.js';
import type { DecodeResult, PartitionPipeline, ServingRuntime } from './runtime-types.js';
import type { DeadLetter } from './schemas.js';
import { stringifyDeadLetter, stringifyScore } from './serializers.js';

const RAW_LIMIT = 64 * 1024;

export interface StreamTopics {
  activities: string;
  scores: string;
  alerts: string;
  deadLetter: string;
}

export interface StreamScorerOptions {
  bus: EventBus;
  producer: BusProducer;
  runtime: ServingRuntime;
  models: ModelManager;
  metrics: ServingMetrics;
  logger: Logger;
  topics: StreamTopics;
  groupId: string;
  inputFormat: string;
  checkpoints?: CheckpointStore;
  /** How often each owned partition's profiles are checkpointed. */
  checkpointIntervalMs?: number;
  maxBatchSize?: number;
  /** Owned partitions handled at once (default 8); their outputs share produce requests. */
  partitionsConcurrently?: number;
}

export class StreamScorer {
  private pipeline: PartitionPipeline | null = null;
  private shadowPipeline: PartitionPipeline | null = null;
  /** Users seen per owned partition: what that partition's checkpoint holds. */
  private readonly usersByPartition = new Map<number, Set<string>>();
  private readonly lastCheckpoint = new Map<number, number>();
  private readonly lag = new Map<number, number>();
  private consumer: BusConsumer | null = null;
  /** Outputs of concurrently handled partitions go out in one acknowledged request. */
  private readonly sender: CoalescingSender;
  /** ...and their events are scored in one pipeline call (partition order kept; a user lives in one partition). */
  private readonly batcher: MicroBatcher;
  private readonly shadowBatcher: MicroBatcher;
  readonly stats = { champion: new RoleStats(), shadow: new RoleStats() };
  /** Totals since start, for the demo summary and tests. */
  readonly totals = { inputs: 0, scored: 0, alerts: 0, deadLetters: 0, batches: 0 };
  /** Optional tap on every acknowledged batch of scores (the demo collects them). */
  onScores: ((scores: Score[], activities: Activity[]) => void) | null = null;

  constructor(private readonly options: StreamScorerOptions) {
    this.sender = new CoalescingSender(options.producer);
    // The model's cost per call (tfjs dispatch above all) is paid once per fetch, not once
    // per partition: at 5k events/s a fetch holds ~3 small partition batches.
    this.batcher = new MicroBatcher((activities) => this.ensurePipeline().scoreBatch(activities), 10_000);
    this.shadowBatcher = new MicroBatcher((activities) => {
      if (!this.shadowPipeline) throw new Error('no challenger loaded');
      return this.shadowPipeline.scoreBatch(activities);
    }, 10_000);
    options.models.onSwap((role, model) => {
      // Same feature spec (the runtime refuses others), so the live profiles stay.
      if (role === 'champion') this.pipeline?.swapModel(model);
      else if (this.shadowPipeline) this.shadowPipeline.swapModel(model);
      else this.shadowPipeline = options.runtime.newPipeline(model);
    });
  }

  async start(): Promise<void> {
    const o = this.options;
    this.consumer = o.bus.consumer({
      topics: [o.topics.activities],
      groupId: o.groupId,
      fromBeginning: true,
      maxBatchSize: o.maxBatchSize,
      partitionsConcurrently: o.partitionsConcurrently ?? 8,
      eachBatch: (batch) => this.onBatch(batch),
      onPartitionsAssigned: (tps) => this.onAssigned(tps),
      onPartitionsRevoked: (tps) => this.onRevoked(tps),
    });
    await this.consumer.run();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }

  /** Messages behind the end of the owned partitions, as of their last batches. */
  lagTotal(): number {
    let sum = 0;
    for (const lag of this.lag.values()) sum += lag;
    return sum;
  }

  /** Partitions this instance owns now. */
  ownedPartitions(): number[] {
    return [...this.usersByPartition.keys()].sort((a, b) => a - b);
  }

  /** The profiles start from the model's training replay (a warm start), created with the first model. */
  private ensurePipeline(): PartitionPipeline {
    if (this.pipeline) return this.pipeline;
    const model = this.options.models.champion;
    if (!model) throw new Error('no model loaded yet');
    this.pipeline = this.options.runtime.newPipeline(model);
    const shadow = this.options.models.shadow;
    if (shadow && !this.shadowPipeline) this.shadowPipeline = this.options.runtime.newPipeline(shadow);
    return this.pipeline;
  }

  private async onAssigned(tps: TopicPartition[]): Promise<void> {
    const pipeline = this.ensurePipeline();
    for (const tp of tps) {
      if (tp.topic !== this.options.topics.activities) continue;
      this.usersByPartition.set(tp.partition, new Set());
      this.lastCheckpoint.set(tp.partition, Date.now());
      const saved = await this.options.checkpoints?.load(tp.topic, tp.partition);
      if (!saved) continue;
      try {
        pipeline.merge(saved);
        this.options.metrics.checkpoints.inc({ outcome: 'restored' });
        this.options.logger.info({ partition: tp.partition, bytes: saved.byteLength }, 'profiles restored from checkpoint');
      } catch (err) {
        this.options.metrics.checkpoints.inc({ outcome: 'restore_failed' });
        this.options.logger.warn({ partition: tp.partition, err: describeError(err) }, 'checkpoint restore failed; using the model profiles');
      }
    }
  }

  private async onRevoked(tps: TopicPartition[]): Promise<void> {
    for (const tp of tps) {
      if (!this.usersByPartition.has(tp.partition)) continue;
      await this.checkpoint(tp.partition);
      this.usersByPartition.delete(tp.partition);
      this.lag.delete(tp.partition);
      this.options.metrics.consumerLag.remove({ topic: tp.topic, partition: String(tp.partition) });
    }
  }

  private async checkpoint(partition: number): Promise<void> {
    const store = this.options.checkpoints;
    const users = this.usersByPartition.get(partition);
    if (!store || !this.pipeline || !users) return;
    try {
      await store.save(this.options.topics.activities, partition, this.pipeline.snapshotUsers(users));
      this.options.metrics.checkpoints.inc({ outcome: 'saved' });
    } catch (err) {
      this.options.metrics.checkpoints.inc({ outcome: 'save_failed' });
      this.options.logger.warn({ partition, err: describeError(err) }, 'checkpoint save failed');
    }
    this.lastCheckpoint.set(partition, Date.now());
  }

  /** Writes every owned partition's checkpoint now (shutdown). */
  async checkpointAll(): Promise<void> {
    for (const p of this.usersByPartition.keys()) await this.checkpoint(p);
  }

  private deadLetter(m: ConsumedMessage, reason: string, detail: string): DeadLetter {
    const raw = m.value === null ? '' : m.value.toString('utf8', 0, Math.min(m.value.length, RAW_LIMIT));
    return { reason, detail, raw, topic: m.topic, partition: m.partition, offset: m.offset, at: Date.now() };
  }

  private async onBatch(batch: ConsumedBatch): Promise<void> {
    const o = this.options;
    const started = performance.now();
    this.ensurePipeline(); // no model yet: the batch fails before any output and is redelivered
    let users = this.usersByPartition.get(batch.partition);
    if (!users) {
      users = new Set();
      this.usersByPartition.set(batch.partition, users);
    }
    const activities: Activity[] = [];
    const sources: ConsumedMessage[] = [];
    const letters: DeadLetter[] = [];
    for (const m of batch.messages) {
      if (m.value === null || m.value.length === 0) {
        letters.push(this.deadLetter(m, 'empty_message', 'the message has no value'));
        continue;
      }
      let result: DecodeResult;
      try {
        result = o.runtime.decode(m.value.toString('utf8'), o.inputFormat);
      } catch (err) {
        result = { ok: false, reason: 'decode_failed', detail: describeError(err) };
      }
      if (result.ok && result.activities.length === 0) result = { ok: false, reason: 'no_events', detail: 'the record holds no events' };
      if (result.ok) {
        for (const a of result.activities) {
          activities.push(a);
          sources.push(m);
          users.add(a.user);
        }
        // One dead letter per message, so an offset ends as its good events' scores plus at most one letter.
        const parts = result.rejections ?? [];
        if (parts.length > 0) {
          const total = parts.length + result.activities.length;
          letters.push(this.deadLetter(m, 'partially_rejected', `${parts.length} of ${total} events in this record could not be normalised (the others were scored): ${parts.slice(0, 5).map((r) => `${r.reason}: ${r.detail}`).join('; ')}${parts.length > 5 ? '; …' : ''}`));
        }
      } else {
        letters.push(this.deadLetter(m, result.reason, result.detail));
      }
    }

    const { scores, failed } = await this.batcher.score(activities);
    for (const i of failed.indices) letters.push(this.deadLetter(sources[i], 'scoring_failed', failed.reason));
    const scored = failed.indices.length ? activities.filter((_, i) => !failed.indices.includes(i)) : activities;
    const shadowScores = await this.scoreShadow(scored);

    const scoreMessages: BusMessage[] = new Array(scores.length);
    const alertMessages: BusMessage[] = [];
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      const value = stringifyScore(s);
      scoreMessages[i] = { key: s.user, value };
      if (s.alert) alertMessages.push({ key: s.user, value });
    }
    const letterMessages: BusMessage[] = letters.map((l) => ({ key: null, value: stringifyDeadLetter(l) }));
    // One acknowledged round trip for all outputs (shared with the other partitions handled
    // now); a failure throws and the batch is redelivered.
    await this.sender.send([
      { topic: o.topics.scores, messages: scoreMessages },
      { topic: o.topics.alerts, messages: alertMessages },
      { topic: o.topics.deadLetter, messages: letterMessages },
    ]);

    const ackedAt = Date.now();
    const m = o.metrics;
    m.eventsIn.inc({ source: 'stream' }, batch.messages.length);
    m.scoresOut.inc({ source: 'stream' }, scores.length);
    if (alertMessages.length) m.alerts.inc({ role: 'champion' }, alertMessages.length);
    for (const l of letters) m.deadLetters.inc({ reason: l.reason });
    if (batch.lag !== undefined) this.lag.set(batch.partition, batch.lag);
    if (batch.lag !== undefined) m.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, batch.lag);
    m.batchSeconds.observe({ source: 'stream' }, (performance.now() - started) / 1000);
    for (const src of batch.messages) m.endToEndSeconds.observe(Math.max(0, ackedAt - src.timestamp) / 1000);
    for (const s of scores) m.scoreDistribution.observe({ role: 'champion' }, s.score);
    this.stats.champion.add(scores);
    if (shadowScores) this.stats.shadow.add(shadowScores);
    this.totals.inputs += batch.messages.length;
    this.totals.scored += scores.length;
    this.totals.alerts += alertMessages.length;
    this.totals.deadLetters += letters.length;
    this.totals.batches++;
    this.onScores?.(scores, scored);

    if (ackedAt - (this.lastCheckpoint.get(batch.partition) ?? 0) >= (o.checkpointIntervalMs ?? 60_000)) {
      await this.checkpoint(batch.partition);
    }
  }

  /** Shadow scores feed metrics and /v1/model only; they are never emitted. */
  private async scoreShadow(activities: Activity[]): Promise<Score[] | null> {
    if (!this.shadowPipeline || activities.length === 0) return null;
    try {
      // Shadow pipelines keep their own profiles: the champion's must not see an event twice.
      // Batched across the fetch's partitions like the champion; an event it cannot score is left out.
      const { scores, failed } = await this.shadowBatcher.score(activities);
      if (failed.indices.length) this.options.logger.warn({ events: failed.indices.length, reason: failed.reason }, 'shadow scoring failed for some events');
      const m = this.options.metrics;
      let alerts = 0;
      for (const s of scores) {
        m.scoreDistribution.observe({ role: 'shadow' }, s.score);
        if (s.alert) alerts++;
      }
      if (alerts) m.alerts.inc({ role: 'shadow' }, alerts);
      return scores;
    } catch (err) {
      this.options.logger.warn({ err: describeError(err) }, 'shadow scoring failed');
      return null;
    }
  }
}
