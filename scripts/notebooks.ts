/**
 * `npm run -s notebooks -- <command>`: the notebooks outside Jupyter's UI.
 *
 *   run [NAME…]   build dist/, install the kernel spec, execute the notebooks (all, or those
 *                 whose file name contains NAME) headless into .state/notebooks/; exit 1 if a
 *                 cell fails
 *   strip [FILE…] remove outputs and execution counts in place (all notebooks by default)
 *   check         exit 1 if a committed notebook carries outputs or imports from outside
 *                 the project's public entry points
 *   kernel        install the project's tslab kernel spec if missing; print its JUPYTER_PATH
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { executeNotebook, formatResult } from './notebooks/execute.js';
import { parseNotebook, serializeNotebook, stripOutputs } from './notebooks/ipynb.js';
import { ensureKernelSpec, jupyterDataDir } from './notebooks/kernel.js';
import { notebookProblems } from './notebooks/policy.js';
import { EXECUTED_DIR, PROJECT_ROOT, buildDist, listNotebooks } from './notebooks/project.js';

const USAGE = `usage: npm run -s notebooks -- <run|strip|check|kernel> [ARGS] [--no-build] [--cell-timeout SECONDS]

  run [NAME...]    build, then execute notebooks headless into ${relative(PROJECT_ROOT, EXECUTED_DIR)}/ (exit 1 on a failing cell)
  strip [FILE...]  strip outputs in place (default: every notebook in notebooks/)
  check            committed notebooks are stripped and import only ../dist/<folder>/index.js
  kernel           install the tslab kernel spec under .state/jupyter if missing; print JUPYTER_PATH`;

class UsageError extends Error {}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function runNotebooks(names: string[], build: boolean, cellTimeoutSeconds: number): Promise<number> {
  const all = listNotebooks();
  const chosen = names.length === 0 ? all : all.filter((path) => names.some((name) => basename(path).includes(name)));
  if (chosen.length === 0) throw new UsageError(`no notebook matches ${names.join(', ')} (have: ${all.map((p) => basename(p)).join(', ')})`);
  if (build) {
    log('building dist/ …');
    buildDist();
  }
  ensureKernelSpec(PROJECT_ROOT);
  // The kernel's working folder is notebooks/: without this, the embedded state would land in notebooks/.state.
  const env = { ...process.env, THREATLAB_STATE_DIR: process.env.THREATLAB_STATE_DIR ?? join(PROJECT_ROOT, '.state') };
  let failed = 0;
  for (const notebook of chosen) {
    log(`running ${basename(notebook)} …`);
    const result = await executeNotebook(notebook, { root: PROJECT_ROOT, outDir: EXECUTED_DIR, cellTimeoutSeconds, env });
    console.log(formatResult(result));
    if (!result.ok) failed += 1;
  }
  return failed === 0 ? 0 : 1;
}

function strip(files: string[]): number {
  for (const file of files.length === 0 ? listNotebooks() : files) {
    const text = readFileSync(file, 'utf8');
    const stripped = serializeNotebook(stripOutputs(parseNotebook(text, file)));
    if (stripped !== text) {
      writeFileSync(file, stripped);
      console.log(`stripped ${relative(process.cwd(), file)}`);
    }
  }
  return 0;
}

function check(): number {
  const problems = listNotebooks().flatMap((file) => notebookProblems(parseNotebook(readFileSync(file, 'utf8'), file), basename(file)));
  for (const problem of problems) console.log(problem);
  return problems.length === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'no-build': { type: 'boolean', default: false },
        'cell-timeout': { type: 'string', default: '600' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...rest] = positionals;
  const cellTimeout = Number(values['cell-timeout']);
  if (!Number.isInteger(cellTimeout) || cellTimeout <= 0) throw new UsageError(`--cell-timeout must be a positive whole number of seconds, got "${values['cell-timeout']}"`);
  switch (command) {
    case 'run':
      return runNotebooks(rest, !values['no-build'], cellTimeout);
    case 'strip':
      return strip(rest);
    case 'check':
      return check();
    case 'kernel':
      if (ensureKernelSpec(PROJECT_ROOT)) log('installed the tslab kernel spec');
      console.log(jupyterDataDir(PROJECT_ROOT));
      return 0;
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      log(`notebooks: ${err.message} (see --help)`);
      process.exitCode = 2;
    } else {
      log(`notebooks: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  },
);
