/**
 * Runs one notebook headless with the tslab kernel through nbclient (what `jupyter
 * nbconvert --execute` uses). nbclient is driven directly, not through nbconvert, because
 * nbconvert writes nothing when a cell fails, and tslab reports a failure with an empty
 * error value: the reason is only in the failing cell's stderr. Here the executed copy is
 * always written, and the failure names the cell and quotes what it printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { cellText, errorText, parseNotebook } from './ipynb.js';
import { KERNEL_NAME, jupyterEnv } from './kernel.js';

export interface NotebookFailure {
  /** Index of the failing cell in the notebook (0-based), or -1 if it failed outside any cell. */
  cell: number;
  /** First line of the failing cell's code (comments skipped). */
  firstLine: string;
  message: string;
}

export interface ExecutionResult {
  notebook: string;
  /** The executed copy, with outputs (written even when a cell failed). */
  output: string;
  ok: boolean;
  seconds: number;
  failure?: NotebookFailure;
}

export interface ExecuteOptions {
  /** Project root: where node_modules/.bin/tslab and .state/jupyter are. */
  root: string;
  outDir: string;
  /** Seconds one cell may run before the kernel is interrupted and the notebook fails. */
  cellTimeoutSeconds?: number;
  env?: NodeJS.ProcessEnv;
}

// Kept inline so the runner is one TypeScript module plus the Python that Jupyter itself needs.
const RUNNER_PY = `
import json, sys, nbformat
from nbclient import NotebookClient
source, output, cwd, kernel, timeout = sys.argv[1:6]
nb = nbformat.read(source, as_version=4)
state = {'cell': -1}
def on_start(cell, cell_index, **_):
    state['cell'] = cell_index
client = NotebookClient(nb, kernel_name=kernel, timeout=int(timeout), startup_timeout=120,
                        resources={'metadata': {'path': cwd}}, on_cell_start=on_start)
result = {'ok': True, 'cell': -1, 'error': ''}
try:
    client.execute()
except BaseException as err:
    result = {'ok': False, 'cell': state['cell'], 'error': (type(err).__name__ + ': ' + str(err)).strip()}
finally:
    nbformat.write(nb, output)
print(json.dumps(result))
`;

let cachedPython: string | undefined;

/**
 * The Python that has nbclient: THREATLAB_JUPYTER_PYTHON, else the interpreter of the
 * `jupyter` command on PATH, else /usr/bin/python3 (Debian's packages), else python3.
 */
export function jupyterPython(env: NodeJS.ProcessEnv = process.env): string {
  if (cachedPython) return cachedPython;
  const candidates = [env.THREATLAB_JUPYTER_PYTHON, shebangOf('jupyter', env), '/usr/bin/python3', 'python3'];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', 'import nbclient, nbformat'], { env, stdio: 'ignore' });
    if (probe.status === 0) return (cachedPython = candidate);
  }
  throw new Error(
    'no Python with Jupyter\'s nbclient found (tried THREATLAB_JUPYTER_PYTHON, the `jupyter` command\'s interpreter, ' +
      '/usr/bin/python3, python3): install it, e.g. `apt-get install jupyter-nbconvert python3-ipykernel jupyter-client` ' +
      'or `pip install nbclient nbformat` (see README, "Notebooks")',
  );
}

function shebangOf(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const which = spawnSync('sh', ['-c', `command -v ${command}`], { env, encoding: 'utf8' });
  const path = which.stdout?.trim();
  if (which.status !== 0 || !path) return undefined;
  try {
    const first = readFileSync(path, 'utf8').slice(0, 200).split('\n')[0];
    const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    if (!match) return undefined;
    // `#!/usr/bin/env python3` names the interpreter in its argument.
    return basename(match[1]) === 'env' ? match[2] : match[1];
  } catch {
    return undefined;
  }
}

export async function executeNotebook(notebook: string, options: ExecuteOptions): Promise<ExecutionResult> {
  const source = resolve(notebook);
  mkdirSync(options.outDir, { recursive: true });
  const output = join(resolve(options.outDir), basename(source));
  const env = jupyterEnv(options.root, options.env ?? process.env);
  const python = jupyterPython(env);
  const started = performance.now();
  const args = ['-c', RUNNER_PY, source, output, dirname(source), KERNEL_NAME, String(options.cellTimeoutSeconds ?? 600)];
  const { code, stdout, stderr } = await run(python, args, env);
  const seconds = (performance.now() - started) / 1000;

  const line = stdout.trim().split('\n').pop() ?? '';
  let reply: { ok: boolean; cell: number; error: string };
  try {
    reply = JSON.parse(line);
  } catch {
    const message = `the notebook runner exited with code ${code}: ${stderr.trim().split('\n').slice(-15).join('\n')}`;
    return { notebook: source, output, ok: false, seconds, failure: { cell: -1, firstLine: '', message } };
  }
  if (reply.ok) return { notebook: source, output, ok: true, seconds };
  return { notebook: source, output, ok: false, seconds, failure: describeFailure(output, reply) };
}

function describeFailure(output: string, reply: { cell: number; error: string }): NotebookFailure {
  let cellSource = '';
  let printed = '';
  try {
    const executed = parseNotebook(readFileSync(output, 'utf8'), output);
    const cell = executed.cells[reply.cell];
    if (cell) {
      cellSource = cellText(cell);
      printed = errorText(cell);
    }
  } catch {
    // The executed copy may be missing if the kernel never started; the runner's error says why.
  }
  // The first line of code, not a comment, is what names the cell best.
  const firstLine = cellSource.split('\n').find((l) => l.trim() && !l.trim().startsWith('//')) ?? '';
  // nbclient's own message repeats the cell's code; keep only its last line unless the cell printed nothing.
  const runnerLine = reply.error.split('\n').filter((l) => l.trim()).pop() ?? reply.error;
  const message = printed ? withoutKernelFrames(printed) : runnerLine;
  return { cell: reply.cell, firstLine, message };
}

/** Stack frames inside tslab and node:vm say nothing about the notebook; the first frames do. */
function withoutKernelFrames(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s+at .*(node_modules\/tslab\/|\(node:vm:|sigintHandlersWrap)/.test(line))
    .join('\n');
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** One line per result, plus the reason of a failure: what the CLI and the tests print. */
export function formatResult(result: ExecutionResult): string {
  const name = basename(result.notebook);
  if (result.ok) return `ok   ${name} (${result.seconds.toFixed(1)} s) -> ${result.output}`;
  const f = result.failure!;
  const where = f.cell >= 0 ? `cell ${f.cell} (${f.firstLine.trim().slice(0, 80)})` : 'before any cell';
  return `FAIL ${name} at ${where} after ${result.seconds.toFixed(1)} s; executed copy: ${result.output}\n${f.message}`;
}
