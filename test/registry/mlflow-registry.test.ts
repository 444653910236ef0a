/** The MLflow registry against a real MLflow 3.6 server (started by the test stack). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { isThreatlabError } from '../../src/errors/index.js';
import { MlflowClient, MlflowRegistry, registryFromConfig } from '../../src/registry/index.js';
import { loadConfig } from '../../src/config/index.js';
import { requireStack, uniqueName, type StackEnv } from '../support/stack.js';
import { registryContract } from './registry-contract.js';
import { closedPort } from './helpers.js';

let env: StackEnv;

before(async () => {
  env = await requireStack(['mlflow']);
});

test('MLflow registry keeps the same semantics as the embedded one', async () => {
  const registry = registryFromConfig(loadConfig({ ...process.env, ...env }));
  assert.equal(registry.kind, 'mlflow');
  await registryContract(registry, uniqueName('contract'), 's3://threatlab/models');
});

test('the alias history lives in MLflow itself, as registered-model tags', async () => {
  const client = new MlflowClient({ trackingUri: env.MLFLOW_TRACKING_URI });
  const registry = new MlflowRegistry(client);
  const name = uniqueName('history');
  await registry.createModel(name);
  await registry.createVersion(name, 's3://threatlab/models/x');
  await registry.setAlias(name, 'champion', '1', { who: 'ann@soc', why: 'audit me' });
  const raw = await client.getRegisteredModel(name);
  const moves = (raw.tags ?? []).filter((t) => t.key.startsWith('threatlab.alias_move.'));
  assert.equal(moves.length, 1);
  assert.deepEqual(JSON.parse(moves[0].value), { ...JSON.parse(moves[0].value), alias: 'champion', from: null, to: '1', who: 'ann@soc', why: 'audit me', kind: 'set' });
  // A fresh client (another machine) reads the same history.
  const history = await new MlflowRegistry(new MlflowClient({ trackingUri: env.MLFLOW_TRACKING_URI })).aliasHistory(name);
  assert.deepEqual(history.map((m) => [m.to, m.who]), [['1', 'ann@soc']]);
});

test('MLflow unreachable: retried, then one clear retriable error', async () => {
  const port = await closedPort();
  const registry = new MlflowRegistry(new MlflowClient({ trackingUri: `http://127.0.0.1:${port}`, attempts: 3, baseDelayMs: 5 }));
  await assert.rejects(registry.listModels(), (err: unknown) => {
    assert.ok(isThreatlabError(err) && err.code === 'THREATLAB_REGISTRY_UNAVAILABLE', String(err));
    assert.equal(err.retriable, true);
    assert.match(err.message, new RegExp(`MLflow at http://127\\.0\\.0\\.1:${port} unavailable .*ECONNREFUSED`));
    assert.equal(err.message.split('\n').length, 1);
    return true;
  });
});
