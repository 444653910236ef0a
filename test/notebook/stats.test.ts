import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alertLoadCurve, correlationMatrix, countPerDay, empiricalCdf, meanBy, pearson, prCurve, std } from '../../src/notebook/index.js';

test('pearson: ±1 for linear relations, NaN for a constant column, symmetric matrix with unit diagonal', () => {
  const x = [1, 2, 3, 4, 5];
  assert.ok(Math.abs(pearson(x, x.map((v) => 3 * v + 1)) - 1) < 1e-12);
  assert.ok(Math.abs(pearson(x, x.map((v) => -v)) + 1) < 1e-12);
  assert.ok(Number.isNaN(pearson(x, [2, 2, 2, 2, 2])));
  assert.ok(Math.abs(pearson([1, 2, NaN, 3], [2, 4, 100, 6]) - 1) < 1e-12, 'rows with NaN are left out');
  const m = correlationMatrix([x, [5, 3, 4, 1, 2], [2, 2, 2, 2, 2]]);
  assert.equal(m[0][0], 1);
  assert.equal(m[0][1], m[1][0]);
  assert.ok(Number.isNaN(m[2][2]));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), { minLength: 2, maxLength: 50 }), (pairs) => {
      const r = pearson(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
      assert.ok(Number.isNaN(r) || (r >= -1 && r <= 1));
    }),
  );
});

test('meanBy splits by the mask; std of a known sample', () => {
  assert.deepEqual(meanBy([1, 2, 3, 10, NaN], [false, false, false, true, true]), [10, 2]);
  assert.ok(Number.isNaN(meanBy([1], [false])[0]));
  assert.equal(std([2, 4, 4, 4, 5, 5, 7, 9]), 2);
});

test('PR curve: perfect ranking reaches recall 1 at precision 1; ties form one point', () => {
  const perfect = prCurve([0.9, 0.8, 0.2, 0.1], [true, true, false, false]);
  assert.deepEqual(perfect.recall, [0.5, 1, 1, 1]);
  assert.deepEqual(perfect.precision, [1, 1, 2 / 3, 0.5]);
  const tied = prCurve([0.5, 0.5, 0.5, 0.1], [true, false, false, true]);
  assert.deepEqual(tied.threshold, [0.5, 0.1]);
  assert.deepEqual(tied.precision, [1 / 3, 0.5]);
  assert.deepEqual(prCurve([0.3], [false]), { recall: [], precision: [], threshold: [] });
});

test('PR curve: recall never decreases, ends at 1, and thinning keeps both ends', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 300 }), fc.integer({ min: 2, max: 20 }), (rows, maxPoints) => {
      const c = prCurve(rows.map((r) => r[0]), rows.map((r) => r[1]), maxPoints);
      if (!rows.some((r) => r[1])) return assert.equal(c.recall.length, 0);
      for (let i = 1; i < c.recall.length; i++) assert.ok(c.recall[i] >= c.recall[i - 1] && c.threshold[i] < c.threshold[i - 1]);
      assert.equal(c.recall[c.recall.length - 1], 1);
      assert.equal(c.precision[c.precision.length - 1], rows.filter((r) => r[1]).length / rows.length);
    }),
  );
});

test('empirical CDF of uniform values follows the diagonal; alert load counts scores ≥ threshold', () => {
  const u = Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000);
  const cdf = empiricalCdf(u, 11);
  cdf.x.forEach((x, i) => assert.ok(Math.abs(cdf.y[i] - x) <= 0.001, `${x} → ${cdf.y[i]}`));
  assert.deepEqual(alertLoadCurve([0.1, 0.5, 0.5, 0.9, NaN], 2, [0, 0.5, 0.95]), [2000, 1500, 0]);
});

test('countPerDay keeps days with no selected rows at 0', () => {
  const day = 86_400_000;
  const t0 = Date.UTC(2026, 0, 5);
  assert.deepEqual(countPerDay([t0 + day, t0, t0 + 10, t0 + day + 5], [false, true, true, false]), { days: ['2026-01-05', '2026-01-06'], counts: [2, 0] });
});
