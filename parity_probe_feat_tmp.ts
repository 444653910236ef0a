import { generateEvents } from './src/events/generate/index.js';
import { measureParity, FEATURE_SPEC } from './src/features/index.js';
const gen = Array.from(generateEvents({ users: 40, days: 12, seed: 11 }));
const events = gen.map((g) => g.activity);
let s = 12345; const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
const arrival = events.map((a) => a.time + (rnd() < 0.1 ? rnd() * 24 * 3600e3 : rnd() * 300e3));
const arrival3 = events.map((a) => a.time + (rnd() < 0.3 ? rnd() * 24 * 3600e3 : rnd() * 120e3));
const genArrival = gen.map((g) => g.arrival);
const rows: Record<string, string[]> = {};
for (const [name, arr] of [['d10', arrival], ['d30', arrival3], ['gen', genArrival]] as const) {
  const r = measureParity(events, arr, {});
  console.log(name, r.events, 'tooLate', r.tooLate);
  FEATURE_SPEC.features.forEach((f, i) => { (rows[f.name] ??= []).push(`${r.agreement[i].toFixed(3)}/${r.closeAgreement[i].toFixed(3)}/${r.withinBucket[i].toFixed(3)}`); });
}
for (const [k, v] of Object.entries(rows)) if (v.some((x) => !x.startsWith('1.000'))) console.log(k.padEnd(34), v.join('  '));
