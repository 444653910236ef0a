/**
 * Generator bench: time and peak memory of `threatlab generate` at a given size.
 *   node --import tsx bench/generate.ts [--users 5000] [--days 30] [--format activity] [--out DIR]
 * Last line of stdout: {"users","days","events","seconds","eventsPerSec","cpuSeconds","eventsPerCpuSec","peakRssMb","bytesWritten",…}.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDataset } from '../src/events/generate/writer.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '5000' }, days: { type: 'string', default: '30' }, format: { type: 'string', default: 'activity' }, out: { type: 'string' }, keep: { type: 'boolean' } } });
const users = Number(values.users);
const days = Number(values.days);
const format = values.format as 'activity' | 'o365' | 'gworkspace';
const out = values.out ?? mkdtempSync(join(tmpdir(), 'threatlab-bench-gen-'));

const began = performance.now();
const cpuBefore = process.cpuUsage();
let lastReport = began;
const summary = await writeDataset({
  users, days, seed: 1, format, out,
  onProgress: (fraction, events) => {
    const now = performance.now();
    if (now - lastReport > 10_000) {
      lastReport = now;
      process.stderr.write(`  ${(fraction * 100).toFixed(0)}% ${events} events, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB\n`);
    }
  },
});
const seconds = (performance.now() - began) / 1000;
const cpu = process.cpuUsage(cpuBefore);
// On a shared machine wall time measures the neighbours too; CPU time is this process's own work.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const bytesWritten = ['train.ndjson', 'test.ndjson', 'labels.json'].reduce((s, f) => s + statSync(join(out, f)).size, 0);
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
if (!values.keep && values.out === undefined) rmSync(out, { recursive: true, force: true });

console.log(`generate --users ${users} --days ${days} --format ${format}: ${summary.events} events in ${seconds.toFixed(1)} s (${Math.round(summary.events / seconds)} events/s by wall clock, ${Math.round(summary.events / cpuSeconds)} per CPU-second), peak RSS ${peakRssMb} MB, ${(bytesWritten / 1e6).toFixed(0)} MB written`);
console.log(`malicious ${summary.malicious} in ${summary.campaigns} campaigns; late ${summary.late}`);
console.log(JSON.stringify({ users, days, format, events: summary.events, seconds: Math.round(seconds * 10) / 10, eventsPerSec: Math.round(summary.events / seconds), cpuSeconds: Math.round(cpuSeconds * 10) / 10, eventsPerCpuSec: Math.round(summary.events / cpuSeconds), peakRssMb, bytesWritten, malicious: summary.malicious, campaigns: summary.campaigns }));
