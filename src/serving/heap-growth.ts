/**
 * The serving process's old-generation growth between full (mark-compact) collections.
 *
 * A scoring worker keeps ~100 MB alive (profiles, model, kafkajs) and promotes a few MB
 * of short-lived garbage a second (objects caught in flight by a scavenge). V8's own
 * heuristic lets the old generation grow by roughly 10–100 % of the live size before the
 * next full collection, so a worker ran one every ~10 s, and each slowed it for ~100 ms
 * (incremental marking steps on its thread, the final pause, concurrent marking on the
 * same two cores): at 5k events/s these episodes set the p99 latency. A full collection
 * costs about the same whatever the garbage, so letting the heap grow further before
 * it (here +300 %: ~400 MB per worker) makes them rarer for the price of memory. The
 * setting applies to the `serve` processes only, and 0 keeps V8's heuristic.
 */
import v8 from 'node:v8';

export function applyHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growth must be a whole percentage ≥ 0, got ${percent}`);
  // Read by V8 each time it sets the next full collection's limit, so setting it at start-up is enough.
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
