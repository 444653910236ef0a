/**
 * The semantics both registries must share; run against the embedded registry (unit
 * test) and against a real MLflow server (integration test).
 */
import assert from 'node:assert/strict';
import { isThreatlabError } from '../../src/errors/index.js';
import type { ModelRegistry } from '../../src/registry/index.js';

const hasCode = (code: string) => (err: unknown) => isThreatlabError(err) && err.code === code;

export async function registryContract(registry: ModelRegistry, name: string, sourceBase: string): Promise<void> {
  await assert.rejects(registry.getModel(name), hasCode('THREATLAB_NOT_FOUND'));
  const created = await registry.createModel(name, { description: 'contract', tags: { team: 'soc' } });
  assert.equal(created.name, name);
  assert.deepEqual(created.tags, { team: 'soc' });
  await assert.rejects(registry.createModel(name), hasCode('THREATLAB_CONFLICT'));

  const run = await registry.logRun({ experiment: `exp-${name}`, params: { k: 8, epochs: 3 }, metrics: { auc: 0.91, bad: Number.NaN }, tags: { purpose: 'contract' } });
  assert.ok(run.runId);
  const v1 = await registry.createVersion(name, `${sourceBase}/b1`, { runId: run.runId, tags: { feature_spec_hash: 'h1' } });
  const v2 = await registry.createVersion(name, `${sourceBase}/b2`);
  assert.equal(v1.version, '1');
  assert.equal(v2.version, '2');
  assert.equal(v1.runId, run.runId);
  assert.equal((await registry.getVersion(name, '1')).source, `${sourceBase}/b1`);
  assert.equal((await registry.getVersion(name, '1')).tags.feature_spec_hash, 'h1');
  await assert.rejects(registry.getVersion(name, '99'), hasCode('THREATLAB_NOT_FOUND'));
  await assert.rejects(registry.createVersion(`${name}-missing`, `${sourceBase}/x`), hasCode('THREATLAB_NOT_FOUND'));

  // Aliases: explicit only, to existing versions, with history.
  await assert.rejects(registry.getByAlias(name, 'champion'), hasCode('THREATLAB_NOT_FOUND'));
  await assert.rejects(registry.setAlias(name, 'champion', '99', { who: 'ann', why: 'x' }), hasCode('THREATLAB_NOT_FOUND'));
  await assert.rejects(registry.setAlias(name, 'latest', '1', { who: 'ann', why: 'x' }), hasCode('THREATLAB_INPUT'));
  await assert.rejects(registry.getByAlias(name, 'latest'), hasCode('THREATLAB_INPUT'));
  const m1 = await registry.setAlias(name, 'champion', '1', { who: 'ann', why: 'first model' });
  assert.deepEqual([m1.from, m1.to, m1.kind, m1.who, m1.why], [null, '1', 'set', 'ann', 'first model']);
  const m2 = await registry.setAlias(name, 'champion', '2', { who: 'bob', why: 'better recall' });
  assert.deepEqual([m2.from, m2.to], ['1', '2']);
  await registry.setAlias(name, 'challenger', '1', { who: 'bob', why: 'shadow' });
  assert.equal((await registry.getByAlias(name, 'champion')).version, '2');
  assert.deepEqual((await registry.getByAlias(name, 'champion')).aliases, ['champion']);
  assert.deepEqual((await registry.getModel(name)).aliases, { champion: '2', challenger: '1' });
  const versions = await registry.listVersions(name);
  assert.deepEqual(versions.map((v) => [v.version, v.aliases]), [['1', ['challenger']], ['2', ['champion']]]);

  await registry.setVersionTag(name, '2', 'manifest_sha256', 'abc');
  assert.equal((await registry.getVersion(name, '2')).tags.manifest_sha256, 'abc');

  const deleted = await registry.deleteAlias(name, 'challenger', { who: 'bob', why: 'shadow over' });
  assert.deepEqual([deleted.from, deleted.to, deleted.kind], ['1', null, 'delete']);
  await assert.rejects(registry.getByAlias(name, 'challenger'), hasCode('THREATLAB_NOT_FOUND'));
  await assert.rejects(registry.deleteAlias(name, 'challenger', { who: 'bob', why: 'again' }), hasCode('THREATLAB_NOT_FOUND'));

  const history = await registry.aliasHistory(name);
  assert.deepEqual(history.map((m) => [m.alias, m.from, m.to, m.who]), [
    ['champion', null, '1', 'ann'], ['champion', '1', '2', 'bob'], ['challenger', null, '1', 'bob'], ['challenger', '1', null, 'bob'],
  ]);
  assert.equal((await registry.aliasHistory(name, 'champion')).length, 2);
  assert.ok(history.every((m) => m.at > 0 && m.name === name));
  assert.ok((await registry.listModels()).some((m) => m.name === name));
  // Model tags carry only what users set (the alias history is not mixed in).
  assert.deepEqual((await registry.getModel(name)).tags, { team: 'soc' });
}
