/**
 * Enrichment bench: one-time load cost, uncached and cached IP lookups, UA parsing, and
 * whole-Activity enrichment throughput on a realistic repeat pattern.
 *   node --import tsx bench/enrich.ts
 * Times are CPU time of this process. Last line of stdout: {"loadMs","ipUncachedUs","ipCachedUs","uaUncachedUs","uaCachedUs","enrichPerSec"}.
 */
import { generateEvents } from '../src/events/generate/index.js';
import { createEnricher } from '../src/events/enrich/index.js';
import { numberToIpv4 } from '../src/events/enrich/ip.js';
import { Rng } from '../src/events/generate/random.js';

/** CPU time of this process in ms: on a shared machine wall time measures the neighbours too. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let t = cpuMs();
const enricher = createEnricher({ cacheSize: 50_000 });
const loadMs = cpuMs() - t;

const rng = new Rng(42);
const ips: string[] = [];
for (let i = 0; i < 200_000; i++) ips.push(numberToIpv4(rng.int(0x01000000, 0xdfffffff)));
t = cpuMs();
for (const ip of ips) enricher.lookupIp(ip); // distinct addresses: every lookup misses (and evicts)
const ipUncachedUs = ((cpuMs() - t) * 1000) / ips.length;

const hot = ips.slice(0, 10_000);
for (const ip of hot) enricher.lookupIp(ip);
t = cpuMs();
for (let k = 0; k < 50; k++) for (const ip of hot) enricher.lookupIp(ip);
const ipCachedUs = ((cpuMs() - t) * 1000) / (hot.length * 50);

const uas: string[] = [];
for (let i = 0; i < 5_000; i++) uas.push(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${100 + (i % 30)}.0.${i}.0 Safari/537.36`);
t = cpuMs();
for (const ua of uas) enricher.parseUserAgent(ua);
const uaUncachedUs = ((cpuMs() - t) * 1000) / uas.length;
t = cpuMs();
for (let k = 0; k < 40; k++) for (const ua of uas) enricher.parseUserAgent(ua);
const uaCachedUs = ((cpuMs() - t) * 1000) / (uas.length * 40);

// Real repeat pattern: generated activities with their enrichment cleared, enriched again.
const sample = [...generateEvents({ users: 300, days: 5, seed: 1, attacks: false })].map((e) => ({ ...e.activity, geo: null, asn: null, asnOrg: null, device: null }));
const fresh = createEnricher({ cacheSize: 50_000 });
t = cpuMs();
for (const a of sample) fresh.enrich(a);
const enrichPerSec = sample.length / ((cpuMs() - t) / 1000);

console.log(`load ${loadMs.toFixed(0)} ms; IP lookup ${ipUncachedUs.toFixed(2)} µs uncached, ${ipCachedUs.toFixed(3)} µs cached; UA ${uaUncachedUs.toFixed(1)} µs uncached, ${uaCachedUs.toFixed(3)} µs cached; enrich ${Math.round(enrichPerSec)} activities/s (${sample.length} generated activities, cold caches)`);
console.log(JSON.stringify({ loadMs: Math.round(loadMs), ipUncachedUs: +ipUncachedUs.toFixed(2), ipCachedUs: +ipCachedUs.toFixed(3), uaUncachedUs: +uaUncachedUs.toFixed(1), uaCachedUs: +uaCachedUs.toFixed(3), enrichPerSec: Math.round(enrichPerSec) }));
