/**
 * A loaded model: the compiled component scorers, their calibrations and the
 * combination, ready to score whole batches synchronously. Built from checked bundle
 * files by `loadBundle`, or straight from freshly fitted components by training.
 */
import { ThreatlabError } from '../errors/index.js';
import { calibrate, surprisal, type Calibration } from './calibration.js';
import { calibrateAll, combineComponents, combineMaxPlusOthers } from './ensemble.js';
import type { BundleManifest, ComponentName } from './manifest.js';
import { COMPONENT_ORDER } from './manifest.js';
import { PrevalenceScorer } from './prevalence.js';
import type { FeatureMatrix, Reason, Scorer, Severity } from './types.js';

export interface ScoredMatrix {
  /** Final calibrated score per row, 0..1. */
  score: Float64Array;
  /** Calibrated score per component per row, 0..1. */
  components: Record<string, Float64Array>;
}

export interface ExplainOptions {
  top?: number;
  /** The event's actual value of a prevalence dimension (`country` → "NG"), for reason texts. */
  dimensionValue?: (dimension: string) => string | null;
}

/**
 * The inline components' raw scores of one batch, kept as serving scores it row by row
 * (before learning each event), so `scoreMatrix` does not compute them a second time.
 * Made by the model that fills it (indices are its components').
 */
export interface InlineMemo {
  readonly raw: (Float32Array | null)[];
  /** Rows filled so far (rows 0..filled-1). */
  filled: number;
}

export interface LoadedModel {
  readonly manifest: BundleManifest;
  readonly manifestSha256: string;
  /** The feature engine snapshot from the training replay, or null. */
  readonly profiles: Uint8Array | null;
  /** `memo`: inline scores already computed for every row of `x` (see `scoreInlineRow`). */
  scoreMatrix(x: FeatureMatrix, memo?: InlineMemo): ScoredMatrix;
  /** Reasons for row `row`, most important first; `scored` is what scoreMatrix returned for `x`. */
  explain(x: FeatureMatrix, row: number, scored: ScoredMatrix, opts?: ExplainOptions): Reason[];
  /**
   * One cheap reason for row `row` from numbers already computed: the component that
   * found the event most unusual, and how unusual (for scores far below any alert,
   * where feature-level reasons cost more than the scoring and nobody reads them).
   */
  briefReason(row: number, scored: ScoredMatrix): Reason;
  /**
   * Final scores from the components that run per row in plain TypeScript (prevalence,
   * k-means), the tfjs ones counted as unremarkable. Never above `scoreMatrix`'s score
   * (the combination is max-style), so "inline score ≥ threshold" implies an alert.
   */
  scoreInline(x: FeatureMatrix): Float64Array;
  /** `scoreInline` of one row of `x`, allocation-free; keeps the raw component scores in `memo`. */
  scoreInlineRow(x: FeatureMatrix, row: number, memo?: InlineMemo): number;
  newInlineMemo(rows: number): InlineMemo;
  severity(score: number): Severity;
  /** One prediction through every component, so the first real batch pays no compilation. */
  warmUp(): void;
}

export interface NamedScorer {
  name: ComponentName;
  scorer: Scorer;
}

const COMPONENT_WORDS: Record<ComponentName, string> = {
  prevalence: 'rare values for this user and tenant',
  cluster: 'far from every usual group of events',
  autoencoder: 'an unusual combination of features',
  classifier: 'resembles labelled attacks',
};

/** Components that run per row in plain TypeScript (the others run batched in tfjs). */
function isInline(s: Scorer): s is Scorer & { scoreRow(x: FeatureMatrix, row: number): number } {
  return (s.name === 'prevalence' || s.name === 'cluster') && typeof s.scoreRow === 'function';
}

export class CompiledModel implements LoadedModel {
  private readonly weights: number[];
  private readonly calibrations: Calibration[];

  constructor(
    readonly manifest: BundleManifest,
    readonly manifestSha256: string,
    readonly profiles: Uint8Array | null,
    private readonly scorers: NamedScorer[],
    private readonly onWarmUp: () => void = () => {},
  ) {
    this.scorers = [...scorers].sort((a, b) => COMPONENT_ORDER.indexOf(a.name) - COMPONENT_ORDER.indexOf(b.name));
    this.weights = this.scorers.map((s) => manifest.weights[s.name] ?? 0);
    this.calibrations = this.scorers.map((s) => {
      const c = manifest.calibration[s.name];
      if (!c) throw new ThreatlabError('THREATLAB_BAD_MODEL', `component ${s.name} has no calibration`);
      return c;
    });
    if (!manifest.calibration.final) throw new ThreatlabError('THREATLAB_BAD_MODEL', 'the bundle has no final calibration');
  }

  /** Raw component scores → calibrated components → combined raw (for fitting the final calibration). */
  combinedRaw(x: FeatureMatrix, memo?: InlineMemo): { combined: Float64Array; components: Record<string, Float64Array> } {
    if (x.dim !== this.manifest.featureNames.length) {
      throw new ThreatlabError('THREATLAB_INPUT', `feature matrix has ${x.dim} columns, the model expects ${this.manifest.featureNames.length}`);
    }
    const cal: Float64Array[] = [];
    const components: Record<string, Float64Array> = {};
    const memoOk = memo !== undefined && memo.filled >= x.rows;
    this.scorers.forEach(({ name, scorer }, k) => {
      const kept = memoOk ? memo.raw[k] : null;
      const c = calibrateAll(this.calibrations[k], kept ? kept.subarray(0, x.rows) : scorer.scoreMany(x));
      cal.push(c);
      components[name] = c;
    });
    const combined = new Float64Array(x.rows);
    combineComponents(cal, this.weights, combined);
    return { combined, components };
  }

  scoreMatrix(x: FeatureMatrix, memo?: InlineMemo): ScoredMatrix {
    const { combined, components } = this.combinedRaw(x, memo);
    const score = calibrateAll(this.manifest.calibration.final, combined);
    return { score, components };
  }

  scoreInline(x: FeatureMatrix): Float64Array {
    const out = new Float64Array(x.rows);
    for (let r = 0; r < x.rows; r++) out[r] = this.scoreInlineRow(x, r);
    return out;
  }

  newInlineMemo(rows: number): InlineMemo {
    return { raw: this.scorers.map(({ scorer }) => (isInline(scorer) ? new Float32Array(rows) : null)), filled: 0 };
  }

  scoreInlineRow(x: FeatureMatrix, row: number, memo?: InlineMemo): number {
    // combineComponents for one row; the tfjs components count as unremarkable (surprisal 0).
    let max = 0;
    let sum = 0;
    for (let k = 0; k < this.scorers.length; k++) {
      const scorer = this.scorers[k].scorer;
      if (!isInline(scorer)) continue;
      // Rounded as scoreMany's Float32Array rounds it, so inline and batch scores agree exactly.
      const raw = Math.fround(scorer.scoreRow(x, row));
      const kept = memo?.raw[k];
      if (kept) kept[row] = raw;
      const s = this.weights[k] * surprisal(calibrate(this.calibrations[k], raw));
      sum += s;
      if (s > max) max = s;
    }
    if (memo && memo.filled === row) memo.filled = row + 1;
    return calibrate(this.manifest.calibration.final, combineMaxPlusOthers(max, sum));
  }

  explain(x: FeatureMatrix, row: number, scored: ScoredMatrix, opts: ExplainOptions = {}): Reason[] {
    const top = opts.top ?? 4;
    const ranked = this.scorers
      .map(({ name, scorer }, k) => ({ name, scorer, s: this.weights[k] * surprisal(scored.components[name]?.[row] ?? 0) }))
      .filter((c) => c.s >= 1) // only components at least in their top 10 %
      .sort((a, b) => b.s - a.s);
    const reasons: Reason[] = [];
    const seen = new Set<string>();
    for (const { name, scorer, s } of ranked) {
      const own = scorer instanceof PrevalenceScorer ? scorer.explainWith(x, row, 3, opts.dimensionValue) : scorer.explain(x, row, 3);
      const pct = (100 * (1 - 10 ** -s)).toFixed(s >= 3 ? 2 : 1);
      if (own.length === 0) {
        reasons.push({ feature: name, value: Number(scored.components[name][row].toFixed(6)), detail: `${COMPONENT_WORDS[name]}: more unusual than ${pct} % of training events` });
        continue;
      }
      for (const r of own) {
        if (seen.has(r.feature)) continue;
        seen.add(r.feature);
        reasons.push({ ...r, detail: `${r.detail} [${name}: more unusual than ${pct} % of training events]` });
      }
    }
    // Nothing stands out: say so, with the component that came closest, so every score has a reason.
    if (reasons.length === 0 && this.scorers.length > 0) reasons.push(this.briefReason(row, scored));
    return reasons.slice(0, top);
  }

  briefReason(row: number, scored: ScoredMatrix): Reason {
    let best: ComponentName = this.scorers[0]?.name ?? 'prevalence';
    let c = -1;
    for (const { name } of this.scorers) {
      const v = scored.components[name]?.[row] ?? 0;
      if (v > c) {
        c = v;
        best = name;
      }
    }
    c = Math.max(0, c);
    const pct = (100 * c).toFixed(c >= 0.999 ? 2 : 1);
    return c >= 0.9
      ? { feature: best, value: Number(c.toFixed(6)), detail: `${COMPONENT_WORDS[best]}: more unusual than ${pct} % of training events` }
      : { feature: best, value: Number(c.toFixed(6)), detail: `nothing unusual: the most unusual aspect (${COMPONENT_WORDS[best]}) is more unusual than only ${pct} % of training events` };
  }

  severity(score: number): Severity {
    if (!(score >= this.manifest.threshold)) return 'info';
    // Tail share above the threshold: ten times rarer than the threshold → one step up.
    const tail = Math.max(1e-12, 1 - score);
    const ratio = Math.max(1e-12, 1 - this.manifest.threshold) / tail;
    return ratio >= 100 ? 'critical' : ratio >= 10 ? 'high' : ratio >= 3 ? 'medium' : 'low';
  }

  warmUp(): void {
    this.onWarmUp();
    const dim = this.manifest.featureNames.length;
    const x: FeatureMatrix = { data: new Float32Array(dim), rows: 1, dim };
    const s = this.scoreMatrix(x);
    this.explain(x, 0, s);
  }
}

/** Fails loudly if a model scores NaN or leaves [0, 1] on probe rows (zeros, extremes, NaN). */
export function assertSaneScores(model: LoadedModel): void {
  const dim = model.manifest.featureNames.length;
  const probes = [0, 1, -1, 1e6, -1e6, NaN, Infinity];
  const data = new Float32Array(probes.length * dim);
  probes.forEach((v, i) => data.fill(v, i * dim, (i + 1) * dim));
  const { score, components } = model.scoreMatrix({ data, rows: probes.length, dim });
  const bad = [score, ...Object.values(components)].some((a) => a.some((v) => !(v >= 0 && v <= 1)));
  if (bad) throw new ThreatlabError('THREATLAB_BAD_MODEL', 'the model scores NaN or values outside [0, 1] on probe inputs');
}

export { calibrate };
