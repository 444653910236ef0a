/**
 * Supervised alert classifier (tfjs), trained only when labels exist (labelled data or
 * analyst feedback). It learns which kinds of events analysts call malicious and which
 * they call noise; its output (the logit of "malicious") is calibrated like the other
 * components and joins the max-style combination, so it can raise an event the
 * unsupervised components missed but cannot hide one they flag strongly.
 */
import { ThreatlabError } from '../errors/index.js';
import { seededRandom } from './random.js';
import { fitScaler, isScaler, scaleMatrix, type Scaler } from './scaler.js';
import { ensureTf, tf } from './tf.js';
import type { FeatureMatrix, Reason, Scorer } from './types.js';
import { fmt } from './kmeans.js';

export interface ClassifierParams {
  kind: 'classifier';
  scaler: Scaler;
  positives: number;
  negatives: number;
  epochs: number;
  finalLoss: number;
}

export const CLF_WEIGHTS_FILE = 'classifier.weights.bin';

/** `labels[r]`: 1 malicious, 0 benign, -1 unknown (not used for fitting). */
export async function fitClassifier(x: FeatureMatrix, labels: Int8Array, opts: { seed?: number; epochs?: number; maxNegatives?: number } = {}): Promise<{ params: ClassifierParams; model: tf.LayersModel }> {
  await ensureTf();
  const seed = opts.seed ?? 1;
  const rnd = seededRandom(seed + 101);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let r = 0; r < x.rows; r++) (labels[r] === 1 ? pos : labels[r] === 0 ? neg : null)?.push(r);
  if (pos.length < 5 || neg.length < 5) throw new ThreatlabError('THREATLAB_DEGENERATE_DATA', `classifier needs ≥ 5 malicious and ≥ 5 benign labelled events, got ${pos.length} and ${neg.length}`);
  // Keep every positive, sample negatives: the classes are wildly unbalanced in real logs.
  const maxNeg = opts.maxNegatives ?? 40_000;
  const negSample = neg.length <= maxNeg ? neg : neg.filter(() => rnd() < maxNeg / neg.length);
  const rows = [...pos, ...negSample];
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const scaler = fitScaler(x, rows);
  const scaled = scaleMatrix(scaler, x, rows);
  const y = Float32Array.from(rows, (r) => labels[r]);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [x.dim], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 17 + 1 }) }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 17 + 2 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  const xs = tf.tensor2d(scaled.data, [rows.length, x.dim]);
  const ys = tf.tensor2d(y, [rows.length, 1]);
  const epochs = opts.epochs ?? 15;
  let finalLoss = NaN;
  try {
    const posWeight = negSample.length / pos.length;
    await model.fit(xs, ys, {
      epochs, batchSize: 256, shuffle: false, verbose: 0, classWeight: { 0: 1, 1: Math.min(50, posWeight) },
      callbacks: { onEpochEnd: async (_e, logs) => { finalLoss = Number(logs?.loss); } },
    });
  } finally {
    xs.dispose();
    ys.dispose();
  }
  if (!Number.isFinite(finalLoss)) throw new ThreatlabError('THREATLAB_DEGENERATE_DATA', `classifier training diverged (loss ${finalLoss})`);
  return { params: { kind: 'classifier', scaler, positives: pos.length, negatives: negSample.length, epochs, finalLoss }, model };
}

export function isClassifierParams(v: unknown, dim: number): v is ClassifierParams {
  return typeof v === 'object' && v !== null && (v as ClassifierParams).kind === 'classifier' && isScaler((v as ClassifierParams).scaler, dim);
}

export class ClassifierScorer implements Scorer {
  readonly name = 'classifier';

  constructor(readonly params: ClassifierParams, readonly model: tf.LayersModel, private readonly featureNames: readonly string[]) {}

  private probabilities(x: FeatureMatrix): Float32Array {
    if (x.rows === 0) return new Float32Array(0);
    const scaled = scaleMatrix(this.params.scaler, x);
    // Same two tfjs traps as the autoencoder: predict's default batch of 32, and a typed
    // array returned from tidy() (which then walks every element looking for tensors).
    const probs = tf.tidy(() => this.model.predict(tf.tensor2d(scaled.data, [x.rows, x.dim]), { batchSize: 8192 }) as tf.Tensor);
    try {
      return probs.dataSync() as Float32Array;
    } finally {
      probs.dispose();
    }
  }

  /** Raw score: the logit, so the calibration can separate probabilities near 1. */
  scoreMany(x: FeatureMatrix): Float32Array {
    const p = this.probabilities(x);
    return p.map((v) => {
      const q = Math.min(1 - 1e-7, Math.max(1e-7, Number.isFinite(v) ? v : 0));
      return Math.log(q / (1 - q));
    });
  }

  explain(x: FeatureMatrix, row: number, top = 2): Reason[] {
    const one: FeatureMatrix = { data: x.data.subarray(row * x.dim, (row + 1) * x.dim), rows: 1, dim: x.dim };
    const p = this.probabilities(one)[0];
    if (!(p >= 0.5)) return [];
    // Which features move the probability most when set to the training mean (0 after scaling).
    const base = scaleMatrix(this.params.scaler, one).data;
    const variants = new Float32Array(x.dim * x.dim);
    for (let j = 0; j < x.dim; j++) {
      variants.set(base, j * x.dim);
      variants[j * x.dim + j] = 0;
    }
    const probsTensor = tf.tidy(() => this.model.predict(tf.tensor2d(variants, [x.dim, x.dim]), { batchSize: 8192 }) as tf.Tensor);
    let probs: Float32Array;
    try {
      probs = probsTensor.dataSync() as Float32Array;
    } finally {
      probsTensor.dispose();
    }
    return Array.from(probs, (q, j) => ({ j, drop: p - q }))
      .sort((a, b) => b.drop - a.drop)
      .slice(0, top)
      .filter((e) => e.drop > 0.05)
      .map(({ j, drop }) => ({
        feature: this.featureNames[j],
        value: Number.isFinite(one.data[j]) ? one.data[j] : 0,
        detail: `resembles events analysts labelled malicious (p = ${p.toFixed(2)}); ${this.featureNames[j]} = ${fmt(one.data[j])} contributes ${Math.round(100 * drop)} points`,
      }));
  }
}
