import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isThreatlabError } from '../../src/errors/index.js';
import {
  EmbeddedRegistry, MemoryArtifactStore, promote, publishCurrentAliases, registerBundle, rollback,
} from '../../src/registry/index.js';
import type { ModelUpdateMessage, PromotionDeps } from '../../src/registry/index.js';
import { MemoryBus } from '../../src/streaming/index.js';
import { readTopic, writeTestBundle } from './helpers.js';

const hasCode = (code: string) => (err: unknown) => isThreatlabError(err) && err.code === code;
const TOPIC = 'threatlab.models';

async function setup() {
  const dir = await mkdtemp(path.join(tmpdir(), 'threatlab-promo-'));
  const store = new MemoryArtifactStore();
  const registry = new EmbeddedRegistry(dir);
  const bus = new MemoryBus();
  const deps: PromotionDeps = { registry, store, bus, topic: TOPIC };
  const register = async (n: number) => {
    const b = await writeTestBundle(store, `memory://train/out-${n}`, 'spec-A');
    return registerBundle({ registry, store, artifactRoot: 'memory://models/root' }, {
      name: 'm', bundleUri: b.uri, manifestSha256: b.manifestSha256, featureSpecHash: b.featureSpecHash, metrics: { auc: 0.9 }, params: { k: n },
    });
  };
  const messages = async (count: number) => (await readTopic(bus, TOPIC, count, 2_000)).map((m) => ({ key: m.key, value: JSON.parse(m.value!.toString()) as ModelUpdateMessage }));
  return { dir, store, registry, bus, deps, register, messages, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test('register copies the bundle under the artifact root and tags the version', async () => {
  const s = await setup();
  try {
    const reg = await s.register(1);
    assert.match(reg.uri, /^memory:\/\/models\/root\/m\/bundle-[0-9a-f]{16}$/);
    assert.equal(reg.version.version, '1');
    assert.equal(reg.version.source, reg.uri);
    assert.equal(reg.version.tags.feature_spec_hash, 'spec-A');
    assert.equal(reg.version.tags.manifest_sha256.length, 64);
    assert.equal(reg.version.runId, reg.runId);
    const copied = await s.store.list(reg.uri);
    assert.deepEqual(copied.map((u) => u.slice(reg.uri.length + 1)), ['manifest.json', 'prevalence.json', 'weights.bin']);
    // Wrong hash reported by training: refused, nothing registered.
    const b = await writeTestBundle(s.store, 'memory://train/bad', 'spec-A');
    await assert.rejects(registerBundle({ registry: s.registry, store: s.store, artifactRoot: 'memory://models/root' }, {
      name: 'm', bundleUri: b.uri, manifestSha256: '0'.repeat(64), featureSpecHash: 'spec-A', metrics: {}, params: {},
    }), hasCode('THREATLAB_CHECKSUM'));
    assert.equal((await s.registry.listVersions('m')).length, 1);
  } finally {
    await s.cleanup();
  }
});

test('promote sets the alias first, then publishes the update; again is harmless', async () => {
  const s = await setup();
  try {
    const r1 = await s.register(1);
    const result = await promote(s.deps, { name: 'm', version: '1', alias: 'champion', who: 'ann', why: 'first' });
    assert.equal(result.move?.to, '1');
    assert.equal((await s.registry.getByAlias('m', 'champion')).version, '1');
    const again = await promote(s.deps, { name: 'm', version: '1', alias: 'champion', who: 'ann', why: 'again' });
    assert.equal(again.move, null, 'no second history entry for a no-op');
    assert.equal((await s.registry.aliasHistory('m')).length, 1);
    const msgs = await s.messages(2);
    assert.equal(msgs.length, 1, 'compacted topic keeps the newest message per model@alias');
    assert.equal(msgs[0].key, 'm@champion');
    assert.deepEqual({ ...msgs[0].value, publishedAt: 0 }, {
      model: 'm', version: '1', alias: 'champion', uri: r1.uri, manifestSha256: r1.version.tags.manifest_sha256, featureSpecHash: 'spec-A', publishedAt: 0,
    });
  } finally {
    await s.cleanup();
  }
});

test('bad promotions change nothing and publish nothing', async () => {
  const s = await setup();
  try {
    const r1 = await s.register(1);
    await assert.rejects(promote(s.deps, { name: 'm', version: '7', alias: 'champion', who: 'a', why: 'b' }), hasCode('THREATLAB_NOT_FOUND'));
    await assert.rejects(promote(s.deps, { name: 'nope', version: '1', alias: 'champion', who: 'a', why: 'b' }), hasCode('THREATLAB_NOT_FOUND'));
    await assert.rejects(promote(s.deps, { name: 'm', version: '1', alias: 'latest', who: 'a', why: 'b' }), hasCode('THREATLAB_INPUT'));
    // A corrupted component file: refused before the alias moves.
    await s.store.put(`${r1.uri}/weights.bin`, new Uint8Array([1, 2, 3]));
    await assert.rejects(promote(s.deps, { name: 'm', version: '1', alias: 'champion', who: 'a', why: 'b' }), hasCode('THREATLAB_CHECKSUM'));
    // A missing bundle.
    await s.store.delete(`${r1.uri}/manifest.json`);
    await assert.rejects(promote(s.deps, { name: 'm', version: '1', alias: 'champion', who: 'a', why: 'b' }), hasCode('THREATLAB_NOT_FOUND'));
    await assert.rejects(s.registry.getByAlias('m', 'champion'), hasCode('THREATLAB_NOT_FOUND'));
    assert.deepEqual(await s.registry.aliasHistory('m'), []);
    assert.equal((await s.messages(1)).length, 0);
  } finally {
    await s.cleanup();
  }
});

test('rollback returns to the previous version; publish re-announces current aliases', async () => {
  const s = await setup();
  try {
    for (const n of [1, 2, 3]) {
      await s.register(n);
      await promote(s.deps, { name: 'm', version: String(n), alias: 'champion', who: 'ann', why: `v${n}` });
    }
    const back = await rollback(s.deps, { name: 'm', alias: 'champion', who: 'bob', why: 'false positives' });
    assert.deepEqual([back.move?.from, back.move?.to, back.move?.kind], ['3', '2', 'rollback']);
    const back2 = await rollback(s.deps, { name: 'm', alias: 'champion', who: 'bob', why: 'still bad' });
    assert.equal(back2.message.version, '1');
    await assert.rejects(rollback(s.deps, { name: 'm', alias: 'champion', who: 'bob', why: 'no more' }), hasCode('THREATLAB_NOT_FOUND'));
    await promote(s.deps, { name: 'm', version: '3', alias: 'challenger', who: 'ann', why: 'shadow' });
    const published = await publishCurrentAliases(s.deps);
    assert.deepEqual(published.map((m) => `${m.alias}=${m.version}`), ['challenger=3', 'champion=1']);
    const latest = await s.messages(2);
    const byKey = Object.fromEntries(latest.map((m) => [m.key, m.value.version]));
    assert.deepEqual(byKey, { 'm@champion': '1', 'm@challenger': '3' });
  } finally {
    await s.cleanup();
  }
});

test('a failed registry write publishes nothing; a failed publish is recovered by publishCurrentAliases', async () => {
  const s = await setup();
  try {
    await s.register(1);
    const failingRegistry = Object.create(s.registry) as typeof s.registry;
    failingRegistry.setAlias = async () => {
      throw new Error('disk full');
    };
    await assert.rejects(promote({ ...s.deps, registry: failingRegistry }, { name: 'm', version: '1', alias: 'champion', who: 'a', why: 'b' }), /disk full/);
    assert.equal((await s.messages(1)).length, 0, 'nothing published');

    // The bus accepts the connection but loses the send: the alias has moved, the error says how to recover.
    const flakyBus = Object.create(s.bus) as typeof s.bus;
    flakyBus.producer = async () => {
      const real = await s.bus.producer();
      return { send: async () => { throw new Error('broker gone'); }, sendBatch: (b) => real.sendBatch(b), disconnect: () => real.disconnect() };
    };
    await assert.rejects(promote({ ...s.deps, bus: flakyBus }, { name: 'm', version: '1', alias: 'champion', who: 'a', why: 'b' }),
      (err: unknown) => hasCode('THREATLAB_BUS_UNAVAILABLE')(err) && /threatlab models publish m/.test((err as Error).message));
    assert.equal((await s.registry.getByAlias('m', 'champion')).version, '1');
    assert.equal((await s.messages(1)).length, 0);
    await publishCurrentAliases(s.deps, { name: 'm' });
    const recovered = await s.messages(1);
    assert.deepEqual(recovered.map((m) => [m.key, m.value.version]), [['m@champion', '1']]);
  } finally {
    await s.cleanup();
  }
});
