/** Linear scales and "nice" axis ticks for the notebook charts. */

export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly ticks: number[];
}

/** Round numbers (1, 2, 2.5 or 5 × 10^k) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const [lo, hi] = min < max ? [min, max] : [max, min];
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  // Multiplying the index (rather than adding steps) keeps 0.1 + 0.2-style drift out of labels.
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/**
 * [min, max] of the finite values, widened to round tick values; a single value gets a
 * unit-wide domain so it still has somewhere to be drawn.
 */
export function extent(values: Iterable<number>, options: { includeZero?: boolean } = {}): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (options.includeZero) {
    min = Math.min(min, 0);
    max = Math.max(max, 0);
  }
  if (min === Infinity) return [0, 1];
  if (min === max) return [min - 0.5, max + 0.5];
  const ticks = niceTicks(min, max);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 0;
  return [ticks[0] > min ? ticks[0] - step : ticks[0], ticks[ticks.length - 1] < max ? ticks[ticks.length - 1] + step : ticks[ticks.length - 1]];
}

/** Maps [d0, d1] onto [r0, r1]; values outside the domain are clamped so marks never leave the plot. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number], tickCount = 5): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => {
    const t = Math.min(1, Math.max(0, (value - d0) / span));
    return r0 + t * (r1 - r0);
  }) as LinearScale;
  return Object.assign(scale, { domain: [d0, d1] as const, ticks: niceTicks(d0, d1, tickCount) });
}

/** Short tick labels: 12000 → 12k, 0.25 → 0.25, 1.5e-4 → 1.5e-4. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  if (abs !== 0 && abs < 1e-3) return value.toExponential(1);
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)));
}
