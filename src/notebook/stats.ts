/** Small statistics the notebooks plot: correlations, rates by group. Pure, over typed arrays. */

/**
 * Pearson correlation of every pair of columns (rows with a non-finite value in either
 * column are left out of that pair). A constant column correlates NaN with everything:
 * "no information", which the heatmap draws grey rather than pretending 0.
 */
export function correlationMatrix(columns: readonly ArrayLike<number>[]): number[][] {
  const k = columns.length;
  const out = Array.from({ length: k }, () => new Array<number>(k).fill(NaN));
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const r = pearson(columns[a], columns[b]);
      out[a][b] = r;
      out[b][a] = r;
    }
  }
  return out;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = Math.min(x.length, y.length);
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      count++;
      sx += x[i];
      sy += y[i];
    }
  }
  if (count < 2) return NaN;
  const mx = sx / count;
  const my = sy / count;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      const dx = x[i] - mx;
      const dy = y[i] - my;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  }
  if (sxx === 0 || syy === 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Mean of `values` over the rows where `mask` is true, and over the others ([inside, outside]). */
export function meanBy(values: ArrayLike<number>, mask: ArrayLike<boolean>): [number, number] {
  let [si, ni, so, no] = [0, 0, 0, 0];
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    if (mask[i]) {
      si += values[i];
      ni++;
    } else {
      so += values[i];
      no++;
    }
  }
  return [ni ? si / ni : NaN, no ? so / no : NaN];
}

/** Standard deviation of the finite values (population), NaN when there are none. */
export function std(values: ArrayLike<number>): number {
  let n = 0;
  let s = 0;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    n++;
    s += v;
    ss += v * v;
  }
  if (n === 0) return NaN;
  const m = s / n;
  return Math.sqrt(Math.max(0, ss / n - m * m));
}
