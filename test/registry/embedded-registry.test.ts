import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isThreatlabError } from '../../src/errors/index.js';
import { EmbeddedRegistry, registryFromConfig, rollbackTarget } from '../../src/registry/index.js';
import type { AliasMove } from '../../src/registry/index.js';
import { registryContract } from './registry-contract.js';

test('embedded registry keeps MLflow semantics', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'threatlab-reg-'));
  try {
    await registryContract(new EmbeddedRegistry(dir), 'threat-model', 's3://bucket/models');
    // A second instance (another process, a restart) sees the same state.
    const again = new EmbeddedRegistry(dir);
    assert.equal((await again.getByAlias('threat-model', 'champion')).version, '2');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('registryFromConfig: embedded without MLFLOW_TRACKING_URI, MLflow with it', () => {
  assert.equal(registryFromConfig({ stateDir: '/tmp/x', mlflowTrackingUri: '' }).kind, 'embedded');
  assert.equal(registryFromConfig({ stateDir: '/tmp/x', mlflowTrackingUri: 'http://127.0.0.1:5000' }).kind, 'mlflow');
});

test('two processes creating versions at once lose nothing', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'threatlab-reg-'));
  try {
    await new EmbeddedRegistry(dir).createModel('m');
    const script = `
      import { EmbeddedRegistry } from ${JSON.stringify(new URL('../../src/registry/index.ts', import.meta.url).pathname)};
      const r = new EmbeddedRegistry(process.argv[1]);
      for (let i = 0; i < 15; i++) await r.createVersion('m', 'file:///x/' + process.argv[2] + '-' + i);
    `;
    const runOne = (tag: string) => new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, tag], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? -1));
    });
    assert.deepEqual(await Promise.all([runOne('a'), runOne('b')]), [0, 0]);
    const versions = await new EmbeddedRegistry(dir).listVersions('m');
    assert.equal(versions.length, 30);
    assert.deepEqual(versions.map((v) => v.version), Array.from({ length: 30 }, (_, i) => String(i + 1)));
    assert.equal(new Set(versions.map((v) => v.source)).size, 30);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rollback walks back through promotions, not back and forth', () => {
  let at = 0;
  const mv = (from: string | null, to: string | null, kind: AliasMove['kind'] = 'set'): AliasMove => ({ name: 'm', alias: 'champion', from, to, kind, who: 'w', why: 'y', at: ++at });
  const promoted = [mv(null, '1'), mv('1', '2'), mv('2', '3')];
  assert.equal(rollbackTarget(promoted, 'm', 'champion', '3'), '2');
  const once = [...promoted, mv('3', '2', 'rollback')];
  assert.equal(rollbackTarget(once, 'm', 'champion', '2'), '1');
  const twice = [...once, mv('2', '1', 'rollback')];
  assert.throws(() => rollbackTarget(twice, 'm', 'champion', '1'), (e: unknown) => isThreatlabError(e) && e.code === 'THREATLAB_NOT_FOUND');
  // After a rollback, a new promotion stacks on top of what remains.
  const repromoted = [...once, mv('2', '4')];
  assert.equal(rollbackTarget(repromoted, 'm', 'champion', '4'), '2');
  // Another alias's moves do not count; a delete forgets what came before.
  const other = { ...mv(null, '9'), alias: 'challenger' };
  assert.equal(rollbackTarget([...promoted, other], 'm', 'champion', '3'), '2');
  assert.throws(() => rollbackTarget([...promoted, mv('3', null, 'delete'), mv(null, '5')], 'm', 'champion', '5'));
  // Moved outside threatlab (MLflow UI): roll back to what threatlab last set.
  assert.equal(rollbackTarget(promoted, 'm', 'champion', '7'), '3');
});
