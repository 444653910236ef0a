/**
 * Bar, histogram, line and scatter charts as SVG strings. Non-finite values are left out
 * (a gap in a line), never drawn at 0; an empty input draws a message, not an exception,
 * so one empty group does not stop a notebook.
 */
import { extent, linearScale } from './scale.js';
import { PALETTE, categoryAxis, emptyChart, escapeXml, layout, legend, px, shorten, svgDocument, xAxis, yAxis, type ChartSize } from './svg.js';

export interface BarChartOptions extends ChartSize {
  title?: string;
  labels: readonly string[];
  values: ArrayLike<number>;
  xLabel?: string;
  yLabel?: string;
  /** Horizontal bars read better for long category names (apps, countries, users). */
  horizontal?: boolean;
}

export function barChart(o: BarChartOptions): string {
  const n = Math.min(o.labels.length, o.values.length);
  if (o.horizontal) return horizontalBars(o, n);
  const l = layout({ width: o.width, height: o.height ?? 300 });
  if (n === 0) return emptyChart(l, o.title, 'no data');
  const values = Array.from({ length: n }, (_, i) => o.values[i]);
  const y = linearScale(extent(values, { includeZero: true }), [l.bottom, l.top]);
  const band = (l.right - l.left) / n;
  const centerOf = (i: number) => l.left + band * (i + 0.5);
  const bars = values.flatMap((v, i) => {
    if (!Number.isFinite(v)) return [];
    const [top, bottom] = [Math.min(y(v), y(0)), Math.max(y(v), y(0))];
    return [
      `<rect x="${px(l.left + band * i + band * 0.1)}" y="${px(top)}" width="${px(band * 0.8)}" height="${px(bottom - top)}" fill="${PALETTE[0]}"><title>${escapeXml(`${o.labels[i]}: ${v}`)}</title></rect>`,
    ];
  });
  return svgDocument(l, o.title, [...yAxis(l, y, o.yLabel), ...bars, ...categoryAxis(l, o.labels.slice(0, n), centerOf, o.xLabel)]);
}

function horizontalBars(o: BarChartOptions, n: number): string {
  const longest = Math.min(28, Math.max(4, ...o.labels.slice(0, n).map((s) => s.length)));
  const l = layout({ width: o.width, height: o.height ?? Math.max(120, 76 + n * 22) }, { left: 12 + longest * 6.5 });
  if (n === 0) return emptyChart(l, o.title, 'no data');
  const values = Array.from({ length: n }, (_, i) => o.values[i]);
  const x = linearScale(extent(values, { includeZero: true }), [l.left, l.right]);
  const band = (l.bottom - l.top) / n;
  const parts = values.flatMap((v, i) => {
    const cy = l.top + band * (i + 0.5);
    const label = `<text x="${l.left - 6}" y="${px(cy + 4)}" text-anchor="end">${escapeXml(shorten(o.labels[i], 28))}</text>`;
    if (!Number.isFinite(v)) return [label];
    const [from, to] = [Math.min(x(v), x(0)), Math.max(x(v), x(0))];
    return [
      label,
      `<rect x="${px(from)}" y="${px(l.top + band * i + band * 0.1)}" width="${px(to - from)}" height="${px(band * 0.8)}" fill="${PALETTE[0]}"><title>${escapeXml(`${o.labels[i]}: ${v}`)}</title></rect>`,
    ];
  });
  return svgDocument(l, o.title, [...xAxis(l, x, o.xLabel ?? o.yLabel), ...parts]);
}

export interface GroupedBarOptions extends ChartSize {
  title?: string;
  labels: readonly string[];
  /** One bar per series in each label's group (e.g. benign vs malicious). */
  series: readonly { name: string; values: ArrayLike<number> }[];
  xLabel?: string;
}

/** Horizontal bars grouped by label, one colour per series, with a legend. */
export function groupedBarChart(o: GroupedBarOptions): string {
  const n = o.labels.length;
  const m = Math.max(1, o.series.length);
  const longest = Math.min(34, Math.max(4, ...o.labels.map((s) => s.length)));
  const l = layout({ width: o.width, height: o.height ?? Math.max(140, 90 + n * (8 + 12 * m)) }, { left: 12 + longest * 6.5, top: 32 + 15 * (m > 1 ? m : 0) });
  const all = o.series.flatMap((s) => Array.from(s.values).slice(0, n));
  if (n === 0 || !all.some(Number.isFinite)) return emptyChart(l, o.title, 'no data');
  const x = linearScale(extent(all, { includeZero: true }), [l.left, l.right]);
  const band = (l.bottom - l.top) / n;
  const bar = (band * 0.8) / m;
  const parts: string[] = [...xAxis(l, x, o.xLabel)];
  o.labels.forEach((label, i) => {
    parts.push(`<text x="${l.left - 6}" y="${px(l.top + band * (i + 0.5) + 4)}" text-anchor="end">${escapeXml(shorten(label, 34))}</text>`);
    o.series.forEach((s, si) => {
      const v = s.values[i];
      if (!Number.isFinite(v)) return;
      const [from, to] = [Math.min(x(v), x(0)), Math.max(x(v), x(0))];
      parts.push(
        `<rect x="${px(from)}" y="${px(l.top + band * i + band * 0.1 + bar * si)}" width="${px(to - from)}" height="${px(bar)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeXml(`${label} · ${s.name}: ${v}`)}</title></rect>`,
      );
    });
  });
  // Legend above the plot, so it never covers a long bar.
  if (m > 1) {
    o.series.forEach((s, si) => {
      const y = 28 + si * 15;
      parts.push(`<rect x="${l.left}" y="${y}" width="10" height="10" fill="${PALETTE[si % PALETTE.length]}"/><text x="${l.left + 14}" y="${y + 9}">${escapeXml(s.name)}</text>`);
    });
  }
  return svgDocument(l, o.title, parts);
}

export interface Bins {
  /** bins + 1 edges; bin i is [edges[i], edges[i+1]), the last one closed. */
  edges: number[];
  counts: number[];
  /** Values left out: NaN, ±Infinity, or outside an explicit domain. */
  skipped: number;
}

export function histogramBins(values: ArrayLike<number>, bins = 30, domain?: readonly [number, number]): Bins {
  let [lo, hi] = domain ?? [Infinity, -Infinity];
  if (!domain) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (lo === Infinity) return { edges: [], counts: [], skipped: values.length };
  // A span too small to divide (equal ends, or subnormal numbers whose bin width
  // underflows to 0) is drawn as one unit-wide range so every value lands in a bin.
  if (!((hi - lo) / bins > 0)) {
    const mid = lo / 2 + hi / 2;
    lo = mid - 0.5;
    hi = mid + 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(bins).fill(0);
  let skipped = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v < lo || v > hi) {
      skipped += 1;
      continue;
    }
    counts[Math.max(0, Math.min(bins - 1, Math.floor((v - lo) / width)))] += 1;
  }
  return { edges, counts, skipped };
}

export interface HistogramOptions extends ChartSize {
  title?: string;
  values: ArrayLike<number>;
  bins?: number;
  domain?: readonly [number, number];
  xLabel?: string;
  yLabel?: string;
}

export function histogram(o: HistogramOptions): string {
  const l = layout({ width: o.width, height: o.height ?? 260 });
  const { edges, counts, skipped } = histogramBins(o.values, o.bins ?? 30, o.domain);
  if (counts.length === 0) return emptyChart(l, o.title, `no finite values (${skipped} skipped)`);
  const x = linearScale([edges[0], edges[edges.length - 1]], [l.left, l.right]);
  const y = linearScale(extent(counts, { includeZero: true }), [l.bottom, l.top]);
  const bars = counts.map(
    (c, i) =>
      `<rect x="${px(x(edges[i]))}" y="${px(y(c))}" width="${px(Math.max(0.5, x(edges[i + 1]) - x(edges[i]) - 1))}" height="${px(y(0) - y(c))}" fill="${PALETTE[0]}"><title>${escapeXml(`[${edges[i].toPrecision(4)}, ${edges[i + 1].toPrecision(4)}): ${c}`)}</title></rect>`,
  );
  const note = skipped > 0 ? [`<text x="${l.right}" y="${l.top - 4}" text-anchor="end" fill="#666">${skipped} non-finite or out-of-range values not shown</text>`] : [];
  return svgDocument(l, o.title, [...yAxis(l, y, o.yLabel ?? 'count'), ...bars, ...xAxis(l, x, o.xLabel), ...note]);
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface Marker {
  /** Where the vertical rule is drawn (a chosen k, a threshold…). */
  x: number;
  label: string;
}

export interface LineChartOptions extends ChartSize {
  title?: string;
  series: readonly Series[];
  xLabel?: string;
  yLabel?: string;
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Dots on the points, for short series (elbow curves). */
  points?: boolean;
  /** The y = x line: the ideal of a calibration curve. */
  diagonal?: boolean;
  markers?: readonly Marker[];
  /** Where the legend goes: rising curves (CDFs, PR from the left) are clear at the bottom right. */
  legend?: 'top-right' | 'bottom-right';
}

export function lineChart(o: LineChartOptions): string {
  const l = layout({ width: o.width, height: o.height });
  const xs = o.series.flatMap((s) => Array.from(s.x));
  const ys = o.series.flatMap((s) => Array.from(s.y));
  if (!xs.some(Number.isFinite) || !ys.some(Number.isFinite)) return emptyChart(l, o.title, 'no data');
  const x = linearScale(o.xDomain ?? extent([...xs, ...(o.markers ?? []).map((m) => m.x)]), [l.left, l.right]);
  const y = linearScale(o.yDomain ?? extent(ys), [l.bottom, l.top]);
  const parts = [...yAxis(l, y, o.yLabel), ...xAxis(l, x, o.xLabel)];
  if (o.diagonal) {
    const [a, b] = [Math.max(x.domain[0], y.domain[0]), Math.min(x.domain[1], y.domain[1])];
    parts.push(`<line x1="${px(x(a))}" y1="${px(y(a))}" x2="${px(x(b))}" y2="${px(y(b))}" stroke="#999" stroke-dasharray="4 3"/>`);
  }
  o.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const n = Math.min(s.x.length, s.y.length);
    // A non-finite point ends the current segment: a gap, not a drop to zero.
    let d = '';
    let pen = 'M';
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) {
        pen = 'M';
        continue;
      }
      d += `${pen}${px(x(s.x[i]))},${px(y(s.y[i]))}`;
      pen = 'L';
    }
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeXml(s.name)}</title></path>`);
    if (o.points) {
      for (let i = 0; i < n; i++) {
        if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) {
          parts.push(`<circle cx="${px(x(s.x[i]))}" cy="${px(y(s.y[i]))}" r="3" fill="${color}"><title>${escapeXml(`${s.name}: (${s.x[i]}, ${s.y[i]})`)}</title></circle>`);
        }
      }
    }
  });
  for (const m of o.markers ?? []) {
    parts.push(
      `<line x1="${px(x(m.x))}" x2="${px(x(m.x))}" y1="${l.top}" y2="${l.bottom}" stroke="#e15759" stroke-dasharray="5 3"/>` +
        `<text x="${px(x(m.x) + 4)}" y="${l.top + 12}" fill="#e15759">${escapeXml(m.label)}</text>`,
    );
  }
  parts.push(...legend(l, o.series.map((s) => s.name), o.legend));
  return svgDocument(l, o.title, parts);
}

export interface ScatterOptions extends ChartSize {
  title?: string;
  series: readonly Series[];
  xLabel?: string;
  yLabel?: string;
  /** More points than this are thinned by a fixed stride (deterministic), to keep the SVG light. */
  maxPoints?: number;
}

export function scatterChart(o: ScatterOptions): string {
  const l = layout({ width: o.width, height: o.height ?? 360 });
  const xs = o.series.flatMap((s) => Array.from(s.x));
  const ys = o.series.flatMap((s) => Array.from(s.y));
  if (!xs.some(Number.isFinite) || !ys.some(Number.isFinite)) return emptyChart(l, o.title, 'no data');
  const x = linearScale(extent(xs), [l.left, l.right]);
  const y = linearScale(extent(ys), [l.bottom, l.top]);
  const total = o.series.reduce((sum, s) => sum + Math.min(s.x.length, s.y.length), 0);
  const stride = Math.max(1, Math.ceil(total / (o.maxPoints ?? 4000)));
  const parts = [...yAxis(l, y, o.yLabel), ...xAxis(l, x, o.xLabel)];
  o.series.forEach((s, si) => {
    const n = Math.min(s.x.length, s.y.length);
    const dots: string[] = [];
    for (let i = 0; i < n; i += stride) {
      if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) dots.push(`<circle cx="${px(x(s.x[i]))}" cy="${px(y(s.y[i]))}" r="2.5"/>`);
    }
    parts.push(`<g fill="${PALETTE[si % PALETTE.length]}" fill-opacity="0.6">${dots.join('')}</g>`);
  });
  if (stride > 1) parts.push(`<text x="${l.right}" y="${l.top - 4}" text-anchor="end" fill="#666">every ${stride}th of ${total} points</text>`);
  parts.push(...legend(l, o.series.map((s) => s.name)));
  return svgDocument(l, o.title, parts);
}
