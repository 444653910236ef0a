/**
 * Model and state life cycle on the in-process bus: shadow scoring never emits the
 * challenger's alerts; an unreachable store is retried until the model arrives;
 * profiles are checkpointed on revocation and restored by the next owner.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { ThreatlabError } from '../../src/errors/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import type { ArtifactStore } from '../../src/registry/types.js';
import { createLogger } from '../../src/serving/logger.js';
import { createMetrics } from '../../src/serving/metrics.js';
import { ModelManager } from '../../src/serving/model-manager.js';
import { createRuntime } from '../../src/serving/runtime.js';
import { startService } from '../../src/serving/service.js';
import { MemoryBus, type ConsumedMessage } from '../../src/streaming/index.js';
import { activity, attack, updateFor, writeRealBundle } from './fixtures.js';

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const configFor = (extra: Record<string, unknown> = {}) => loadConfig({}, {
  stateDir: mkdtempSync(path.join(tmpdir(), 'tl-life-')), artifactRoot: 'memory://state', logLevel: 'silent', ...extra,
});
const silent = createLogger('silent');

describe('serving life cycle', () => {
  it('scores in shadow with the challenger alias, reports it, and emits only champion outputs', async () => {
    const bus = new MemoryBus({ partitions: 2 });
    const store = new MemoryArtifactStore();
    const config = configFor({ model: { shadowAlias: 'challenger' } });
    const champion = await writeRealBundle(store, 'memory://m/champ', { seed: 1 });
    const challenger = await writeRealBundle(store, 'memory://m/chall', { seed: 5, perUser: 48 });
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate(updateFor(champion, '1')), encodeModelUpdate(updateFor(challenger, '2', 'challenger'))]);
    const service = await startService({ config, bus, store, registry: null, logger: silent, defaultMetrics: false });
    try {
      await until(() => service.models.shadow?.ref.version === '2', 'the challenger loaded');
      const out: ConsumedMessage[] = [];
      await bus.consumer({ topics: [config.topics.scores, config.topics.alerts], fromBeginning: true, eachBatch: async (b) => { out.push(...b.messages); } }).run();
      const events = [...Array.from({ length: 40 }, (_, i) => activity(i, 41)), attack(1, 42), attack(2, 42)];
      await p.send(config.topics.activities, events.map((a) => ({ key: a.user, value: Buffer.from(JSON.stringify(a)) })));
      await until(() => service.scorer.totals.scored === events.length, `all scored ${JSON.stringify(service.scorer.totals)}`);
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(out.every((m) => JSON.parse(m.value!.toString()).model.version === '1'), 'only the champion emits');
      const model = (await service.app.inject({ method: 'GET', url: '/v1/model' })).json();
      assert.equal(model.shadow.alias, 'challenger');
      assert.equal(model.shadow.model.version, '2');
      assert.equal(model.stats.shadow.scored, events.length);
      assert.equal(model.stats.champion.scored, events.length);
      assert.equal(model.stats.shadow.model.version, '2');
      const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, /threatlab_score_count\{role="shadow"\} 42/);
    } finally {
      await service.stop();
      await bus.close();
    }
  });

  it('keeps the current model while the store is unreachable and swaps when it is back', async () => {
    const inner = new MemoryArtifactStore();
    const bundle = await writeRealBundle(inner, 'memory://m/flaky', { seed: 1 });
    let failures = 3;
    const flaky: ArtifactStore = {
      schemes: inner.schemes,
      put: (u, d) => inner.put(u, d),
      exists: (u) => inner.exists(u),
      list: (u) => inner.list(u),
      delete: (u) => inner.delete(u),
      get: async (u) => {
        if (failures > 0) {
          failures--;
          throw new ThreatlabError('THREATLAB_STORE_UNAVAILABLE', 'store down (test)');
        }
        return inner.get(u);
      },
    };
    const metrics = createMetrics({ defaultMetrics: false });
    const manager = new ModelManager({ modelName: 'threatlab', alias: 'champion', runtime: createRuntime(), store: flaky, metrics, logger: silent, retryBaseMs: 5, retryMaxMs: 20 });
    await manager.handle(updateFor(bundle, '9'));
    assert.equal(failures, 0, 'it retried through every failure');
    assert.equal(manager.champion?.ref.version, '9');
    assert.equal(manager.lastRefusal, null, 'an outage is not a refusal');
  });

  it('checkpoints profiles when partitions are revoked and restores them for the next owner', async () => {
    const bus = new MemoryBus({ partitions: 2 });
    const store = new MemoryArtifactStore();
    const config = configFor();
    const bundle = await writeRealBundle(store, 'memory://m/ck', { seed: 1 });
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
    const first = await startService({ config, bus, store, registry: null, logger: silent, defaultMetrics: false, partitions: 2 });
    const events = Array.from({ length: 80 }, (_, i) => activity(i % 40, 41 + Math.floor(i / 40)));
    await p.send(config.topics.activities, events.map((a) => ({ key: a.user, value: Buffer.from(JSON.stringify(a)) })));
    await until(() => first.scorer.totals.scored === 80, 'first instance scored 80');
    await first.stop();
    const saved = await store.list('memory://state/checkpoints/');
    assert.equal(saved.length, 2, `one checkpoint per partition: ${saved.join(', ')}`);

    const second = await startService({ config, bus, store, registry: null, logger: silent, defaultMetrics: false, partitions: 2 });
    try {
      await second.ready();
      const metrics = (await second.app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, /threatlab_checkpoints_total\{outcome="restored"\} 2/);
      const later = activity(3, 43);
      await p.send(config.topics.activities, [{ key: later.user, value: Buffer.from(JSON.stringify(later)) }]);
      await until(() => second.scorer.totals.scored === 1, 'the next event scored by the new owner');
      assert.equal(second.scorer.totals.inputs, 1, 'committed events are not scored again');
    } finally {
      await second.stop();
      await bus.close();
    }
  });
});
