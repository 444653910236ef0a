/**
 * Every notebook in notebooks/ runs headless, top to bottom, with the tslab kernel (one
 * test per notebook); a failing cell fails its test with the cell and the reason. The
 * notebooks run on the embedded defaults (file store, embedded registry) in a fresh state
 * folder, unless the environment already points at real services.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { executeNotebook, formatResult } from '../../scripts/notebooks/execute.js';
import { parseNotebook } from '../../scripts/notebooks/ipynb.js';
import { ensureKernelSpec } from '../../scripts/notebooks/kernel.js';
import { notebookProblems } from '../../scripts/notebooks/policy.js';
import { EXECUTED_DIR, PROJECT_ROOT, buildDist, listNotebooks } from '../../scripts/notebooks/project.js';

const notebooks = listNotebooks();
const stateDir = join(EXECUTED_DIR, 'state');
// A model name and consumer group of its own, so that on shared services (MLflow, Kafka) the
// notebooks' champion and consumers never meet another test's.
const env = {
  ...process.env,
  THREATLAB_STATE_DIR: stateDir,
  THREATLAB_LOG_LEVEL: process.env.THREATLAB_LOG_LEVEL ?? 'warn',
  THREATLAB_MODEL_NAME: `notebooks-${process.pid}`,
  THREATLAB_CONSUMER_GROUP: `notebooks-${process.pid}`,
};

before(() => {
  buildDist();
  ensureKernelSpec(PROJECT_ROOT);
  rmSync(stateDir, { recursive: true, force: true });
});

test('committed notebooks are stripped, on the tslab kernel, and import only public entry points', () => {
  assert.ok(notebooks.length >= 5, `expected the five workflow notebooks, found ${notebooks.map((n) => basename(n)).join(', ')}`);
  const problems = notebooks.flatMap((file) => notebookProblems(parseNotebook(readFileSync(file, 'utf8'), file), basename(file)));
  assert.deepEqual(problems, []);
});

test('the runner fails on a failing cell, names it, and quotes its error', async () => {
  const fixture = join(import.meta.dirname, 'fixtures', 'fails-at-cell-1.ipynb');
  const result = await executeNotebook(fixture, { root: PROJECT_ROOT, outDir: join(EXECUTED_DIR, 'fixtures'), env });
  assert.equal(result.ok, false);
  assert.equal(result.failure?.cell, 1);
  assert.match(result.failure!.message, /Error: the answer was 42/);
  assert.doesNotMatch(result.failure!.message, /node_modules\/tslab/);
  // The executed copy is kept for reading: cell 0 ran, cell 2 never did.
  const executed = parseNotebook(readFileSync(result.output, 'utf8'), result.output);
  assert.deepEqual(executed.cells[0].outputs, [{ output_type: 'stream', name: 'stdout', text: ['42\n'] }]);
  assert.deepEqual(executed.cells[2].outputs, []);
});

test('a type error fails the notebook before the cell runs', async () => {
  const fixture = join(import.meta.dirname, 'fixtures', 'type-error.ipynb');
  const result = await executeNotebook(fixture, { root: PROJECT_ROOT, outDir: join(EXECUTED_DIR, 'fixtures'), env });
  assert.equal(result.ok, false);
  assert.match(result.failure!.message, /Type 'string' is not assignable to type 'number'/);
});

for (const notebook of notebooks) {
  test(`notebook ${basename(notebook)} runs top to bottom`, { timeout: 15 * 60_000 }, async () => {
    const result = await executeNotebook(notebook, { root: PROJECT_ROOT, outDir: EXECUTED_DIR, env });
    assert.ok(result.ok, formatResult(result));
  });
}
