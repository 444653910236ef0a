/** The q-quantile (0..1) of `xs` by the nearest-rank rule; 0 for no values. Sorts a copy unless told `xs` is sorted. */
export function quantile(xs: readonly number[], q: number, sorted = false): number {
  if (!xs.length) return 0;
  const s = sorted ? xs : [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
