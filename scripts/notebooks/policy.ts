/**
 * What a committed notebook must be: stripped of outputs, on the tslab kernel, and importing
 * only the project's public entry points. A feature or scorer that a notebook defines or
 * reaches into a private file for is one that serving does not have.
 */
import { importSpecifiers, unstrippedCells, type Notebook } from './ipynb.js';
import { KERNEL_NAME } from './kernel.js';

/** `../dist/<folder>/index.js`: a src/ folder's index.ts, as `npm run build` emits it. */
const PUBLIC_ENTRY = /^\.\.\/dist\/[a-z][a-z-]*\/index\.js$/;
/** Packages a notebook may import itself: tslab's display API exists only inside the kernel. Node's built-ins (`node:fs`…) are allowed too. */
const ALLOWED_PACKAGES = new Set(['tslab']);
const isNodeBuiltin = (specifier: string) => specifier.startsWith('node:');

export function notebookProblems(nb: Notebook, name: string): string[] {
  const problems: string[] = [];
  const unstripped = unstrippedCells(nb);
  if (unstripped.length > 0) {
    problems.push(`${name}: cells ${unstripped.join(', ')} carry outputs; run \`npm run -s notebooks -- strip\``);
  }
  const kernel = (nb.metadata.kernelspec as { name?: string } | undefined)?.name;
  if (kernel !== KERNEL_NAME) problems.push(`${name}: kernel is ${JSON.stringify(kernel)}, expected "${KERNEL_NAME}"`);
  for (const specifier of importSpecifiers(nb)) {
    if (!PUBLIC_ENTRY.test(specifier) && !ALLOWED_PACKAGES.has(specifier) && !isNodeBuiltin(specifier)) {
      problems.push(`${name}: imports "${specifier}"; notebooks import only ../dist/<folder>/index.js (a src/ folder's public entry), tslab and node: built-ins`);
    }
  }
  return problems;
}
