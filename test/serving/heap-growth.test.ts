import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { applyHeapGrowth } from '../../src/serving/heap-growth.js';

const run = promisify(execFile);

/** Full collections in a child process that promotes garbage at a service's pace under the given growth. */
async function fullCollections(percent: number): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/fixtures/heap-growth-child.ts', String(percent)]);
  return (JSON.parse(stdout) as { full: number }).full;
}

test('the configured heap growth governs how often full collections run', async () => {
  const [v8Own, tight] = await Promise.all([fullCollections(0), fullCollections(20)]);
  // +20 % growth forces a full collection far more often than V8's heuristic on the same
  // workload (which here already grows the heap ~4×, its largest factor): the setting
  // reaches V8 and replaces its heuristic.
  assert.ok(tight >= 2 * v8Own, `+20 %: ${tight} full collections against ${v8Own} with V8's heuristic`);
});

test('a heap growth that is not a whole percentage is refused', () => {
  assert.throws(() => applyHeapGrowth(-1), /whole percentage/);
  assert.throws(() => applyHeapGrowth(2.5), /whole percentage/);
});
