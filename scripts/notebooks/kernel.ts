/**
 * The tslab kernel spec, installed inside the project (.state/jupyter) rather than in the
 * user's or system's Jupyter folders: it points at this checkout's node_modules/.bin/tslab,
 * so two checkouts never fight over one global spec. Jupyter finds it through JUPYTER_PATH,
 * which `jupyterEnv` (and scripts/lab.sh) set.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The kernel name that every notebook's metadata.kernelspec.name refers to. */
export const KERNEL_NAME = 'tslab';

export function jupyterDataDir(root: string): string {
  return join(root, '.state', 'jupyter', 'share', 'jupyter');
}

function kernelSpec(root: string): { argv: string[]; display_name: string; language: string } {
  // Same content as `tslab install` writes (tslab/python/install.py), with an absolute binary.
  return {
    argv: [join(root, 'node_modules', '.bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
  };
}

/** Writes the kernel spec unless an identical one is there; returns whether it wrote. */
export function ensureKernelSpec(root: string): boolean {
  const tslab = join(root, 'node_modules', '.bin', 'tslab');
  if (!existsSync(tslab)) {
    throw new Error(`tslab is not installed (${tslab} is missing): run \`npm ci\` first`);
  }
  const dir = join(jupyterDataDir(root), 'kernels', KERNEL_NAME);
  const file = join(dir, 'kernel.json');
  const wanted = JSON.stringify(kernelSpec(root), null, 1) + '\n';
  if (existsSync(file) && readFileSync(file, 'utf8') === wanted) return false;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, wanted);
  return true;
}

/** Environment under which Jupyter finds the project's kernel and the kernel finds node. */
export function jupyterEnv(root: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const jupyterPath = [jupyterDataDir(root), base.JUPYTER_PATH].filter(Boolean).join(delimiter);
  const path = [join(root, 'node_modules', '.bin'), base.PATH].filter(Boolean).join(delimiter);
  return { ...base, JUPYTER_PATH: jupyterPath, PATH: path };
}
