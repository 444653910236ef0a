import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileDense } from '../../src/models/dense-forward.js';
import { ensureTf, tf } from '../../src/models/tf.js';

await ensureTf();

function model(layers: tf.layers.Layer[]): tf.Sequential {
  const m = tf.sequential();
  for (const l of layers) m.add(l);
  return m;
}

test('the compiled dense forward pass gives what predict gives, for 1, 32 and 300 rows', () => {
  const dim = 17;
  const m = model([
    tf.layers.dense({ inputShape: [dim], units: 9, activation: 'tanh' }),
    tf.layers.dense({ units: 4, activation: 'relu' }),
    tf.layers.dense({ units: 9, activation: 'sigmoid', useBias: false }),
    tf.layers.dense({ units: dim, activation: 'linear' }),
  ]);
  const forward = compileDense(m);
  assert.ok(forward, 'a stack of dense layers compiles');
  for (const rows of [1, 32, 300]) {
    const data = Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i * 12.9898) * 3);
    const [a, b] = tf.tidy(() => {
      const x = tf.tensor2d(data, [rows, dim]);
      return [forward(x).dataSync(), (m.predict(x) as tf.Tensor).dataSync()];
    });
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst < 1e-5, `rows ${rows}: largest difference ${worst}`);
  }
});

test('a model with another kind of layer or activation is left to predict', () => {
  assert.equal(compileDense(model([tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.dropout({ rate: 0.1 })])), null);
  assert.equal(compileDense(model([tf.layers.dense({ inputShape: [4], units: 3, activation: 'softplus' })])), null);
});
