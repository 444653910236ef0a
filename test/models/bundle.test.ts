/**
 * Bundles: a save/load round trip scores exactly like the freshly trained model, and
 * loading refuses a tampered file, a wrong manifest hash, another feature spec and a
 * manifest whose numbers are not finite. Uses the real feature engine and generator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateEvents } from '../../src/events/generate/index.js';
import type { Activity } from '../../src/events/index.js';
import { FeatureEngine } from '../../src/features/index.js';
import { joinUri, loadBundle, saveBundle, sha256Hex, ScoringPipeline, MANIFEST_FILE, type BundleManifest } from '../../src/models/index.js';
import { MemoryArtifactStore } from '../../src/registry/index.js';
import { trainModel } from '../../src/training/index.js';
import { ThreatlabError } from '../../src/errors/index.js';

const train: Activity[] = [];
const test_: Activity[] = [];
for (const e of generateEvents({ users: 15, days: 9, seed: 11 })) (e.split === 'train' ? train : test_).push(e.activity);

const trained = await trainModel(train, { name: 'bundle-test', epochs: 2, seed: 3 });

async function saved() {
  const store = new MemoryArtifactStore();
  const uri = 'memory://models/bundle-test/v1';
  const { manifestSha256, manifest } = await saveBundle(store, uri, trained.bundle);
  return { store, uri, manifestSha256, manifest };
}

const isCode = (code: string, pattern?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ThreatlabError, `expected a ThreatlabError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  if (pattern) assert.match(err.message, pattern);
  return true;
};

test('save → load gives identical scores and reasons; the manifest lists every file with its sha256', async () => {
  const { store, uri, manifestSha256, manifest } = await saved();
  for (const [name, f] of Object.entries(manifest.files)) {
    const bytes = await store.get(joinUri(uri, name));
    assert.equal(sha256Hex(bytes), f.sha256);
  }
  const loaded = await loadBundle(store, uri, { expectedManifestSha256: manifestSha256, expectedFeatureSpecHash: trained.summary.featureSpecHash });
  assert.equal(loaded.manifestSha256, manifestSha256);
  assert.ok(loaded.profiles && loaded.profiles.byteLength > 0);
  const ref = { name: 'bundle-test', version: '1' };
  const a = new ScoringPipeline(trained.model, FeatureEngine.restore(trained.engine.snapshot()), { modelRef: ref }).scoreBatch(test_, 0);
  const b = new ScoringPipeline(loaded, FeatureEngine.restore(loaded.profiles!), { modelRef: ref }).scoreBatch(test_, 0);
  assert.equal(b.length, test_.length);
  assert.deepEqual(b, a);
  assert.ok(b.every((s) => Number.isFinite(s.score) && s.score >= 0 && s.score <= 1 && s.reasons.length > 0));
  assert.ok(b.every((s) => s.model.featureSpecHash === trained.summary.featureSpecHash));
});

test('a tampered component file is refused with THREATLAB_CHECKSUM', async () => {
  const { store, uri } = await saved();
  const file = joinUri(uri, 'kmeans.json');
  const bytes = await store.get(file);
  bytes[10] ^= 1;
  await store.put(file, bytes);
  await assert.rejects(loadBundle(store, uri), isCode('THREATLAB_CHECKSUM', /kmeans\.json/));
});

test('a manifest hash other than the announced one is refused', async () => {
  const { store, uri } = await saved();
  await assert.rejects(loadBundle(store, uri, { expectedManifestSha256: 'a'.repeat(64) }), isCode('THREATLAB_CHECKSUM'));
});

test('another feature spec is refused, naming both hashes', async () => {
  const { store, uri, manifest } = await saved();
  const other = 'b'.repeat(64);
  await assert.rejects(loadBundle(store, uri, { expectedFeatureSpecHash: other }), isCode('THREATLAB_FEATURE_SPEC_MISMATCH', new RegExp(`${manifest.featureSpecHash}.*${other}`)));
});

async function withManifest(edit: (m: BundleManifest) => void) {
  const { store, uri } = await saved();
  const m = JSON.parse(new TextDecoder().decode(await store.get(joinUri(uri, MANIFEST_FILE)))) as BundleManifest;
  edit(m);
  await store.put(joinUri(uri, MANIFEST_FILE), new TextEncoder().encode(JSON.stringify(m)));
  return { store, uri };
}

test('non-finite weights, an unknown format version or a missing checksum entry are refused as THREATLAB_BAD_MODEL', async () => {
  for (const edit of [
    (m: BundleManifest) => { (m.weights as Record<string, unknown>).cluster = null; },
    (m: BundleManifest) => { (m as { formatVersion: number }).formatVersion = 2; },
    (m: BundleManifest) => { delete m.files['kmeans.json']; },
    (m: BundleManifest) => { m.threshold = Number.NaN; },
    (m: BundleManifest) => { m.calibration.final.values[0] = Number.NaN; },
  ]) {
    const { store, uri } = await withManifest(edit);
    await assert.rejects(loadBundle(store, uri), isCode('THREATLAB_BAD_MODEL'));
  }
});

test('k-means parameters that would score NaN are refused even with valid checksums', async () => {
  const bundle = structuredClone(trained.bundle);
  const params = JSON.parse(new TextDecoder().decode(bundle.files['kmeans.json'])) as { scales: number[] };
  params.scales[0] = 0;
  bundle.files['kmeans.json'] = new TextEncoder().encode(JSON.stringify(params));
  const store = new MemoryArtifactStore();
  await saveBundle(store, 'memory://m/bad', bundle);
  await assert.rejects(loadBundle(store, 'memory://m/bad'), isCode('THREATLAB_BAD_MODEL'));
});

test('the pipeline refuses an engine of another dimension, and swapModel keeps the engine', async () => {
  const { store, uri } = await saved();
  const loaded = await loadBundle(store, uri);
  const engine = FeatureEngine.restore(loaded.profiles!);
  const p = new ScoringPipeline(loaded, engine, { modelRef: { name: 'x', version: '1' } });
  p.swapModel(trained.model, { name: 'x', version: '2' });
  assert.equal(p.engine, engine);
  assert.equal(p.scoreBatch(test_.slice(0, 3))[0].model.version, '2');
  const fake = { dim: engine.dim - 1, extract() {}, learn() {}, snapshot: () => new Uint8Array() };
  assert.throws(() => new ScoringPipeline(loaded, fake, { modelRef: { name: 'x', version: '1' } }), isCode('THREATLAB_FEATURE_SPEC_MISMATCH'));
});

test('alerted events are not learned by default, so a repeated attack stays visible', async () => {
  const { store, uri } = await saved();
  const bundled = await loadBundle(store, uri);
  // A tiny tenant's threshold is noisy; pin it so the test is about learning, not about this threshold.
  const loaded = Object.assign(Object.create(bundled) as typeof bundled, { manifest: { ...bundled.manifest, threshold: 0.995, learnThreshold: 0.99 } });
  const victim = train[train.length - 1];
  const attack: Activity = { ...victim, id: 'attack-1', time: victim.time + 3_600_000, ip: '41.58.0.1', geo: { country: 'NG', city: 'Lagos', lat: 6.45, lon: 3.39, timeZone: 'Africa/Lagos' }, asn: 64512, asnOrg: 'Unknown hosting', userAgent: 'python-requests/2.31', device: { id: null, family: 'cli', os: null, browser: null } };
  const again = { ...attack, id: 'attack-2', time: attack.time + 60_000 };
  const strict = new ScoringPipeline(loaded, FeatureEngine.restore(loaded.profiles!), { modelRef: { name: 'x', version: '1' } });
  const [first, second] = strict.scoreBatch([attack, again]);
  assert.ok(first.alert, `the first sign-in from a new country with a new tool should alert (score ${first.score})`);
  assert.ok(second.score >= 0.995, `the second one is as unusual: the first was not learned (score ${second.score})`);
  assert.ok(!second.alert && second.groupedInto === 'attack-1', 'and it is evidence for the open alert, not a second alert');
  assert.match(first.reasons.map((r) => r.detail).join(' | '), /NG/);
  const learning = new ScoringPipeline(loaded, FeatureEngine.restore(loaded.profiles!), { modelRef: { name: 'x', version: '1' }, learnAlerts: true });
  const [, secondLearned] = learning.scoreBatch([attack, again]);
  assert.ok(secondLearned.score < second.score, 'learning the first attack event makes the second look less unusual');
});

test('every score has a reason: feature-level above the explain floor and on every alert, one brief reason below it', () => {
  const floor = 0.99;
  const pipeline = (explainFloor: number) => new ScoringPipeline(trained.model, FeatureEngine.restore(trained.engine.snapshot()), { modelRef: { name: 'x', version: '1' }, explainFloor });
  const brief = pipeline(floor).scoreBatch(test_);
  const full = pipeline(0).scoreBatch(test_);
  assert.ok(brief.every((s) => s.reasons.length >= 1), 'no score without a reason');
  const low = brief.filter((s) => s.score < floor);
  const high = brief.filter((s) => s.score >= floor);
  assert.ok(low.length > 0 && high.length > 0, `both sides of the floor are exercised (${low.length} below, ${high.length} above)`);
  assert.ok(low.every((s) => s.reasons.length === 1 && /training events/.test(s.reasons[0].detail)));
  // Above the floor (and so on every alert) the reasons are exactly the full ones; scores never change.
  brief.forEach((s, i) => {
    assert.equal(s.score, full[i].score);
    if (s.score >= floor || s.alert) assert.deepEqual(s.reasons, full[i].reasons);
  });
});

test('the inline memo changes nothing: scoreMatrix with the row-by-row inline scores equals scoreMatrix alone', () => {
  const engine = FeatureEngine.restore(trained.engine.snapshot());
  const model = trained.model;
  const dim = engine.dim;
  const rows = Math.min(test_.length, 400);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    engine.extract(test_[i], data, i * dim);
    engine.learn(test_[i]);
  }
  const x = { data, rows, dim };
  const memo = model.newInlineMemo(rows);
  const inline = Array.from({ length: rows }, (_, i) => model.scoreInlineRow(x, i, memo));
  assert.equal(memo.filled, rows);
  assert.deepEqual(inline, Array.from(model.scoreInline(x)));
  const withMemo = model.scoreMatrix(x, memo);
  const without = model.scoreMatrix(x);
  assert.deepEqual(withMemo, without);
  // The inline score never exceeds the full one (the combination is max-style), so an inline alert is an alert.
  inline.forEach((v, i) => assert.ok(v <= without.score[i] + 1e-12, `row ${i}: inline ${v} > full ${without.score[i]}`));
  // A memo filled for fewer rows than the matrix is ignored, not misread.
  const partial = model.newInlineMemo(rows);
  model.scoreInlineRow(x, 0, partial);
  assert.deepEqual(model.scoreMatrix(x, partial), without);
});
