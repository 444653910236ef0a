import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_SPEC } from '../../src/features/index.js';
import { generatedSample, notebookBundleUri, notebookModel } from '../../src/notebook/index.js';
import { MemoryArtifactStore } from '../../src/registry/index.js';

test('the generated sample: train in event time, test in arrival order, every event labelled, campaigns known', () => {
  const s = generatedSample({ users: 25, days: 9, seed: 3 });
  assert.ok(s.train.length > 0 && s.test.length > 0);
  for (let i = 1; i < s.train.length; i++) assert.ok(s.train[i - 1].time <= s.train[i].time, 'train is in event-time order');
  assert.ok(Math.max(...s.train.map((a) => a.time)) <= Math.min(...s.test.map((a) => a.time)) + 86_400_000, 'test follows train (up to late events)');
  assert.equal(s.labels.size, s.train.length + s.test.length);
  const campaignIds = new Set(s.campaigns.map((c) => c.id));
  for (const a of [...s.train, ...s.test]) {
    const l = s.labels.get(a.id)!;
    assert.equal(l.malicious, a.label?.malicious);
    if (l.malicious && l.campaign) assert.ok(campaignIds.has(l.campaign), `campaign ${l.campaign} is listed`);
  }
  const again = generatedSample({ users: 25, days: 9, seed: 3 });
  assert.deepEqual(again.test.map((a) => a.id), s.test.map((a) => a.id), 'same seed, same sample');
});

test('the notebooks\' bundle lives under the artifact root', () => {
  assert.equal(notebookBundleUri('file:///x/artifacts/', 'threatlab'), 'file:///x/artifacts/notebooks/threatlab');
  assert.equal(notebookBundleUri('s3://bucket/models', 'm'), 's3://bucket/models/notebooks/m');
});

test('notebookModel trains once, then loads; a bundle of another feature spec is retrained', async () => {
  const store = new MemoryArtifactStore();
  const uri = 'memory://nb/notebooks/m';
  const sample = generatedSample({ users: 12, days: 5, seed: 2 });
  let trainings = 0;
  const train = () => { trainings++; return sample.train; };
  const options = { name: 'm', seed: 1, components: ['prevalence' as const] };
  const first = await notebookModel(store, uri, train, options);
  assert.equal(first.trained, true);
  assert.equal(first.model.manifest.featureSpecHash, FEATURE_SPEC.hash);
  const second = await notebookModel(store, uri, train, options);
  assert.deepEqual([second.trained, trainings], [false, 1]);
  assert.equal(second.model.manifestSha256, first.model.manifestSha256);

  const manifestUri = `${uri}/manifest.json`;
  const stale = JSON.parse(new TextDecoder().decode(await store.get(manifestUri)));
  stale.featureSpecHash = 'f'.repeat(64);
  await store.put(manifestUri, new TextEncoder().encode(JSON.stringify(stale)));
  const third = await notebookModel(store, uri, train, options);
  assert.deepEqual([third.trained, trainings], [true, 2]);
  assert.equal(third.model.manifest.featureSpecHash, FEATURE_SPEC.hash);
});
