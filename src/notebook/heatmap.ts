/**
 * A heatmap (correlation matrices, activity by weekday × hour) as an SVG string. A domain
 * that spans zero gets a diverging blue–white–red scale, otherwise white → blue.
 */
import { escapeXml, emptyChart, layout, px, shorten, svgDocument, type ChartSize } from './svg.js';

export interface HeatmapOptions extends ChartSize {
  title?: string;
  rows: readonly string[];
  columns: readonly string[];
  /** values[r][c]; non-finite cells are drawn grey. */
  values: ArrayLike<ArrayLike<number>>;
  /** Colour domain; default: the values' own range (for correlations pass [-1, 1]). */
  domain?: readonly [number, number];
  /** Print the value in each cell (default: when the grid is at most 16 × 16). */
  annotate?: boolean;
}

/** Colour of `value` on the scale of `domain`, as #rrggbb. */
export function heatColor(value: number, domain: readonly [number, number]): string {
  if (!Number.isFinite(value)) return '#cccccc';
  const [lo, hi] = domain;
  const blue = [33, 102, 172];
  const red = [178, 24, 43];
  const white = [247, 247, 247];
  if (lo < 0 && hi > 0) {
    const bound = Math.max(-lo, hi);
    const t = Math.max(-1, Math.min(1, value / bound));
    return hex(mix(white, t < 0 ? blue : red, Math.abs(t)));
  }
  const t = hi === lo ? 1 : Math.max(0, Math.min(1, (value - lo) / (hi - lo)));
  return hex(mix(white, blue, t));
}

function mix(a: number[], b: number[], t: number): number[] {
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

function hex(rgb: number[]): string {
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function heatmap(o: HeatmapOptions): string {
  const longest = Math.min(24, Math.max(2, ...o.rows.map((r) => r.length)));
  // Column labels are rotated 60° up and to the right: they need room above and beside the grid.
  const longestColumn = Math.min(20, Math.max(2, ...o.columns.map((c) => c.length)));
  const [above, beside] = [42 + longestColumn * 5.7, 16 + longestColumn * 3.3];
  const cell = Math.max(10, Math.min(36, Math.floor(560 / Math.max(1, o.columns.length))));
  const left = 12 + longest * 6.5;
  const l = layout(
    { width: o.width ?? left + cell * o.columns.length + beside, height: o.height ?? above + cell * o.rows.length + 10 },
    { left, top: above, bottom: 10, right: beside },
  );
  if (o.rows.length === 0 || o.columns.length === 0) return emptyChart(l, o.title, 'no data');
  let [lo, hi] = o.domain ?? [Infinity, -Infinity];
  if (!o.domain) {
    for (let r = 0; r < o.rows.length; r++) {
      for (let c = 0; c < o.columns.length; c++) {
        const v = o.values[r]?.[c];
        if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      }
    }
    if (lo === Infinity) [lo, hi] = [0, 1];
  }
  const w = (l.right - l.left) / o.columns.length;
  const h = (l.bottom - l.top) / o.rows.length;
  const annotate = o.annotate ?? (o.rows.length <= 16 && o.columns.length <= 16);
  const parts: string[] = [];
  o.columns.forEach((name, c) => {
    const cx = l.left + w * (c + 0.5);
    parts.push(`<text x="${px(cx)}" y="${l.top - 6}" transform="rotate(-60 ${px(cx)} ${l.top - 6})">${escapeXml(shorten(name, 20))}</text>`);
  });
  o.rows.forEach((name, r) => {
    parts.push(`<text x="${l.left - 6}" y="${px(l.top + h * (r + 0.5) + 4)}" text-anchor="end">${escapeXml(shorten(name, 24))}</text>`);
    for (let c = 0; c < o.columns.length; c++) {
      const v = o.values[r]?.[c] ?? NaN;
      const fill = heatColor(v, [lo, hi]);
      parts.push(
        `<rect x="${px(l.left + w * c)}" y="${px(l.top + h * r)}" width="${px(w)}" height="${px(h)}" fill="${fill}"><title>${escapeXml(`${name} × ${o.columns[c]}: ${v}`)}</title></rect>`,
      );
      if (annotate && Number.isFinite(v)) {
        const dark = Math.abs(v) > (Math.max(Math.abs(lo), Math.abs(hi)) || 1) * 0.6;
        parts.push(
          `<text x="${px(l.left + w * (c + 0.5))}" y="${px(l.top + h * (r + 0.5) + 3.5)}" text-anchor="middle" font-size="9" fill="${dark ? 'white' : '#333'}">${Math.abs(v) < 10 ? v.toFixed(2) : Math.round(v)}</text>`,
        );
      }
    }
  });
  return svgDocument(l, o.title, parts);
}
