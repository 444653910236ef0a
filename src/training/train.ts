/**
 * Training: events → replay through the feature engine → prevalence, k-means,
 * autoencoder (and, with labels, the alert classifier) → calibration → threshold from
 * the alert budget → a ModelBundle (plus the compiled model, to score right away).
 *
 * Calibration uses the "warm" part of the history only: events after the first
 * quarter of the time span (at most 7 days). During that warm-up every user is new and
 * every value first-seen, which serving — starting from the bundle's profiles — never
 * sees; calibrating on it would set thresholds for a cold start that does not happen.
 *
 * Serving holds alerted events back from the profiles for `alertHoldMs` (models/
 * learn-hold.ts), which changes what later events look like. So training replays
 * twice: pass 1 learns everything and fits the components; a provisional model then
 * drives pass 2, which applies the same hold, and calibration, the threshold and the
 * profiles come from pass 2 — the dynamics serving will have. (Hold 0 skips pass 2.)
 */
import type { Activity } from '../events/activity.js';
import { ThreatlabError } from '../errors/index.js';
import { FeatureEngine, FEATURE_SPEC } from '../features/index.js';
import {
  AE_WEIGHTS_FILE, BUNDLE_FORMAT_VERSION, CLF_WEIGHTS_FILE, CompiledModel, OTHERS_WEIGHT, PREVALENCE_ALPHA, PROFILES_FILE,
  AutoencoderScorer, ClassifierScorer, calibrateAll, KMeansScorer, PrevalenceScorer, alertRateFor, assertSaneScores, combineComponents,
  discoverDimensions, fitAutoencoder, fitCalibration, fitClassifier, fitHistograms, fitKMeans, saveLayersModel, calibrate,
  type BundleManifest, type Calibration, type ComponentEntry, type ComponentName, type FeatureEngineLike, type FeatureMatrix,
  type ModelBundle, type NamedScorer, type PrevalenceParams, type TrainingDataSummary,
  DEFAULT_ALERT_HOLD_MS, NEVER_LEARN, parseAlertHoldMs,
} from '../models/index.js';
import { sampleRows } from '../models/index.js';
import type { LabelMap } from './labels.js';
import { byEventTime, replay, replayWithHold } from './replay.js';

export const DEFAULT_ALERT_BUDGET = 10;
const DAY_MS = 86_400_000;
const WARMUP_MAX_MS = 7 * DAY_MS;
const CHUNK = 50_000;
/** Rows the calibrations are fitted on: resolves tail shares down to 1/200 000, plenty for any sane budget. */
const CALIBRATION_ROWS = 200_000;

export type TrainStage = 'replay' | 'prevalence' | 'cluster' | 'autoencoder' | 'classifier' | 'calibration' | 'hold-replay';

export interface TrainOptions {
  name: string;
  /** Expected alerts per 1000 user-days (default 10: one alert per 100 user-days). */
  alertBudget?: number;
  seed?: number;
  /** Ground truth (labels.json or feedback); enables the alert classifier when it has both classes. */
  labels?: LabelMap;
  /** Components to fit (default prevalence, cluster, autoencoder; classifier when labels allow). */
  components?: ComponentName[];
  /** Weights of the components in the combination (default 1 each). */
  weights?: Partial<Record<ComponentName, number>>;
  /** @deprecated use alertHoldMs; true = alertHoldMs 0. */
  learnAlerts?: boolean;
  /**
   * Event-time hold before an alerted event is learned (ms; 0 = at once, -1 or Infinity =
   * never; default 24 h). Written to the manifest for serving, and applied in pass 2.
   */
  alertHoldMs?: number;
  /** Autoencoder epochs (default 8). */
  epochs?: number;
  /** Makes a fresh feature engine (default: src/features' FeatureEngine). */
  createEngine?: () => FeatureEngineLike & { spec?: { hash: string; version?: string; features: readonly { name: string }[] } };
  sources?: string[];
  onProgress?: (stage: TrainStage, done: number, total: number) => void;
}

export interface TrainResult {
  bundle: ModelBundle;
  model: CompiledModel;
  /** The engine after the (hold) replay: its state is the bundle's profiles. */
  engine: FeatureEngineLike;
  summary: TrainSummary;
}

export interface TrainSummary {
  name: string;
  events: number;
  users: number;
  userDays: number;
  components: string[];
  threshold: number;
  trainingAlertRate: number;
  alertBudget: number;
  featureSpecHash: string;
  seconds: Record<string, number>;
  nonFiniteFeatures: number;
}

function summarise(sorted: Activity[], labels: LabelMap | undefined, sources: string[]): TrainingDataSummary {
  const users = new Set<string>();
  const tenants = new Set<string>();
  const userDays = new Set<string>();
  let labelled = 0;
  let malicious = 0;
  for (const a of sorted) {
    users.add(a.user);
    tenants.add(a.tenant);
    userDays.add(`${a.user}\u0000${Math.floor(a.time / DAY_MS)}`);
    const l = labels?.get(a.id);
    if (l) {
      labelled++;
      if (l.malicious) malicious++;
    }
  }
  return {
    events: sorted.length, users: users.size, tenants: tenants.size, userDays: userDays.size,
    from: sorted.length ? new Date(sorted[0].time).toISOString() : null,
    to: sorted.length ? new Date(sorted[sorted.length - 1].time).toISOString() : null,
    labelledEvents: labelled, maliciousEvents: malicious, sources,
  };
}

/** Rows of the warm part of the history (see the header); all rows when too few are warm. */
function warmRows(sorted: Activity[]): Uint32Array {
  const n = sorted.length;
  if (n === 0) return new Uint32Array(0);
  const span = sorted[n - 1].time - sorted[0].time;
  const cut = sorted[0].time + Math.min(WARMUP_MAX_MS, span / 4);
  let first = 0;
  while (first < n && sorted[first].time < cut) first++;
  if (n - first < Math.min(1000, n / 2)) return Uint32Array.from({ length: n }, (_, i) => i);
  return Uint32Array.from({ length: n - first }, (_, i) => first + i);
}

function subMatrix(x: FeatureMatrix, rows: Uint32Array): FeatureMatrix {
  if (rows.length === x.rows) return x;
  const data = new Float32Array(rows.length * x.dim);
  rows.forEach((r, i) => data.set(x.data.subarray(r * x.dim, (r + 1) * x.dim), i * x.dim));
  return { data, rows: rows.length, dim: x.dim };
}

/** Raw scores of every row, in chunks so tfjs never holds the whole matrix twice. */
function scoreAll(scorer: { scoreMany(x: FeatureMatrix): ArrayLike<number> }, x: FeatureMatrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let start = 0; start < x.rows; start += CHUNK) {
    const rows = Math.min(CHUNK, x.rows - start);
    out.set(scorer.scoreMany({ data: x.data.subarray(start * x.dim, (start + rows) * x.dim), rows, dim: x.dim }), start);
  }
  return out;
}

function json(v: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(v));
}

function countNonFinite(x: FeatureMatrix): number {
  let bad = 0;
  for (let i = 0; i < x.data.length; i++) if (!Number.isFinite(x.data[i])) bad++;
  return bad;
}

/**
 * The inline-score level that ≥ 99 % of the training alerts reach (see ScoringPipeline),
 * never above the threshold and never below the level of 20× the alert rate, so the
 * band of events kept out of the profiles stays narrow.
 */
function learnThresholdFor(model: CompiledModel, x: FeatureMatrix, finalScores: Float64Array, threshold: number): number {
  const floor = Math.max(1e-6, 1 - 20 * (1 - threshold));
  // With few training alerts, use the top 20 events instead: a 99th percentile of 2 events means nothing.
  const top = Float64Array.from(finalScores).sort();
  const cut = Math.min(threshold, top[Math.max(0, top.length - 20)] ?? threshold);
  const alerted: number[] = [];
  finalScores.forEach((s, r) => { if (s >= cut) alerted.push(r); });
  if (alerted.length === 0) return threshold;
  const sub = subMatrix(x, Uint32Array.from(alerted));
  const inline = Float64Array.from(model.scoreInline(sub)).sort();
  const p01 = inline[Math.floor(0.01 * inline.length)];
  return Math.min(threshold, Math.max(floor, p01));
}

export async function trainModel(activities: readonly Activity[], opts: TrainOptions): Promise<TrainResult> {
  if (!opts.name || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(opts.name)) {
    throw new ThreatlabError('THREATLAB_USAGE', `model name must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit; got "${opts.name}"`);
  }
  if (activities.length === 0) throw new ThreatlabError('THREATLAB_DEGENERATE_DATA', 'no events to train on: the input is empty or every record was rejected');
  const budget = opts.alertBudget ?? DEFAULT_ALERT_BUDGET;
  if (!(budget > 0 && Number.isFinite(budget))) throw new ThreatlabError('THREATLAB_USAGE', `alert budget must be a positive number of alerts per 1000 user-days, got ${budget}`);
  const seed = opts.seed ?? 1;
  const seconds: Record<string, number> = {};
  const timed = async <T>(stage: string, f: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    seconds[stage] = Math.round(performance.now() - t0) / 1000;
    return r;
  };
  const progress = opts.onProgress ?? (() => {});

  const holdMs = parseAlertHoldMs(opts.alertHoldMs ?? (opts.learnAlerts === true ? 0 : DEFAULT_ALERT_HOLD_MS));
  const sorted = byEventTime(activities);
  let engine = opts.createEngine ? opts.createEngine() : new FeatureEngine();
  const spec = engine.spec ?? FEATURE_SPEC;
  const featureNames = spec.features.map((f) => f.name);
  if (featureNames.length !== engine.dim) throw new ThreatlabError('THREATLAB_INTERNAL', `feature spec lists ${featureNames.length} features, the engine writes ${engine.dim}`);
  const all = await timed('replay', () => replay(sorted, engine, (done) => progress('replay', done, sorted.length)));
  const nonFinite = countNonFinite(all);
  const training = summarise(sorted, opts.labels, opts.sources ?? []);
  const warm = warmRows(sorted);
  const calibrationRows = warm.length > CALIBRATION_ROWS ? Uint32Array.from(sampleRows(warm.length, CALIBRATION_ROWS, seed + 13), (i) => warm[i]) : warm;
  let x = subMatrix(all, calibrationRows);

  const wanted = new Set<ComponentName>(opts.components ?? ['prevalence', 'cluster', 'autoencoder', 'classifier']);
  const scorers: NamedScorer[] = [];
  const files: Record<string, Uint8Array> = {};
  const components: BundleManifest['components'] = {};
  const metrics: Record<string, number | string> = { nonFiniteFeatureValues: nonFinite, calibrationRows: x.rows };

  if (wanted.has('prevalence')) {
    await timed('prevalence', () => {
      progress('prevalence', 0, 1);
      const dimensions = discoverDimensions(featureNames);
      const params: PrevalenceParams = dimensions.length > 0
        ? { kind: 'prevalence', mode: 'dimensions', alpha: PREVALENCE_ALPHA, dimensions, histograms: [] }
        : { kind: 'prevalence', mode: 'histogram', alpha: PREVALENCE_ALPHA, dimensions: [], histograms: fitHistograms(x, featureNames.map((_, j) => j)) };
      files['prevalence.json'] = json(params);
      components.prevalence = { params: 'prevalence.json', summary: params.mode === 'dimensions' ? `user rarity shrunk toward the tenant (α = ${params.alpha}) over ${dimensions.map((d) => d.name).join(', ')}` : 'no prevalence features in the spec: histogram rarity of every feature' };
      scorers.push({ name: 'prevalence', scorer: new PrevalenceScorer(params, featureNames) });
      progress('prevalence', 1, 1);
    });
  }
  if (wanted.has('cluster')) {
    await timed('cluster', () => {
      progress('cluster', 0, 1);
      const params = fitKMeans(x, { featureNames, seed });
      files['kmeans.json'] = json(params);
      components.cluster = { params: 'kmeans.json', summary: `k-means, k = ${params.centroids.length} (silhouette ${params.silhouette.toFixed(3)} on a sample), fitted on ${params.fitRows} rows` };
      metrics.kmeansK = params.centroids.length;
      metrics.kmeansSilhouette = Number(params.silhouette.toFixed(4));
      scorers.push({ name: 'cluster', scorer: new KMeansScorer(params, featureNames) });
      progress('cluster', 1, 1);
    });
  }
  if (wanted.has('autoencoder')) {
    await timed('autoencoder', async () => {
      const epochs = opts.epochs ?? 8;
      const { params, model } = await fitAutoencoder(x, { seed, epochs, onEpoch: (e) => progress('autoencoder', e + 1, epochs) });
      const tfFiles = await saveLayersModel(model, AE_WEIGHTS_FILE);
      files['autoencoder.json'] = json(params);
      files['autoencoder.model.json'] = tfFiles.modelJson;
      files[AE_WEIGHTS_FILE] = tfFiles.weights;
      components.autoencoder = { params: 'autoencoder.json', modelJson: 'autoencoder.model.json', weights: AE_WEIGHTS_FILE, summary: `dense autoencoder ${x.dim}→${params.hidden.join('→')}→${params.hidden[0]}→${x.dim}, ${params.epochs} epochs on ${params.fitRows} rows, final loss ${params.finalLoss.toFixed(4)}` };
      metrics.autoencoderLoss = Number(params.finalLoss.toFixed(5));
      scorers.push({ name: 'autoencoder', scorer: new AutoencoderScorer(params, model, featureNames) });
    });
  }
  if (wanted.has('classifier') && opts.labels && opts.labels.size > 0) {
    const labels = new Int8Array(all.rows).fill(-1);
    sorted.forEach((a, i) => {
      const l = opts.labels!.get(a.id);
      if (l) labels[i] = l.malicious ? 1 : 0;
    });
    const pos = labels.reduce((s, v) => s + (v === 1 ? 1 : 0), 0);
    const neg = labels.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
    if (pos >= 5 && neg >= 5) {
      await timed('classifier', async () => {
        progress('classifier', 0, 1);
        const { params, model } = await fitClassifier(all, labels, { seed });
        const tfFiles = await saveLayersModel(model, CLF_WEIGHTS_FILE);
        files['classifier.json'] = json(params);
        files['classifier.model.json'] = tfFiles.modelJson;
        files[CLF_WEIGHTS_FILE] = tfFiles.weights;
        components.classifier = { params: 'classifier.json', modelJson: 'classifier.model.json', weights: CLF_WEIGHTS_FILE, summary: `dense classifier on ${params.positives} malicious / ${params.negatives} benign labelled events` };
        scorers.push({ name: 'classifier', scorer: new ClassifierScorer(params, model, featureNames) });
        progress('classifier', 1, 1);
      });
    } else {
      metrics.classifierSkipped = `labels matched ${pos} malicious and ${neg} benign events (need ≥ 5 of each)`;
    }
  }
  if (scorers.length === 0) throw new ThreatlabError('THREATLAB_USAGE', 'no model components selected');

  // Calibrate every component on the warm rows, then the combination.
  const calibration: Record<string, Calibration> = {};
  const weights: Record<string, number> = {};
  for (const { name } of scorers) weights[name] = opts.weights?.[name] ?? 1;
  const calibrateOn = (m: FeatureMatrix): Float64Array => {
    const calibrated: Float64Array[] = [];
    const combined = new Float64Array(m.rows);
    progress('calibration', 0, scorers.length + 1);
    scorers.forEach(({ name, scorer }, k) => {
      const raw = scoreAll(scorer, m);
      calibration[name] = fitCalibration(raw);
      calibrated.push(raw.map((v) => calibrate(calibration[name], v)));
      progress('calibration', k + 1, scorers.length + 1);
    });
    combineComponents(calibrated, scorers.map((s) => weights[s.name]), combined);
    calibration.final = fitCalibration(combined);
    progress('calibration', scorers.length + 1, scorers.length + 1);
    return combined;
  };
  let combined = await timed('calibration', () => calibrateOn(x));

  const rate = alertRateFor(budget, training.events, training.userDays);
  const threshold = Math.min(1, Math.max(1e-6, 1 - rate));
  const manifest: Omit<BundleManifest, 'files'> = {
    formatVersion: BUNDLE_FORMAT_VERSION,
    name: opts.name,
    featureSpecHash: spec.hash,
    ...(('version' in spec && typeof spec.version === 'string') ? { featureSpecVersion: spec.version } : {}),
    featureNames,
    components: components as Record<ComponentName, ComponentEntry>,
    weights,
    calibration,
    combination: { method: 'max-plus-quarter-of-others', othersWeight: OTHERS_WEIGHT },
    threshold,
    alertBudget: { per1000UserDays: budget, trainingAlertRate: 0 },
    learnAlerts: holdMs === 0,
    alertHoldMs: holdMs === Number.POSITIVE_INFINITY ? NEVER_LEARN : holdMs,
    metrics,
    trainingData: training,
    createdAt: new Date().toISOString(),
    profiles: PROFILES_FILE,
  };
  // Compile once to measure the real alert rate on the calibration rows and to prove the model sane.
  let provisional = new CompiledModel({ ...manifest, files: {} }, '', new Uint8Array(0), scorers);
  assertSaneScores(provisional);
  if (holdMs !== 0) {
    // Pass 2 (see the header): replay with serving's hold, driven by the provisional model, then recalibrate on it.
    const passOne = provisional;
    const passOneLearnThreshold = learnThresholdFor(passOne, x, calibrateAll(calibration.final, combined), threshold);
    const holdEngine = opts.createEngine ? opts.createEngine() : new FeatureEngine();
    const held = await timed('hold-replay', () => replayWithHold(sorted, holdEngine, {
      holdMs,
      alerts: (row) => passOne.scoreInline(row)[0] >= passOneLearnThreshold,
      onProgress: (done) => progress('hold-replay', done, sorted.length),
    }));
    engine = holdEngine;
    x = subMatrix(held.x, calibrationRows);
    combined = await timed('recalibration', () => calibrateOn(x));
    metrics.holdReplayHeld = held.stats.held;
    metrics.holdReplayLearnedEarly = held.stats.learnedEarly;
    metrics.holdReplayPendingAtEnd = held.stats.pending;
    provisional = new CompiledModel({ ...manifest, calibration, files: {} }, '', new Uint8Array(0), scorers);
  }
  const profiles = engine.snapshot();
  files[PROFILES_FILE] = profiles;
  // Same numbers scoreMatrix would give, from the calibrated components already computed (no second tfjs pass).
  const finalScores = calibrateAll(calibration.final, combined);
  let alerts = 0;
  for (const s of finalScores) if (s >= threshold) alerts++;
  manifest.alertBudget.trainingAlertRate = Number((alerts / Math.max(1, x.rows)).toFixed(6));
  manifest.learnThreshold = learnThresholdFor(provisional, x, finalScores, threshold);
  metrics.learnThreshold = manifest.learnThreshold;
  metrics.trainingAlerts = alerts;
  const model = new CompiledModel({ ...manifest, files: {} }, '', profiles, scorers);
  return {
    bundle: { manifest, files },
    model,
    engine,
    summary: {
      name: opts.name, events: training.events, users: training.users, userDays: training.userDays,
      components: scorers.map((s) => s.name), threshold, trainingAlertRate: manifest.alertBudget.trainingAlertRate,
      alertBudget: budget, featureSpecHash: spec.hash, seconds, nonFiniteFeatures: nonFinite,
    },
  };
}
