/**
 * THE scoring path, shared by `threatlab score`, the stream scorer and POST /v1/score:
 * features → model → reasons → state update, inline, in arrival order.
 *
 * Each event's features are extracted against the state left by the events before it
 * (so a burst of failed logins inside one batch is seen as a burst), then the event
 * is learned — unless it alerts, in which case it is HELD and learned only once the
 * event-time watermark passes its time + `alertHoldMs` (default 24 h; see
 * learn-hold.ts for why). `alertHoldMs` 0 learns alerts at once (the former
 * `learnAlerts: true`), -1 / Infinity never learns them (the former default). The hold
 * queue lives in this pipeline's memory only: a restart drops pending learns.
 *
 * The learn decision must be made per event, before the next event's features, but
 * tfjs is fast only on whole batches. So the decision uses the inline score of the
 * components that run per row in TypeScript (prevalence, k-means); the tfjs
 * components then score the whole batch at once. The inline score never exceeds the
 * final one (max-style combination), so it is compared with the bundle's
 * `learnThreshold`, set at training low enough that ≥ 99 % of the training alerts
 * reach it: a "quarantine band" slightly wider than the alerts. An event alerted only
 * through the autoencoder or classifier can still be learned (documented gap).
 */
import type { Activity } from '../events/activity.js';
import { ThreatlabError } from '../errors/index.js';
import { AlertGrouper, alertKind } from './alert-groups.js';
import { DEFAULT_ALERT_HOLD_MS, LearnHold, type LearnHoldStats } from './learn-hold.js';
import type { LoadedModel } from './model.js';
import type { FeatureEngineLike, FeatureMatrix, Score } from './types.js';

export interface ModelRef {
  name: string;
  version: string;
}

export interface ScoringPipelineOptions {
  modelRef: ModelRef;
  /**
   * Event-time hold before an alerted event is learned (ms; 0 = at once, -1 or Infinity
   * = never). Default: the bundle's `alertHoldMs`, else 24 h.
   */
  alertHoldMs?: number;
  /** Bound of the hold queue (default 100 000; when full the oldest is learned early). */
  maxHeld?: number;
  /** @deprecated use alertHoldMs; `true` = alertHoldMs 0 (learn at once), `false` = the default hold. */
  learnAlerts?: boolean;
  /** Reasons per score (default 4). */
  maxReasons?: number;
  /**
   * Scores below this get one brief reason (`briefReason`) instead of the feature-level
   * ones (default 0.99: the top 1 % of training events and every alert get the full
   * reasons; 0 = full reasons for every event). Feature-level reasons are most of the
   * per-event cost and nobody reads them on the other 99 %.
   */
  explainFloor?: number;
  /** Event-time window of an alert group (alert-groups.ts; default 24 h, 0 = every event above the threshold is its own alert). */
  alertGroupMs?: number;
}

/** The event's value of a prevalence dimension, for reason texts. */
export function dimensionValue(a: Activity, dimension: string): string | null {
  switch (dimension) {
    case 'country': return a.geo?.country ?? null;
    case 'city': return a.geo?.city ? `${a.geo.city}${a.geo.country ? `, ${a.geo.country}` : ''}` : null;
    case 'asn': return a.asn === null ? null : `AS${a.asn}${a.asnOrg ? ` ${a.asnOrg}` : ''}`;
    case 'ip24': return a.ip ? (/^\d+\.\d+\.\d+\.\d+$/.test(a.ip) ? `${a.ip.split('.').slice(0, 3).join('.')}.0/24` : a.ip) : null;
    case 'device': return a.device ? [a.device.family, a.device.os, a.device.browser].filter(Boolean).join(' / ') || null : null;
    case 'user_agent': return a.userAgent;
    case 'app': return a.app || null;
    case 'action': return a.action;
    default: return null;
  }
}

/**
 * The hold in effect: the option, else the deprecated `learnAlerts: true` (at once),
 * else the bundle's setting (its `alertHoldMs`, or `learnAlerts: true` from older
 * bundles), else 24 h.
 */
export function alertHoldFor(manifest: { alertHoldMs?: number; learnAlerts?: boolean }, opts: { alertHoldMs?: number; learnAlerts?: boolean }): number {
  if (opts.alertHoldMs !== undefined) return opts.alertHoldMs;
  if (opts.learnAlerts === true) return 0;
  if (manifest.alertHoldMs !== undefined) return manifest.alertHoldMs;
  if (manifest.learnAlerts === true) return 0;
  return DEFAULT_ALERT_HOLD_MS;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
export const DEFAULT_EXPLAIN_FLOOR = 0.99;
/** Scores keep 9 decimals: alerts live in the last 0.1 %, where 6 decimals would tie them. */
const roundScore = (v: number) => Math.round(v * 1e9) / 1e9;

export class ScoringPipeline {
  private model: LoadedModel;
  private modelRef: ModelRef;
  private readonly hold: LearnHold;
  private readonly maxReasons: number;
  private readonly grouper: AlertGrouper;
  private readonly explainFloor: number;

  constructor(model: LoadedModel, readonly engine: FeatureEngineLike, opts: ScoringPipelineOptions) {
    ScoringPipeline.check(model, engine);
    this.model = model;
    this.modelRef = opts.modelRef;
    this.hold = new LearnHold((a) => engine.learn(a), { holdMs: alertHoldFor(model.manifest, opts), ...(opts.maxHeld === undefined ? {} : { maxHeld: opts.maxHeld }) });
    this.maxReasons = opts.maxReasons ?? 4;
    this.explainFloor = opts.explainFloor ?? DEFAULT_EXPLAIN_FLOOR;
    this.grouper = new AlertGrouper(opts.alertGroupMs === undefined ? {} : { windowMs: opts.alertGroupMs });
  }

  private static check(model: LoadedModel, engine: FeatureEngineLike): void {
    const m = model.manifest;
    if (engine.spec && engine.spec.hash !== m.featureSpecHash) {
      throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH', `model ${m.name} was trained on feature spec ${m.featureSpecHash}, but the feature engine computes feature spec ${engine.spec.hash}`, { details: { bundle: m.featureSpecHash, engine: engine.spec.hash } });
    }
    if (engine.dim !== m.featureNames.length) {
      throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH', `model ${m.name} expects ${m.featureNames.length} features, the feature engine computes ${engine.dim}`);
    }
  }

  /** Alerts opened and events grouped into an open alert; open groups. */
  get alertGroupStats(): { opened: number; grouped: number; open: number } {
    return { ...this.grouper.stats, open: this.grouper.openGroups };
  }

  /** The hold in effect (ms; Infinity = never learn alerted events). */
  get alertHoldMs(): number {
    return this.hold.holdMs;
  }

  /** Counters of the alert hold, plus the queue length. */
  get holdStats(): LearnHoldStats & { pending: number } {
    return { ...this.hold.stats, pending: this.hold.pending };
  }

  get currentModel(): { model: LoadedModel; modelRef: ModelRef } {
    return { model: this.model, modelRef: this.modelRef };
  }

  /**
   * Replaces the model between batches; the engine (live profiles) is kept, so the spec
   * must match. So are the alert hold and its queue: the hold is a setting of this
   * pipeline (fixed at construction), not of each model version.
   */
  swapModel(model: LoadedModel, modelRef: ModelRef): void {
    ScoringPipeline.check(model, this.engine);
    this.model = model;
    this.modelRef = modelRef;
  }

  /** One Score per activity, in order. Synchronous: no promise per event. */
  scoreBatch(activities: readonly Activity[], now: number = Date.now()): Score[] {
    const model = this.model;
    const dim = this.engine.dim;
    const n = activities.length;
    const data = new Float32Array(n * dim);
    const threshold = model.manifest.threshold;
    const learnThreshold = Math.min(threshold, model.manifest.learnThreshold ?? model.manifest.threshold);
    const x: FeatureMatrix = { data, rows: n, dim };
    // The hold needs each event's inline score before the next event's features; the memo
    // keeps those component scores so the batch scoring below does not compute them again.
    const memo = this.hold.learnsAtOnce ? undefined : model.newInlineMemo(n);
    for (let i = 0; i < n; i++) {
      const a = activities[i];
      this.hold.advance(a.time);
      this.engine.extract(a, data, i * dim);
      if (!memo) {
        this.engine.learn(a);
        continue;
      }
      this.hold.admit(a, model.scoreInlineRow(x, i, memo) >= learnThreshold);
    }
    const scored = model.scoreMatrix(x, memo);
    const ref = { name: this.modelRef.name, version: this.modelRef.version, featureSpecHash: model.manifest.featureSpecHash };
    const componentNames = Object.keys(scored.components);
    const componentScores = componentNames.map((k) => scored.components[k]);
    const out: Score[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = activities[i];
      const s = scored.score[i];
      const score = Number.isFinite(s) ? s : 0;
      const components: Record<string, number> = {};
      for (let k = 0; k < componentNames.length; k++) components[componentNames[k]] = round(componentScores[k][i]);
      out[i] = {
        eventId: a.id,
        tenant: a.tenant,
        user: a.user,
        time: a.time,
        score: roundScore(score),
        alert: score >= threshold,
        severity: model.severity(score),
        components,
        // The floor never hides an alert's reasons: the threshold is above it whatever the bundle says.
        reasons: score >= Math.min(this.explainFloor, threshold)
          ? model.explain(x, i, scored, { top: this.maxReasons, dimensionValue: (d) => dimensionValue(a, d) })
          : [model.briefReason(i, scored)],
        model: ref,
        scoredAt: now,
      };
      if (out[i].alert) {
        const into = this.grouper.assign(a.user, alertKind(out[i].reasons), a.id, a.time);
        if (into !== undefined) {
          out[i].alert = false;
          out[i].groupedInto = into;
        }
      }
    }
    return out;
  }
}
