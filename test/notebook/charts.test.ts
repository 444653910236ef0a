import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { barChart, heatColor, heatmap, histogram, histogramBins, htmlTable, lineChart, linearScale, niceTicks, scatterChart, formatNumber, extent } from '../../src/notebook/index.js';
import { assertWellFormed, markTitles, numberAttr } from './wellformed.js';

test('nice ticks are round, evenly spaced and inside the range', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 23, 5), [0, 5, 10, 15, 20]);
  fc.assert(
    fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (lo, span) => {
      const ticks = niceTicks(lo, lo + span, 5);
      assert.ok(ticks.length >= 2 && ticks.length <= 11, `${ticks.length} ticks for [${lo}, ${lo + span}]`);
      for (const t of ticks) assert.ok(t >= lo - span * 1e-6 && t <= lo + span + span * 1e-6);
      const step = ticks[1] - ticks[0];
      for (let i = 2; i < ticks.length; i++) assert.ok(Math.abs(ticks[i] - ticks[i - 1] - step) <= Math.abs(step) * 1e-6);
    }),
  );
});

test('extent covers the finite values with round ends, and ignores NaN', () => {
  assert.deepEqual(extent([3, NaN, 17, Infinity]), [0, 20]);
  assert.deepEqual(extent([5]), [4.5, 5.5]);
  assert.deepEqual(extent([]), [0, 1]);
  assert.deepEqual(extent([3, 7], { includeZero: true }), [0, 8]);
});

test('a linear scale maps the domain ends onto the range ends and clamps outside', () => {
  const y = linearScale([0, 10], [300, 20]);
  assert.equal(y(0), 300);
  assert.equal(y(10), 20);
  assert.equal(y(5), 160);
  assert.equal(y(-99), 300);
  assert.equal(y(99), 20);
});

test('numbers are labelled short', () => {
  assert.equal(formatNumber(12000), '12k');
  assert.equal(formatNumber(2_500_000), '2.5M');
  assert.equal(formatNumber(0.25), '0.25');
  assert.equal(formatNumber(0.00015), '1.5e-4');
});

test('bar heights are proportional to the values, labels are escaped, NaN draws no bar', () => {
  const svg = barChart({ title: 'Events <by> app', labels: ['a&b', 'c', 'broken', 'd'], values: [10, 5, NaN, 2.5] });
  assertWellFormed(svg);
  assert.ok(svg.includes('Events &lt;by&gt; app'));
  assert.deepEqual(markTitles(svg, 'rect'), ['a&amp;b: 10', 'c: 5', 'd: 2.5']);
  const heights = [...svg.matchAll(/<rect [^>]*><title>/g)].map((m) => numberAttr(m[0], 'height'));
  assert.ok(Math.abs(heights[0] / heights[1] - 2) < 0.02 && Math.abs(heights[1] / heights[2] - 2) < 0.02, String(heights));
  assert.doesNotMatch(svg, /NaN/);
});

test('horizontal bars: widths proportional, one label per category', () => {
  const svg = barChart({ labels: ['US', 'DE', 'BR'], values: [30, 15, 3], horizontal: true });
  assertWellFormed(svg);
  const widths = [...svg.matchAll(/<rect [^>]*><title>/g)].map((m) => numberAttr(m[0], 'width'));
  assert.ok(Math.abs(widths[0] / widths[1] - 2) < 0.02 && Math.abs(widths[1] / widths[2] - 5) < 0.05, String(widths));
  for (const c of ['US', 'DE', 'BR']) assert.ok(svg.includes(`>${c}</text>`));
});

test('histogram bins count every finite value once, the maximum in the last bin', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constant(NaN)), { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (values, bins) => {
      const { counts, edges, skipped } = histogramBins(values, bins);
      const finite = values.filter(Number.isFinite).length;
      assert.equal(counts.reduce((a, b) => a + b, 0) + skipped, values.length);
      if (finite > 0) {
        assert.equal(skipped, values.length - finite);
        assert.equal(counts.length, bins);
        assert.equal(edges.length, bins + 1);
      }
    }),
  );
  assert.deepEqual(histogramBins([0, 1, 2, 3, 4], 2).counts, [2, 3]);
  assert.deepEqual(histogramBins([0, 5, 10, 99], 2, [0, 10]), { edges: [0, 5, 10], counts: [1, 2], skipped: 1 });
  // Found by the property above: a subnormal span makes the bin width underflow to 0.
  assert.equal(histogramBins([0, -5e-324], 2).counts.reduce((a, b) => a + b, 0), 2);
});

test('histogram and charts with nothing to draw say so instead of throwing', () => {
  for (const svg of [
    histogram({ title: 'empty', values: [NaN, Infinity] }),
    barChart({ labels: [], values: [] }),
    lineChart({ series: [] }),
    scatterChart({ series: [{ name: 's', x: [NaN], y: [1] }] }),
    heatmap({ rows: [], columns: ['a'], values: [] }),
  ]) {
    assertWellFormed(svg);
    assert.match(svg, /no data|no finite values/);
  }
});

test('a line with a NaN point has a gap (two segments), markers and diagonal are drawn', () => {
  const svg = lineChart({
    title: 'calibration',
    series: [{ name: 'model', x: [0, 0.25, 0.5, 0.75, 1], y: [0, 0.3, NaN, 0.7, 1] }, { name: 'baseline', x: [0, 1], y: [0.1, 0.9] }],
    diagonal: true,
    points: true,
    markers: [{ x: 0.5, label: 'threshold' }],
  });
  assertWellFormed(svg);
  const d = /<path d="([^"]+)"/.exec(svg)![1];
  assert.equal(d.match(/M/g)!.length, 2);
  assert.equal(d.match(/L/g)!.length, 2);
  assert.equal(markTitles(svg, 'circle').length, 4 + 2);
  assert.ok(svg.includes('stroke-dasharray="4 3"'), 'diagonal');
  assert.ok(svg.includes('>threshold</text>'));
  assert.ok(svg.includes('>baseline</text>'), 'legend when there are two series');
  const legendY = (chart: string) => numberAttr(/<rect x="[^"]+" y="[^"]+" width="10"[^>]*>/.exec(chart)![0], 'y');
  const low = lineChart({ series: [{ name: 'a', x: [0, 1], y: [0, 1] }, { name: 'b', x: [0, 1], y: [1, 0] }], legend: 'bottom-right' });
  const high = lineChart({ series: [{ name: 'a', x: [0, 1], y: [0, 1] }, { name: 'b', x: [0, 1], y: [1, 0] }] });
  assert.ok(legendY(low) > legendY(high) + 100, 'bottom-right legend sits low');
});

test('scatter thins to maxPoints by a fixed stride and says so', () => {
  const x = Array.from({ length: 1000 }, (_, i) => i);
  const svg = scatterChart({ series: [{ name: 'users', x, y: x.map((v) => v * v) }], maxPoints: 100 });
  assertWellFormed(svg);
  assert.equal(svg.match(/<circle /g)!.length, 100);
  assert.ok(svg.includes('every 10th of 1000 points'));
});

test('heatmap: one cell per value, diverging colours around zero, grey for NaN', () => {
  const svg = heatmap({ rows: ['a', 'b'], columns: ['x', 'y', 'z'], values: [[1, -1, 0], [0.5, NaN, -0.5]], domain: [-1, 1] });
  assertWellFormed(svg);
  assert.equal(markTitles(svg, 'rect').length, 6);
  assert.equal(heatColor(0, [-1, 1]), '#f7f7f7');
  assert.equal(heatColor(1, [-1, 1]), '#b2182b');
  assert.equal(heatColor(-1, [-1, 1]), '#2166ac');
  assert.equal(heatColor(NaN, [-1, 1]), '#cccccc');
  assert.ok(svg.includes('fill="#cccccc"'));
  assert.equal(heatColor(5, [0, 10]), '#8cafd2');
});

test('htmlTable escapes cells, formats numbers, joins arrays and counts hidden rows', () => {
  const html = htmlTable(
    [
      { user: '<script>', score: 0.98765, reasons: ['new country', 'new device'] },
      { user: 'bob', score: 1, reasons: [] },
      { user: 'carol', score: 0.5, reasons: [] },
    ],
    { caption: 'Top alerts', maxRows: 2, digits: 2 },
  );
  assertWellFormed(html);
  assert.ok(html.includes('&lt;script&gt;'));
  assert.ok(html.includes('>0.99</td>'));
  assert.ok(html.includes('>new country; new device</td>'));
  assert.ok(html.includes('1 more rows'));
  assert.ok(!html.includes('carol'));
  assert.equal(htmlTable([{ bytes: NaN, rate: Infinity }]).match(/<td[^>]*>([^<]*)<\/td>/g)!.join(''), '<td style="text-align:right"></td><td style="text-align:right">Infinity</td>');
});
