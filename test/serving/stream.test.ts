/**
 * The stream scorer end to end on the in-process bus with a real (small) model bundle:
 * every input becomes one score or one dead letter, models hot-swap between batches,
 * a bad model is refused while the old one keeps serving.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { startService, type Service } from '../../src/serving/service.js';
import { MemoryBus, type ConsumedMessage } from '../../src/streaming/index.js';
import { activity, attack, updateFor, writeRealBundle, type TestBundle } from './fixtures.js';

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function collect(bus: MemoryBus, topic: string): ConsumedMessage[] {
  const got: ConsumedMessage[] = [];
  void bus.consumer({ topics: [topic], fromBeginning: true, eachBatch: async (b) => { got.push(...b.messages); } }).run();
  return got;
}

describe('stream scorer on the in-process bus', () => {
  const bus = new MemoryBus({ partitions: 3 });
  const store = new MemoryArtifactStore();
  const config = loadConfig({}, { stateDir: mkdtempSync(path.join(tmpdir(), 'tl-serve-')), artifactRoot: 'memory://state', logLevel: 'silent', serve: { inputFormat: 'auto' } });
  let service: Service;
  let v1: TestBundle;
  let v2: TestBundle;
  let scores: ConsumedMessage[];
  let letters: ConsumedMessage[];
  let alerts: ConsumedMessage[];

  before(async () => {
    v1 = await writeRealBundle(store, 'memory://models/v1', { seed: 1 });
    v2 = await writeRealBundle(store, 'memory://models/v2', { seed: 2, perUser: 48 });
    await bus.ensureTopics([{ name: config.topics.models, partitions: 1, compacted: true }]);
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate(updateFor(v1, '1'))]);
    service = await startService({ config, bus, store, registry: null, defaultMetrics: false, logger: createLogger('silent'), maxBatchSize: 50 });
    await service.ready();
    scores = collect(bus, config.topics.scores);
    letters = collect(bus, config.topics.deadLetter);
    alerts = collect(bus, config.topics.alerts);
  });

  after(async () => {
    await service?.stop();
    await bus.close();
  });

  it('turns every input into exactly one score or one dead letter', async () => {
    const p = await bus.producer();
    const good = Array.from({ length: 120 }, (_, i) => activity(i % 40, 100 + Math.floor(i / 40)));
    await p.send(config.topics.activities, good.map((a) => ({ key: a.user, value: Buffer.from(JSON.stringify(a)) })));
    await p.send(config.topics.activities, [
      { key: 'x', value: Buffer.from('{"truncated": ') },
      { key: 'y', value: Buffer.from(JSON.stringify({ ...activity(1, 1), user: '' })) },
      { key: 'z', value: null },
      { key: 'w', value: Buffer.from('[1,2,3]') },
    ]);
    await until(() => scores.length >= 120 && letters.length >= 4, '120 scores and 4 dead letters');
    const ids = scores.map((m) => JSON.parse(m.value!.toString()).eventId as string);
    assert.deepEqual([...new Set(ids)].sort(), good.map((a) => a.id).sort());
    assert.equal(ids.length, 120, 'no duplicates without redelivery');
    const dl = letters.map((m) => JSON.parse(m.value!.toString()) as { reason: string; raw: string; topic: string; offset: string });
    assert.equal(dl.length, 4);
    assert.ok(dl.every((d) => d.reason && d.topic === config.topics.activities && d.offset !== undefined));
    assert.ok(dl.some((d) => d.raw === '{"truncated": ' && d.reason === 'invalid_json'), JSON.stringify(dl.map((d) => d.reason)));
    const first = JSON.parse(scores[0].value!.toString());
    assert.equal(first.model.version, '1');
    assert.ok(first.score >= 0 && first.score <= 1);
    assert.ok(Array.isArray(first.reasons));
    for (const m of scores) assert.equal(m.key, JSON.parse(m.value!.toString()).user, 'scores are keyed by user');
  });


  it('scores the good events of a partly bad envelope and dead-letters each bad part', async () => {
    const p = await bus.producer();
    const [scoresBefore, lettersBefore] = [scores.length, letters.length];
    const ok = activity(3, 120);
    const record = { events: [ok, { ...ok, id: 'no-user', user: '' }] };
    await p.send(config.topics.activities, [{ key: ok.user, value: Buffer.from(JSON.stringify(record)) }]);
    await until(() => scores.length > scoresBefore && letters.length > lettersBefore, 'a score and a dead letter from one envelope');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(scores.slice(scoresBefore).map((m) => JSON.parse(m.value!.toString()).eventId), [ok.id]);
    const dl = letters.slice(lettersBefore).map((m) => JSON.parse(m.value!.toString()) as { reason: string; raw: string });
    assert.equal(dl.length, 1);
    assert.ok(dl[0].reason === 'partially_rejected' && dl[0].raw.includes('no-user') && /1 of 2 events/.test(JSON.stringify(dl[0])), JSON.stringify(dl));
  });
  it('alerts on an attack-like event and explains it', async () => {
    const p = await bus.producer();
    const bad = attack(3, 200);
    await p.send(config.topics.activities, [{ key: bad.user, value: Buffer.from(JSON.stringify(bad)) }]);
    await until(() => scores.some((m) => m.value!.toString().includes(bad.id)), 'the attack score');
    const s = JSON.parse(scores.find((m) => m.value!.toString().includes(bad.id))!.value!.toString());
    const normal = scores.slice(0, 120).map((m) => JSON.parse(m.value!.toString()).score as number);
    assert.ok(s.score > Math.max(...normal) - 1e-9 || s.alert, `attack ${s.score} vs normal max ${Math.max(...normal)}`);
    assert.ok(s.reasons.length > 0);
    if (s.alert) assert.ok(alerts.some((m) => m.value!.toString().includes(bad.id)), 'alerts reach the alerts topic');
  });

  it('hot-swaps a new version between batches and keeps the live profiles', async () => {
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate(updateFor(v2, '2'))]);
    await until(() => service.models.champion?.ref.version === '2', 'version 2 serving');
    const before = scores.length;
    const more = Array.from({ length: 60 }, (_, i) => activity(i % 40, 300 + i));
    await p.send(config.topics.activities, more.map((a) => ({ key: a.user, value: Buffer.from(JSON.stringify(a)) })));
    await until(() => scores.length >= before + 60, '60 more scores');
    const versions = scores.slice(before).map((m) => JSON.parse(m.value!.toString()).model.version);
    assert.ok(versions.every((v) => v === '2'), `all new scores by v2: ${[...new Set(versions)]}`);
    assert.equal(service.models.swaps, 2);
  });

  it('refuses a bad model and keeps serving the old one, visibly', async () => {
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate({ ...updateFor(v1, '3'), manifestSha256: 'f'.repeat(64) })]);
    await until(() => service.models.lastRefusal?.version === '3', 'refusal of v3');
    assert.equal(service.models.lastRefusal?.code, 'THREATLAB_CHECKSUM');
    await p.send(config.topics.models, [encodeModelUpdate({ ...updateFor(v1, '4'), featureSpecHash: 'other-spec' })]);
    await until(() => service.models.lastRefusal?.version === '4', 'refusal of v4');
    assert.equal(service.models.lastRefusal?.code, 'THREATLAB_FEATURE_SPEC_MISMATCH');
    assert.equal(service.models.champion?.ref.version, '2');
    const health = await service.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().lastRefusal.version, '4');
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /threatlab_model_refusals_total\{role="champion",reason="THREATLAB_CHECKSUM"\} 1/);
    const before = scores.length;
    const a = activity(5, 90);
    await p.send(config.topics.activities, [{ key: a.user, value: Buffer.from(JSON.stringify(a)) }]);
    await until(() => scores.length > before, 'a score after the refusals');
    assert.equal(JSON.parse(scores[scores.length - 1].value!.toString()).model.version, '2');
  });
});
