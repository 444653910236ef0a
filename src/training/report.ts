/**
 * A self-contained HTML evaluation report (no scripts, no external files): PR curve,
 * score histograms by label, alerts per day and the top alerts with their reasons,
 * drawn as inline SVG.
 */
import type { LabelMap } from './labels.js';
import { rankOrder, type Evaluation, type ScoredEvent } from './evaluate.js';

const W = 520;
const H = 300;
const PAD = 40;

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function axes(xLabel: string, yLabel: string): string {
  return `<line x1="${PAD}" y1="${H - PAD}" x2="${W - 10}" y2="${H - PAD}" stroke="#333"/><line x1="${PAD}" y1="10" x2="${PAD}" y2="${H - PAD}" stroke="#333"/>`
    + `<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`
    + `<text x="12" y="${H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 12 ${H / 2})">${esc(yLabel)}</text>`;
}

const sx = (v: number) => PAD + v * (W - PAD - 10);
const sy = (v: number) => H - PAD - v * (H - PAD - 10);

function prCurve(events: readonly ScoredEvent[], positive: boolean[], order: number[]): string {
  const total = positive.filter(Boolean).length;
  if (total === 0) return '<p>No malicious events: no PR curve.</p>';
  const pts: string[] = [];
  let tp = 0;
  const step = Math.max(1, Math.floor(order.length / 2000));
  order.forEach((idx, r) => {
    if (positive[idx]) tp++;
    if (r % step === 0 || r === order.length - 1) pts.push(`${sx(tp / total).toFixed(1)},${sy(tp / (r + 1)).toFixed(1)}`);
  });
  return `<svg width="${W}" height="${H}" role="img" aria-label="precision-recall curve">${axes('recall', 'precision')}<polyline fill="none" stroke="#c0392b" stroke-width="1.5" points="${pts.join(' ')}"/></svg>`;
}

function histograms(events: readonly ScoredEvent[], positive: boolean[]): string {
  const bins = 40;
  const count = (want: boolean) => {
    const h = new Array<number>(bins).fill(0);
    events.forEach((e, i) => {
      if (positive[i] === want) h[Math.min(bins - 1, Math.floor(Math.max(0, e.score) * bins))]++;
    });
    return h;
  };
  const benign = count(false);
  const malicious = count(true);
  const max = Math.log10(1 + Math.max(...benign, ...malicious, 1));
  const bw = (W - PAD - 10) / bins;
  const bars = (h: number[], color: string, offset: number) => h.map((c, i) => {
    const hgt = (Math.log10(1 + c) / max) * (H - PAD - 10);
    return c ? `<rect x="${(PAD + i * bw + offset).toFixed(1)}" y="${(H - PAD - hgt).toFixed(1)}" width="${(bw / 2).toFixed(1)}" height="${hgt.toFixed(1)}" fill="${color}"><title>${c}</title></rect>` : '';
  }).join('');
  return `<svg width="${W}" height="${H}" role="img" aria-label="score histograms">${axes('score (0 → 1)', 'events (log scale)')}${bars(benign, '#7f8c8d', 0)}${bars(malicious, '#c0392b', bw / 2)}</svg><p><span style="color:#7f8c8d">■</span> benign <span style="color:#c0392b">■</span> malicious</p>`;
}

function alertsPerDay(events: readonly ScoredEvent[], positive: boolean[]): string {
  const days = new Map<number, { all: number; tp: number }>();
  events.forEach((e, i) => {
    if (!e.alert) return;
    const d = Math.floor(e.time / 86_400_000);
    const v = days.get(d) ?? { all: 0, tp: 0 };
    v.all++;
    if (positive[i]) v.tp++;
    days.set(d, v);
  });
  if (days.size === 0) return '<p>No alerts.</p>';
  const keys = [...days.keys()].sort((a, b) => a - b);
  const first = keys[0];
  const span = keys[keys.length - 1] - first + 1;
  const max = Math.max(...[...days.values()].map((v) => v.all));
  const bw = (W - PAD - 10) / span;
  const rects = keys.map((d) => {
    const v = days.get(d)!;
    const h = (v.all / max) * (H - PAD - 10);
    const ht = (v.tp / max) * (H - PAD - 10);
    const x = PAD + (d - first) * bw;
    return `<rect x="${x.toFixed(1)}" y="${(H - PAD - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#95a5a6"><title>${new Date(d * 86_400_000).toISOString().slice(0, 10)}: ${v.all} alerts, ${v.tp} malicious</title></rect>`
      + `<rect x="${x.toFixed(1)}" y="${(H - PAD - ht).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${ht.toFixed(1)}" fill="#c0392b"/>`;
  }).join('');
  return `<svg width="${W}" height="${H}" role="img" aria-label="alerts per day">${axes(`days from ${new Date(first * 86_400_000).toISOString().slice(0, 10)}`, `alerts (max ${max})`)}${rects}</svg>`;
}

export function renderReport(events: readonly ScoredEvent[], labels: LabelMap, evaluation: Evaluation, opts: { title?: string; top?: number } = {}): string {
  const positive = events.map((e) => labels.get(e.eventId)?.malicious === true);
  const order = rankOrder(events);
  const top = order.slice(0, opts.top ?? 50);
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const rows = top.map((i, r) => {
    const e = events[i];
    const l = labels.get(e.eventId);
    const reasons = (e.reasons ?? []).map((x) => `<li>${esc(x.detail)}</li>`).join('');
    return `<tr class="${positive[i] ? 'mal' : ''}"><td>${r + 1}</td><td>${e.score.toFixed(6)}</td><td>${e.alert ? 'yes' : ''}</td><td>${esc(e.user)}</td><td>${esc(new Date(e.time).toISOString())}</td><td>${l?.malicious ? esc(l.scenario ?? 'malicious') : 'benign'}</td><td><ul>${reasons}</ul></td></tr>`;
  }).join('\n');
  const scen = Object.entries(evaluation.perScenario).sort(([a], [b]) => a.localeCompare(b))
    .map(([s, v]) => `<tr><td>${esc(s)}</td><td>${v.campaigns}</td><td>${pct(v.recall)}</td><td>${v.caughtByAlerts}</td><td>${v.eventsAlerted} / ${v.events}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(opts.title ?? 'threatlab evaluation')}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}tr.mal{background:#fdecea}ul{margin:0;padding-left:1.2em}.grid{display:flex;flex-wrap:wrap;gap:1em}</style></head><body>
<h1>${esc(opts.title ?? 'threatlab evaluation')}</h1>
<p>${evaluation.events} events, ${evaluation.malicious} malicious in ${evaluation.campaigns} campaigns, ${evaluation.unlabelledEvents} without a label (counted benign).</p>
<table><tr><th>average precision</th><td>${evaluation.averagePrecision.toFixed(4)}</td></tr><tr><th>ROC-AUC</th><td>${evaluation.rocAuc.toFixed(4)}</td></tr>
${Object.entries(evaluation.campaignRecall).map(([b, v]) => `<tr><th>campaign recall, top ${(100 * Number(b)).toFixed(1)} % of events (queue with repeats folded)</th><td>${pct(v)} (per event: ${pct(evaluation.campaignRecallPerEvent[b] ?? 0)})</td></tr>`).join('')}
${Object.entries(evaluation.precisionAtK).map(([k, v]) => `<tr><th>precision@${k}</th><td>${pct(v)}</td></tr>`).join('')}
<tr><th>alerts (model threshold)</th><td>${evaluation.alerts} = ${evaluation.alertsPer1000UserDays.toFixed(1)} per 1000 user-days (grouping ${evaluation.alertEvents} events at or above the threshold); precision ${pct(evaluation.alertPrecision)}, event recall ${pct(evaluation.alertRecall)}, campaign recall ${pct(evaluation.campaignRecallAtThreshold)}</td></tr></table>
<h2>Per scenario</h2><table><tr><th>scenario</th><th>campaigns</th><th>recall @ 0.5 %</th><th>caught by alerts</th><th>events alerted</th></tr>${scen}</table>
<div class="grid"><div><h2>Precision-recall</h2>${prCurve(events, positive, order)}</div><div><h2>Scores by label</h2>${histograms(events, positive)}</div><div><h2>Alerts per day</h2>${alertsPerDay(events, positive)}<p>grey: all alerts, red: malicious</p></div></div>
<h2>Top ${top.length} events</h2><table><tr><th>#</th><th>score</th><th>alert</th><th>user</th><th>time</th><th>label</th><th>reasons</th></tr>
${rows}</table></body></html>
`;
}
