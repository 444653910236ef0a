/**
 * The .ipynb (nbformat 4) file as data: parse it, strip its outputs, list what it imports.
 * Committed notebooks carry no outputs (they would bloat diffs and go stale); the executed
 * copies live under .state/notebooks/.
 */

export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  id?: string;
  [key: string]: unknown;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Cell metadata that Jupyter writes while running; it changes on every run, so it is stripped too. */
const VOLATILE_CELL_METADATA = ['execution', 'collapsed', 'scrolled', 'ExecuteTime'];

export function parseNotebook(text: string, where: string): Notebook {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not a notebook, the file is not JSON (${(err as Error).message})`);
  }
  const nb = data as Partial<Notebook>;
  if (typeof nb !== 'object' || nb === null || !Array.isArray(nb.cells) || nb.nbformat !== 4) {
    throw new Error(`${where}: not an nbformat 4 notebook (expected {"nbformat": 4, "cells": [...]})`);
  }
  nb.cells.forEach((cell, i) => {
    if (!['code', 'markdown', 'raw'].includes(cell?.cell_type)) {
      throw new Error(`${where}: cell ${i} has unknown cell_type ${JSON.stringify(cell?.cell_type)}`);
    }
  });
  return nb as Notebook;
}

export function cellText(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** A copy of `nb` without outputs, execution counts or run-time cell metadata. */
export function stripOutputs(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((cell) => {
      const metadata = Object.fromEntries(
        Object.entries(cell.metadata ?? {}).filter(([key]) => !VOLATILE_CELL_METADATA.includes(key)),
      );
      return cell.cell_type === 'code' ? { ...cell, metadata, outputs: [], execution_count: null } : { ...cell, metadata };
    }),
  };
}

/** Indices of the cells that still carry outputs, execution counts or run-time metadata. */
export function unstrippedCells(nb: Notebook): number[] {
  const stripped = stripOutputs(nb);
  return nb.cells.flatMap((cell, i) => (JSON.stringify(cell) === JSON.stringify(stripped.cells[i]) ? [] : [i]));
}

/** JSON as Jupyter writes it (sorted keys, one-space indent, trailing newline), so saving from Jupyter makes no spurious diff. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(sortKeys(nb), null, 1) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** Module specifiers of every static `import … from '…'` and `import '…'` in the code cells. */
export function importSpecifiers(nb: Notebook): string[] {
  const found: string[] = [];
  const pattern = /^\s*import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    for (const match of cellText(cell).matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** Text of what a code cell printed to stderr or raised: the reason a failed cell failed. */
export function errorText(cell: NotebookCell): string {
  const parts: string[] = [];
  for (const output of (cell.outputs ?? []) as Record<string, unknown>[]) {
    if (output.output_type === 'stream' && output.name === 'stderr') {
      parts.push(Array.isArray(output.text) ? output.text.join('') : String(output.text));
    } else if (output.output_type === 'error') {
      const traceback = output.traceback as string[] | undefined;
      parts.push(traceback?.length ? traceback.join('\n') : `${String(output.ename)}: ${String(output.evalue)}`);
    }
  }
  return parts.join('').trim();
}
