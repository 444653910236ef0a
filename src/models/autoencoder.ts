/**
 * Autoencoder component (tfjs): a small dense network learns to reconstruct scaled
 * feature rows through a bottleneck; rows unlike the training bulk reconstruct badly.
 * The raw score is the mean squared reconstruction error; reasons are the features
 * reconstructed worst. Stored as tfjs `model.json` (topology + weight specs, data
 * only) plus one flat weights file, loaded back through an in-memory IOHandler.
 */
import { ThreatlabError } from '../errors/index.js';
import { compileDense, type DenseForward } from './dense-forward.js';
import { seededRandom, sampleRows } from './random.js';
import { scaleMatrix, fitScaler, isScaler, type Scaler } from './scaler.js';
import { ensureTf, tf } from './tf.js';
import type { FeatureMatrix, Reason, Scorer } from './types.js';
import { fmt } from './kmeans.js';

export interface AutoencoderParams {
  kind: 'autoencoder';
  scaler: Scaler;
  hidden: number[];
  epochs: number;
  fitRows: number;
  finalLoss: number;
}

export interface AutoencoderFitOptions {
  seed?: number;
  sampleSize?: number;
  epochs?: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

export const AE_WEIGHTS_FILE = 'autoencoder.weights.bin';
/** Rows per tfjs call when scoring. */
const PREDICT_BATCH = 8192;

function shuffledRows(rows: Uint32Array, seed: number): Uint32Array {
  const rnd = seededRandom(seed);
  const out = rows.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

export async function fitAutoencoder(x: FeatureMatrix, opts: AutoencoderFitOptions = {}): Promise<{ params: AutoencoderParams; model: tf.LayersModel }> {
  if (x.rows === 0) throw new ThreatlabError('THREATLAB_DEGENERATE_DATA', 'autoencoder: no training rows');
  await ensureTf();
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 8;
  const rows = shuffledRows(sampleRows(x.rows, opts.sampleSize ?? 20_000, seed + 7), seed + 8);
  const scaler = fitScaler(x, rows);
  const scaled = scaleMatrix(scaler, x, rows);
  const dim = x.dim;
  const hidden = [Math.max(8, Math.ceil(dim / 2)), Math.max(3, Math.ceil(dim / 6))];
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 31 + k });
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [dim], units: hidden[0], activation: 'tanh', kernelInitializer: init(1) }));
  model.add(tf.layers.dense({ units: hidden[1], activation: 'tanh', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ units: hidden[0], activation: 'tanh', kernelInitializer: init(3) }));
  model.add(tf.layers.dense({ units: dim, activation: 'linear', kernelInitializer: init(4) }));
  model.compile({ optimizer: tf.train.adam(0.005), loss: 'meanSquaredError' });
  const input = tf.tensor2d(scaled.data, [scaled.rows, dim]);
  let finalLoss = NaN;
  try {
    await model.fit(input, input, {
      epochs,
      // Large batches: tfjs pays a fixed cost per batch that dwarfs a small dense layer's maths.
      batchSize: 512,
      shuffle: false, // rows are pre-shuffled with the seed, so runs repeat
      verbose: 0,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          finalLoss = Number(logs?.loss);
          opts.onEpoch?.(epoch, finalLoss);
        },
      },
    });
  } finally {
    input.dispose();
  }
  if (!Number.isFinite(finalLoss)) throw new ThreatlabError('THREATLAB_DEGENERATE_DATA', `autoencoder training diverged (loss ${finalLoss})`);
  return { params: { kind: 'autoencoder', scaler, hidden, epochs, fitRows: rows.length, finalLoss }, model };
}

export function isAutoencoderParams(v: unknown, dim: number): v is AutoencoderParams {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return p.kind === 'autoencoder' && isScaler(p.scaler, dim);
}

/** Scores a whole batch in one tfjs call (the serving hot path). */
export class AutoencoderScorer implements Scorer {
  readonly name = 'autoencoder';

  /** The last batch's errors, so explaining rows of a batch just scored costs no tfjs call. */
  private last: { x: FeatureMatrix; err: Float32Array } | null = null;

  /** The network as plain ops (dense-forward.ts), or null to use predict. */
  private readonly forward: DenseForward | null;

  constructor(readonly params: AutoencoderParams, readonly model: tf.LayersModel, private readonly featureNames: readonly string[]) {
    this.forward = compileDense(model);
  }

  /** Squared reconstruction error per cell, row-major. */
  private errors(x: FeatureMatrix): Float32Array {
    if (x.rows === 0) return new Float32Array(0);
    if (this.last?.x === x) return this.last.err;
    const scaled = scaleMatrix(this.params.scaler, x);
    // tidy() returns the tensor and dataSync runs outside it: returning the Float32Array from
    // tidy made tfjs walk every element of it looking for tensors (a third of training's
    // calibration time at 50 000 rows).
    const squared = tf.tidy(() => {
      const input = tf.tensor2d(scaled.data, [x.rows, x.dim]);
      // predict() splits its input into batches of 32 by default: 1 563 tfjs round trips for
      // 50 000 rows (28 s instead of 0.3 s, same numbers). Large batches bound memory just as well.
      const out = this.forward ? this.forward(input) : this.model.predict(input, { batchSize: PREDICT_BATCH }) as tf.Tensor;
      return input.sub(out).square();
    });
    let err: Float32Array;
    try {
      err = squared.dataSync() as Float32Array;
    } finally {
      squared.dispose();
    }
    this.last = { x, err };
    return err;
  }

  scoreMany(x: FeatureMatrix): Float32Array {
    this.last = null; // always recompute: the caller may have changed x in place
    const err = this.errors(x);
    const out = new Float32Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let s = 0;
      for (let j = 0; j < x.dim; j++) s += err[r * x.dim + j];
      const v = s / x.dim;
      out[r] = Number.isFinite(v) ? v : 0;
    }
    return out;
  }

  explain(x: FeatureMatrix, row: number, top = 3): Reason[] {
    const one: FeatureMatrix = { data: x.data.subarray(row * x.dim, (row + 1) * x.dim), rows: 1, dim: x.dim };
    const err = this.last?.x === x ? this.last.err.subarray(row * x.dim, (row + 1) * x.dim) : this.errors(one);
    let total = 0;
    for (const e of err) total += e;
    return Array.from(err, (e, j) => ({ j, e }))
      .sort((a, b) => b.e - a.e)
      .slice(0, top)
      .filter(({ e }) => e >= 1)
      .map(({ j, e }) => ({
        feature: this.featureNames[j],
        value: Number.isFinite(one.data[j]) ? one.data[j] : 0,
        detail: `${this.featureNames[j]} = ${fmt(one.data[j])} does not fit the event's other features: it is off by ${Math.sqrt(e).toFixed(1)} standard deviations from what the autoencoder expects (${total > 0 ? Math.round((100 * e) / total) : 0} % of the reconstruction error)`,
      }));
  }
}

/** Runs one prediction so the first real batch does not pay for kernel compilation. */
export function warmUpAutoencoder(model: tf.LayersModel, dim: number): void {
  tf.tidy(() => {
    (model.predict(tf.zeros([1, dim])) as tf.Tensor).dataSync();
  });
}
