import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { generateEvents } from './src/events/generate/index.js';
import { FeatureEngine } from './src/features/index.js';
const file = '/tmp/feat_events.json';
if (!existsSync(file)) writeFileSync(file, JSON.stringify(Array.from(generateEvents({ users: 300, days: 7, seed: 4 }), (g) => g.activity).sort((a, b) => a.time - b.time)));
const ev = JSON.parse(readFileSync(file, 'utf8'));
const rates: number[] = [];
for (let r = 0; r < 10; r++) {
  const e = new FeatureEngine(); const out = new Float32Array(e.dim);
  const c0 = process.cpuUsage(); for (const a of ev) e.process(a, out); const u = process.cpuUsage(c0);
  rates.push(Math.round(ev.length / ((u.user + u.system) / 1e6)));
}
console.log(rates.join(' '), 'best', Math.max(...rates));
