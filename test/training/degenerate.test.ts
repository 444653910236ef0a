/**
 * Bad training input: a clear error or a documented degenerate model — never a bundle
 * that scores NaN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVITY_SCHEMA_VERSION, type Activity } from '../../src/events/index.js';
import { FeatureEngine } from '../../src/features/index.js';
import { loadBundle, saveBundle, ScoringPipeline } from '../../src/models/index.js';
import { MemoryArtifactStore } from '../../src/registry/index.js';
import { trainModel } from '../../src/training/index.js';
import { ThreatlabError } from '../../src/errors/index.js';

const T0 = Date.UTC(2026, 0, 5);

function activity(i: number, over: Partial<Activity> = {}): Activity {
  return {
    schemaVersion: ACTIVITY_SCHEMA_VERSION, id: `e${i}`, time: T0 + i * 600_000, vendor: 'o365', tenant: 't1', user: `u${i % 3}@x.example`,
    app: 'Exchange', action: 'mail_access', rawAction: 'MailItemsAccessed', outcome: 'success', ip: '81.2.69.160',
    geo: { country: 'GB', city: 'London', lat: 51.5, lon: -0.1, timeZone: 'Europe/London' }, asn: 20712, userAgent: 'Mozilla/5.0',
    device: { id: null, family: 'desktop', os: 'Windows', browser: 'Edge' }, object: null, ...over,
  };
}

async function assertSaneRoundTrip(events: Activity[], name: string) {
  const r = await trainModel(events, { name, epochs: 2 });
  const store = new MemoryArtifactStore();
  await saveBundle(store, `memory://m/${name}`, r.bundle);
  const model = await loadBundle(store, `memory://m/${name}`);
  const probe = [activity(10_000, { user: 'someone-new@x.example', geo: null, ip: null }), activity(10_001, { geo: { country: 'NG', city: 'Lagos', lat: 6.4, lon: 3.4, timeZone: 'Africa/Lagos' } })];
  const scores = new ScoringPipeline(model, FeatureEngine.restore(model.profiles!), { modelRef: { name, version: '1' } }).scoreBatch([...events.slice(0, 5), ...probe]);
  for (const s of scores) {
    assert.ok(Number.isFinite(s.score) && s.score >= 0 && s.score <= 1, `score ${s.score}`);
    assert.ok(Object.values(s.components).every(Number.isFinite));
  }
  return r;
}

test('empty input is a clear THREATLAB_DEGENERATE_DATA error', async () => {
  await assert.rejects(trainModel([], { name: 'empty' }), (err: unknown) => err instanceof ThreatlabError && err.code === 'THREATLAB_DEGENERATE_DATA' && /no events/.test(err.message));
});

test('a bad model name or alert budget is a usage error', async () => {
  await assert.rejects(trainModel([activity(1)], { name: '../x' }), (err: unknown) => err instanceof ThreatlabError && err.code === 'THREATLAB_USAGE');
  await assert.rejects(trainModel([activity(1)], { name: 'ok', alertBudget: 0 }), (err: unknown) => err instanceof ThreatlabError && err.code === 'THREATLAB_USAGE');
});

test('identical events everywhere give a documented degenerate model (one cluster) that never scores NaN', async () => {
  const events = Array.from({ length: 300 }, (_, i) => activity(i, { user: 'same@x.example', time: T0 }));
  const r = await assertSaneRoundTrip(events, 'identical');
  assert.ok(Number(r.bundle.manifest.metrics.kmeansK) >= 1);
});

test('a single user trains and scores', async () => {
  const events = Array.from({ length: 400 }, (_, i) => activity(i, { user: 'solo@x.example', action: i % 7 === 0 ? 'file_download' : 'mail_access' }));
  const r = await assertSaneRoundTrip(events, 'single-user');
  assert.equal(r.summary.users, 1);
});

test('one event is enough for a (degenerate) model', async () => {
  await assertSaneRoundTrip([activity(1)], 'one-event');
});

test('labels that match no event: the classifier is skipped and the manifest says why', async () => {
  const events = Array.from({ length: 200 }, (_, i) => activity(i));
  const labels = new Map([['nope-1', { malicious: true }], ['nope-2', { malicious: false }]]);
  const r = await trainModel(events, { name: 'unmatched', labels, epochs: 2 });
  assert.ok(!r.summary.components.includes('classifier'));
  assert.match(String(r.bundle.manifest.metrics.classifierSkipped), /0 malicious and 0 benign/);
  assert.equal(r.bundle.manifest.trainingData.labelledEvents, 0);
});
