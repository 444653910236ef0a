/**
 * A Sequential of Dense layers run as plain tfjs ops (one fused matMul + bias per layer,
 * then its activation) instead of `model.predict`. predict's Layers machinery (input
 * checks, symbolic execution, batching) costs more than the maths for the row counts
 * serving sees: 32 rows take 186 µs this way against 325 µs through predict, one row
 * 115 against 435 µs (wasm backend, this machine), with identical outputs. Models of
 * other layers or activations keep using predict.
 */
import { tf } from './tf.js';

type Activation = (x: tf.Tensor2D) => tf.Tensor2D;

const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  tanh: (x) => tf.tanh(x),
  relu: (x) => tf.relu(x),
  sigmoid: (x) => tf.sigmoid(x),
};

interface DenseStep {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D | null;
  activation: Activation;
}

export type DenseForward = (input: tf.Tensor2D) => tf.Tensor2D;

/** The model's forward pass as ops, or null when it is not a plain stack of Dense layers. */
export function compileDense(model: tf.LayersModel): DenseForward | null {
  const steps: DenseStep[] = [];
  for (const layer of model.layers) {
    const config = layer.getConfig() as { activation?: string; useBias?: boolean };
    if (layer.getClassName() !== 'Dense') return null;
    const activation = ACTIVATIONS[config.activation ?? 'linear'];
    if (!activation) return null;
    const weights = layer.getWeights();
    const kernel = weights[0] as tf.Tensor2D;
    const bias = config.useBias === false ? null : ((weights[1] as tf.Tensor1D | undefined) ?? null);
    steps.push({ kernel, bias, activation });
  }
  if (steps.length === 0) return null;
  // Call inside tf.tidy: the intermediate tensors are the caller's to dispose.
  return (input) => {
    let x = input;
    for (const s of steps) x = s.activation(tf.fused.matMul({ a: x, b: s.kernel, ...(s.bias ? { bias: s.bias } : {}) }) as tf.Tensor2D);
    return x;
  };
}
