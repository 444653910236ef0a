/**
 * The tfjs backend, chosen once per process: tfjs-node when it is installed (native
 * TensorFlow, fastest), else the wasm backend (≈16× the pure-JS cpu backend here),
 * else cpu. tfjs-node is loaded by a dynamic import so that its absence is normal.
 */
import * as tf from '@tensorflow/tfjs';

let ready: Promise<string> | null = null;

async function tryNode(): Promise<boolean> {
  try {
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return tf.getBackend() === 'tensorflow' || (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

async function pick(): Promise<string> {
  if (await tryNode()) return 'tensorflow';
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return 'wasm';
    }
  } catch {
    // fall through to cpu
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

/** Resolves to the backend name once tfjs can run; safe to call many times. */
export function ensureTf(): Promise<string> {
  ready ??= pick();
  return ready;
}

export { tf };
