/**
 * SVG building blocks for the notebook charts: escaping, the plot frame with axes, a
 * legend. Charts are plain strings so they render anywhere an .ipynb is viewed (Jupyter,
 * VS Code, GitHub) through tslab's `display.svg`, with no JavaScript in the output.
 */
import { formatNumber, type LinearScale } from './scale.js';

/** Tableau 10: distinguishable categories, also for most colour-blind readers. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Coordinates rounded to 0.1 px: smaller files, same picture. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export interface ChartSize {
  width?: number;
  height?: number;
}

export interface Layout {
  width: number;
  height: number;
  /** Plot area. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function layout(size: ChartSize, margins: { left?: number; right?: number; top?: number; bottom?: number } = {}): Layout {
  const width = size.width ?? 640;
  const height = size.height ?? 320;
  return {
    width,
    height,
    left: margins.left ?? 56,
    right: width - (margins.right ?? 16),
    top: margins.top ?? 32,
    bottom: height - (margins.bottom ?? 44),
  };
}

/** The outer <svg> with a title; `body` is the chart's marks and axes. */
export function svgDocument(l: Layout, title: string | undefined, body: string[]): string {
  const heading = title
    ? `<text x="${px(l.width / 2)}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`
    : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${l.width}" height="${l.height}" fill="white"/>`,
    heading,
    ...body,
    '</svg>',
  ].join('\n');
}

/** The message a chart shows instead of throwing when it has nothing to draw. */
export function emptyChart(l: Layout, title: string | undefined, why: string): string {
  return svgDocument(l, title, [`<text x="${px(l.width / 2)}" y="${px(l.height / 2)}" text-anchor="middle" fill="#666">${escapeXml(why)}</text>`]);
}

/** Left axis with grid lines and a rotated label. */
export function yAxis(l: Layout, y: LinearScale, label?: string, format: (v: number) => string = formatNumber): string[] {
  const parts = y.ticks.map(
    (t) =>
      `<line x1="${l.left}" x2="${l.right}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#e6e6e6"/>` +
      `<text x="${l.left - 6}" y="${px(y(t) + 4)}" text-anchor="end">${escapeXml(format(t))}</text>`,
  );
  parts.push(`<line x1="${l.left}" x2="${l.left}" y1="${l.top}" y2="${l.bottom}" stroke="#333"/>`);
  if (label) {
    const cy = (l.top + l.bottom) / 2;
    parts.push(`<text x="14" y="${px(cy)}" text-anchor="middle" transform="rotate(-90 14 ${px(cy)})">${escapeXml(label)}</text>`);
  }
  return parts;
}

/** Bottom axis for a numeric x. */
export function xAxis(l: Layout, x: LinearScale, label?: string, format: (v: number) => string = formatNumber): string[] {
  const parts = x.ticks.map(
    (t) =>
      `<line x1="${px(x(t))}" x2="${px(x(t))}" y1="${l.bottom}" y2="${l.bottom + 4}" stroke="#333"/>` +
      `<text x="${px(x(t))}" y="${l.bottom + 16}" text-anchor="middle">${escapeXml(format(t))}</text>`,
  );
  parts.push(`<line x1="${l.left}" x2="${l.right}" y1="${l.bottom}" y2="${l.bottom}" stroke="#333"/>`);
  if (label) parts.push(`<text x="${px((l.left + l.right) / 2)}" y="${l.height - 8}" text-anchor="middle">${escapeXml(label)}</text>`);
  return parts;
}

/** Category labels under bars; long lists show every n-th label and long labels are cut. */
export function categoryAxis(l: Layout, labels: readonly string[], centerOf: (i: number) => number, label?: string): string[] {
  const room = (l.right - l.left) / Math.max(1, labels.length);
  const every = Math.max(1, Math.ceil(40 / room));
  const parts = labels.flatMap((text, i) =>
    i % every === 0
      ? [`<text x="${px(centerOf(i))}" y="${l.bottom + 14}" text-anchor="middle">${escapeXml(shorten(text, Math.max(4, Math.floor((room * every) / 6.5))))}</text>`]
      : [],
  );
  parts.push(`<line x1="${l.left}" x2="${l.right}" y1="${l.bottom}" y2="${l.bottom}" stroke="#333"/>`);
  if (label) parts.push(`<text x="${px((l.left + l.right) / 2)}" y="${l.height - 8}" text-anchor="middle">${escapeXml(label)}</text>`);
  return parts;
}

export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** Legend in a corner of the plot area (top right unless told otherwise). */
export function legend(l: Layout, names: readonly string[], corner: 'top-right' | 'bottom-right' = 'top-right'): string[] {
  if (names.length < 2) return [];
  const first = corner === 'top-right' ? l.top + 4 : l.bottom - 4 - names.length * 15;
  return names.map((name, i) => {
    const y = first + i * 15;
    const x = l.right - 150;
    return (
      `<rect x="${x}" y="${y}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>` +
      `<text x="${x + 14}" y="${y + 9}">${escapeXml(shorten(name, 24))}</text>`
    );
  });
}
