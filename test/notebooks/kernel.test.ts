import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KERNEL_NAME, ensureKernelSpec, jupyterDataDir, jupyterEnv } from '../../scripts/notebooks/kernel.js';

test('the kernel spec is written inside the project once, pointing at its own tslab', () => {
  const root = mkdtempSync(join(tmpdir(), 'nb-kernel-'));
  try {
    assert.throws(() => ensureKernelSpec(root), /tslab is not installed .*run `npm ci`/);
    mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(root, 'node_modules', '.bin', 'tslab'), '#!/usr/bin/env node\n');
    assert.equal(ensureKernelSpec(root), true);
    assert.equal(ensureKernelSpec(root), false, 'second call: already there');
    const spec = JSON.parse(readFileSync(join(jupyterDataDir(root), 'kernels', KERNEL_NAME, 'kernel.json'), 'utf8'));
    assert.deepEqual(spec.argv, [join(root, 'node_modules', '.bin', 'tslab'), 'kernel', '--config-path', '{connection_file}']);
    assert.equal(spec.language, 'typescript');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('jupyterEnv puts the project kernels first on JUPYTER_PATH and node_modules/.bin first on PATH', () => {
  const env = jupyterEnv('/p', { PATH: '/usr/bin', JUPYTER_PATH: '/theirs', HOME: '/h' });
  assert.equal(env.JUPYTER_PATH, ['/p/.state/jupyter/share/jupyter', '/theirs'].join(delimiter));
  assert.equal(env.PATH, ['/p/node_modules/.bin', '/usr/bin'].join(delimiter));
  assert.equal(env.HOME, '/h');
  assert.equal(jupyterEnv('/p', {}).JUPYTER_PATH, '/p/.state/jupyter/share/jupyter');
});
