import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorText, importSpecifiers, parseNotebook, serializeNotebook, stripOutputs, unstrippedCells, type Notebook } from '../../scripts/notebooks/ipynb.js';
import { notebookProblems } from '../../scripts/notebooks/policy.js';

function notebook(cells: Notebook['cells'], kernel = 'tslab'): Notebook {
  return { cells, metadata: { kernelspec: { name: kernel, display_name: 'TypeScript', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 };
}

const executed = notebook([
  { cell_type: 'markdown', source: ['# Title'], metadata: {} },
  {
    cell_type: 'code',
    source: ["import { FEATURE_SPEC } from '../dist/features/index.js';\n", 'console.log(1);'],
    metadata: { tags: ['keep'], execution: { 'iopub.status.busy': '2026-11-22T07:00:00Z' } },
    outputs: [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }],
    execution_count: 3,
  },
]);

test('stripping removes outputs, counts and run-time metadata but keeps code and tags', () => {
  assert.deepEqual(unstrippedCells(executed), [1]);
  const stripped = stripOutputs(executed);
  assert.deepEqual(unstrippedCells(stripped), []);
  const code = stripped.cells[1];
  assert.deepEqual(code.outputs, []);
  assert.equal(code.execution_count, null);
  assert.deepEqual(code.metadata, { tags: ['keep'] });
  assert.deepEqual(code.source, executed.cells[1].source);
  assert.equal(executed.cells[1].execution_count, 3, 'the input is not modified');
});

test('serialisation is stable: sorted keys, one-space indent, and parse(serialize(nb)) round-trips', () => {
  const text = serializeNotebook(stripOutputs(executed));
  assert.ok(text.endsWith('}\n'));
  assert.ok(text.indexOf('"cells"') < text.indexOf('"metadata"') && text.indexOf('"metadata"') < text.indexOf('"nbformat"'));
  assert.match(text, /^\{\n "cells": \[/);
  assert.equal(serializeNotebook(parseNotebook(text, 'x.ipynb')), text);
});

test('parse errors name the file and what is wrong', () => {
  assert.throws(() => parseNotebook('{', 'a.ipynb'), /a\.ipynb: not a notebook, the file is not JSON/);
  assert.throws(() => parseNotebook('{"nbformat": 3, "cells": []}', 'b.ipynb'), /b\.ipynb: not an nbformat 4 notebook/);
  assert.throws(() => parseNotebook('{"nbformat": 4, "cells": [{"cell_type": "sql"}]}', 'c.ipynb'), /c\.ipynb: cell 0 has unknown cell_type "sql"/);
});

test('import specifiers are found in single- and multi-line imports, not in markdown', () => {
  const nb = notebook([
    { cell_type: 'markdown', source: "import x from 'in-markdown';", metadata: {} },
    { cell_type: 'code', source: "import * as tslab from 'tslab';\nimport {\n  a,\n  b,\n} from \"../dist/models/index.js\";\nconst s = 'import y from \"z\"';", metadata: {}, outputs: [], execution_count: null },
  ]);
  assert.deepEqual(importSpecifiers(nb), ['tslab', '../dist/models/index.js']);
});

test('policy: outputs, a foreign kernel and private or source imports are each reported', () => {
  assert.deepEqual(notebookProblems(stripOutputs(executed), 'ok.ipynb'), []);
  const bad = notebook(
    [
      { cell_type: 'code', source: "import { x } from '../src/features/engine.js';\nimport { y } from '../dist/features/engine.js';\nimport * as dfd from 'danfojs';", metadata: {}, outputs: [], execution_count: 1 },
    ],
    'python3',
  );
  const problems = notebookProblems(bad, 'bad.ipynb');
  assert.equal(problems.length, 5);
  assert.match(problems[0], /bad\.ipynb: cells 0 carry outputs/);
  assert.match(problems[1], /kernel is "python3"/);
  assert.match(problems.slice(2).join('\n'), /"\.\.\/src\/features\/engine\.js"[^\n]*\n[^\n]*"\.\.\/dist\/features\/engine\.js"[^\n]*\n[^\n]*"danfojs"/);
});

test('errorText gives what a failed cell printed to stderr and raised', () => {
  const failed = {
    cell_type: 'code' as const,
    source: 'x',
    metadata: {},
    outputs: [
      { output_type: 'stream', name: 'stdout', text: 'fine\n' },
      { output_type: 'stream', name: 'stderr', text: ['1:7 - Type ', "'string' is not assignable\n"] },
      { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: [] },
    ],
  };
  assert.equal(errorText(failed), "1:7 - Type 'string' is not assignable\nError: boom");
});
