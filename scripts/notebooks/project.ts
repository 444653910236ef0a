/** Where the notebooks are, and the build they import from (`../dist/<folder>/index.js`). */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NOTEBOOK_DIR = join(PROJECT_ROOT, 'notebooks');
/** Executed copies, outside git (.state/ is ignored). */
export const EXECUTED_DIR = join(PROJECT_ROOT, '.state', 'notebooks');

/** The committed notebooks, in workflow order (their names start with 01-, 02-, …). */
export function listNotebooks(dir: string = NOTEBOOK_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ipynb'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * `npm run build`: tslab compiles a notebook with rootDir = its folder, so notebooks cannot
 * import ../src/*.ts; they import the emitted ES modules and declarations in dist/.
 */
export function buildDist(root: string = PROJECT_ROOT): void {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) {
    const errors = `${tsc.stdout}${tsc.stderr}`.trim().split('\n').slice(0, 20).join('\n');
    throw new Error(`npm run build failed, so the notebooks would run stale code:\n${errors}`);
  }
}
