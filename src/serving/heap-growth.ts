/**
 * The serving process's old-generation growth between full (mark-compact) collections.
 *
 * A scoring worker keeps ~100 MB alive (profiles, model, kafkajs) and promotes a few MB
 * of short-lived garbage a second (objects caught in flight by a scavenge). V8's own
 * heuristic sizes the next full collection's limit from the allocation and collection
 * speeds; in a worker it let the old generation grow only 30–70 % past the live size
 * (`--trace-gc`: 103 MB live, next collection at 133–175 MB; a tight allocation loop
 * gets up to 4×), so a worker ran one every ~10 s, and each slowed it for ~100 ms
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
