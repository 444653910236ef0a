import { generateEvents, campaignsOf } from './src/events/generate/index.js';
const t = performance.now();
let n = 0, late = 0, mal = 0, train = 0, prev = 0, disorder = 0;
const actions: Record<string, number> = {};
const byScen: Record<string, number> = {};
for (const e of generateEvents({ users: 200, days: 14, seed: 1 })) {
  n++; if (e.arrival - e.activity.time > 3600e3) late++; if (e.activity.label?.malicious) { mal++; byScen[e.activity.label.scenario!] = (byScen[e.activity.label.scenario!] ?? 0) + 1; }
  if (e.split === 'train') train++; if (e.arrival < prev) disorder++; prev = e.arrival;
  actions[e.activity.action] = (actions[e.activity.action] ?? 0) + 1;
  if (n === 5000) console.log(JSON.stringify(e.activity));
}
console.log({ n, late, mal, train, disorder, ms: performance.now() - t, rss: process.memoryUsage().rss / 1e6 });
console.log(actions, byScen);
console.log(campaignsOf({ users: 200, days: 14, seed: 1 }).map((c) => `${c.id} ${c.difficulty} ${new Date(c.start).toISOString()} ${c.user} ${c.description}`).join('\n'));
